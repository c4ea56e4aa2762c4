"""/help: what the bot understands (from the core, in the user's language) and its commands."""

from __future__ import annotations

from telegram import Update

from handlers.chat import in_chat
from handlers.commands import menu
from handlers.services import BotContext, blocking


async def help_command(update: Update, context: BotContext) -> None:
    here = await in_chat(update, context)
    if here is None:
        return
    answer = await blocking(context.services.assistant.help, lang=here.lang)
    commands = "\n".join(f"/{c.command} — {c.description}" for c in menu(here.lang))
    heading = here.t._("Commands:")
    await here.say(f"{answer.text}\n\n{heading}\n{commands}")
