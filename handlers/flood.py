"""The flood guard (first handler group): messages and button presses of a user over the limit of bot.services.flood are
answered once with a polite "slow down", then dropped until the window has passed. Inline queries are not
counted: clients send one per keystroke, and Telegram caches their answers."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.common.i18n import translator
from bot.services.flood import FloodControl, Verdict
from handlers.replies import plain, send
from handlers.services import BotContext, user_language

log = logging.getLogger(__name__)


def flood_control(context: BotContext) -> FloodControl:
    return context.bot_data["flood"]


async def guard(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or (update.message is None and update.callback_query is None):
        return
    control = flood_control(context)
    verdict = control.check(user.id)
    if verdict is Verdict.ALLOW:
        return
    try:
        if verdict is Verdict.WARN:
            log.info("user %s sent more than %s messages in %s s: ignored for %s s", user.id, control.max_messages,
                     control.window, control.window)
            await _slow_down(update, context, control)
        elif update.callback_query is not None:
            await update.callback_query.answer()  # stop the button's spinner, say nothing more
    except TelegramError as error:  # the user is being ignored: a failed notice changes nothing
        log.info("flood notice to user %s not delivered: %s", user.id, error)
    except Exception:  # e.g. the database, for the user's language: still ignore the message
        log.warning("flood notice to user %s failed", user.id, exc_info=True)
    raise ApplicationHandlerStop


async def _slow_down(update: Update, context: BotContext, control: FloodControl) -> None:
    lang = await user_language(context, update.effective_user)
    seconds = max(1, round(control.window))
    text = translator(lang).ngettext(
        "You are sending messages faster than I can answer. Please wait a second, then ask again.",
        "You are sending messages faster than I can answer. Please wait {n} seconds, then ask again.", seconds)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_chat is not None:
        await send(context, update.effective_chat.id, plain(text, lang), chat_type=update.effective_chat.type)
