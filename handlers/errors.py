"""The error handler: logs the error with what caused it, and tells the user politely when there is a user to
tell. Users who blocked the bot are marked, never written to again from here."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError, TimedOut

from bot.botapi.retry import Failure, failure_of
from bot.common import metrics
from bot.common.i18n import translator
from handlers.replies import escape, mark_blocked
from handlers.services import BotContext, client_language

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    metrics.failed(error)
    chat = update.effective_chat if isinstance(update, Update) else None
    user = update.effective_user if isinstance(update, Update) else None
    where = (f"update {update.update_id} (chat {chat.id if chat else None}, user {user.id if user else None})"
             if isinstance(update, Update) else "no update")
    if isinstance(error, Forbidden) and chat is not None:
        await mark_blocked(context, chat.id, chat.type, error)
        return
    if isinstance(error, NetworkError) and not isinstance(update, Update):
        log.warning("network trouble talking to Telegram: %s", error)  # polling retries on its own
        return
    if isinstance(error, TimedOut) and failure_of(error) is Failure.NO_ANSWER:
        # Sent, and no answer in time: Telegram has most likely delivered the reply (bot.botapi.retry does not
        # repeat it), so an apology would follow a delivered answer.
        log.warning("no answer from Telegram in time while handling %s: %s", where, error)
        return
    log.error("error while handling %s: %r", where, error, exc_info=error)
    if chat is None or (isinstance(update, Update) and update.inline_query is not None):
        return
    # The user's Telegram language: no database read here, the database may be what failed.
    t = translator(client_language(user) or context.bot_data["services"].settings.default_language)
    try:
        await context.bot.send_message(chat.id, escape(t._("Sorry, something went wrong on my side. Please try "
                                                             "again in a moment.")))
    except TelegramError as second:
        log.warning("could not tell chat %s about the error: %s", chat.id, second)
