"""Free text: every message that is not a command goes to the core as a question."""

from __future__ import annotations

from telegram import Update

from bot.core.service import Assistant
from bot.core.types import Answer
from bot.services.chatstate import Turn
from handlers.conversation import answer_in_chat
from handlers.services import BotContext, client_language


async def question(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    text, client = message.text, client_language(update.effective_user)

    def ask(assistant: Assistant, turn: Turn) -> Answer:
        return assistant.answer(text, context=turn.context, preferred_lang=turn.language, client_lang=client)

    await answer_in_chat(update, context, ask)
