"""Every word of a question about one commitment is accounted for: a detail is answered with the sentence of the
commitment's texts (or the IRM's) that holds it, a facet the data has no field for is said to be missing, and
words found nowhere are named instead of being ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.service import Assistant
from bot.core.types import Answer


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    path = tmp_path_factory.mktemp("details") / "bot.db"
    return Assistant.from_url(f"sqlite:///{path}")


def ask(assistant: Assistant, question: str) -> Answer:
    return assistant.answer(question)


def folded(answer: Answer) -> str:
    return answer.text.lower()


@pytest.mark.parametrize(("question", "intent", "expected"), [
    # A figure the IRM wrote, in English and French: the sentence with the number, not the card.
    ("how many entrepreneurs have worked in the administration under FR0038?", "irm_reports", "71 entrepreneurs"),
    ("combien d'EIG sont restés dans le secteur public (FR0038) ?", "irm_reports", "14 ont continué"),
    # What the IRM recommends is its next steps, whatever language the question is in.
    ("what did the IRM recommend as next steps for FR0038?", "irm_reports", "next action plan"),
    ("que recommande le chercheur de l'IRM pour FR0038 ?", "irm_reports", "prochain plan"),
    # A detail of the commitment's own text.
    ("which UN declaration does CA0072 quote?", "description", "undrip"),
])
def test_a_detail_is_answered_with_the_sentence_that_holds_it(assistant: Assistant, question: str, intent: str,
                                                              expected: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, question.split("(")[-1][:6].upper()
                                                  if "(" in question else answer.commitment)
    assert expected in folded(answer), answer.text
    assert answer.sources, "a quoted sentence cites its page"


def test_the_quote_says_who_wrote_it(assistant: Assistant) -> None:
    assert "the irm" in folded(ask(assistant, "how many entrepreneurs have worked in the administration under FR0038?"))
    assert "commitment's text" in folded(ask(assistant, "which UN declaration does CA0072 quote?"))


@pytest.mark.parametrize(("question", "commitment", "facet"), [
    ("what is the phone number of the FR0049 team?", "FR0049", "phone"),
    ("email du responsable de FR0049", "FR0049", "email"),
    ("combien coûte FR0031 ?", "FR0031", "coute"),
    ("what is the salary of the FR0037 project lead?", "FR0037", "salary"),
])
def test_a_facet_the_data_lacks_is_said_to_be_missing(assistant: Assistant, question: str, commitment: str,
                                                      facet: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == ("unknown", commitment)
    assert facet in folded(answer) and commitment in answer.text
    assert answer.confidence <= 0.4


def test_a_facet_word_in_the_commitments_own_name_is_its_subject(assistant: Assistant) -> None:
    """'Citizen Budget' is what CI0016 is about: 'budget' there asks for no budget figure."""
    answer = ask(assistant, "citizen budget commitment cote d'ivoire")
    assert answer.intent == "commitment_overview" and answer.commitment == "CI0016"


def test_a_facet_without_a_commitment_is_no_match_on_other_words(assistant: Assistant) -> None:
    answer = ask(assistant, "email du ministre du numérique")
    assert answer.intent == "unknown" and answer.commitment is None and answer.candidates == []
    assert "email" in folded(answer)


def test_words_found_nowhere_are_named_not_ignored(assistant: Assistant) -> None:
    answer = ask(assistant, "FR0038 blabla zorglub")
    assert answer.commitment == "FR0038"
    assert "zorglub" in folded(answer) and answer.confidence <= 0.6


@pytest.mark.parametrize(("question", "intent"), [
    ("who leads FR0038?", "lead_institution"),
    ("tell me about FR0038", "commitment_overview"),
    ("info on KE0035 pls", "commitment_overview"),
    ("Could you tell me whether the United States commitment US0072 was considered verifiable by the IRM?",
     "verifiability"),
    ("is FR0045 still active?", "commitment_status"),
])
def test_questions_with_only_filler_beyond_the_field_keep_their_answer(assistant: Assistant, question: str,
                                                                       intent: str) -> None:
    answer = ask(assistant, question)
    assert answer.intent == intent and "did not understand" not in answer.text


def test_the_detail_vocabulary_is_data(tmp_path: Path) -> None:
    """The words live in data/nlu/details.json, validated like the other NLU files."""
    from bot.core.lexicon import DetailsFile, read_nlu_file
    from bot.dataset.errors import DataError

    bad = tmp_path / "details.json"
    bad.write_text('{"missing_facets": {"en": [1]}, "irm_advice": {}, "figure": {}, "filler": {}}', encoding="utf-8")
    with pytest.raises(DataError, match=r"details.json: missing_facets.en\[0\]"):
        read_nlu_file(bad, DetailsFile)


@pytest.mark.parametrize("question", ["who won the world cup in 2018", "qui est le président de la république ?"])
def test_a_question_not_about_commitments_is_not_matched_on_a_shared_word(assistant: Assistant, question: str) -> None:
    answer = ask(assistant, question)
    assert answer.intent == "unknown" and answer.commitment is None and " — " not in answer.text  # no hit listed


@pytest.mark.parametrize("question", ["open science", "lobbying", "anything on beneficial ownership?"])
def test_a_topic_several_commitments_are_named_after_is_a_list(assistant: Assistant, question: str) -> None:
    answer = ask(assistant, question)
    assert answer.intent == "search" and answer.commitment is None and answer.text.count("\n") >= 2


def test_how_many_of_something_else_than_commitments_is_a_figure_of_a_text(assistant: Assistant) -> None:
    answer = ask(assistant, "how many entrepreneurs have worked in the administration through the EIG programme?")
    assert (answer.intent, answer.commitment) == ("irm_reports", "FR0038") and "71" in answer.text


def test_a_footnote_reference_is_never_quoted(assistant: Assistant) -> None:
    answer = ask(assistant, "how many hackathons were organised by Etalab for FR0038?")
    assert "http" not in answer.text.split("Source")[0] and "communication with" not in answer.text


@pytest.mark.parametrize(("question", "expected"), [
    ("what did the IRM conclude about FR0038?", "one more year"),
    ("FR0038 : que dit le rapport de fin de mandat de l'IRM ?", "une annee supplementaire"),
])
def test_what_the_irm_concluded_is_its_summary(assistant: Assistant, question: str, expected: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == ("irm_reports", "FR0038")
    assert expected in answer.text.lower().replace("é", "e"), answer.text


def test_a_facet_asked_in_a_follow_up_is_about_the_conversations_commitment(assistant: Assistant) -> None:
    first = ask(assistant, "tell me about FR0015")
    answer = assistant.answer("what's its budget?", context=first.context)
    assert (answer.intent, answer.commitment) == ("unknown", "FR0015") and "budget" in answer.text


def test_the_last_milestone_after_the_list(assistant: Assistant) -> None:
    first = ask(assistant, "jalons de FR0038")
    answer = assistant.answer("le dernier est-il réalisé ?", context=first.context)
    assert (answer.intent, answer.commitment, answer.milestone) == ("milestone_status", "FR0038", "9.3")


@pytest.mark.parametrize(("question", "expected"), [
    # A field cue ("when", "selon l'IRM … état") with words naming something inside the commitment: the sentence
    # that holds them, not the commitment's dates or status.
    ("when was the EIG programme created?", "created in 2016"),
    # (the IRM's sentence that names the obstacles, where the status would answer another question)
    ("selon l'IRM, quels obstacles empechent les experts du numerique de travailler pour l'Etat ?",
     "passation de marché"),
])
def test_a_field_cue_about_something_inside_the_commitment_quotes_it(assistant: Assistant, question: str,
                                                                      expected: str) -> None:
    answer = ask(assistant, question)
    assert answer.intent in ("description", "irm_reports") and answer.commitment == "FR0038"
    assert expected in folded(answer)


@pytest.mark.parametrize(("question", "intent"), [
    # Words of the field's own vocabulary, of the commitment's one-line description, or of an IRM report's name ask
    # nothing more: the field is answered.
    ("opening the administration to new skills: who leads it?", "lead_institution"),
    ("Could you please provide the potential impact rating assessed for commitment FR0038 in the IRM Design Report?",
     "ambition"),
    ("wich ministries suport FR0038", "support_institutions"),
    ("was the EIG program commitment completed", "commitment_status"),
])
def test_field_words_ask_nothing_more(assistant: Assistant, question: str, intent: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, "FR0038")


def test_a_milestone_named_by_its_words(assistant: Assistant) -> None:
    """"où en est le jalon sur le réseau des anciens EIG ?": the milestone whose words these are (9.2)."""
    answer = ask(assistant, "ou en est le jalon sur le reseau des anciens EIG ?")
    assert (answer.intent, answer.commitment, answer.milestone) == ("milestone_status", "FR0038", "9.2")
    assert "terminé" in folded(answer)


@pytest.mark.parametrize(("question", "commitment", "missing"), [
    # A count or a list of a facet no record has and no text speaks of: said, never a count of something else.
    ("how much did kenya spend on its beneficial ownership register", None, "spend"),
    ("which commitments got the most twitter mentions", None, "twitter"),
    # How many people: no record counts users or staff.
    ("combien de personnes ont utilisé le portail de l'Etat uruguayen UY0110 ?", "UY0110", "combien de personnes"),
    ("combien de fonctionnaires travaillent sur FR0031", "FR0031", "fonctionnaires travaillent"),
])
def test_a_facet_without_data_in_counts_and_figures(assistant: Assistant, question: str, commitment: str | None,
                                                    missing: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == ("unknown", commitment)
    assert f"“{missing}”" in answer.text or f"« {missing} »" in answer.text
    assert "did not understand" not in answer.text


@pytest.mark.parametrize(("question", "intent", "commitment"), [
    ("list the milestones of the EIG commitment", "milestones", "FR0038"),
    # "open" is a word of the title, "open government" a cue of early results all the same
    ("did the US open science commitment open government?", "early_results", "US0072"),
    ("what other bodies help with the cote d'ivoire whistleblower commitment", "support_institutions", "CI0018"),
    ("institution cheffe de file de l'engagement sur la transparence des représentants d'intérêts",
     "lead_institution", "FR0049"),
])
def test_cues_of_one_commitment_s_fields(assistant: Assistant, question: str, intent: str, commitment: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, commitment)


@pytest.mark.parametrize(("question", "intent", "commitment"), [
    # French elisions typed without the apostrophe, as on a phone
    ("qui pilote lengagement sur les lanceurs dalerte en cote divoire", "lead_institution", "CI0018"),
    ("ki pilote lengagement sur les lanceurs dalerte en cote divoire", "lead_institution", "CI0018"),
])
def test_elisions_without_apostrophe(assistant: Assistant, question: str, intent: str, commitment: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, commitment)


def test_when_an_action_plan_ends(assistant: Assistant) -> None:
    answer = ask(assistant, "quand se termine le plan d'action 2018-2020 de la france ?")
    assert (answer.intent, answer.commitment) == ("dates", None)
    assert "court de 2018 à 2020" in answer.text


@pytest.mark.parametrize(("question", "intent", "commitment"), [
    ("l'irm a t il évalué FR0031 ?", "irm_reports", "FR0031"),
    ("has the IRM assessed UK0068?", "irm_reports", "UK0068"),
    # the field the IRM assessed, when one is named
    ("Has the IRM assessed the verifiability of CI0021 yet?", "verifiability", "CI0021"),
    ("what's OGP?", "help", None),
])
def test_asking_whether_the_irm_assessed(assistant: Assistant, question: str, intent: str,
                                          commitment: str | None) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, commitment)


@pytest.mark.parametrize(("question", "intent", "commitment"), [
    # a cue word that is a word of one candidate's title names it
    ("the kenyan commitment on beneficial ownership verification", "commitment_overview", "KE0035"),
    ("which ministry supports FR0031?", "support_institutions", "FR0031"),
    ("what is the ghana commitment about", "commitment_overview", "GH0003"),
    # people: the data names institutions only
    ("who is the minister in charge of FR0049?", "unknown", "FR0049"),
    ("qui est le ministre du numérique ?", "unknown", None),
    # joining OGP is no commitment ("Join EITI")
    ("how do I join OGP?", "help", None),
])
def test_more_ways_of_asking(assistant: Assistant, question: str, intent: str, commitment: str | None) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, commitment)


@pytest.mark.parametrize(("question", "intent", "commitment"), [
    # "l'État" is the "State" of "State AI Lab", not "état" (status); "doit faire" asks what it is for
    ("qu'est-ce que le laboratoire d'IA de l'état doit faire ?", "description", "FR0037"),
    ("what is FR0037's AI lab supposed to do?", "description", "FR0037"),
    ("quel est l'état de FR0038 ?", "commitment_status", "FR0038"),
])
def test_what_a_commitment_is_to_do(assistant: Assistant, question: str, intent: str, commitment: str) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == (intent, commitment)


@pytest.mark.parametrize(("question", "lang"), [
    ("institution responsable CI0018", "fr"),
    ("Citizen budget cote d'ivoire", "en"),  # the member's name is no French elision
])
def test_language_of_short_mixed_questions(assistant: Assistant, question: str, lang: str) -> None:
    assert ask(assistant, question).lang == lang


@pytest.mark.parametrize(("question", "missing"), [
    ("was FR0038 completed on time?", "on time"),
    ("FR0038 a-t-il pris du retard ?", "retard"),
])
def test_timeliness_is_no_field(assistant: Assistant, question: str, missing: str) -> None:
    """No record says whether a commitment was on time: said, not a sentence that happens to hold "time"."""
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment) == ("unknown", "FR0038")
    assert missing in answer.text


def test_a_title_s_words_in_the_other_language_are_its_name(assistant: Assistant) -> None:
    """"la protection des lanceurs d'alerte" names "whistleblower protection": not words it did not understand."""
    answer = ask(assistant, "la protection des lanceurs d'alerte")
    assert answer.commitment == "CI0018" and "pas compris" not in answer.text


def test_words_all_in_its_texts_but_in_no_one_sentence(assistant: Assistant) -> None:
    """Not "I did not understand" words the commitment's texts do have: no sentence answers, and it says so."""
    answer = ask(assistant,
                 "how many entrepreneurs have worked in the administration through the EIG programme so far?")
    assert answer.commitment == "FR0038" and "71 entrepreneurs" in answer.text


def test_a_sentence_is_quoted_with_the_one_that_says_what_it_announces(assistant: Assistant) -> None:
    """"… plusieurs obstacles empêchent … Ceux-ci incluent …": the obstacles themselves, not only that there are."""
    answer = ask(assistant, "quels obstacles empêchent les talents du numérique de rejoindre l'État selon l'IRM ?")
    assert "obstacles" in answer.text and "rémunération" in answer.text


@pytest.mark.parametrize(("question", "intent", "commitment", "milestone"), [
    ("que prévoit le jalon 9.1 de l'engagement FR0038 ?", "milestone_status", "FR0038", "9.1"),
    # "work" is no cue of a field ("how does it work" is the help's): the sentence about EIGs' work
    ("how long does an EIG work inside an administration?", "description", "FR0038", None),
    # the commitment's member asked, not a count of members
    ("open science through open data - which country is that?", "commitment_overview", "US0072", None),
    ("write me a poem about open data", "unknown", None, None),
])
def test_round_five_classes(assistant: Assistant, question: str, intent: str, commitment: str | None,
                            milestone: str | None) -> None:
    answer = ask(assistant, question)
    assert (answer.intent, answer.commitment, answer.milestone) == (intent, commitment, milestone)


def test_what_is_a_thing_no_sentence_names(assistant: Assistant) -> None:
    """"c'est quoi le kit d'innovation du ministère de l'économie ?": no sentence holds the kit; not a sentence
    about an incubator."""
    answer = ask(assistant, "c'est quoi le kit d'innovation du ministère de l'économie dans FR0038 ?")
    assert answer.intent == "commitment_overview" and "incubateur" not in answer.text


@pytest.mark.parametrize(("question", "expected"), [
    # "how long": a length of time, not the sentence that says when the programme was created.
    ("FR0038: how long do the Entrepreneurs of General Interest work in an administration?", "10 months"),
    ("FR0038 : combien de temps les EIG travaillent-ils dans l'administration ?", "10 mois"),
    # "what year": a sentence with a year.
    ("in what year was the EIG programme behind FR0038 first run?", "2016"),
])
def test_a_year_or_a_length_of_time_is_quoted_from_a_sentence_that_has_one(assistant: Assistant, question: str,
                                                                           expected: str) -> None:
    answer = ask(assistant, question)
    assert answer.commitment == "FR0038" and answer.intent in ("description", "irm_reports")
    assert expected in folded(answer), answer.text


@pytest.mark.parametrize(("question", "expected"), [
    ("¿cuánto tiempo trabajan los EIG en la administración? FR0038", "10 months"),
    ("¿cuándo se creó el programa EIG?", "created in 2016"),
    ("¿cuántos emprendedores trabajaron en la administración? FR0038", "71 entrepreneurs"),
])
def test_a_spanish_detail_question_quotes_the_english_sentence_where_no_spanish_one_exists(
        assistant: Assistant, question: str, expected: str) -> None:
    answer = ask(assistant, question)
    assert answer.lang == "es" and answer.commitment == "FR0038"
    assert expected in folded(answer), answer.text
    assert "solo existe en inglés" in answer.text  # the language of the quote is named
