"""One conversation turn: load the chat's context and the user's language, ask the core, store the new
context, send the answer. Used by free text, /commitment, deep links and buttons alike."""

from __future__ import annotations

import time
from collections.abc import Callable

from telegram import Update

from bot.common import metrics
from bot.core.service import Assistant
from bot.core.types import Answer
from bot.core.wording import names
from bot.core.wording.draft import Draft
from bot.services.chatstate import Turn
from handlers.chat import InChat
from handlers.replies import OutgoingMessage, chart_caption, render, working
from handlers.search import as_pages
from handlers.services import BotContext, pick_language

Ask = Callable[[Assistant, Turn], Answer]
# Answers about many commitments, or none: no commitment heads them.
UNHEADED = frozenset({"greeting", "help", "search", "count"})


async def answer_in_chat(update: Update, context: BotContext, ask: Ask) -> OutgoingMessage | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    services = context.services
    started, intent = time.perf_counter(), "unknown"

    def work() -> OutgoingMessage:
        nonlocal intent
        turn = services.store.load(chat.id, user.id if user else None)
        answer = ask(services.assistant, turn)
        intent = answer.intent
        services.store.save_context(chat.id, answer.context, turn.context)
        reply = as_pages(services.assistant, services.store, answer) or \
            render(answer, services.store, heading(services.assistant, answer))
        if answer.chart is not None:  # the core offers a picture with the words
            reply.photo = services.assistant.chart(answer.chart, lang=answer.lang)
            reply.caption = chart_caption(answer.text, answer.lang)
        return reply

    reply = await working(context, chat.id, work)
    await InChat(context, chat, user, reply.lang).send(reply)  # in the answer's language, not looked up again
    metrics.answered(intent, time.perf_counter() - started)  # the one place every answered question passes
    return reply


def heading(assistant: Assistant, answer: Answer) -> str | None:
    """"FR0038 — Administrative Capacity-Building" (its title in the answer's language) for an answer about one
    commitment: the first line of its message, in bold."""
    if answer.commitment is None or answer.intent in UNHEADED:
        return None
    found = assistant.index.commitments.get(answer.commitment)
    # The core's own heading (a card's first line), so that a card's first line is recognised as it.
    return names.heading(Draft(answer.lang), assistant.index, found) if found is not None else answer.commitment


def language_of(turn: Turn, update: Update, context: BotContext, given: str | None = None) -> str:
    """The language to answer in when there is no question text to tell: the button's, the user's choice,
    Telegram's, the default."""
    return given or pick_language(turn.language, update.effective_user, context.services.settings.default_language)
