"""The core answers anything without raising: any Unicode, control characters, RTL marks, zero-width
joiners, huge words; and the Assistant follows the stored dataset version."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.common.i18n import SUPPORTED
from bot.core.dispatch import answer_question
from bot.core.index import Index
from bot.core.service import Assistant
from bot.core.types import Context
from bot.dataset.load import apply

INTENTS = {"greeting", "help", "commitment_overview", "commitment_status", "milestone_status", "milestones",
           "lead_institution", "support_institutions", "policy_areas", "ambition", "verifiability", "relevance",
           "early_results", "dates", "description", "action_plan", "irm_reports", "search", "count", "unknown"}


@pytest.fixture(scope="module")
def index(mini_dataset) -> Index:  # type: ignore[no-untyped-def]
    return Index.build(mini_dataset, version=1)


def _check(index: Index, text: str, context: Context | None = None) -> None:
    answer = answer_question(index, text, context=context or Context(), lang=None, preferred_lang=None,
                             client_lang=None, default_lang="en")
    assert answer.intent in INTENTS
    assert answer.lang in SUPPORTED
    assert answer.text.strip()
    assert 0 <= answer.confidence <= 1
    assert len(answer.text) < 20_000


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=4096))
def test_any_unicode_gets_an_answer(index: Index, text: str) -> None:
    _check(index, text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["FR0038", "9.2", "who", "leads", "jalon", "\u200d", "\u202e", "\u200f", "\x00",
                                 "\n", "<b>", "&amp;", "é", "🇫🇷", "commitments", "about", "how", "many", "2018-2020",
                                 "fr 38", "et", "?", "x" * 300]), max_size=40),
       st.sampled_from([None, "FR0038", "UK0063", "XX0001"]))
def test_word_salad_with_context(index: Index, words: list[str], previous: str | None) -> None:
    _check(index, " ".join(words), Context(commitment=previous))


@pytest.mark.parametrize("text", ["", " ", "\u200b" * 50, "x" * 10_000, "FR0038" * 700, "9.2 " * 1000,
                                  "<script>alert(1)</script>", "\u202eFR0038\u202c", "ＦＲ００３８"])
def test_edge_inputs(index: Index, text: str) -> None:
    _check(index, text)


def test_full_width_and_formatting_characters_are_understood(index: Index) -> None:
    answer = answer_question(index, "\u202eＦＲ００３８\u202c", context=Context(), lang=None, preferred_lang=None,
                             client_lang=None, default_lang="en")
    assert answer.commitment == "FR0038"


def test_assistant_rebuilds_its_index_when_the_dataset_changes(engine, mini_dataset) -> None:  # type: ignore[no-untyped-def]
    apply(engine, mini_dataset, mode="replace")
    assistant = Assistant(engine)
    assert assistant.answer("who leads UK0063?").commitment == "UK0063"
    assert assistant.refresh_if_stale() is False
    smaller = mini_dataset.model_copy(deep=True)
    smaller.commitments = smaller.commitments[:1]
    apply(engine, smaller, mode="replace")
    assert assistant.refresh_if_stale() is True
    assert assistant.answer("who leads UK0063?").commitment is None
    assert assistant.version == 2
