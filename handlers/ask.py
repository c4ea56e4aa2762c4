"""Free text: every message that is not a command goes to the core as a question (in groups, only what is
addressed to the bot, its mention cut out: handlers.groups)."""

from __future__ import annotations

import dataclasses

from telegram import Update

from bot.core.service import Assistant
from bot.core.types import Answer, Context
from bot.services.chatstate import Turn
from handlers.conversation import answer_in_chat
from handlers.groups import words_for_bot
from handlers.services import BotContext, client_language


async def question(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    await ask_text(update, context, words_for_bot(message, context.bot))


async def ask_text(update: Update, context: BotContext, text: str) -> None:
    """`text` asked in the update's chat (a message's text, or the caption of a photo or a file)."""
    client = client_language(update.effective_user)

    def ask(assistant: Assistant, turn: Turn) -> Answer:
        return assistant.answer(text, context=chosen_language_first(turn), preferred_lang=turn.language,
                                client_lang=client)

    await answer_in_chat(update, context, ask)


def chosen_language_first(turn: Turn) -> Context:
    """The chat's context, its language replaced by the one the user chose with /language, if any.

    For a text too short to tell its language ("FR0038", "fr0038 9.2") the core answers in the context's
    language (the last answer's), else the preferred one: without this, a user who chose English and once wrote
    in French got French answers to ids. A sentence in the other language is still detected and answered in its
    own language."""
    if turn.language is None or turn.language == turn.context.lang:
        return turn.context
    return dataclasses.replace(turn.context, lang=turn.language)
