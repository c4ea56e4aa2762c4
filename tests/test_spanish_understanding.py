"""Spanish questions about one commitment, and Spanish conversations, on the bundled data: the language is told
apart from French, English and Portuguese, each question is read as its English and French equivalents are (intent,
commitment, milestone), and follow-ups move along the conversation. Every turn's context goes through JSON, as the
chat store keeps it. Answers are judged by what was understood, not by their wording (the Spanish catalog may still
fall back to English text)."""

from __future__ import annotations

import pytest

from bot.core.language import detect
from bot.core.service import Assistant
from bot.core.text import tokens
from tests.corekit import chat


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant.from_url(f"sqlite:///{tmp_path_factory.mktemp('spanish') / 'bundled.db'}")


# -- language ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang"), [
    ("¿quién lidera el compromiso FR0038?", "es"),
    ("kien lidera fr38", "es"),
    ("q nivel de cumplimiento tiene FR0038", "es"),
    ("cuales son los hitos de FR0038", "es"),
    ("estado del hito 9.2 de FR0038", "es"),
    ("instituciones que apoyan el compromiso FR0038", "es"),
    ("hola, buenos dias", "es"),
    ("qui pilote FR0038 ?", "fr"),
    ("quel est l'état du jalon 9.2 de FR0038", "fr"),
    ("que dit l'IRM sur FR0038 ?", "fr"),
    ("who leads FR0038?", "en"),
    ("what is the status of milestone 9.2 of FR0038?", "en"),
])
def test_spanish_is_told_apart_from_french_and_english(question: str, lang: str) -> None:
    assert detect(question, tokens(question)) == lang


@pytest.mark.parametrize("text", ["Qual é o estado da implementação do compromisso FR0038?",
                                  "Quem lidera as ações do compromisso FR0038?"])
def test_portuguese_is_neither_spanish_nor_french(text: str) -> None:
    assert detect(text, tokens(text)) not in ("es", "fr")


@pytest.mark.parametrize("text", ["FR0038", "FR0038 ?", "fr38 9.2", "ok", "2018-2020", "FR0038 9.2 ?"])
def test_short_neutral_texts_say_nothing(text: str) -> None:
    assert detect(text, tokens(text)) is None


# -- one question ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "intent", "commitment", "milestone"), [
    ("¿quién lidera el compromiso FR0038?", "lead_institution", "FR0038", None),
    ("kien lidera fr38", "lead_institution", "FR0038", None),
    ("q nivel de cumplimiento tiene FR0038", "commitment_status", "FR0038", None),
    ("estado del hito 9.2 de FR0038", "milestone_status", "FR0038", "9.2"),
    ("¿en qué estado está el segundo hito de FR0038?", "milestone_status", "FR0038", "9.2"),
    ("cuales son los hitos de FR0038", "milestones", "FR0038", None),
    ("¿qué instituciones apoyan FR0038?", "support_institutions", "FR0038", None),
    ("¿Cuáles son las áreas de política del compromiso FR0038?", "policy_areas", "FR0038", None),
    ("¿Qué impacto potencial tiene FR0038?", "ambition", "FR0038", None),
    ("¿El compromiso FR0038 es verificable?", "verifiability", "FR0038", None),
    ("¿Es relevante FR0038 para los valores de la AGA?", "relevance", "FR0038", None),
    ("¿abrió el gobierno FR0015?", "early_results", "FR0015", None),
    ("¿cuándo empieza y termina FR0038?", "dates", "FR0038", None),
    ("¿cuál es el objetivo de FR0038?", "description", "FR0038", None),
    ("¿a qué plan de acción pertenece FR0038?", "action_plan", "FR0038", None),
    ("¿Qué informes del MRI cubren FR0038?", "irm_reports", "FR0038", None),
    ("¿qué recomienda el MRI sobre FR0038?", "irm_reports", "FR0038", None),
    ("hola", "greeting", None, None),
    ("muchas gracias", "greeting", None, None),
    ("que puedes hacer", "help", None, None),
    ("quien gano el mundial", "unknown", None, None),
])
def test_a_spanish_question_is_understood(assistant: Assistant, question: str, intent: str, commitment: str | None,
                                          milestone: str | None) -> None:
    answer = assistant.answer(question)
    assert (answer.intent, answer.commitment, answer.milestone, answer.lang) == (intent, commitment, milestone, "es")


def test_a_facet_the_data_lacks_is_named_not_replaced(assistant: Assistant) -> None:
    answer = assistant.answer("¿cuál es el presupuesto de FR0038?")
    assert (answer.intent, answer.commitment, answer.lang) == ("unknown", "FR0038", "es")
    assert "presupuesto" in answer.text


def test_irm_advice_is_quoted_in_english_when_not_written_in_spanish(assistant: Assistant) -> None:
    answer = assistant.answer("que recomendo el MRI para FR0038")
    assert answer.intent == "irm_reports"
    assert "As this commitment" in answer.text  # the IRM's English next steps, not its French ones


# -- conversations -----------------------------------------------------------------------------------------


def test_a_spanish_conversation_moves_along_the_milestones(assistant: Assistant) -> None:
    first, other, nxt, previous, whole, lead = chat(
        assistant, "estado del hito 9.2 de FR0038", "¿y el hito 9.3?", "el anterior", "el anterior",
        "y el compromiso en su conjunto?", "¿quién lo lidera?")
    assert (first.intent, first.commitment, first.milestone) == ("milestone_status", "FR0038", "9.2")
    assert (other.intent, other.milestone) == ("milestone_status", "9.3")
    assert (nxt.milestone, previous.milestone) == ("9.2", "9.1")
    assert (lead.intent, lead.commitment) == ("lead_institution", "FR0038")
    assert (whole.intent, whole.commitment, whole.milestone) == ("commitment_status", "FR0038", None)
    assert {a.lang for a in (first, other, nxt, previous, lead, whole)} == {"es"}


def test_the_second_of_a_list_of_milestones(assistant: Assistant) -> None:
    _, second = chat(assistant, "cuales son los hitos de FR0038", "el segundo")
    assert (second.intent, second.commitment, second.milestone, second.lang) == ("milestone_status", "FR0038", "9.2",
                                                                                 "es")


def test_refining_and_swapping_a_spanish_list(assistant: Assistant) -> None:
    _, starred = chat(assistant, "compromisos sobre datos abiertos", "cuales de ellos son estelares")
    assert starred.intent == "count" and "US0072" in starred.text
    _, moroccan = chat(assistant, "compromisos de Francia sobre acceso a la informacion", "y en Marruecos?")
    assert moroccan.intent in ("count", "search") and "MO0026" in moroccan.text and "FR00" not in moroccan.text


def test_another_commitment_keeps_the_question(assistant: Assistant) -> None:
    _, other = chat(assistant, "quien lidera FR0038", "y FR0049?")
    assert (other.intent, other.commitment) == ("lead_institution", "FR0049")
