"""Helpers of the core's tests on the bundled data: the records as JSON (expected figures are computed from them,
never typed in), the index, a question asked without a front end, a conversation with its context stored as JSON
between turns (as a chat stores it), and the structured query a count reads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.common.paths import DATA_DIR
from bot.core import aggregates
from bot.core.dispatch import answer_question
from bot.core.index import Index
from bot.core.service import Assistant
from bot.core.types import Answer, Context
from bot.core.understand import understand
from bot.dataset.reader import validate_dataset

RAW: dict[str, Any] = json.loads((DATA_DIR / "dataset.json").read_text(encoding="utf-8"))
COMMITMENTS: list[dict[str, Any]] = RAW["commitments"]
STATES = {"pending_irm_review", "no_irm_data", "not_reviewed"}


def bundled_index() -> Index:
    return Index.build(validate_dataset(RAW, "bundled"), version=1)


def ask(index: Index, question: str, lang: str | None = None, context: Context | None = None) -> Answer:
    return answer_question(index, question, context=context or Context(), lang=lang, preferred_lang=None,
                           client_lang=None, default_lang="en")


def chat(assistant: Assistant, *questions: str) -> list[Answer]:
    """The answers of one conversation, the context stored as JSON between turns like a chat's."""
    answers: list[Answer] = []
    stored: dict[str, Any] | None = None
    for question in questions:
        answer = assistant.answer(question, context=Context.from_json(stored))
        stored = json.loads(json.dumps(answer.context.to_json()))
        answers.append(answer)
    return answers


def irm(c: dict[str, Any], name: str) -> Any:
    return c["irm"].get(name)


def completion(c: dict[str, Any]) -> str | None:
    for name in ("completion_end", "completion_midterm", "completion"):
        value = irm(c, name)
        if value and value not in STATES:
            return str(value)
    return None


def where(test: Callable[[dict[str, Any]], bool], of: Callable[[dict[str, Any]], bool] = lambda c: True) -> set[str]:
    return {c["id"] for c in COMMITMENTS if of(c) and test(c)}


def filters(index: Index, question: str) -> aggregates.Filters:
    return aggregates.read_filters(understand(index, question, Context()), index)


def selected(index: Index, question: str) -> set[str]:
    u = understand(index, question, Context())
    return {c.id for c in aggregates.select(index, aggregates.read_filters(u, index))[1]}
