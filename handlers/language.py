"""/language: an inline keyboard to choose English, French or Spanish; the choice is stored per user in the database."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from bot.common.i18n import SUPPORTED, translator
from handlers import callbackdata
from handlers.callbackdata import ButtonAction
from handlers.chat import in_chat
from handlers.replies import OutgoingMessage, edit, escape, keyboard
from handlers.services import BotContext, blocking

# Each language is named in itself (endonyms), whatever the reader's language: not translated on purpose.
NAMES = {"en": "English", "fr": "Français", "es": "Español"}
assert set(SUPPORTED) <= set(NAMES), "a supported language has no name on the /language keyboard"


def _keyboard(context: BotContext, lang: str) -> InlineKeyboardMarkup | None:
    store = context.services.store
    return keyboard([[(("✓ " if code == lang else "") + NAMES[code],
                       callbackdata.encode(store, ButtonAction.LANGUAGE, (code,), lang)) for code in SUPPORTED]])


def confirmation(lang: str) -> str:
    """"Done", in the language chosen."""
    t = translator(lang)
    if lang == "fr":
        return t._("Done: I will answer in French. A question written in English or Spanish still gets its answer in "
                   "that language.")
    if lang == "es":
        return t._("Done: I will answer in Spanish. A question written in English or French still gets its answer in "
                   "that language.")
    return t._("Done: I will answer in English. A question written in French or Spanish still gets its answer in "
               "that language.")


async def choose(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    await here.say(here.t._("Which language should I answer in?"), _keyboard(context, here.lang))


async def chosen(update: Update, context: BotContext, code: str) -> None:
    """A language button was pressed (the callback query is already answered)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None or code not in SUPPORTED:
        return
    await blocking(context.services.store.set_language, user.id, code)
    await edit(context, query, OutgoingMessage([escape(confirmation(code))], _keyboard(context, code), lang=code))
