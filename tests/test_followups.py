"""Follow-up questions on the bundled data (bot.core.followups): refining or swapping a part of the previous count
or list, a list of one naming a commitment, moving along a commitment's milestones. Every turn's context goes
through JSON, as the chat store keeps it; the expected numbers are computed from data/dataset.json."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.core.service import Assistant
from bot.core.types import Answer, Context
from tests.corekit import COMMITMENTS, chat


def ids(**where: Any) -> list[str]:
    """The ids of the commitments whose fields (or IRM fields, "irm_<name>") have the values given."""
    def value(c: dict[str, Any], key: str) -> Any:
        return c["irm"].get(key[4:]) if key.startswith("irm_") else c.get(key)

    return sorted(c["id"] for c in COMMITMENTS if all(value(c, k) == v for k, v in where.items()))


def milestones(commitment: str) -> list[dict[str, Any]]:
    return next(c["milestones"] for c in COMMITMENTS if c["id"] == commitment)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant.from_url(f"sqlite:///{tmp_path_factory.mktemp('followups') / 'bundled.db'}")


def listed(answer: Answer) -> set[str]:
    """The commitment ids an answer lists."""
    return set(re.findall(r"\b[A-Z]{2}\d{4}\b", answer.text))


# -- counts and lists: refine ------------------------------------------------------------------------------


@pytest.mark.parametrize("follow_up", ["which of them have high ambition?", "among them, the ones with high ambition",
                                       "lesquels ont une ambition élevée ?"])
def test_refining_a_list_keeps_its_scope(assistant: Assistant, follow_up: str) -> None:
    *_, answer = chat(assistant, "France 2018-2020 commitments", follow_up)
    expected = ids(action_plan="france-2018-2020", irm_ambition="high")
    assert answer.intent == "count" and answer.commitment is None
    assert answer.entities["plans"] == ["france-2018-2020"]
    assert expected and listed(answer) == set(expected)


def test_refining_by_lead_institution(assistant: Assistant) -> None:
    *_, answer = chat(assistant, "engagements de la Côte d'Ivoire", "lesquels sont pilotés par la HABG ?")
    expected = sorted(c["id"] for c in COMMITMENTS if c["member"] == "cote-divoire"
                      and any("HABG" in name for lead in c["lead_institutions"] for name in lead.values()))
    assert answer.intent == "count" and answer.entities["members"] == ["cote-divoire"]
    assert expected and listed(answer) == set(expected)


def test_refining_twice_adds_the_filters(assistant: Assistant) -> None:
    *_, answer = chat(assistant, "France 2018-2020 commitments with low ambition",
                      "which of them were substantially completed?")
    expected = ids(action_plan="france-2018-2020", irm_ambition="low", irm_completion_end="substantial")
    assert answer.intent == "count" and answer.entities["plans"] == ["france-2018-2020"]
    assert expected and listed(answer) == set(expected)


def test_only_the_starred_ones(assistant: Assistant) -> None:
    *_, answer = chat(assistant, "France 2015-2017 commitments", "only the starred ones")
    assert answer.intent == "count" and answer.entities["plans"] == ["france-2015-2017"]
    assert listed(answer) == set(ids(action_plan="france-2015-2017", irm_starred="yes"))


def test_which_ones_lists_the_previous_scope_again(assistant: Assistant) -> None:
    *_, answer = chat(assistant, "how many commitments does Tunisia have?", "lesquels ?")
    assert answer.intent == "count" and answer.entities["members"] == ["tunisia"]
    assert listed(answer) == set(ids(member="tunisia"))


# -- counts and lists: swap a part -------------------------------------------------------------------------


def test_swapping_the_plan_keeps_the_member(assistant: Assistant) -> None:
    first, answer = chat(assistant, "combien d'engagements pour la France en 2018-2020 ?", "et en 2015-2017 ?")
    n = len(ids(action_plan="france-2015-2017"))
    assert first.entities["plans"] == ["france-2018-2020"]
    assert answer.intent == "count" and answer.lang == "fr"
    assert answer.entities["members"] == ["france"] and answer.entities["plans"] == ["france-2015-2017"]
    assert re.search(rf"\b{n}\b", answer.text)


@pytest.mark.parametrize(("first", "follow_up", "member"), [
    ("les engagements du Sénégal", "et ceux de la Tunisie ?", "tunisia"),
    ("France 2018-2020 commitments", "and for Morocco?", "morocco"),
    ("engagements de la France", "et le Maroc ?", "morocco"),
])
def test_swapping_the_member_drops_its_plan(assistant: Assistant, first: str, follow_up: str, member: str) -> None:
    *_, answer = chat(assistant, first, follow_up)
    assert answer.intent == "count"
    assert answer.entities["members"] == [member] and "plans" not in answer.entities
    assert listed(answer) == set(ids(member=member))


def test_swapping_the_member_keeps_the_filters(assistant: Assistant) -> None:
    *_, answer = chat(assistant, "France 2015-2017 commitments that were starred", "and for Canada?")
    assert answer.intent == "count" and answer.entities["members"] == ["canada"]
    assert listed(answer) == set(ids(member="canada", irm_starred="yes"))


def test_swapping_the_member_of_a_topic_search_stays_a_search(assistant: Assistant) -> None:
    first, answer = chat(assistant, "engagements sur le lobbying", "et en Irlande ?")
    assert first.intent == "search"
    assert answer.intent == "search" and answer.entities["members"] == ["ireland"]
    assert listed(answer) and all(cid.startswith("IE") for cid in listed(answer))
    assert listed(answer) <= listed(first) | {answer.commitment}


@pytest.mark.parametrize(("conversation", "full"), [
    (("combien d'engagements la France a pris en 2018-2020 ?", "et en 2015-2017 ?"),
     "combien d'engagements la France a pris en 2015-2017 ?"),
    (("France 2018-2020 commitments", "among them, the highly ambitious ones"),
     "France 2018-2020 commitments, the highly ambitious ones"),
    (("how many commitments does Spain have?", "and Canada?"), "how many commitments does Canada have?"),
])
def test_a_follow_up_is_answered_like_the_full_question(assistant: Assistant, conversation: tuple[str, ...],
                                                        full: str) -> None:
    """Whatever the count path makes of the full question, it makes of the follow-up."""
    *_, answer = chat(assistant, *conversation)
    alone = assistant.answer(full)
    assert (answer.intent, answer.text) == (alone.intent, alone.text)
    assert {k: v for k, v in answer.entities.items() if k != "from_context"} == alone.entities


def test_another_topic_after_a_search_keeps_its_member(assistant: Assistant) -> None:
    first, answer = chat(assistant, "commitments about lobbying in France", "what about whistleblowers?")
    assert first.intent == "search" and answer.intent == "search"
    assert answer.entities["members"] == ["france"] and answer.entities["policy_areas"] == ["whistleblower_protections"]
    assert listed(answer) and all(cid.startswith("FR") for cid in listed(answer))


# -- a list of one names a commitment ------------------------------------------------------------------------


def test_a_list_of_one_names_its_commitment(assistant: Assistant) -> None:
    starred = ids(action_plan="france-2015-2017", irm_starred="yes")
    assert len(starred) == 1
    first, answer = chat(assistant, "which France 2015-2017 commitments were starred?", "who leads it?")
    assert first.intent == "count" and first.context.commitment == starred[0]
    assert (answer.intent, answer.commitment) == ("lead_institution", starred[0])


def test_a_longer_list_names_no_commitment(assistant: Assistant) -> None:
    first, _ = chat(assistant, "France 2018-2020 commitments", "who leads it?")
    assert first.context.commitment is None


# -- fresh questions start anew ------------------------------------------------------------------------------


@pytest.mark.parametrize(("follow_up", "intent", "commitment"), [
    ("who leads FR0038?", "lead_institution", "FR0038"),
    ("how many commitments does Morocco have?", "count", None),
    ("quels engagements du Maroc sont actifs ?", "count", None),
])
def test_a_full_question_starts_anew(assistant: Assistant, follow_up: str, intent: str,
                                     commitment: str | None) -> None:
    *_, answer = chat(assistant, "France 2018-2020 commitments", follow_up)
    assert (answer.intent, answer.commitment) == (intent, commitment)
    assert "plans" not in answer.entities and not answer.entities.get("from_context")
    if intent == "count":
        assert answer.entities["members"] == ["morocco"]


# -- milestones ----------------------------------------------------------------------------------------------


def test_moving_along_the_milestones(assistant: Assistant) -> None:
    numbers = [m["number"] for m in milestones("FR0038")]
    assert len(numbers) >= 3
    answers = chat(assistant, f"status of FR0038 milestone {numbers[0]}", "the next one", "and the next milestone?",
                   "the previous one", "the third one")
    assert [(a.intent, a.commitment, a.milestone) for a in answers] == [
        ("milestone_status", "FR0038", n) for n in (numbers[0], numbers[1], numbers[2], numbers[1], numbers[2])]


def test_moving_along_the_milestones_in_french(assistant: Assistant) -> None:
    numbers = [m["number"] for m in milestones("FR0038")]
    answers = chat(assistant, f"FR0038 jalon {numbers[0]}", "et le suivant ?", "le jalon précédent")
    assert [(a.intent, a.milestone, a.lang) for a in answers[1:]] == [
        ("milestone_status", numbers[1], "fr"), ("milestone_status", numbers[0], "fr")]
    done = {"complete": ("terminé", "complet", "achevé")}
    status = milestones("FR0038")[1]["status"]
    if status in done:
        assert any(word in answers[1].text.lower() for word in done[status])


def test_past_the_last_milestone_lists_them(assistant: Assistant) -> None:
    numbers = [m["number"] for m in milestones("FR0038")]
    *_, answer = chat(assistant, f"FR0038 milestone {numbers[-1]}", "the next one")
    assert (answer.intent, answer.commitment, answer.milestone) == ("milestones", "FR0038", None)


@pytest.mark.parametrize(("first", "question", "lang"), [
    ("what's milestone {n} about?", "and is it done?", "en"),
    ("jalon {n} ?", "est-il terminé ?", "fr"),
    ("jalon {n} ?", "est-il achevé ?", "fr"),
])
def test_is_it_done_asks_about_the_milestone(assistant: Assistant, first: str, question: str, lang: str) -> None:
    last = milestones("FR0038")[-1]
    commitment = next(c for c in COMMITMENTS if c["id"] == "FR0038")
    assert last["status"] != commitment["irm"]["completion_end"]  # the two answers differ
    *_, answer = chat(assistant, "FR0038", first.format(n=last["number"]), question)
    assert (answer.intent, answer.commitment, answer.milestone, answer.lang) == (
        "milestone_status", "FR0038", last["number"], lang)


@pytest.mark.parametrize("question", ["and the commitment as a whole?", "et l'engagement dans son ensemble ?",
                                      "and the commitment?"])
def test_back_to_the_whole_commitment(assistant: Assistant, question: str) -> None:
    *_, answer = chat(assistant, "FR0038 milestone 9.3", question)
    assert (answer.intent, answer.commitment, answer.milestone) == ("commitment_status", "FR0038", None)


def test_a_milestone_follow_up_needs_a_milestone(assistant: Assistant) -> None:
    """'the next one' means nothing after an answer about a whole commitment."""
    *_, answer = chat(assistant, "who leads FR0038?", "the next one")
    assert answer.milestone is None


# -- the stored context --------------------------------------------------------------------------------------


def test_the_scope_is_stored_as_json_and_old_contexts_still_load(assistant: Assistant) -> None:
    answer = assistant.answer("France 2018-2020 commitments")
    stored = answer.context.to_json()
    assert json.loads(json.dumps(stored)) == stored and stored["scope"]["intent"] == "count"
    assert Context.from_json(stored) == answer.context
    old = {"commitment": "FR0038", "milestone": None, "lang": "en", "intent": "count", "candidates": []}
    assert Context.from_json(old) == Context(commitment="FR0038", lang="en", intent="count")
    assert Context.from_json({**old, "scope": {"intent": "count", "words": "not a list"}}).scope is None
    assert assistant.answer("which of them are starred?", context=Context.from_json(old)).entities.get(
        "plans") is None  # no scope stored: nothing to refine


# -- one commitment of the list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "follow_up", "commitment", "intent"), [
    ("commitments about beneficial ownership", "who leads the UK one?", "UK0063", "lead_institution"),
    ("engagements sur la science ouverte", "celui des Etats-Unis est-il étoilé ?", "US0072", "early_results"),
])
def test_the_member_one_of_a_list(assistant: Assistant, first: str, follow_up: str, commitment: str,
                                  intent: str) -> None:
    _, answer = chat(assistant, first, follow_up)
    assert (answer.intent, answer.commitment) == (intent, commitment)


def test_the_member_ones_refine_the_list(assistant: Assistant) -> None:
    _, answer = chat(assistant, "commitments about open data", "which french ones are starred?")
    assert answer.intent == "count"
    assert listed(answer) and listed(answer) <= set(ids(member="france", irm_starred="yes"))


def test_the_one_of_a_list_named_by_its_title(assistant: Assistant) -> None:
    _, answer = chat(assistant, "Liberia commitments", "who supports the public contracts one?")
    assert (answer.intent, answer.commitment) == ("support_institutions", "LR0041")


@pytest.mark.parametrize(("first", "follow_up", "phrase"), [
    ("parle-moi de FR0038", "que recommande l'IRM pour la suite ?", "prochaines étapes"),
    ("tell me about the EIG commitment", "what did the IRM say should happen next?", "next steps"),
])
def test_what_the_irm_recommends_for_the_conversation_s_commitment(assistant: Assistant, first: str,
                                                                    follow_up: str, phrase: str) -> None:
    _, answer = chat(assistant, first, follow_up)
    assert (answer.intent, answer.commitment) == ("irm_reports", "FR0038")
    assert phrase in answer.text


@pytest.mark.parametrize(("first", "follow_up", "commitment", "intent"), [
    # the list as it was shown: a count's order, a search's ranking
    ("how many commitments does tunisia have?", "who leads the first one?", "TN0037", "lead_institution"),
    ("engagements du kenya", "qui pilote le premier ?", "KE0018", "lead_institution"),
])
def test_the_nth_of_a_list(assistant: Assistant, first: str, follow_up: str, commitment: str, intent: str) -> None:
    _, answer = chat(assistant, first, follow_up)
    assert (answer.intent, answer.commitment) == (intent, commitment)


def test_the_nth_of_a_search(assistant: Assistant) -> None:
    listed, answer = chat(assistant, "commitments about lobbying", "is the second one starred?")
    second = re.findall(r"\b[A-Z]{2}\d{4}\b", listed.text)[1]
    assert (answer.intent, answer.commitment) == ("early_results", second)


def test_a_count_in_a_member_keeps_the_topic(assistant: Assistant) -> None:
    _, answer = chat(assistant, "engagements sur la participation citoyenne", "combien en France ?")
    assert "participation citoyenne" in answer.text and "36" not in answer.text.splitlines()[0]


def test_which_are_refines(assistant: Assistant) -> None:
    _, answer = chat(assistant, "how many commitments does tunisia have?", "which are about open data?")
    assert answer.intent == "count" and listed(answer) and all(c.startswith("TN") for c in listed(answer))


@pytest.mark.parametrize(("questions", "milestone"), [
    (("FR0038", "the second milestone?"), "9.2"),
    (("le deuxième jalon de FR0038",), "9.2"),
    (("FR0038", "and its last milestone?"), "9.3"),
    (("FR0038 milestone 9.1", "and the next one?", "what about the commitment as a whole?"), None),
])
def test_milestones_by_place(assistant: Assistant, questions: tuple[str, ...], milestone: str | None) -> None:
    answer = chat(assistant, *questions)[-1]
    assert answer.commitment == "FR0038" and answer.milestone == milestone
    if milestone is None:
        assert answer.intent == "commitment_status"


# -- commitments: the next one ----------------------------------------------------------------------------


def test_the_next_one_after_a_commitment_is_the_members_next_commitment(assistant: Assistant) -> None:
    _, after = chat(assistant, "tell me about FR0048", "the next one")
    assert (after.commitment, after.intent) == ("FR0049", "commitment_overview")
    _, before = chat(assistant, "qui pilote FR0049 ?", "et le précédent ?")
    assert (before.commitment, before.intent) == ("FR0048", "lead_institution")


def test_a_refined_search_keeps_its_topic_and_applies_the_filter(assistant: Assistant) -> None:
    _, answer = chat(assistant, "open data commitments in Tunisia", "which of them have high ambition?")
    assert answer.intent == "count" and listed(answer) == {"TN0037"}
