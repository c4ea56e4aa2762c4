"""The wording of answers, on a fixture dataset built to show each defect a blind evaluation found:
summaries quoted whole, labels said once, dates and stars said plainly, counts that agree with their
lists, natural counts, French elision, notes that name the language a text really is in, report names
in the reader's language, and no Telegram command in the core's answers."""

from __future__ import annotations

import pytest

from bot.core.dispatch import answer_intent, answer_question
from bot.core.index import Index
from bot.core.textlang import written_in
from bot.core.types import Context
from bot.core.wording.draft import answer_translator, elide, starts_with_vowel_sound
from bot.dataset.reader import validate_dataset

FR_2018 = "france-2018-2020"
DESIGN_EN, DESIGN_FR = "France Design Report 2018-2020", "Rapport de conception France 2018-2020"
RESULTS_EN = "France Transitional Results Report 2018-2020"

END_SUMMARY = {
    "en": "Completion: substantial\n\nThe 2020 finance bill renewed the EIG programme for one more year. An EIG "
          "alumni network was set up.\n\nSources:\n- Acteurs publics, 9 November 2019.",
    "fr": "Achèvement : substantiel\n\nLe projet de loi de finances 2020 a reconduit le programme EIG pour une "
          "année. Un réseau d'anciens EIG a été mis en place.\n\nSources :\n- Acteurs publics, 9 novembre 2019.",
}


def _c(cid: str, member: str, plan: str, title: dict[str, str], **fields: object) -> dict:  # type: ignore[type-arg]
    slug = {"france": "france", "ireland": "ireland", "ukraine": "ukraine", "guatemala": "guatemala",
            "united-kingdom": "united-kingdom"}[member]
    return {"id": cid, "member": member, "action_plan": plan, "title": title,
            "urls": {"en": f"https://www.opengovpartnership.org/members/{slug}/commitments/{cid}/"}, **fields}


DATA = {
    "format": "ogp-bot-dataset", "format_version": 1,
    "members": [{"id": "france", "name": {"en": "France", "fr": "France"}},
                {"id": "ireland", "name": {"en": "Ireland", "fr": "Irlande"}},
                {"id": "ukraine", "name": {"en": "Ukraine", "fr": "Ukraine"}},
                {"id": "guatemala", "name": {"en": "Guatemala", "fr": "Guatemala"}},
                {"id": "united-kingdom", "name": {"en": "United Kingdom", "fr": "Royaume-Uni"}}],
    "action_plans": [
        {"id": FR_2018, "member": "france", "start_year": 2018, "end_year": 2020,
         "title": {"en": "France Action Plan 2018-2020", "fr": "Plan d'action France 2018-2020"}},
        {"id": "ireland-2014-2016", "member": "ireland", "start_year": 2014, "end_year": 2016,
         "title": {"en": "Ireland Action Plan 2014-2016"}},
        {"id": "ukraine-2016-2018", "member": "ukraine", "start_year": 2016, "end_year": 2018,
         "title": {"en": "Ukraine Action Plan 2016-2018"}},
        {"id": "guatemala-2016-2018", "member": "guatemala", "start_year": 2016, "end_year": 2018,
         "title": {"en": "Guatemala National Action Plan 2016-2018"}},
        {"id": "united-kingdom-2016-2018", "member": "united-kingdom", "start_year": 2016, "end_year": 2018,
         "title": {"en": "United Kingdom Action Plan 2016-2018"}}],
    "commitments": [
        _c("FR0038", "france", FR_2018, {"en": "Administrative Capacity-Building",
                                         "fr": "Renforcement des capacités administratives"}, number="9",
           milestones=[{"number": "9.1", "text": {"en": "Perpetuate the programme", "fr": "Pérenniser le programme"},
                        "status": "substantial"},
                       {"number": "9.2", "text": {"en": "Create an alumni network", "fr": "Créer un réseau"},
                        "status": "complete"}],
           irm={"completion_end": "substantial", "early_results": "no_irm_data", "end_summary": END_SUMMARY,
                "reports": [{"en": RESULTS_EN, "fr": "Rapport de résultats de la transition France 2018-2020"},
                            {"en": DESIGN_EN, "fr": DESIGN_FR}]}),
        # The French page gives the English name of the design report, untranslated, filed under French.
        _c("FR0040", "france", FR_2018, {"en": "Streamline Data Flows", "fr": "Rationaliser les flux de données"},
           irm={"completion": "pending_irm_review", "starred": "pending_irm_review",
                "reports": [{"fr": DESIGN_EN}]}),
        _c("FR0049", "france", FR_2018, {"en": "Transparency of Interest Representatives",
                                         "fr": "Transparence des représentants d'intérêts"},
           irm={"starred": "no", "reports": [{"en": RESULTS_EN, "fr": RESULTS_EN}]}),
        _c("FR0050", "france", FR_2018, {"en": "Open Justice Decisions", "fr": "Décisions de justice ouvertes"},
           irm={"reports": [{"en": "France End-of-Term Report 2018-2020"}]}),
        _c("IE0014", "ireland", "ireland-2014-2016", {"en": "Regulation of Lobbying"},
           irm={"starred": "yes", "early_results": "outstanding"}),
        _c("GT0074", "guatemala", "guatemala-2016-2018",
           {"en": "CREAR E INSTITUCIONALIZAR MECANISMOS DE OPINIÓN CIUDADANA PARA LOS PROYECTOS DE LEY"},
           lead_institutions=[{"en": "Congreso de la República"}]),
        _c("UK0068", "united-kingdom", "united-kingdom-2016-2018", {"en": "Grants data"},
           description={"en": "Objective: Increased release of information about government grant making.",
                        "fr": "Objectif : Publier davantage d'informations sur les subventions."}),
        # Ten commitments on open contracting, three of them assessed by the IRM, none complete.
        *[_c(f"UA{60 + n:04d}", "ukraine", "ukraine-2016-2018", {"en": f"Open contracting in region {n}"},
             policy_areas=["open_contracting"],
             irm={"completion_end": "limited"} if n < 3 else {}) for n in range(10)],
    ],
}


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(validate_dataset(DATA, "answer texts"), version=1)


def ask(index: Index, question: str, lang: str | None = None):  # type: ignore[no-untyped-def]
    return answer_question(index, question, context=Context(), lang=lang, preferred_lang=None, client_lang=None,
                           default_lang="en")


# 1. The IRM's end-of-term summary ------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang", "quote", "repeated"), [
    ("status of FR0038", "en", "\n\nIRM end-of-term report: “The 2020 finance bill renewed", "Completion: substantial"),
    ("où en est FR0038 ?", "fr", "\n\nRapport de fin de mandat de l'IRM : « Le projet de loi de finances 2020",
     "Achèvement : substantiel"),
])
def test_status_quotes_the_irm_summary_as_its_own_paragraph(index: Index, question: str, lang: str, quote: str,
                                                           repeated: str) -> None:
    text = ask(index, question, lang=lang).text
    assert quote in text
    assert repeated not in text  # the first line already gives the completion level, in the vocabulary's case
    assert "Sources" not in text and "Acteurs publics" not in text
    first_line = text.splitlines()[0]
    assert ("Substantial" if lang == "en" else "Substantiel") in first_line


def test_a_summary_that_gives_another_level_keeps_it_on_a_line_of_its_own(index: Index) -> None:
    data = {**DATA, "commitments": [_c("FR0038", "france", FR_2018, {"en": "Capacity"}, irm={
        "completion_midterm": "limited", "end_summary": {"en": "Completion: complete\n\nAll was done."}})]}
    text = ask(Index.build(validate_dataset(data, "other level"), version=1), "status of FR0038").text
    assert "Completion at mid-term (IRM): Limited." in text
    assert "Completion at the end of the action plan (IRM): Complete." in text
    assert "IRM end-of-term report: “All was done.”" in text


def test_irm_reports_answer_lists_the_reports_only(index: Index) -> None:
    answer = ask(index, "which IRM reports cover FR0038?")
    assert answer.intent == "irm_reports"
    assert f"{RESULTS_EN} and {DESIGN_EN}." in answer.text
    assert "finance bill" not in answer.text and "IRM:" not in answer.text


# 2. A label the stored text already has -------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang", "expected"), [
    ("uk68 description", "en", "Objective: Increased release of information"),
    ("objectifs de UK0068", "fr", "Objectif : Publier davantage"),
])
def test_description_label_is_said_once(index: Index, question: str, lang: str, expected: str) -> None:
    text = ask(index, question, lang=lang).text
    assert expected in text
    assert "Objective: Objective" not in text and "Objectif : Objectif" not in text


def test_a_label_in_the_other_language_is_dropped_too(index: Index) -> None:
    text = answer_intent(index, "description", "UK0068", None, lang="en", context=Context()).text
    assert "Objective: Increased" in text
    data = {**DATA, "commitments": [_c("UK0068", "united-kingdom", "united-kingdom-2016-2018", {"en": "Grants"},
                                       description={"fr": "Objectifs : Publier les subventions."})]}
    only_french = Index.build(validate_dataset(data, "label"), version=1)
    text = answer_intent(only_french, "description", "UK0068", None, lang="en", context=Context()).text
    assert "Objective: Publier les subventions." in text


# 3. Dates the data does not give ---------------------------------------------------------------------------------


def test_end_date_not_in_the_data_is_said_before_the_plan_period(index: Index) -> None:
    lines = ask(index, "when does FR0049 end?").text.splitlines()
    assert lines[0] == ("The data gives no start or end date for FR0049 (Transparency of Interest Representatives) "
                        "itself.")
    assert lines[1] == "FR0049 is part of France Action Plan 2018-2020, which runs from 2018 to 2020."
    assert not any(line.startswith("Its") for line in lines)
    french = ask(index, "quand se termine FR0049 ?", lang="fr").text.splitlines()
    assert french[0].startswith("Les données n'indiquent ni date de début ni date de fin pour l'engagement FR0049")
    assert french[1] == "Plan d'action de FR0049 : Plan d'action France 2018-2020, qui court de 2018 à 2020."


# 4. Starred: yes, no, or not known -------------------------------------------------------------------------------


@pytest.mark.parametrize(("cid", "lang", "expected"), [
    ("FR0038", "en", "Starred: not known — the data I have does not say whether FR0038 is starred."),
    ("FR0038", "fr", "Étoilé : inconnu — mes données ne disent pas si FR0038 est étoilé."),
    ("FR0040", "en", "Starred: not known yet (Pending IRM review)."),
    ("FR0049", "en", "Starred: no — it was not starred."),
    ("IE0014", "en", "Starred: yes — it is a starred commitment."),
    ("IE0014", "fr", "Étoilé : oui"),
])
def test_starred_is_always_answered(index: Index, cid: str, lang: str, expected: str) -> None:
    question = f"is {cid} starred?" if lang == "en" else f"{cid} est-il étoilé ?"
    answer = ask(index, question, lang=lang)
    assert answer.intent == "early_results"
    assert expected in answer.text


# 5. A search's count and its list ---------------------------------------------------------------------------------


def test_search_says_how_many_it_does_not_list_and_how_to_narrow(index: Index) -> None:
    answer = ask(index, "open contracting commitments")
    assert answer.intent == "search"
    lines = answer.text.splitlines()
    assert lines[0] == "10 commitments about “open contracting”:"
    listed = [line for line in lines if line.startswith("UA")]
    assert len(listed) == 8
    assert lines[1 + len(listed)] == ("… and 2 more. Name a country to narrow the list, for example “commitments "
                                      "about open contracting in Ukraine”.")
    narrowed = ask(index, "commitments about open contracting in Ukraine")
    assert "… and 2 more. Add words to the question to narrow the list." in narrowed.text


def test_french_search_keeps_the_accents_of_its_topic(index: Index) -> None:
    answer = ask(index, "engagements sur les décisions de justice", lang="fr")
    assert "« décisions justice »" in answer.text or "« décisions de justice »" in answer.text


# 6. Counts in natural sentences ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang", "expected"), [
    ("which France 2018-2020 commitments were completed?", "en",
     "France Action Plan 2018-2020 (in my data): the only commitment assessed by the IRM has not reached the "
     "completion level “Complete”."),
    ("quels engagements de la France 2018-2020 ont été réalisés ?", "fr",
     "Plan d'action France 2018-2020 (dans mes données) : le seul engagement évalué par l'IRM n'a pas atteint le "
     "niveau d'achèvement « Terminé »."),
    ("which Ukraine commitments were completed?", "en",
     "Ukraine (in my data): none of the 3 commitments assessed by the IRM have reached the completion level "
     "“Complete”."),
    ("quels engagements de l'Ukraine ont été réalisés ?", "fr",
     "Ukraine (dans mes données) : aucun des 3 engagements évalués par l'IRM n'a atteint le niveau d'achèvement "
     "« Terminé »."),
    ("which Ukraine commitments had limited completion?", "en",
     "Ukraine (in my data): 3 of the 3 commitments assessed by the IRM have reached the completion level "
     "“Limited”."),
])
def test_counts_read_naturally(index: Index, question: str, lang: str, expected: str) -> None:
    answer = ask(index, question, lang=lang)
    assert answer.intent == "count"
    assert answer.text.splitlines()[0] == expected


def test_count_predicates_agree_with_their_number() -> None:
    fr = answer_translator("fr")
    assert fr.ngettext("is starred", "are starred", 1) == "est étoilé"
    assert fr.ngettext("is starred", "are starred", 2) == "sont étoilés"
    assert fr.gettext("are starred") == "n'est étoilé"  # after « aucun des … »


# 7. French elision -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "elided"), [
    ("IE0014", True), ("UA0012", True), ("AR0010", True), ("OE0001", True), ("HN0012", True), ("Irlande", True),
    ("États-Unis", True), ("FR0038", False), ("Honduras", False), ("Yémen", False), ("2018", False), ("", False),
])
def test_vowel_sounds(value: str, elided: bool) -> None:
    assert starts_with_vowel_sound(value) is elided


def test_french_templates_elide_before_a_vowel_sound(index: Index) -> None:
    assert elide("Premiers résultats de {id} ({title})", {"id": "IE0014", "title": "x"}) == \
        "Premiers résultats d'{id} ({title})"
    assert elide("La page OGP de {id}", {"id": "FR0038"}) == "La page OGP de {id}"
    fr = answer_translator("fr")
    assert fr.gettext("The OGP page of {id} gives no dates.", id="UA0012").startswith("La page OGP d'UA0012 ")
    assert fr.ngettext("{id} ({title}) has {n} milestone:", "{id} ({title}) has {n} milestones:", 2,
                       id="AR0010", title="t").startswith("AR0010")
    assert "Premiers résultats d'IE0014 (Regulation of Lobbying)" in ask(index, "premiers résultats de IE0014").text
    assert "Premiers résultats de FR0038 (" in ask(index, "premiers résultats de FR0038").text


# 8. The note names the language a text is really in -------------------------------------------------------------


def test_spanish_text_filed_as_english_is_noted_as_spanish(index: Index) -> None:
    english = ask(index, "tell me about GT0074").text
    assert "(Some of this text exists only in Spanish.)" in english
    french = ask(index, "c'est quoi GT0074 ?", lang="fr").text
    # Spanish title and lead; the plan's title exists only in English.
    assert "(Une partie de ce texte n'existe qu'en anglais et en espagnol.)" in french


def test_an_all_english_answer_in_english_has_no_note(index: Index) -> None:
    for question in ("status of FR0040", "which IRM reports cover FR0040?", "is FR0040 starred?"):
        text = ask(index, question).text
        assert "(Some of this text" not in text, text
        assert DESIGN_EN in text


def test_text_language_is_read_from_the_text() -> None:
    assert written_in("Congreso de la República", "en") == "es"
    assert written_in("CREAR MECANISMOS DE OPINIÓN CIUDADANA PARA LOS PROYECTOS", "en") == "es"
    assert written_in("Haute Autorité pour la transparence de la vie publique", "en") == "fr"
    assert written_in("Minister of State for the Digital Sector", "fr") == "en"
    # Names say nothing: the language they are filed under stands.
    assert written_in("Côte d’Ivoire Action Plan 2018-2020", "en") == "en"
    assert written_in("State AI Lab", "fr", "en") == "fr"
    assert written_in("Cour des comptes", "en", "fr") == "fr"


# 9. IRM report names in the reader's language --------------------------------------------------------------------


def test_french_answer_uses_the_french_report_name_the_data_has(index: Index) -> None:
    text = ask(index, "rapports de l'IRM sur FR0040", lang="fr").text
    assert DESIGN_FR in text and DESIGN_EN not in text
    assert "(Une partie" not in text


def test_french_answer_notes_a_report_name_known_only_in_english(index: Index) -> None:
    text = ask(index, "rapports de l'IRM sur FR0049", lang="fr").text
    # Filed under French on its French page, but it is the English name: no French one exists.
    assert "Rapport de résultats de la transition France 2018-2020" in text
    text = ask(index, "rapports de l'IRM sur FR0050", lang="fr").text
    assert "France End-of-Term Report 2018-2020" in text
    assert "(Une partie de ce texte n'existe qu'en anglais.)" in text


# 10. No Telegram command in the core -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_unknown_commitment_suggests_a_question_not_a_command(index: Index, lang: str) -> None:
    for answer in (ask(index, "status of FR9999" if lang == "en" else "où en est FR9999 ?", lang=lang),
                   answer_intent(index, "commitment_status", "FR9999", None, lang=lang, context=Context())):
        assert "FR9999" in answer.text
        # The only slashes are those of the address where its OGP page would be: no command.
        page = "https://www.opengovpartnership.org/members/france/commitments/FR9999/"
        assert "/" not in answer.text.replace(page, "")
        assert ("“commitments about open data”" if lang == "en" else "« engagements sur les données ouvertes »") \
            in answer.text
