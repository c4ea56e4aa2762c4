"""Webhook mode that acknowledges an update only once it has been handled, so that a crash loses nothing.

python-telegram-bot's own webhook server answers Telegram's POST with 200 as soon as the update is queued: a
replica killed while handling it (kill -9, out of memory, a node lost) has told Telegram it was delivered, and
the question is never answered. Here the POST is answered once the update has gone through the Application's
update processor (the per-chat order of bot.telegram.processor included, error handlers too); a replica that
dies first never answers, so Telegram delivers the update again, to this replica once restarted or to another.
Costs and limits, as for polling (bot.telegram.update_ledger):

- at least once, not exactly once: an update handled but whose 200 was lost (the replica died in between, or
  Telegram gave up waiting) is delivered again and answered again. Within one process a delivery of an update
  being handled waits for that handling, and one already handled (the last RECENT of them) is acknowledged at
  once;
- a slow update (an admin's import) is acknowledged after ACK_AFTER seconds anyway (logged), before Telegram
  gives up waiting and delivers it again; it goes on being handled;
- order: Telegram does not promise to hold a chat's next update while one is unanswered; the per-chat
  processor keeps the order of those that reach one replica (as in polling).

The secret token (X-Telegram-Bot-Api-Secret-Token, compared in constant time) and the JSON content type are
checked as python-telegram-bot checks them: 403 otherwise, and the update is never handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ACK_AFTER = 45.0  # seconds: Telegram waits about a minute for the answer before delivering again
RECENT = 10_000  # update ids remembered as handled, to acknowledge a repeated delivery at once
SHUTDOWN_SECONDS = 30.0  # a stop waits this long for the updates being handled
MAX_CONNECTIONS = 40  # Telegram's default: deliveries in flight at once


class WebhookServer:
    """An aiohttp server on `listen`:`port` answering POST /`url_path` for `application` (started)."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], *, listen: str, port: int,
                 url_path: str, webhook_url: str | None, secret_token: str | None,
                 allowed_updates: Sequence[str] | None = None, ack_after: float = ACK_AFTER) -> None:
        self.application, self.listen, self.port = application, listen, port
        self.path = "/" + url_path.lstrip("/")
        self.webhook_url, self.secret_token, self.allowed_updates = webhook_url, secret_token, allowed_updates
        self.ack_after = ack_after
        self._handling: dict[int, asyncio.Task[None]] = {}  # update id -> its handling
        self._handled: OrderedDict[int, None] = OrderedDict()  # the last RECENT handled update ids
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen, then tell Telegram where to deliver (setWebhook): nothing is delivered before we listen."""
        app = web.Application()
        app.router.add_post(self.path, self._post)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        if self.webhook_url:
            await self.application.bot.set_webhook(url=self.webhook_url, secret_token=self.secret_token,
                                                   allowed_updates=self.allowed_updates,
                                                   max_connections=MAX_CONNECTIONS)

    async def stop(self) -> None:
        """Stop accepting deliveries; those being handled finish (up to SHUTDOWN_SECONDS) and are acknowledged."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._handling:  # acknowledged after ACK_AFTER and still running
            await asyncio.wait(list(self._handling.values()), timeout=SHUTDOWN_SECONDS)

    async def _post(self, request: web.Request) -> web.StreamResponse:
        if request.content_type != "application/json":
            return web.Response(status=403)
        if self.secret_token is not None:
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                return web.Response(status=403)
        try:
            update = Update.de_json(json.loads(await request.read()), self.application.bot)
        except Exception:  # not an update: Telegram would deliver it again and again, to the same end
            log.exception("a webhook request that is not an update was refused")
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        await self.handled(update)
        return web.json_response(True)

    async def handled(self, update: Update) -> None:
        """Until `update` has been handled (or ACK_AFTER seconds passed: it goes on being handled)."""
        update_id = update.update_id
        if update_id in self._handled:
            return
        handling = self._handling.get(update_id)
        if handling is None:
            handling = asyncio.create_task(self._handle(update), name=f"webhook-update-{update_id}")
            self._handling[update_id] = handling
        try:
            # shield: an answer cut short (Telegram gave up, the server stops) does not cancel the handling.
            await asyncio.wait_for(asyncio.shield(handling), self.ack_after)
        except TimeoutError:
            log.warning("update %s still being handled after %.0f s: acknowledged anyway (a crash now would lose "
                        "it)", update_id, self.ack_after)

    async def _handle(self, update: Update) -> None:
        application = self.application
        try:
            application.bot.insert_callback_data(update)  # as python-telegram-bot's webhook does
            # The update processor, as for polled updates: concurrency bound, one at a time per chat. Errors of
            # handlers go to the error handlers there: an update that failed is handled, not delivered again.
            await application.update_processor.process_update(update, application.process_update(update))
        finally:
            self._handling.pop(update.update_id, None)
        self._handled[update.update_id] = None  # not when cancelled: a new delivery handles it again
        if len(self._handled) > RECENT:
            self._handled.popitem(last=False)


@contextlib.asynccontextmanager
async def serving(application: Application[Any, Any, Any, Any, Any, Any], **options: Any
                  ) -> AsyncIterator[WebhookServer]:
    """The webhook server for `application` (already started) while the block runs; `options` are
    bot.telegram.app.webhook_options."""
    server = WebhookServer(application, **options)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
