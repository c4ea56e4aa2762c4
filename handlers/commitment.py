"""/commitment ID [MILESTONE]: a commitment's card, or one milestone's status."""

from __future__ import annotations

import re

from telegram import Update

from bot.core.service import Assistant
from bot.core.types import Answer
from bot.services.chatstate import Turn
from handlers.chat import in_chat
from handlers.conversation import answer_in_chat, language_of
from handlers.services import BotContext

MILESTONE = re.compile(r"\d+(?:\.\d+)*")


async def commitment(update: Update, context: BotContext) -> None:
    args = list(context.args or [])
    if not args:
        here = await in_chat(update, context)
        if here is not None:
            await here.say(here.t._("Give a commitment id, for example: /commitment FR0038 (or /commitment FR0038 "
                                    "9.2 for a milestone)."))
        return
    # "/commitment FR0038 9.2": the last argument is a milestone number when it looks like one.
    milestone = args.pop() if len(args) > 1 and MILESTONE.fullmatch(args[-1]) else None
    await open_commitment(update, context, " ".join(args), milestone)


async def open_commitment(update: Update, context: BotContext, commitment_id: str, milestone: str | None) -> None:
    """A commitment's card, or one milestone's status (for /commitment and deep links alike)."""

    def ask(assistant: Assistant, turn: Turn) -> Answer:
        lang = language_of(turn, update, context)
        if milestone:
            return assistant.ask_intent("milestone_status", commitment_id, milestone, lang=lang, context=turn.context)
        return assistant.overview(commitment_id, lang=lang, context=turn.context)

    await answer_in_chat(update, context, ask)
