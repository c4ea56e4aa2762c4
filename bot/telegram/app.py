"""The Telegram bot: builds the python-telegram-bot Application over the core and runs it (polling by default,
a webhook when WEBHOOK_URL is set).

Every handler is registered here, in one list (guards first); the handlers themselves live in handlers/.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import signal
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    BaseHandler,
    BaseRateLimiter,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.botapi.pacing import ChatPacer
from bot.botapi.retry import RetryingRequest
from bot.botapi.transport import AiohttpRequest
from bot.common import logsafe
from bot.common.config import Settings
from bot.common.i18n import SUPPORTED
from bot.core.service import Assistant
from bot.services.chatstate import ChatStore
from bot.services.flood import FloodControl
from bot.telegram import health, webhook
from bot.telegram.update_ledger import Ledger, LedgerBot, LedgerUpdateProcessor
from handlers import (
    admin,
    alerts,
    ask,
    callbackdata,
    callbacks,
    chat_members,
    commitment,
    errors,
    flood,
    follow,
    groups,
    inline,
    journalists,
    language,
    nontext,
    search,
    start,
)
from handlers.commands import menu, set_profile
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
        # Buttons: one handler for each action of handlers.callbackdata.ButtonAction (handlers.callbacks), those
        # with a handler of their own first; `button` takes the rest, stored payloads and expired buttons.
        *[(MAIN, CallbackQueryHandler(handler, pattern=callbackdata.pattern(action)))
          for action, handler in callbacks.OWN_HANDLERS.items()],
        (MAIN, CallbackQueryHandler(callbacks.button)),
        # Inline mode.
        (MAIN, InlineQueryHandler(inline.inline_query)),
        # Everything else that is text is a question for the core; so are unknown commands in private chats
        # (the core says what it can do). In groups, other bots' commands are not ours to answer, and only
        # messages that mention the bot or reply to it are for it (handlers.groups).
        (MAIN, MessageHandler(new_text & ~filters.COMMAND & groups.ADDRESSED, ask.question)),
        (MAIN, MessageHandler(new_text & filters.COMMAND & filters.ChatType.PRIVATE, ask.question)),
        # Stickers, voice, photos, files… (after the admin's /import caption above): a caption is asked, anything
        # else is told the bot reads text. Nothing is downloaded.
        (MAIN, MessageHandler(nontext.NON_TEXT, nontext.non_text)),
    ]


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
    # Outbound pacing per chat (about 1 message/s in a private chat, 20/min in a group), no overall cap on replies,
    # ALERTS_MAX_PER_SECOND for alerts; a 429 holds its chat only, then the call is retried (bot.botapi.pacing).
    pacing = rate_limiter or ChatPacer(bulk_per_second=settings.alerts_max_per_second)
    # Typed as the ExtBot it is: the Application built on it is then a BotApplication.
    bot: ExtBot[None] = LedgerBot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
                                  base_file_url=settings.telegram_base_file_url or "", request=replies,
                                  get_updates_request=poll, defaults=defaults, ledger=ledger, rate_limiter=pacing)
    application: BotApplication = (
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
    return application


async def _post_init(application: BotApplication) -> None:
    """Services up, index built, command menus set, before the first update is fetched."""
    settings: Settings = application.bot_data["settings"]
    # First, so that /healthz answers (503) while the index is built.
    application.bot_data["health"] = await health.start(
        settings, lambda: getattr(application.bot_data.get("services"), "assistant", None))
    if "services" not in application.bot_data:
        assistant = await blocking(Assistant.from_url, settings.sqlalchemy_url,
                                   default_language=settings.default_language, ogp_base_url=settings.ogp_base_url)
        application.bot_data["services"] = Services(settings, assistant, ChatStore(assistant.engine),
                                                    application.bot_data["typing_after"])
    services: Services = application.bot_data["services"]
    await blocking(services.assistant.refresh_if_stale)
    await blocking(services.store.prune_payloads)
    for lang in SUPPORTED:  # each language's menu, for users whose Telegram is in it
        await application.bot.set_my_commands(menu(lang), language_code=lang)
    await application.bot.set_my_commands(menu(settings.default_language))  # users of any other language
    await set_profile(application.bot, settings.default_language)  # the descriptions shown before /start
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
    """Arguments of bot.telegram.webhook.WebhookServer (the same as python-telegram-bot's run_webhook): the local
    server, and the public URL given to Telegram."""
    path = urlparse(settings.webhook_url or "").path.lstrip("/")
    return {"listen": settings.webhook_listen, "port": settings.webhook_port, "url_path": path,
            "webhook_url": settings.webhook_url, "secret_token": settings.webhook_secret,
            "allowed_updates": ALLOWED_UPDATES}


POLLING_OPTIONS: dict[str, Any] = {"timeout": POLL_TIMEOUT, "allowed_updates": ALLOWED_UPDATES,
                                   # Keep updates sent while the bot was down: they are questions to answer.
                                   "drop_pending_updates": False}


@contextlib.asynccontextmanager
async def running(application: BotApplication, settings: Settings) -> AsyncIterator[BotApplication]:
    """The Application running inside an existing event loop (run_bot, tests, benchmarks), started and stopped
    in the same order as run_polling does it. Webhook mode serves bot.telegram.webhook (an update acknowledged
    once handled) rather than python-telegram-bot's server (acknowledged once queued)."""
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    assert application.updater is not None
    async with contextlib.AsyncExitStack() as stack:
        try:
            if settings.webhook_url:
                await application.start()  # before the server: a delivered update is handled at once
                await stack.enter_async_context(webhook.serving(application, **webhook_options(settings)))
            else:
                await application.updater.start_polling(**POLLING_OPTIONS)
                await application.start()
            yield application
        finally:
            if application.updater.running:
                await application.updater.stop()
            await stack.aclose()  # the webhook server: updates being handled finish and are acknowledged
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
        asyncio.run(_serve_webhook(application, settings))
    else:
        log.info("polling mode: %s", settings.telegram_base_url.rsplit("/", 1)[0])
        application.run_polling(**POLLING_OPTIONS)
    return 0


async def _serve_webhook(application: BotApplication, settings: Settings) -> None:
    """Webhook mode until SIGINT/SIGTERM (what run_polling does for polling), then a graceful stop: the updates
    being handled finish and are acknowledged; those not yet delivered stay with Telegram."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running(application, settings):
        await stop.wait()
