"""Question understanding on a small fixture dataset: entities, intents, language, follow-ups."""

from __future__ import annotations

import pytest

from bot.core.dispatch import answer_question
from bot.core.entities import extract
from bot.core.index import Index
from bot.core.language import choose, detect
from bot.core.text import tokens
from bot.core.types import Context


@pytest.fixture(scope="module")
def index(mini_dataset) -> Index:  # type: ignore[no-untyped-def]
    return Index.build(mini_dataset, version=1)


def ask(index: Index, question: str, context: Context | None = None, lang: str | None = None):  # type: ignore[no-untyped-def]
    return answer_question(index, question, context=context or Context(), lang=lang, preferred_lang=None,
                           client_lang=None, default_lang="en")


@pytest.mark.parametrize("text", ["FR0038", "fr0038", "FR-0038", "FR 38", "fr38", "Fr_0038", "FR0038?", "(FR0038)",
                                  "engagement n°FR0038"])
def test_commitment_id_in_every_written_form(index: Index, text: str) -> None:
    assert extract(text, index).commitment_ids == ["FR0038"]


@pytest.mark.parametrize("text", ["de 2018", "la 2", "et 38", "in 2018", "a 38"])
def test_words_and_numbers_are_not_ids(index: Index, text: str) -> None:
    assert extract(text, index).commitment_ids == []


def test_unknown_id_is_reported(index: Index) -> None:
    found = extract("status of FR9999", index)
    assert found.commitment_ids == [] and found.unknown_ids == ["FR9999"]
    answer = ask(index, "status of FR9999")
    assert answer.commitment is None and "FR9999" in answer.text


@pytest.mark.parametrize(("text", "milestone", "position"), [
    ("status of FR0038 milestone 9.2", "9.2", None), ("jalon 9,2 de FR0038", "9.2", None),
    ("milestone 2 of FR0038", None, 2), ("étape 1", None, 1), ("step 2 of FR0038", None, 2),
])
def test_milestones(index: Index, text: str, milestone: str | None, position: int | None) -> None:
    found = extract(text, index)
    assert (found.milestone, found.milestone_position) == (milestone, position)


def test_milestone_by_position_maps_to_its_number(index: Index) -> None:
    answer = ask(index, "milestone 2 of FR0038")
    assert (answer.intent, answer.commitment, answer.milestone) == ("milestone_status", "FR0038", "9.2")


def test_missing_milestone_says_which_exist(index: Index) -> None:
    answer = ask(index, "status of FR0038 milestone 9.7")
    assert answer.milestone is None and "9.7" in answer.text and "9.1" in answer.text


@pytest.mark.parametrize(("text", "years", "member"), [
    ("commitment 9 of France's 2018-2020 plan", (2018, 2020), "france"),
    ("l'engagement 9 du plan 2018-2020", (2018, 2020), None),
    ("United Kingdom 2016-18 plan", (2016, 2018), "united-kingdom"),
    ("Royaume-Uni plan 2016 – 2018", (2016, 2018), "united-kingdom"),
])
def test_plans_and_members(index: Index, text: str, years: tuple[int, int], member: str | None) -> None:
    found = extract(text, index)
    assert found.years == years
    assert found.members == ([member] if member else [])


@pytest.mark.parametrize("text", ["commitment 9 of France's 2018-2020 plan", "l'engagement 9 du plan 2018-2020",
                                  "engagement 9 du plan d'action 2018-2020 de la France"])
def test_commitment_by_plan_and_number(index: Index, text: str) -> None:
    assert ask(index, text).commitment == "FR0038"


@pytest.mark.parametrize(("question", "intent"), [
    ("hi", "greeting"), ("bonjour", "greeting"), ("help", "help"), ("aide", "help"),
    ("comment ça marche ?", "help"), ("tell me about FR0038", "commitment_overview"),
    ("c'est quoi l'engagement FR0038 ?", "commitment_overview"), ("FR0038", "commitment_overview"),
    ("status of FR0038", "commitment_status"), ("où en est FR0038 ?", "commitment_status"),
    ("was FR0038 completed?", "commitment_status"), ("status of FR0038 milestone 9.2", "milestone_status"),
    ("le jalon 9.2 de FR0038 est-il réalisé ?", "milestone_status"),
    ("what are the milestones of FR0038?", "milestones"), ("quelles sont les étapes de FR0038 ?", "milestones"),
    ("who leads FR0038?", "lead_institution"), ("qui pilote FR0038 ?", "lead_institution"),
    ("which ministries support FR0038?", "support_institutions"),
    ("institutions d'appui de FR0038", "support_institutions"),
    ("which policy areas does FR0038 cover?", "policy_areas"), ("domaines politiques de FR0038", "policy_areas"),
    ("how ambitious is FR0038?", "ambition"), ("potential impact of FR0038", "ambition"),
    ("is FR0038 verifiable?", "verifiability"), ("is FR0038 relevant to OGP values?", "relevance"),
    ("valeurs OGP de FR0038", "relevance"), ("did FR0038 open government?", "early_results"),
    ("was FR0038 starred?", "early_results"), ("premiers résultats de FR0038", "early_results"),
    ("when does FR0038 end?", "dates"), ("date de fin de FR0038", "dates"),
    ("what is FR0038 about? what are its objectives?", "description"),
    ("quels sont les objectifs de FR0038 ?", "description"),
    ("which action plan is FR0038 part of?", "action_plan"), ("which IRM reports cover FR0038?", "irm_reports"),
    ("commitments about beneficial ownership", "search"), ("engagements sur les bénéficiaires effectifs", "search"),
    ("how many commitments in France 2018-2020?", "count"), ("combien d'engagements pour la France ?", "count"),
    ("who won the football world cup?", "unknown"),
])
def test_intents(index: Index, question: str, intent: str) -> None:
    assert ask(index, question).intent == intent


@pytest.mark.parametrize(("question", "intent"), [
    ("whats the stauts of FR0038", "commitment_status"), ("who leeds FR0038", "lead_institution"),
    ("FR0038 milstone 9.2", "milestone_status"), ("quelles sont les etapes de FR0038", "milestones"),
    ("qui pilotte FR0038", "lead_institution"),
])
def test_intents_with_typos_and_without_accents(index: Index, question: str, intent: str) -> None:
    assert ask(index, question).intent == intent


@pytest.mark.parametrize(("question", "lang"), [
    ("what is the status of FR0038?", "en"), ("où en est l'engagement FR0038 ?", "fr"),
    ("qui pilote cet engagement", "fr"), ("who leads it", "en"), ("FR0038 jalon 9.1 statut", "fr"),
    ("rapports IRM de FR0038", "fr"), ("policy areas of FR0038", "en"), ("salut !", "fr"), ("hi", "en"),
])
def test_language_detection(question: str, lang: str) -> None:
    assert detect(question, tokens(question)) == lang


def test_short_text_falls_back_to_preferences() -> None:
    assert detect("FR0038 ?", tokens("FR0038 ?")) is None
    assert choose(None, forced=None, preferred="fr", client="en", default="en") == "fr"
    assert choose(None, forced=None, preferred=None, client="fr-CA", default="en") == "fr"
    assert choose(None, forced=None, preferred=None, client=None, default="fr") == "fr"
    assert choose("en", forced="fr", preferred=None, client=None, default="en") == "fr"


def test_commitment_by_title_in_either_language_with_typos(index: Index) -> None:
    for question in ("who leads administrative capacity building?", "qui pilote le renforcement des capacites "
                     "administratives ?", "status of the administrativ capacity bulding commitment",
                     "opening the administration to new skills: who leads it?"):
        assert ask(index, question).commitment == "FR0038", question


def test_member_narrows_title_match(index: Index) -> None:
    answer = ask(index, "who leads beneficial ownership in the United Kingdom?")
    assert (answer.intent, answer.commitment) == ("lead_institution", "UK0063")


def test_follow_ups_reuse_the_conversation(index: Index) -> None:
    first = ask(index, "Tell me about FR0038")
    second = ask(index, "and milestone 9.2?", first.context)
    assert (second.intent, second.commitment, second.milestone) == ("milestone_status", "FR0038", "9.2")
    third = ask(index, "et qui le pilote ?", second.context)
    assert (third.intent, third.commitment, third.lang) == ("lead_institution", "FR0038", "fr")
    fourth = ask(index, "9.1 ?", third.context)
    assert (fourth.commitment, fourth.milestone) == ("FR0038", "9.1")
    assert fourth.lang == "fr"  # too short to tell: the conversation's language


def test_question_without_commitment_asks_which(index: Index) -> None:
    answer = ask(index, "who leads it?")
    assert answer.intent == "lead_institution" and answer.commitment is None
    assert "FR0038" in answer.text and answer.confidence <= 0.3


def test_answers_in_the_forced_language(index: Index) -> None:
    answer = ask(index, "who leads FR0038?", lang="fr")
    assert answer.lang == "fr" and "Secrétaire d'Etat chargé du Numérique" in answer.text


def test_text_only_in_the_other_language_is_used_and_flagged(index: Index) -> None:
    answer = ask(index, "status of FR0038 milestone 9.2")  # its IRM note exists only in French
    assert "réseau d'anciens" in answer.text
    assert "only in French" in answer.text


def test_every_factual_answer_cites_its_source(index: Index) -> None:
    for question in ("who leads FR0038?", "status of FR0038 milestone 9.2", "policy areas of FR0038",
                     "FR0038", "when does FR0038 end?"):
        answer = ask(index, question)
        assert answer.sources == ["https://www.opengovpartnership.org/members/france/commitments/FR0038/"]
        assert answer.sources[0] in answer.text


def test_controlled_values_in_the_readers_language(index: Index) -> None:
    assert "Low" in ask(index, "how ambitious is FR0038?").text
    assert "Faible" in ask(index, "quelle est l'ambition de FR0038 ?").text
    assert "Substantial" in ask(index, "status of FR0038").text
    assert "Substantiel" in ask(index, "où en est FR0038 ?").text


def test_json_object_has_the_contract_keys(index: Index) -> None:
    data = ask(index, "status of FR0038 milestone 9.2?").to_json()
    assert {"question", "lang", "intent", "commitment", "milestone", "candidates", "confidence", "text",
            "sources"} <= set(data)
    assert 0 <= data["confidence"] <= 1


@pytest.mark.parametrize("text", ["CA-0066 ambition", "UK-0063 ambition", "UK 63 ambition"])
def test_ids_say_nothing_of_the_language(index: Index, text: str) -> None:
    # "ca" or "uk" inside an id are not the French "ça": the rest of the question decides (here: nothing).
    assert ask(index, text).lang == "en"


def test_french_words_find_an_english_only_title(index: Index) -> None:
    # UK0063 has an English title only; the glossary bridges "bénéficiaires effectifs" and "beneficial ownership".
    answer = ask(index, "qui pilote l'engagement sur les bénéficiaires effectifs au Royaume-Uni ?")
    assert (answer.intent, answer.commitment, answer.lang) == ("lead_institution", "UK0063", "fr")


def test_a_title_spelt_out_in_full_wins_over_longer_ones(index: Index) -> None:
    answer = ask(index, "qui pilote le renforcement des capacités administratives ?")
    assert answer.commitment == "FR0038"


def test_ordinal_after_a_list_of_milestones_is_a_milestone(index: Index) -> None:
    listed = ask(index, "milestones of FR0038?")
    assert listed.intent == "milestones"
    second = ask(index, "and the second one?", context=listed.context)
    assert (second.intent, second.commitment, second.milestone) == ("milestone_status", "FR0038", "9.2")


def test_count_ignores_words_about_the_bot_itself(index: Index) -> None:
    plain = ask(index, "how many commitments does France have?")
    asked = ask(index, "how many commitments does France have in your database?")
    assert asked.intent == "count" and asked.text.splitlines()[0] == plain.text.splitlines()[0]


@pytest.mark.parametrize(("question", "intent"), [
    ("whos leadin fr0038", "lead_institution"), ("qui est le chef de fil de FR0038", "lead_institution"),
    ("FR0038 c fini ou pas", "commitment_status"), ("what can u do", "help"),
    ("quelles questions puis-je poser ?", "help"),
    ("what's the completion level of FR0038 at end of term", "commitment_status")])
def test_typed_the_way_people_type(index: Index, question: str, intent: str) -> None:
    assert ask(index, question).intent == intent


@pytest.mark.parametrize("question", ["Has the EIG alumni network been created?",
                                      "le réseau d'anciens a-t-il été créé ?"])
def test_a_milestone_named_by_its_content(index: Index, question: str) -> None:
    # "EIG" is in both milestones: only the words of one milestone alone ("alumni network") point to it.
    answer = ask(index, question)
    assert (answer.intent, answer.commitment, answer.milestone) == ("milestone_status", "FR0038", "9.2")


def test_the_same_question_about_another_commitment(index: Index) -> None:
    first = ask(index, "who leads FR0038?")
    again = ask(index, "and UK0063?", context=first.context)
    assert (again.intent, again.commitment) == ("lead_institution", "UK0063")
    other = ask(index, "same for UK0063", context=first.context)
    assert (other.intent, other.commitment) == ("lead_institution", "UK0063")


def test_the_same_count_for_another_member(index: Index) -> None:
    first = ask(index, "how many commitments does France have?")
    again = ask(index, "et pour le Royaume-Uni ?", context=first.context)
    assert again.intent == "count" and "UK0063" in again.text


@pytest.mark.parametrize("question", ["engagements royaume-uni", "uk commitments"])
def test_a_member_and_commitments_is_the_members_list(index: Index, question: str) -> None:
    answer = ask(index, question)
    assert answer.intent == "count" and "UK0063" in answer.text


def test_a_member_with_one_commitment_names_it(index: Index) -> None:
    answer = ask(index, "qui pilote l'engagement du Royaume-Uni ?")
    assert (answer.intent, answer.commitment) == ("lead_institution", "UK0063")


def test_polite_filler_is_no_topic(index: Index) -> None:
    plain = ask(index, "how many commitments does France have?")
    polite = ask(index, "Could you kindly confirm the number of commitments included for France as recorded?")
    assert polite.intent == "count" and polite.text.splitlines()[0] == plain.text.splitlines()[0]


@pytest.mark.parametrize(("question", "lang"), [("engagemnt lanceurs dalerte", "fr"),
                                                ("whistleblowers commitments", "en")])
def test_topic_words_tell_the_language(index: Index, question: str, lang: str) -> None:
    assert ask(index, question).lang == lang


def test_words_of_the_title_are_no_cues(index: Index) -> None:
    # "capacity building" names FR0038; "building" must not count, and "who leads" is what is asked.
    answer = ask(index, "who leads the administrative capacity building commitment?")
    assert (answer.intent, answer.commitment) == ("lead_institution", "FR0038")


def test_the_irm_named_as_a_source_is_no_question_about_reports(index: Index) -> None:
    answer = ask(index, "Was FR0038 considered verifiable by the Independent Reporting Mechanism?")
    assert (answer.intent, answer.commitment) == ("verifiability", "FR0038")
