"""The Telegram bot: builds the python-telegram-bot Application over the core and runs it (polling by default,
a webhook when WEBHOOK_URL is set).

Every handler is registered here, in one list (guards first); the handlers themselves live in handlers/.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode, urlparse

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseHandler,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.botapi.retry import RetryingRequest
from bot.common import logsafe
from bot.common.config import Settings
from bot.core.service import Assistant
from bot.services.chatstate import ChatStore
from bot.services.flood import FloodControl
from bot.telegram import health
from bot.telegram.update_ledger import Ledger, LedgerBot, LedgerUpdateProcessor
from handlers import (
    admin,
    alerts,
    ask,
    callbacks,
    chat_members,
    commitment,
    errors,
    flood,
    follow,
    inline,
    journalists,
    language,
    search,
    start,
)
from handlers.commands import menu
from handlers.help import help_command
from handlers.services import BotApplication, BotContext, Services, blocking

log = logging.getLogger(__name__)

GUARDS, MAIN = -1, 0
# Updates handled at once (one at a time per chat). Telegram answers in ~50-100 ms and allows ~30 messages/s,
# so 16 in flight keep up with it; more only adds connection-pool bookkeeping (measured with bench.e2e).
MAX_CONCURRENT_UPDATES = 16
POLL_TIMEOUT = 30  # seconds a getUpdates long poll stays open
INDEX_CHECK_SECONDS = 2.0  # how often the dataset version is checked (a refresh by another replica)
ALLOWED_UPDATES = ["message", "callback_query", "inline_query", "my_chat_member"]


def handlers() -> list[tuple[int, BaseHandler[Any, BotContext, Any]]]:
    """Every handler, in the order Telegram updates are matched against them."""
    new_text = filters.UpdateType.MESSAGE & filters.TEXT  # edits of old messages are not asked again
    return [
        # Guards: state changes that must be seen before (and whatever) any answer.
        (GUARDS, ChatMemberHandler(chat_members.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)),
        # Flood control: a user over FLOOD_MAX_MESSAGES in FLOOD_WINDOW_SECONDS is told once, then ignored a while.
        (GUARDS, TypeHandler(Update, flood.guard)),
        # Commands. Payload-specific /start first (python-telegram-bot's deeplinking example).
        (MAIN, CommandHandler("start", start.start_with_payload, filters.Regex(start.DEEP_LINK))),
        (MAIN, CommandHandler("start", start.start)),
        (MAIN, CommandHandler("help", help_command)),
        (MAIN, CommandHandler("language", language.choose)),
        (MAIN, CommandHandler("commitment", commitment.commitment)),
        (MAIN, CommandHandler("search", search.search)),
        (MAIN, CommandHandler("chart", journalists.chart)),
        (MAIN, CommandHandler("export", journalists.export)),
        (MAIN, CommandHandler("follow", follow.follow)),
        (MAIN, CommandHandler("unfollow", follow.unfollow)),
        (MAIN, CommandHandler("following", follow.following)),
        (MAIN, CommandHandler("import", admin.import_command)),
        (MAIN, MessageHandler(admin.IMPORT_CAPTION, admin.import_caption)),
        (MAIN, CommandHandler("refresh", admin.refresh_command)),
        (MAIN, CommandHandler("history", admin.history_command)),
        (MAIN, CommandHandler("rollback", admin.rollback_command)),
        (MAIN, CommandHandler("stats", admin.stats_command)),
        # Buttons and inline mode.
        (MAIN, CallbackQueryHandler(follow.unfollow_button, pattern=follow.PATTERN)),
        (MAIN, CallbackQueryHandler(admin.admin_button, pattern=admin.PATTERN)),
        (MAIN, CallbackQueryHandler(callbacks.button)),
        (MAIN, InlineQueryHandler(inline.inline_query)),
        # Everything else that is text is a question for the core; so are unknown commands in private chats
        # (the core says what it can do). In groups, other bots' commands are not ours to answer.
        (MAIN, MessageHandler(new_text & ~filters.COMMAND, ask.question)),
        (MAIN, MessageHandler(new_text & filters.COMMAND & filters.ChatType.PRIVATE, ask.question)),
    ]


# -- transport --------------------------------------------------------------------------------------------------


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's request interface (BaseRequest, its documented extension point) over aiohttp.

    Why: on a 2-core machine, with the fake Bot API in another process, a bare echo bot answers about 560
    updates/s through PTB's default HTTPXRequest with 16 concurrent updates (httpcore's pool bookkeeping
    grows with concurrency) and about 2,300/s through this class. Used when aiohttp is installed; PTB's
    HTTPXRequest otherwise. Status codes and errors are mapped by BaseRequest exactly as for HTTPXRequest.
    """

    def __init__(self, connection_pool_size: int, *, read_timeout: float | None = 5.0, write_timeout: float = 5.0,
                 connect_timeout: float = 5.0, pool_timeout: float = 10.0, media_write_timeout: float = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout, "media_write": media_write_timeout}
        self._session: Any = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        import aiohttp

        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, raise_for_status=False)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        import aiohttp

        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None

        def given(value: Any, name: str) -> Any:
            return self._timeouts[name] if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value

        read, connect = given(read_timeout, "read"), given(connect_timeout, "connect")
        pool, write = given(pool_timeout, "pool"), given(write_timeout, "media_write" if files else "write")
        # aiohttp has no separate write timeout: the time to send counts against the read timeout instead.
        timeout = aiohttp.ClientTimeout(total=None, connect=None if pool is None or connect is None else pool + connect,
                                        sock_connect=connect,
                                        sock_read=None if read is None else read + (write or 0))
        data: Any = request_data.json_parameters if request_data else None
        headers = None
        if data is not None and not files:
            # The form PTB's HTTPXRequest sends, encoded here: aiohttp's FormData would draw a multipart boundary
            # from os.urandom for every message (a system call a reply, a visible share of the bot's time).
            data, headers = urlencode(data).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        if files:
            form = aiohttp.FormData()
            for name, value in (data or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


TRANSPORTS = ("aiohttp", "httpx")


def default_transport() -> str:
    return "aiohttp" if importlib.util.find_spec("aiohttp") is not None else "httpx"


def _requests(transport: str) -> tuple[BaseRequest, BaseRequest]:
    """(replies, long poll): aiohttp (AiohttpRequest) or PTB's own HTTPXRequest with the same pool sizes, both
    retrying the calls that failed on the way (bot.botapi.retry)."""
    if transport == "httpx":
        replies: BaseRequest = HTTPXRequest(connection_pool_size=MAX_CONCURRENT_UPDATES, pool_timeout=10.0)
        poll: BaseRequest = HTTPXRequest(connection_pool_size=1, read_timeout=POLL_TIMEOUT + 10)
    else:
        replies, poll = AiohttpRequest(MAX_CONCURRENT_UPDATES), AiohttpRequest(1, read_timeout=10.0)
    return RetryingRequest(replies), RetryingRequest(poll)


def build_application(settings: Settings, assistant: Assistant | None = None, *,
                      rate_limiter: BaseRateLimiter[Any] | None = None, typing_after: float = 0.5,
                      transport: str | None = None) -> BotApplication:
    """The Application, not started. `assistant` defaults to one on DATABASE_URL, created at start-up;
    `transport` ("aiohttp" or "httpx") defaults to aiohttp when it is installed."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    defaults = Defaults(parse_mode=ParseMode.HTML,
                        # Answers end with their OGP source URL: a preview card of it would dwarf the answer.
                        link_preview_options=LinkPreviewOptions(is_disabled=True))
    # Replies get their own connection pool, as large as the concurrent updates; the long poll has its own
    # connection, so that it never waits behind replies, nor replies behind it.
    replies, poll = _requests(transport or default_transport())
    # Polling confirms updates to Telegram once handled, so a crash does not lose them (bot.telegram.update_ledger).
    ledger = Ledger()
    bot = LedgerBot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
                    base_file_url=settings.telegram_base_file_url or "", request=replies, get_updates_request=poll,
                    defaults=defaults, ledger=ledger,
                    # Outbound pacing (about 30 messages/s overall, 20/min per group); retries after a 429.
                    rate_limiter=rate_limiter or AIORateLimiter(max_retries=3))
    application = (
        Application.builder().bot(bot)
        .concurrent_updates(LedgerUpdateProcessor(MAX_CONCURRENT_UPDATES, ledger))
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .build()
    )
    application.bot_data["settings"] = settings
    application.bot_data["typing_after"] = typing_after
    application.bot_data["flood"] = FloodControl(settings.flood_max_messages, settings.flood_window_seconds)
    if assistant is not None:
        application.bot_data["services"] = Services(settings, assistant, ChatStore(assistant.engine), typing_after)
    for group, handler in handlers():
        application.add_handler(handler, group=group)
    application.add_error_handler(errors.on_error)
    return application  # type: ignore[return-value]


async def _post_init(application: BotApplication) -> None:
    """Services up, index built, command menus set, before the first update is fetched."""
    settings: Settings = application.bot_data["settings"]
    # First, so that /healthz answers (503) while the index is built.
    application.bot_data["health"] = await health.start(
        settings, lambda: getattr(application.bot_data.get("services"), "assistant", None))
    if "services" not in application.bot_data:
        assistant = await blocking(Assistant.from_url, settings.sqlalchemy_url,
                                   default_language=settings.default_language)
        application.bot_data["services"] = Services(settings, assistant, ChatStore(assistant.engine),
                                                    application.bot_data["typing_after"])
    services: Services = application.bot_data["services"]
    await blocking(services.assistant.refresh_if_stale)
    await blocking(services.store.prune_payloads)
    for lang in ("en", "fr"):
        await application.bot.set_my_commands(menu(lang), language_code=lang)
    await application.bot.set_my_commands(menu(settings.default_language))  # users of any other language
    await admin.set_menus(application)  # each admin's chat: everyone's commands plus the admin ones
    await alerts.start(application)  # followers' alerts: a catch-up pass now, then every ALERT_CHECK_SECONDS
    application.bot_data["index_watch"] = asyncio.create_task(_watch_index(services.assistant), name="index-watch")
    log.info("bot @%s ready (dataset version %s)", application.bot.username, services.assistant.version)


async def _watch_index(assistant: Assistant) -> None:
    """Rebuild the index when the dataset changes (a refresh made here, by an admin command, or by a replica)."""
    while True:
        await asyncio.sleep(INDEX_CHECK_SECONDS)
        try:
            await blocking(assistant.refresh_if_stale)
        except Exception:  # the database may be away for a moment: keep the old index, try again later
            log.exception("checking the dataset version failed")


async def _post_stop(application: BotApplication) -> None:
    task: asyncio.Task[None] | None = application.bot_data.pop("index_watch", None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    if isinstance(application.bot, LedgerBot):  # polling: confirm what was handled since the last poll
        try:
            await application.bot.confirm_handled()
        except TelegramError as error:  # Telegram keeps those updates: the next start answers them again
            log.warning("could not confirm the last handled updates: %s", error)


async def _post_shutdown(application: BotApplication) -> None:
    server: health.HealthServer | None = application.bot_data.pop("health", None)
    if server is not None:
        await server.stop()
    services: Services | None = application.bot_data.get("services")
    if services is not None:
        services.assistant.engine.dispose()  # close pooled connections; the engine reconnects if used again


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments of start_webhook/run_webhook: the local server, and the public URL given to Telegram."""
    path = urlparse(settings.webhook_url or "").path.lstrip("/")
    return {"listen": settings.webhook_listen, "port": settings.webhook_port, "url_path": path,
            "webhook_url": settings.webhook_url, "secret_token": settings.webhook_secret,
            "allowed_updates": ALLOWED_UPDATES}


POLLING_OPTIONS: dict[str, Any] = {"timeout": POLL_TIMEOUT, "allowed_updates": ALLOWED_UPDATES,
                                   # Keep updates sent while the bot was down: they are questions to answer.
                                   "drop_pending_updates": False}


@contextlib.asynccontextmanager
async def running(application: BotApplication, settings: Settings) -> AsyncIterator[BotApplication]:
    """The Application running inside an existing event loop (tests, benchmarks), started and stopped in the
    same order as run_polling/run_webhook do it."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    if settings.webhook_url:
        await application.updater.start_webhook(**webhook_options(settings))
    else:
        await application.updater.start_polling(**POLLING_OPTIONS)
    await application.start()
    try:
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def run_bot(settings: Settings) -> int:
    """Run until SIGINT/SIGTERM, then finish the updates in hand and stop cleanly. Returns the exit status."""
    if settings.webhook_url and not settings.webhook_secret:
        log.error("WEBHOOK_URL is set but WEBHOOK_SECRET is not: refusing to accept unauthenticated updates")
        return 2
    logsafe.install(settings)  # the token, the webhook secret and the database password never reach the logs
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger().level))
    application = build_application(settings)
    if settings.webhook_url:
        log.info("webhook mode: listening on %s:%s for %s", settings.webhook_listen, settings.webhook_port,
                 settings.webhook_url)
        application.run_webhook(**webhook_options(settings))
    else:
        log.info("polling mode: %s", settings.telegram_base_url.rsplit("/", 1)[0])
        application.run_polling(**POLLING_OPTIONS)
    return 0

