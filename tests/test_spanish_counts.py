"""Spanish counts, lists and topic searches (bot.core.aggregates, data/nlu/filters.json "es" phrases,
data/nlu/glossary.json "es", data/members.json Spanish names and demonyms), on the bundled data: every expected
number is computed here from data/dataset.json, never typed in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.core.index import Index
from tests.corekit import COMMITMENTS, STATES, ask, bundled_index, completion, filters, irm, selected, where


@pytest.fixture(scope="module")
def index() -> Index:
    return bundled_index()


def of_member(member: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: c["member"] == member


def led_by(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda c: any(n == name for i in c["lead_institutions"] for n in i.values())


def first_number(text: str) -> int:
    """The count an answer gives: the first number after the scope's colon (English or Spanish wording)."""
    if re.search(r": (the only commitment|el único compromiso)", text):
        return 1
    match = re.search(r":\s*(\d+)", text)
    assert match, text
    return int(match.group(1))


# -- Spanish counts with filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "expected"), [
    ("¿cuántos compromisos son verificables?", lambda: where(lambda c: irm(c, "verifiable") == "yes")),
    ("cuántos compromisos no son verificables", lambda: where(lambda c: irm(c, "verifiable") == "no")),
    ("compromisos no verificables", lambda: where(lambda c: irm(c, "verifiable") == "no")),
    ("cuántos compromisos de Francia son verificables",
     lambda: where(lambda c: irm(c, "verifiable") == "yes", of_member("france"))),
    ("cuántos compromisos son estelares", lambda: where(lambda c: irm(c, "starred") == "yes")),
    ("cuántos compromisos no son estelares", lambda: where(lambda c: irm(c, "starred") == "no")),
    ("cuántos compromisos siguen activos", lambda: where(lambda c: c.get("status") == "active")),
    ("cuantos compromisos activos tiene Canadá", lambda: where(lambda c: c.get("status") == "active",
                                                               of_member("canada"))),
    ("cuántos compromisos inactivos tiene Francia", lambda: where(lambda c: c.get("status") == "inactive",
                                                                  of_member("france"))),
    ("cuantos compromisos tienen una ambición alta", lambda: where(lambda c: irm(c, "ambition") == "high")),
    ("compromisos de Canadá con alta ambición", lambda: where(lambda c: irm(c, "ambition") == "high",
                                                              of_member("canada"))),
    ("cuántos compromisos son poco ambiciosos", lambda: where(lambda c: irm(c, "ambition") == "low")),
    ("compromisos con impacto potencial menor", lambda: where(lambda c: irm(c, "potential_impact") == "minor")),
    ("cuántos compromisos tienen resultados preliminares marginales",
     lambda: where(lambda c: irm(c, "early_results") == "marginal")),
    ("cuántos compromisos no cambiaron la práctica del gobierno",
     lambda: where(lambda c: irm(c, "early_results") == "did_not_change")),
    ("cuántos compromisos son relevantes para la rendición de cuentas",
     lambda: where(lambda c: "public_accountability" in (irm(c, "relevance") or []))),
    ("cuántos compromisos tienen al menos un cumplimiento sustancial",
     lambda: where(lambda c: completion(c) in ("substantial", "complete"))),
    ("compromisos liderados por el Ministerio de Justicia",
     lambda: where(lambda c: any("Ministry of Justice" in n for i in c["lead_institutions"] for n in i.values()))),
    ("cuántos compromisos lidera el Ministerio del Interior",
     lambda: where(lambda c: any("Ministry of the Interior" in n for i in c["lead_institutions"]
                                 for n in i.values()))),
    ("compromisos dirigidos por el Ministerio de Descentralización y Función Pública",
     lambda: where(led_by("Ministry for Decentralization and the Civil Service"))),
    ("cuantos compromisos nunca fueron evaluados por el IRM",
     lambda: {c["id"] for c in COMMITMENTS} - where(lambda c: any(
         (v not in STATES) for name in ("ambition", "potential_impact", "verifiable", "starred", "early_results")
         if (v := irm(c, name))) or completion(c) is not None or any(
         v not in STATES for v in (irm(c, "relevance") or [])))),
])
def test_spanish_filters_select_what_the_data_says(index: Index, question: str,
                                                   expected: Callable[[], set[str]]) -> None:
    want = expected()
    assert want, "the bundled data should have some"
    assert selected(index, question) == want
    answer = ask(index, question)
    assert answer.intent == "count", answer.text
    assert answer.lang == "es"
    assert first_number(answer.text) == len(want)


def test_completed_in_spanish_counts_the_assessed_ones(index: Index) -> None:
    plan = where(lambda c: True, lambda c: c["action_plan"] == "france-2018-2020")
    done = where(lambda c: completion(c) == "complete", lambda c: c["action_plan"] == "france-2018-2020")
    question = "cuántos compromisos del plan 2018-2020 de Francia fueron completados"
    f = filters(index, question)
    assert f.plans == ["france-2018-2020"] and f.completion == ["complete"] and not f.unaccounted
    assert selected(index, question) == done
    assert ask(index, question).intent == "count"
    assert plan


def test_compare_two_plans_in_spanish(index: Index) -> None:
    answer = ask(index, "compara los planes 2015-2017 y 2018-2020 de Francia")
    assert answer.intent == "count"
    for plan in ("france-2015-2017", "france-2018-2020"):
        n = len(where(lambda c, p=plan: c["action_plan"] == p))
        assert re.search(rf"{plan[-9:]}.*?{n} ", answer.text), answer.text


# -- members: Spanish names, aliases and demonyms ------------------------------------------------------------------


@pytest.mark.parametrize(("question", "member"), [
    ("compromisos marroquíes", "morocco"), ("compromisos tunecinos", "tunisia"),
    ("cuantos compromisos canadienses hay", "canada"), ("compromisos marfileños", "cote-divoire"),
    ("compromisos estadounidenses", "united-states"), ("compromisos británicos", "united-kingdom"),
    ("cuantos compromisos franceses hay en la base de datos", "france"),
    ("compromisos de EEUU", "united-states"), ("compromisos de EE.UU.", "united-states"),
    ("cuántos compromisos tiene Estados Unidos", "united-states"),
    ("compromisos de Costa de Marfil", "cote-divoire"), ("cuantos compromisos tiene el Reino Unido", "united-kingdom"),
    ("cuántos compromisos tiene Túnez", "tunisia"), ("número de compromisos de Alemania", "germany"),
    ("cuantos compromisos tiene mexico", "mexico"), ("cuantos compromisos tiene Marruecos", "morocco"),
])
def test_members_by_spanish_names_and_demonyms(index: Index, question: str, member: str) -> None:
    f = filters(index, question)
    assert f.members == [member] and not f.unaccounted and not f.topic
    assert selected(index, question) == where(lambda c: True, of_member(member))
    assert ask(index, question).intent == "count"


def test_the_french_commitment_on_whistleblowers(index: Index) -> None:
    answer = ask(index, "el compromiso francés sobre denunciantes")
    assert "FR0026" in answer.text or answer.commitment == "FR0026"


# -- members and countries not in the data -------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "names"), [
    ("cuántos compromisos tiene España", ("España", "Spain")),
    ("compromisos de Corea del Sur", ("Corea", "Korea")),
    ("compromisos colombianos", ("Colombia",)),
])
def test_a_member_without_data_is_named_not_counted(index: Index, question: str, names: tuple[str, ...]) -> None:
    answer = ask(index, question)
    assert answer.intent == "count"
    assert ": 0" not in answer.text and " 0 " not in answer.text
    assert any(name in answer.text for name in names), answer.text
    assert str(len(COMMITMENTS)) in answer.text  # what the data has instead


@pytest.mark.parametrize("question", ["cuantos compromisos tiene Japón", "combien d'engagements a le Japon ?"])
def test_a_country_that_is_no_member_is_named_not_corrected_into_another_word(index: Index, question: str) -> None:
    """"japon" is no typo of "jalon" (milestone): Japan is named as no OGP member, never counted as all or 0."""
    answer = ask(index, question)
    assert re.search("Jap[oó]n|Japan", answer.text), answer.text
    assert ": 0" not in answer.text
    assert f"{len(COMMITMENTS)} compromisos de" not in answer.text.split("\n")[0]


# -- every word accounted for -------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["compromisos que no son de Francia", "commitments not from France",
                                      "combien d'engagements hors France ?"])
def test_a_member_negated_is_excluded_never_counted(index: Index, question: str) -> None:
    """Counting France's commitments for "not from France" would state the opposite with confidence: the others."""
    others = where(lambda c: c["member"] != "france")
    f = filters(index, question)
    assert not f.unaccounted and f.excluded_members == ["france"] and not f.members
    assert first_number(ask(index, question).text) == len(others)


@pytest.mark.parametrize("question", ["cuantos compromisos no son estelares pero si de Francia y no",
                                      "commitments that are not"])
def test_a_negation_that_negates_nothing_gives_no_number(index: Index, question: str) -> None:
    assert filters(index, question).unaccounted
    assert not re.search(r"\d", ask(index, question).text.split("\n")[0])


@pytest.mark.parametrize("question", ["¿Cuántos compromisos hay en total?",
                                      "cuantos compromisos hay en total en la base de datos",
                                      "cuántos compromisos están registrados actualmente"])
def test_harmless_spanish_words_filter_nothing(index: Index, question: str) -> None:
    assert not filters(index, question).unaccounted
    assert first_number(ask(index, question).text) == len(COMMITMENTS)


@pytest.mark.parametrize(("question", "named"), [
    ("cuantos compromisos tienen hitos completados", "hitos"),
    ("how many commitments have completed milestones", "milestones"),
    ("cuantos compromisos etiquetados tiene Francia", "etiquetados"),
])
def test_what_a_count_cannot_filter_on_is_named_never_dropped(index: Index, question: str, named: str) -> None:
    """Milestones (a count counts commitments), a Spanish participle (never "corrected" into another word): no number,
    and the words named. (A field asked without a rating is a filter: tests/test_counts_query.py.)"""
    f = filters(index, question)
    assert any(named in w for w in f.unaccounted), f
    answer = ask(index, question)
    assert named in answer.text
    assert not re.search(r"\d", answer.text.split("\n")[0])


def test_partially_completed_is_the_limited_level(index: Index) -> None:
    f = filters(index, "cuantos compromisos fueron cumplidos parcialmente")
    assert f.completion == ["limited"] and not f.unaccounted


def test_a_spanish_word_that_is_no_filter_and_no_topic_gives_no_number(index: Index) -> None:
    answer = ask(index, "cuántos compromisos sobre zorblax quuxificación")
    assert answer.intent == "count" and answer.confidence < 0.5
    assert "zorblax" in answer.text
    assert not re.search(r"\d", answer.text)


# -- topics in Spanish --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("spanish", "english"), [
    ("cuántos compromisos sobre datos abiertos", "how many commitments about open data"),
    ("cuántos compromisos sobre denunciantes", "how many commitments about whistleblowers"),
    ("cuántos compromisos sobre beneficiarios finales", "how many commitments about beneficial ownership"),
    ("cuántos compromisos sobre la lucha contra la corrupción", "how many commitments about anti-corruption"),
    ("cuántos compromisos sobre el presupuesto", "how many commitments about the budget"),
    ("cuántos compromisos sobre acceso a la información", "how many commitments about access to information"),
    ("cuántos compromisos sobre medio ambiente", "how many commitments about the environment"),
    ("cuántos compromisos sobre compras públicas", "how many commitments about public procurement"),
])
def test_one_topic_one_set_across_languages(index: Index, spanish: str, english: str) -> None:
    want = selected(index, english)
    assert want
    assert selected(index, spanish) == want


@pytest.mark.parametrize(("question", "ids"), [
    ("compromisos sobre denunciantes", ("CI0018",)),
    ("compromisos sobre beneficiarios finales", ("FR0009", "UK0063")),
    ("compromisos sobre contratación abierta", ("LR0041",)),
])
def test_a_spanish_topic_finds_english_titled_commitments(index: Index, question: str, ids: tuple[str, ...]) -> None:
    answer = ask(index, question)
    assert answer.intent in ("search", "count")
    assert answer.lang == "es"
    for cid in ids:
        assert cid in answer.text


# -- a conversation -----------------------------------------------------------------------------------------------


def test_and_morocco_after_a_spanish_count(index: Index) -> None:
    first = ask(index, "cuantos compromisos tiene Tunez")
    assert first_number(first.text) == len(where(lambda c: True, of_member("tunisia")))
    second = ask(index, "y Marruecos?", context=first.context)
    assert second.intent == "count"
    assert first_number(second.text) == len(where(lambda c: True, of_member("morocco")))
