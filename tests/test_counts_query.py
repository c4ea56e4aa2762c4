"""Counts, lists and shares as one structured query (bot.core.aggregates), on the bundled data: every expected
number is computed here from data/dataset.json, never typed in."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.core import aggregates
from bot.core.dispatch import search_page, select_for_export
from bot.core.index import Index
from bot.core.types import Context
from bot.core.understand import understand
from bot.core.wording.draft import answer_translator
from tests.corekit import COMMITMENTS, STATES, ask, bundled_index, completion, irm, selected, where


@pytest.fixture(scope="module")
def index() -> Index:
    return bundled_index()


def first_number(text: str) -> int:
    """The count an answer gives: the first number after the scope's colon ("the only one" is 1)."""
    if re.search(r": the only commitment assessed by the IRM (has|is|have|are) (?!not)", text):
        return 1
    match = re.search(r":\s*(\d+)", text)
    assert match, text
    return int(match.group(1))


# -- each kind of filter ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "expected"), [
    ("how many commitments had outstanding early results?", lambda: where(lambda c: irm(c, "early_results")
                                                                          == "outstanding")),
    ("combien d'engagements ont eu des résultats marginaux ?", lambda: where(lambda c: irm(c, "early_results")
                                                                            == "marginal")),
    ("how many commitments had major early results?", lambda: where(lambda c: irm(c, "early_results") == "major")),
    ("how many commitments are verifiable?", lambda: where(lambda c: irm(c, "verifiable") == "yes")),
    ("how many commitments are not verifiable?", lambda: where(lambda c: irm(c, "verifiable") == "no")),
    ("how many commitments are starred?", lambda: where(lambda c: irm(c, "starred") == "yes")),
    ("how many commitments are still active?", lambda: where(lambda c: c.get("status") == "active")),
    ("combien d'engagements actifs au Canada ?", lambda: where(lambda c: c.get("status") == "active",
                                                                lambda c: c["member"] == "canada")),
    ("quels engagements britanniques sont inactifs ?", lambda: where(lambda c: c.get("status") == "inactive",
                                                                     lambda c: c["member"] == "united-kingdom")),
    ("how many commitments have high ambition?", lambda: where(lambda c: irm(c, "ambition") == "high")),
    ("how many commitments have a minor potential impact?", lambda: where(lambda c: irm(c, "potential_impact")
                                                                          == "minor")),
    ("combien d'engagements sont pertinents pour la redevabilité publique ?",
     lambda: where(lambda c: "public_accountability" in (irm(c, "relevance") or []))),
    ("which commitments are relevant to civic participation?",
     lambda: where(lambda c: "civic_participation" in (irm(c, "relevance") or []))),
    ("how many commitments reached substantial completion?", lambda: where(lambda c: completion(c)
                                                                           == "substantial")),
    ("how many commitments does the Cour des comptes lead?",
     lambda: where(lambda c: any("cour des comptes" in n.lower() for i in c["lead_institutions"]
                                 for n in i.values()))),
    ("how many commitments are led by the Prime Minister's Office?",
     lambda: where(lambda c: any(n.replace("’", "'") == "Prime Minister's Office" for i in c["lead_institutions"]
                                 for n in i.values()))),
    ("combien d'engagements pilotés par le ministère de la Décentralisation et de la Fonction publique ?",
     lambda: where(lambda c: any(n == "Ministry for Decentralization and the Civil Service"
                                 for i in c["lead_institutions"] for n in i.values()))),
])
def test_each_filter_kind_selects_what_the_data_says(index: Index, question: str,
                                                     expected: Callable[[], set[str]]) -> None:
    want = expected()
    assert want, "the bundled data should have some"
    assert selected(index, question) == want
    answer = ask(index, question)
    assert answer.intent == "count"
    assert first_number(answer.text) == len(want)
    assert answer.sources, "a count cites its source"


def test_a_cue_word_chooses_between_fields_sharing_a_value(index: Index) -> None:
    u = understand(index, "how many commitments have moderate ambition?", Context())
    assert [c.field for c in aggregates.read_filters(u, index).conditions] == ["ambition"]
    u = understand(index, "how many commitments have a moderate potential impact?", Context())
    assert [c.field for c in aggregates.read_filters(u, index).conditions] == ["potential_impact"]


def test_negation_counts_the_assessed_others(index: Index) -> None:
    """"not starred": assessed by the IRM and not starred (those pending review are not counted)."""
    assert selected(index, "how many commitments are not starred?") == where(lambda c: irm(c, "starred") == "no")
    assert selected(index, "combien d'engagements ne sont pas étoilés ?") == where(lambda c: irm(c, "starred")
                                                                                 == "no")


def test_threshold_at_least(index: Index) -> None:
    expected = where(lambda c: completion(c) in ("substantial", "complete"))
    assert selected(index, "how many commitments are at least substantially completed?") == expected
    assert selected(index, "combien d'engagements sont au moins substantiels ?") == expected


def test_several_members_at_once(index: Index) -> None:
    expected = where(lambda c: c["member"] in ("kenya", "tunisia"))
    answer = ask(index, "how many commitments do Kenya and Tunisia have?")
    assert first_number(answer.text) == len(expected)


# -- shares ------------------------------------------------------------------------------------------------------


def test_share_gives_k_of_n_and_the_percentage(index: Index) -> None:
    plan = [c for c in COMMITMENTS if c["action_plan"] == "france-2018-2020"]
    low = [c for c in plan if irm(c, "ambition") == "low"]
    answer = ask(index, "what share of France 2018-2020 commitments have low ambition?")
    t = answer_translator("en")
    assert f"{t.percent(len(low) / len(plan))} ({len(low)} of the {len(plan)} commitments)" in answer.text
    rated = [c for c in plan if irm(c, "ambition") in ("low", "moderate", "high")]
    assert f"{len(low)} of the {len(rated)} commitments assessed by the IRM" in answer.text


def test_share_of_a_member_in_french(index: Index) -> None:
    ivory = [c for c in COMMITMENTS if c["member"] == "cote-divoire"]
    active = [c for c in ivory if c.get("status") == "active"]
    answer = ask(index, "quel pourcentage des engagements de la Côte d'Ivoire sont actifs ?")
    assert answer.intent == "count"
    assert answer_translator("fr").percent(len(active) / len(ivory)) in answer.text


# -- members and countries not in the data ---------------------------------------------------------------------


@pytest.mark.parametrize("question", ["how many commitments does Spain have?", "combien d'engagements en Italie ?",
                                      "quelle part des engagements de l'Espagne sont actifs ?"])
def test_a_member_without_data_is_named_not_counted(index: Index, question: str) -> None:
    answer = ask(index, question)
    assert answer.intent == "count"
    assert ": 0" not in answer.text and " 0 " not in answer.text
    assert str(len(COMMITMENTS)) in answer.text  # what the data has instead
    shown = answer.text.split("http")[0]
    assert "spain" not in shown and "italy" not in shown  # no raw slugs


def test_a_country_that_is_no_member_is_named_as_such(index: Index) -> None:
    answer = ask(index, "how many commitments does Japan have?")
    assert "Japan" in answer.text and "not a member" in answer.text
    assert ": 0" not in answer.text


# -- every word accounted for ------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["how many commitments are in the database in total?",
                                      "how many commitments so far?",
                                      "combien d'engagements figurent dans la base au total ?"])
def test_harmless_words_filter_nothing(index: Index, question: str) -> None:
    assert first_number(ask(index, question).text) == len(COMMITMENTS)


def test_a_word_that_is_no_filter_and_no_topic_gives_no_number(index: Index) -> None:
    answer = ask(index, "how many commitments about zorblax quuxification?")
    assert answer.intent == "count" and answer.confidence < 0.5
    assert "zorblax" in answer.text
    assert not re.search(r"\d", answer.text)


def test_topic_within_a_member_uses_titles_not_only_policy_areas(index: Index) -> None:
    expected = where(lambda c: "beneficial ownership" in " ".join(c["title"].values()).lower(),
                     lambda c: c["member"] == "kenya")
    assert expected
    answer = ask(index, "how many kenyan commitments on beneficial ownership")
    assert first_number(answer.text) == len(expected)
    assert all(cid in answer.text for cid in expected)


# -- one topic, one set -----------------------------------------------------------------------------------------


def test_one_topic_one_set(index: Index) -> None:
    topic = "beneficial ownership"
    listed = selected(index, f"which commitments are about {topic}")
    assert listed
    assert selected(index, f"commitments about {topic}") == listed
    assert selected(index, f"how many commitments are about {topic}?") == listed
    assert first_number(ask(index, f"how many commitments are about {topic}?").text) == len(listed)
    page = search_page(index, topic, lang="en", limit=100, offset=0)
    assert {h.id for h in page.hits} == listed
    assert {c.id for c in select_for_export(index, topic)} == listed
    answer = ask(index, f"which commitments are about {topic}")
    assert answer.intent == "search"
    assert str(len(listed)) in answer.text


# -- plans, dates -------------------------------------------------------------------------------------------------


def test_a_plan_named_by_the_years_people_use(index: Index) -> None:
    expected = where(lambda c: c["action_plan"] == "canada-2018-2020")
    answer = ask(index, "how many commitments in Canada 2018-2020?")
    assert "2018-2021" in answer.text
    assert f": {len(expected)} commitments" in answer.text


def test_data_date_is_the_records_retrieval_date(index: Index) -> None:
    dates = {c["retrieved_at"][:10] for c in COMMITMENTS if c["member"] == "kenya"}
    assert len(dates) == 1
    year, month, day = (int(x) for x in dates.pop().split("-"))
    from datetime import date

    shown = answer_translator("en").date(date(year, month, day))
    assert f"Data as of {shown}." in ask(index, "how many commitments of Kenya?").text


# -- institutions named the way people name them, plans and members counted as such --------------------------------


def leads(test: Callable[[str], bool]) -> set[str]:
    return {c["id"] for c in COMMITMENTS
            if any(test(name) for inst in c.get("lead_institutions") or [] for name in inst.values())}


def test_an_institution_of_two_words_made_one_by_equivalents_is_read_as_written(index: Index) -> None:
    """"cabinet" and "office" are equivalents (bureau): "cabinet office" is the Cabinet Office, not every office."""
    answer = ask(index, "list the commitments led by the cabinet office")
    assert first_number(answer.text) == len(leads(lambda n: n == "Cabinet Office")) == 1
    assert "UK0068" in answer.text


def test_one_office_under_its_names_in_both_languages(index: Index) -> None:
    """The French digital minister's office: "secrétaire d'État au numérique" = "Minister of State for the Digital
    Sector" = "Secretary of State responsible for Digital Technology"."""
    expected = leads(lambda n: ("numérique" in n.lower() and ("secrétaire d'etat" in n.lower()
                                                               or "ministre d'état" in n.lower()))
                     or ("State" in n and "Digital" in n))
    for question in ("quels engagements sont pilotés par le secrétaire d'état au numérique ?",
                     "commitments led by the minister of state for the digital sector"):
        answer = ask(index, question)
        assert first_number(answer.text) == len(expected), answer.text
        assert "FR0044" in expected


def test_how_many_action_plans_counts_plans(index: Index) -> None:
    plans = {c["action_plan"] for c in COMMITMENTS if c["member"] == "france" and c.get("action_plan")}
    for question in ("how many action plans does France have?", "combien de plans d'action a la France ?"):
        answer = ask(index, question)
        assert answer.intent == "count"
        assert first_number(answer.text) == len(plans), answer.text
        assert "36" not in answer.text.splitlines()[0]


def test_how_many_members_counts_members(index: Index) -> None:
    members = {c["member"] for c in COMMITMENTS}
    answer = ask(index, "how many members are in the database?")
    assert f"{len(members)} OGP members" in answer.text
    starred_plans = {c["action_plan"] for c in COMMITMENTS if c["irm"].get("starred") == "yes"}
    answer = ask(index, "combien de plans d'action ont des engagements étoilés ?")
    assert answer.text.startswith(f"{len(starred_plans)} plans d'action"), answer.text


def test_which_ones_is_filler(index: Index) -> None:
    starred = {c["id"] for c in COMMITMENTS if c["member"] == "france" and c["irm"].get("starred") == "yes"}
    answer = ask(index, "lesquels sont étoilés parmi les engagements français ?")
    assert set(re.findall(r"\bFR\d{4}\b", answer.text)) == starred


def test_comparing_members_breaks_them_down(index: Index) -> None:
    answer = ask(index, "compare kenya and nigeria")
    plans = {c["action_plan"] for c in COMMITMENTS if c["member"] in ("kenya", "nigeria") and c.get("action_plan")}
    assert len(answer.text.splitlines()) >= len(plans)
    assert all(any(line.startswith(("Kenya", "Nigeria")) for line in answer.text.splitlines()) for _ in plans)


def test_the_words_introducing_a_topic_are_not_the_topic(index: Index) -> None:
    """"… porte sur la propriété effective": the topic is beneficial ownership, "porte" introduces it."""
    kenya = {c["id"] for c in COMMITMENTS if c["member"] == "kenya"}
    answer = ask(index, "quelle part des engagements du kenya porte sur la propriété effective ?")
    assert "porte propri" not in answer.text.lower()
    assert set(re.findall(r"\bKE\d{4}\b", answer.text)) == kenya


def rated_by_the_irm(c: dict[str, Any]) -> bool:
    fields = ("completion", "completion_midterm", "completion_end", "ambition", "potential_impact", "verifiable",
              "starred", "early_results")
    values = [irm(c, f) for f in fields] + list(irm(c, "relevance") or [])
    return any(v and v not in STATES for v in values)


@pytest.mark.parametrize(("question", "assessed"), [
    ("combien d'engagements n'ont pas été évalués par l'IRM ?", False),
    ("how many commitments were not assessed by the IRM?", False),
    ("how many french commitments were assessed by the IRM?", True),
])
def test_whether_the_irm_assessed_a_commitment_is_a_filter(index: Index, question: str, assessed: bool) -> None:
    """Never the total: "not assessed by the IRM" counted 97 (all) before."""
    french = "french" in question
    expected = {c["id"] for c in COMMITMENTS
                if rated_by_the_irm(c) == assessed and (not french or c["member"] == "france")}
    answer = ask(index, question)
    assert first_number(answer.text) == len(expected), answer.text


def test_a_negation_before_the_field_s_cue(index: Index) -> None:
    """"ne sont pas pertinents pour la participation civique": the negation is before "pertinents", not before the
    value; it was dropped (the relevant ones were counted)."""
    relevant = {c["id"] for c in COMMITMENTS if "civic_participation" in (irm(c, "relevance") or [])}
    answer = ask(index, "combien d'engagements ne sont pas pertinents pour la participation civique ?")
    assert first_number(answer.text) != len(relevant)
    assert "ne sont pas pertinents" in answer.text


def test_at_least_goes_up_the_value_s_own_scale(index: Index) -> None:
    answer = ask(index, "how many commitments with at least moderate potential impact?")
    assert "“Moderate” or “Transformative”" in answer.text


@pytest.mark.parametrize(("question", "unit"), [
    ("which countries have starred commitments?", "members"),
    ("number of commitments per member", "members"),
    ("which member has the most commitments?", "members"),
    ("what plans does france have?", "plans"),
    ("combien d'engagements dans le plan 2023-2025 de la France ?", "commitments"),
])
def test_what_is_counted(index: Index, question: str, unit: str) -> None:
    answer = ask(index, question)
    assert answer.intent == "count"
    first = answer.text.splitlines()[0]
    if unit == "members":
        assert "member" in first and "France (" in answer.text
    elif unit == "plans":
        assert "action plans" in first
    else:
        assert first.endswith(": 1 engagement.") and "plans d'action" not in first


@pytest.mark.parametrize(("question", "field", "value"), [
    # phrases of filters.json's top-level ambition/potential impact lists were hidden by its `values` section
    ("les engagements transformateurs", "potential_impact", "transformative"),
    ("quels sont les engagements les plus ambitieux ?", "ambition", "high"),
])
def test_value_phrases_of_both_sections_filter(index: Index, question: str, field: str, value: str) -> None:
    rated = {c["id"] for c in COMMITMENTS if irm(c, field) == value}
    answer = ask(index, question)
    assert answer.intent == "count"
    listed = set(re.findall(r"\b[A-Z]{2}\d{4}\b", answer.text))
    assert listed <= rated and (len(listed) == len(rated) or f" {len(rated)} " in answer.text), answer.text


def test_a_journalist_s_preamble_filters_nothing(index: Index) -> None:
    high = {c["id"] for c in COMMITMENTS if c["member"] == "canada" and irm(c, "ambition") == "high"}
    answer = ask(index, "For a story I'm writing: how many of Canada's OGP commitments were rated as having a high "
                        "ambition by the IRM?")
    assert first_number(answer.text) == len(high), answer.text


def test_a_value_introduced_as_a_topic_is_the_topic(index: Index) -> None:
    """"quels engagements du Maroc portent sur l'accès à l'information ?": what they are about, not the IRM's
    relevance to the value (which said none of them was)."""
    answer = ask(index, "Je prépare un article : quels engagements du Maroc portent sur l'accès à l'information ?")
    assert {"MO0026", "MO0054"} <= set(re.findall(r"\bMO\d{4}\b", answer.text)), answer.text


def test_relevance_to_a_value_counts_every_assessed_commitment(index: Index) -> None:
    """"relevant to access to information": the value, not also the policy area of that name (its "to" is no
    word of the area)."""
    relevant = {c["id"] for c in COMMITMENTS if "access_to_information" in (irm(c, "relevance") or [])}
    answer = ask(index, "how many commitments are relevant to access to information?")
    assert first_number(answer.text) == len(relevant), answer.text


def test_commitments_of_a_policy_area(index: Index) -> None:
    answer = ask(index, "commitments in the access to information policy area")
    assert answer.intent == "count" and re.search(r": \d+ commitments", answer.text.splitlines()[0])


@pytest.mark.parametrize("question", ["Which French commitments in the 2018-2020 plan have high ambition?",
                                      "les engagements du Canada avec une forte ambition"])
def test_high_ambition_lists(index: Index, question: str) -> None:
    answer = ask(index, question)
    member = "france" if "French" in question else "canada"
    high = {c["id"] for c in COMMITMENTS if c["member"] == member and irm(c, "ambition") == "high"
            and (member != "france" or c["action_plan"] == "france-2018-2020")}
    assert answer.intent == "count" and first_number(answer.text) == len(high), answer.text


# -- a field without a rating, and a member's plans compared ----------------------------------------------------


@pytest.mark.parametrize("question", ["France 2018-2020 commitments without an ambition rating",
                                      "parmi les engagements de la France 2018-2020, lesquels n'ont pas d'évaluation "
                                      "d'ambition ?",
                                      "compromisos de Francia 2018-2020 sin calificación de ambición"])
def test_a_field_without_a_rating_is_a_filter_of_its_own(index: Index, question: str) -> None:
    expected = where(lambda c: not irm(c, "ambition"), of=lambda c: c["action_plan"] == "france-2018-2020")
    assert expected and selected(index, question) == expected
    answer = ask(index, question)
    assert answer.intent == "count" and first_number(answer.text) == len(expected)
    assert "assessed by the IRM" not in answer.text  # the basis is every commitment of the plan, rated or not


@pytest.mark.parametrize(("question", "lang"), [("compare France's action plans", "en"),
                                                ("compare les plans d'action de la France", "fr"),
                                                ("comparar los planes de acción de Francia", "es")])
def test_comparing_a_members_plans_compares_each_of_them(index: Index, question: str, lang: str) -> None:
    answer = ask(index, question)
    assert answer.lang == lang
    for years in ("2015-2017", "2018-2020"):
        assert years in answer.text
