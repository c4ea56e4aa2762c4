"""Answers say what the data covers and how fresh it is: totals are "in my data", never all of OGP; a count of a
member or plan the data may lack commitments of says so; "data as of" is when the records were retrieved from
OGP, not when they were loaded; an id the data lacks is said to be missing (with where its OGP page would be),
not malformed; /stats shows the coverage per member. Figures of the fixture are counted by hand below."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.common.paths import DATA_DIR
from bot.core.dispatch import answer_intent, answer_question
from bot.core.entities import extract
from bot.core.index import Index, Span
from bot.core.service import Assistant
from bot.core.types import Answer, Context
from bot.core.wording.draft import answer_translator
from bot.dataset.load import apply
from bot.dataset.reader import validate_dataset
from bot.services import admin

KENYA_DAY, FRANCE_DAY = "2025-03-03T10:00:00Z", "2026-11-28T09:00:00Z"


def _c(cid: str, member: str, plan: str, title: str, retrieved: str | None, **irm: str) -> dict:  # type: ignore[type-arg]
    record = {"id": cid, "member": member, "action_plan": plan, "title": {"en": title, "fr": title},
              "lead_institutions": [{"en": "Ministry of Justice", "fr": "Ministère de la Justice"}], "irm": irm,
              "urls": {"en": f"https://www.opengovpartnership.org/members/{member}/commitments/{cid}/"}}
    return record | ({"retrieved_at": retrieved} if retrieved else {})


def _plan(plan_id: str, member: str, title: str, start: int, end: int) -> dict:  # type: ignore[type-arg]
    return {"id": plan_id, "member": member, "title": {"en": title, "fr": title}, "start_year": start,
            "end_year": end}


# Kenya: KE0001-KE0003, every id from 1 to its last: the data has the whole member and both its plans.
# France: FR0031, FR0032 and FR0040: ids 1-30 and 33-39 are missing, so neither France nor its plans are whole.
# Kenya's records were retrieved on 3 March 2025, France's on 28 November 2026; FR0040's record says nothing.
DATA = {
    "format": "ogp-bot-dataset", "format_version": 1,
    "members": [{"id": "kenya", "name": {"en": "Kenya", "fr": "Kenya"}},
                {"id": "france", "name": {"en": "France", "fr": "France"}}],
    "action_plans": [_plan("kenya-2012-2013", "kenya", "Kenya Action Plan 2012-2013", 2012, 2013),
                     _plan("kenya-2014-2016", "kenya", "Kenya Action Plan 2014-2016", 2014, 2016),
                     _plan("france-2018-2020", "france", "France Action Plan 2018-2020", 2018, 2020),
                     _plan("france-2021-2023", "france", "France Action Plan 2021-2023", 2021, 2023)],
    "commitments": [
        _c("KE0001", "kenya", "kenya-2012-2013", "Open budget portal", KENYA_DAY, ambition="high"),
        _c("KE0002", "kenya", "kenya-2012-2013", "Procurement register", KENYA_DAY, starred="yes"),
        _c("KE0003", "kenya", "kenya-2014-2016", "Beneficial ownership register", KENYA_DAY),
        _c("FR0031", "france", "france-2018-2020", "Open museum archives", FRANCE_DAY, completion_end="complete",
           starred="no"),
        _c("FR0032", "france", "france-2018-2020", "Lobbying register", FRANCE_DAY, starred="pending_irm_review"),
        _c("FR0040", "france", "france-2021-2023", "Open justice decisions", None),
    ],
}


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(validate_dataset(DATA, "coverage"), version=1)


def ask(index: Index, question: str, lang: str | None = None) -> Answer:
    return answer_question(index, question, context=Context(), lang=lang, preferred_lang=None, client_lang=None,
                           default_lang="en")


# -- what the data covers ------------------------------------------------------------------------------------------


def test_the_index_knows_when_its_records_were_retrieved_and_what_it_has_whole(index: Index) -> None:
    assert index.retrieved == Span(date(2025, 3, 3), date(2026, 11, 28))
    assert index.member_retrieved == {"kenya": Span(date(2025, 3, 3), date(2025, 3, 3)),
                                      "france": Span(date(2026, 11, 28), date(2026, 11, 28))}
    assert index.complete_members == {"kenya"}
    assert index.complete_plans == {"kenya-2012-2013", "kenya-2014-2016"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "In my data: 6 commitments of 2 members, retrieved from OGP between March 3, 2025 and November 28, 2026."),
    ("fr", "Dans mes données : 6 engagements de 2 membres, relevés sur le site de l'OGP entre le 3 mars 2025 et le "
           "28 novembre 2026."),
])
def test_the_total_is_the_datas_not_ogps(index: Index, lang: str, expected: str) -> None:
    question = "how many commitments does OGP have?" if lang == "en" else "combien d'engagements a l'OGP ?"
    answer = ask(index, question, lang=lang)
    assert answer.intent == "count"
    assert answer.text.splitlines()[0] == expected
    assert "All members" not in answer.text and "Tous les membres" not in answer.text


def test_the_bundled_total_says_its_coverage_and_retrieval_day() -> None:
    raw = json.loads((DATA_DIR / "dataset.json").read_text(encoding="utf-8"))
    bundled = Index.build(validate_dataset(raw, "bundled"), version=1)
    members = {c["member"] for c in raw["commitments"]}
    days = {c["retrieved_at"][:10] for c in raw["commitments"]}
    assert days == {"2026-11-28"}
    first = ask(bundled, "how many commitments does OGP have?").text.splitlines()[0]
    assert first == (f"In my data: {len(raw['commitments'])} commitments of {len(members)} members, retrieved from "
                     "OGP on November 28, 2026.")


@pytest.mark.parametrize(("question", "lang", "first", "last"), [
    ("which commitments are starred?", "en", "In my data: 1 of the 2 commitments assessed by the IRM is starred.",
     "My data covers 6 commitments of 2 members, retrieved from OGP between March 3, 2025 and November 28, 2026."),
    ("quels engagements sont étoilés ?", "fr",
     "Dans mes données : 1 des 2 engagements évalués par l'IRM est étoilé.",
     "Mes données couvrent 6 engagements de 2 membres, relevés sur le site de l'OGP entre le 3 mars 2025 et le "
     "28 novembre 2026."),
])
def test_a_count_over_all_members_ends_with_what_the_data_covers(index: Index, question: str, lang: str,
                                                                   first: str, last: str) -> None:
    lines = ask(index, question, lang=lang).text.splitlines()
    assert lines[0] == first
    assert last in lines


@pytest.mark.parametrize(("question", "lang", "first", "dated"), [
    ("how many commitments of France?", "en", "France (in my data): 3 commitments.",
     "Data as of November 28, 2026."),
    ("combien d'engagements de la France ?", "fr", "France (dans mes données) : 3 engagements.",
     "Données au 28 novembre 2026."),
    ("how many commitments of Kenya?", "en", "Kenya: 3 commitments.", "Data as of March 3, 2025."),
    ("how many commitments in France 2018-2020?", "en", "France Action Plan 2018-2020 (in my data): 2 commitments.",
     "Data as of November 28, 2026."),
    ("how many commitments in Kenya 2012-2013?", "en", "Kenya Action Plan 2012-2013: 2 commitments.",
     "Data as of March 3, 2025."),
])
def test_a_member_or_plan_the_data_may_lack_commitments_of_is_counted_in_my_data(
        index: Index, question: str, lang: str, first: str, dated: str) -> None:
    lines = ask(index, question, lang=lang).text.splitlines()
    assert lines[0] == first
    assert dated in lines


def test_a_breakdown_names_each_plan_the_data_may_not_have_whole(index: Index) -> None:
    lines = ask(index, "compare France's 2018-2020 and 2021-2023 plans").text.splitlines()
    assert lines[0] == "France Action Plan 2018-2020 (in my data): 2 commitments — Complete 1, not assessed 1."
    assert lines[1] == "France Action Plan 2021-2023 (in my data): 1 commitment — not assessed 1."
    assert lines[2] == "Data as of November 28, 2026."  # FR0040 says nothing: it does not make the data newer
    kenya = ask(index, "compare Kenya's 2012-2013 and 2014-2016 plans").text.splitlines()
    assert kenya[0] == "Kenya Action Plan 2012-2013: 2 commitments — not assessed 2."


# -- how fresh an answer about one commitment is -------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "question", "dated"), [
    ("en", "who leads KE0001?", "Data as of March 3, 2025."),
    ("fr", "qui pilote KE0001 ?", "Données au 3 mars 2025."),
])
def test_an_answer_about_a_commitment_is_dated_by_its_records_retrieval(index: Index, lang: str, question: str,
                                                                       dated: str) -> None:
    lines = ask(index, question, lang=lang).text.splitlines()
    assert lines[-2] == dated and lines[-1].startswith("Source")


def test_a_record_that_does_not_say_when_it_was_retrieved_is_not_dated(index: Index) -> None:
    text = ask(index, "who leads FR0040?").text
    assert "FR0040" in text and "Data as of" not in text


def test_the_data_date_is_the_retrieval_not_the_load(tmp_path: Path) -> None:
    assistant = Assistant.from_url(f"sqlite:///{tmp_path / 'fresh.db'}")  # loaded now, retrieved on 28 November
    assert assistant.index.retrieved == Span(date(2026, 11, 28), date(2026, 11, 28))
    loaded = answer_translator("en").date(datetime.now(UTC))
    for question in ("how many commitments of Kenya?", "who leads FR0038?"):
        text = assistant.answer(question, lang="en").text
        assert "Data as of November 28, 2026." in text and loaded not in text


# -- an id the data lacks ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "question", "lines"), [
    ("en", "who leads FR0033?", [
        "I don't have FR0033 in my data (last refresh: November 28, 2026).",
        "Its OGP page would be: https://www.opengovpartnership.org/members/france/commitments/FR0033/"]),
    ("fr", "qui pilote FR0033 ?", [
        "Je n'ai pas l'engagement FR0033 dans mes données (dernière mise à jour : 28 novembre 2026).",
        "Sa page sur le site de l'OGP serait : https://www.opengovpartnership.org/members/france/commitments/FR0033/"]),
    # The member's own last retrieval, not the data's newest.
    ("en", "who leads KE0004?", [
        "I don't have KE0004 in my data (last refresh: March 3, 2025).",
        "Its OGP page would be: https://www.opengovpartnership.org/members/kenya/commitments/KE0004/"]),
    ("en", "status of ES0001", [
        "I don't have ES0001 in my data: I have no commitments of Spain (last refresh: November 28, 2026).",
        "Its OGP page would be: https://www.opengovpartnership.org/members/spain/commitments/ES0001/"]),
    ("fr", "où en est ES0001 ?", [
        "Je n'ai pas l'engagement ES0001 dans mes données : je n'ai aucun engagement d'Espagne (dernière mise à "
        "jour : 28 novembre 2026).",
        "Sa page sur le site de l'OGP serait : https://www.opengovpartnership.org/members/spain/commitments/ES0001/"]),
])
def test_an_id_the_data_lacks_is_missing_not_malformed(index: Index, lang: str, question: str,
                                                       lines: list[str]) -> None:
    answer = ask(index, question, lang=lang)
    assert answer.text.splitlines()[:2] == lines
    assert "FR0038" not in answer.text  # no "ids look like FR0038": the id is well formed
    # The `ask --json` contract: the intent asked, no commitment (the data has none), no source it rests on.
    assert answer.intent in ("lead_institution", "commitment_status")
    assert answer.commitment is None and answer.sources == []
    assert answer.entities["unknown_ids"] == re.findall(r"[A-Z]{2}\d{4}", lines[0])


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["I don't have FR0033 in my data (last refresh: November 28, 2026).",
            "Its OGP page would be: https://www.opengovpartnership.org/members/france/commitments/FR0033/"]),
    ("fr", ["Je n'ai pas l'engagement FR0033 dans mes données (dernière mise à jour : 28 novembre 2026).",
            "Sa page sur le site de l'OGP serait : https://www.opengovpartnership.org/members/france/commitments/FR0033/"]),
])
def test_a_button_or_command_for_an_id_the_data_lacks_says_it_is_missing(index: Index, lang: str,
                                                                         expected: list[str]) -> None:
    """/commitment FR0033 and buttons: the same answer as a question, with the date of the last refresh."""
    answer = answer_intent(index, "commitment_overview", "FR0033", None, lang=lang, context=Context())
    assert answer.text.splitlines()[:2] == expected and answer.commitment is None


@pytest.mark.parametrize(("lang", "question", "expected"), [
    ("en", "who leads ZZ0001?", "No OGP member I know of has the prefix ZZ, so I have no commitment ZZ0001."),
    ("fr", "qui pilote ZZ0001 ?", "Aucun membre de l'OGP que je connaisse n'a le préfixe ZZ : je n'ai donc pas "
                                  "d'engagement ZZ0001."),
])
def test_an_id_of_a_prefix_no_member_has_says_so(index: Index, lang: str, question: str, expected: str) -> None:
    answer = ask(index, question, lang=lang)
    assert answer.text.startswith(expected)
    assert answer.commitment is None and answer.entities["unknown_ids"] == ["ZZ0001"]


@pytest.mark.parametrize("text", ["ES0001", "es0001", "ZZ0001", "who leads US0100?"])
def test_ids_of_prefixes_the_data_lacks_are_read_as_ids(index: Index, text: str) -> None:
    assert len(extract(text, index).unknown_ids) == 1


@pytest.mark.parametrize("text", ["CO2 emissions", "the COP21 commitment", "ISO 9001 quality", "es 2018",
                                  "engagements de 2019", "open data in 2020"])
def test_words_with_numbers_stay_words(index: Index, text: str) -> None:
    assert extract(text, index).unknown_ids == []


def test_the_link_to_a_missing_commitment_comes_from_the_configured_site(tmp_path: Path) -> None:
    local = Index.build(validate_dataset(DATA, "coverage"), version=1, site="http://127.0.0.1:8765/")
    assert "Its OGP page would be: http://127.0.0.1:8765/members/france/commitments/FR0033/" in \
        ask(local, "who leads FR0033?").text
    assistant = Assistant.from_url(f"sqlite:///{tmp_path / 'site.db'}", ogp_base_url="http://127.0.0.1:8765")
    assert assistant.index.site == "http://127.0.0.1:8765"


# -- /stats --------------------------------------------------------------------------------------------------------


def test_stats_show_coverage_per_member_and_the_retrieval_range(engine: Engine) -> None:
    apply(engine, validate_dataset(DATA, "coverage"), actor="test")
    figures = admin.stats(engine)
    assert (figures.commitments, figures.with_irm) == (6, 3)  # KE0001, KE0002, FR0031: FR0032 is only pending
    assert (figures.first_retrieved.date(), figures.last_retrieved.date()) == (date(2025, 3, 3), date(2026, 11, 28))
    en = admin.render_stats(figures, "en", uptime=60).splitlines()
    assert en[0] == f"Dataset version {figures.version}; records retrieved from OGP between March 3, 2025 and " \
                    "November 28, 2026."
    assert en[1] == "6 commitments (3 with IRM data), 2 members, 4 action plans."
    assert "• Kenya: 3 commitments, 2 with IRM data, retrieved on Mar 3, 2025 (kenya-2012-2013: 2, " \
           "kenya-2014-2016: 1)" in en
    assert "• France: 3 commitments, 1 with IRM data, retrieved on Nov 28, 2026 (france-2018-2020: 2, " \
           "france-2021-2023: 1)" in en
    fr = admin.render_stats(figures, "fr", uptime=60).splitlines()
    assert fr[0] == f"Données en version {figures.version} ; engagements relevés sur le site de l'OGP entre le " \
                    "3 mars 2025 et le 28 novembre 2026."
    assert fr[1] == "6 engagements (3 avec des données de l'IRM), 2 membres, 4 plans d'action."
    assert "• Kenya: 3 engagements, 2 avec des données de l'IRM, relevés le 3 mars 2025 (kenya-2012-2013: 2, " \
           "kenya-2014-2016: 1)" in fr
