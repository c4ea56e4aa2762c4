"""A handler's chat: where its update came from, who wrote, the language to answer in, and the one way to
reply there (handlers.replies.send: the user's language, escaped HTML split under Telegram's 4,096
characters, users who blocked the bot marked).

    here = await in_chat(update, context)
    if here is None:
        return
    await here.say(here.t._("Give words to look for, for example: /search open data"))
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest

from bot.common.i18n import Translator, translator
from handlers.replies import OutgoingMessage, plain, send, send_text_file
from handlers.services import BotContext, user_language

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InChat:
    """The chat a handler replies in, and the language it replies in."""

    context: BotContext
    chat: Chat
    user: User | None
    lang: str

    @property
    def t(self) -> Translator:
        return translator(self.lang)

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> list[Message]:
        """Plain text (escaped here, split if it must be), the keyboard under its last part."""
        return await self.send(plain(text, self.lang, markup))

    async def send(self, message: OutgoingMessage) -> list[Message]:
        """A message rendered already (HTML parts, keyboard, chart)."""
        return await send(self.context, self.chat.id, message, chat_type=self.chat.type)

    async def send_file(self, name: str, text: str, caption: str | None = None) -> Message | None:
        """A plain-text document (UTF-8), for lists too long to read in messages."""
        return await send_text_file(self.context, self.chat.id, name, text, caption=caption, chat_type=self.chat.type)

    @property
    def private(self) -> bool:
        return self.chat.type == Chat.PRIVATE


async def in_chat(update: Update, context: BotContext, *, lang: str | None = None) -> InChat | None:
    """The update's chat, its user and the language to answer in: `lang` when the update carries one (a
    button's), else the user's (their choice, their Telegram language, the default; one database read).
    None when the update has no chat (nothing to reply to)."""
    chat = update.effective_chat
    if chat is None:
        return None
    user = update.effective_user
    return InChat(context, chat, user, lang or await user_language(context, user))


async def expired(update: Update, context: BotContext) -> None:
    """Answer a pressed button whose data is unknown or malformed (expired, from an older version, forged):
    "this button has expired", as an alert in the presser's language."""
    query = update.callback_query
    if query is None:
        return
    lang = await user_language(context, update.effective_user)
    try:
        await query.answer(translator(lang)._("This button has expired. Ask your question again."), show_alert=True)
    except BadRequest as error:
        log.info("callback query not answered: %s", error)
