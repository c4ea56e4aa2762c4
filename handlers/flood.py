"""The flood guard (first handler group): messages and button presses of a user over the limit of bot.services.flood are
answered once with a polite "slow down", then dropped until the window has passed. Inline queries are not
counted: clients send one per keystroke, and Telegram caches their answers."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.services.flood import FloodControl, Verdict
from handlers.chat import in_chat
from handlers.groups import addressed
from handlers.services import BotContext

log = logging.getLogger(__name__)


def flood_control(context: BotContext) -> FloodControl:
    return context.bot_data["flood"]


async def guard(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or (update.message is None and update.callback_query is None):
        return
    if update.message is not None and not addressed(update.message, context.bot):
        return  # group chatter not meant for the bot: not answered, so not counted (nor told to slow down)
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
    here = await in_chat(update, context)
    if here is None:  # messages and the buttons under them all come from a chat
        return
    seconds = max(1, round(control.window))
    text = here.t.ngettext(
        "You are sending messages faster than I can answer. Please wait a second, then ask again.",
        "You are sending messages faster than I can answer. Please wait {n} seconds, then ask again.", seconds)
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await here.say(text)
