"""/help: what the bot understands (from the core, in the user's language) and its commands."""

from __future__ import annotations

from telegram import Update

from bot.common.i18n import translator
from handlers.commands import menu
from handlers.replies import plain, send
from handlers.services import BotContext, blocking, user_language


async def help_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    lang = await user_language(context, update.effective_user)
    answer = await blocking(context.services.assistant.help, lang=lang)
    t = translator(lang)
    commands = "\n".join(f"/{c.command} — {c.description}" for c in menu(lang))
    heading = t._("Commands:")
    text = f"{answer.text}\n\n{heading}\n{commands}"
    await send(context, chat.id, plain(text, lang), chat_type=chat.type)
