"""Journalists' tools in the core: counts, lists, comparisons, charts and CSV export, on a fixture dataset
whose figures are counted by hand below."""

from __future__ import annotations

import csv
import io

import pytest
from PIL import Image

from bot.core.charts import ChartRequest, breakdown, render_png
from bot.core.dispatch import answer_list_page, answer_question, select_for_export
from bot.core.export import COLUMNS, rows, to_csv
from bot.core.index import Index
from bot.core.types import Context
from bot.core.wording.draft import answer_translator
from bot.dataset.reader import validate_dataset

# France 2018-2020: 5 commitments. Completion (IRM, end of term): FR0101 complete, FR0102 substantial,
# FR0103 substantial, FR0104 limited, FR0105 pending review. Starred: FR0101 only (FR0105 pending).
# Lead: Ministry of Culture for FR0101 and FR0104. Ambition: high for FR0101 and FR0102, low for the others.
# France 2021-2023: 2 commitments, FR0201 complete, FR0202 not started. Kenya 2018-2020: KE0101, complete.
PLAN_A, PLAN_B = "france-2018-2020", "france-2021-2023"


def _c(cid: str, plan: str, member: str, title: str, completion: str, *, starred: str = "no",
       lead: str = "Ministry of the Interior", ambition: str = "low") -> dict:  # type: ignore[type-arg]
    return {"id": cid, "member": member, "action_plan": plan, "title": {"en": title, "fr": title},
            "lead_institutions": [{"en": lead, "fr": lead}],
            "irm": {"completion_end": completion, "starred": starred, "ambition": ambition},
            "urls": {"en": f"https://www.opengovpartnership.org/members/{member}/commitments/{cid}/"}}


DATA = {
    "format": "ogp-bot-dataset", "format_version": 1,
    "members": [{"id": "france", "name": {"en": "France", "fr": "France"}},
                {"id": "kenya", "name": {"en": "Kenya", "fr": "Kenya"}}],
    "action_plans": [
        {"id": PLAN_A, "member": "france", "title": {"en": "France Action Plan 2018-2020",
                                                     "fr": "Plan d'action France 2018-2020"},
         "start_year": 2018, "end_year": 2020},
        {"id": PLAN_B, "member": "france", "title": {"en": "France Action Plan 2021-2023",
                                                     "fr": "Plan d'action France 2021-2023"},
         "start_year": 2021, "end_year": 2023},
        {"id": "kenya-2018-2020", "member": "kenya", "title": {"en": "Kenya Action Plan 2018-2020"},
         "start_year": 2018, "end_year": 2020}],
    "commitments": [
        _c("FR0101", PLAN_A, "france", "Open museum archives", "complete", starred="yes",
           lead="Ministry of Culture", ambition="high"),
        _c("FR0102", PLAN_A, "france", "Budget data portal", "substantial", ambition="high"),
        _c("FR0103", PLAN_A, "france", "Lobbying register", "substantial"),
        _c("FR0104", PLAN_A, "france", "Cultural heritage data", "limited", lead="Ministry of Culture"),
        _c("FR0105", PLAN_A, "france", "Algorithm transparency", "pending_irm_review", starred="pending_irm_review"),
        _c("FR0201", PLAN_B, "france", "Open justice decisions", "complete"),
        _c("FR0202", PLAN_B, "france", "Whistleblower channel", "not_started"),
        _c("KE0101", "kenya-2018-2020", "kenya", "Beneficial ownership register", "complete"),
    ],
}


@pytest.fixture(scope="module")
def index() -> Index:
    return Index.build(validate_dataset(DATA, "journalists"), version=1)


def ask(index: Index, question: str):  # type: ignore[no-untyped-def]
    return answer_question(index, question, context=Context(), lang=None, preferred_lang=None, client_lang=None,
                           default_lang="en")


def test_how_many_commitments_in_a_plan(index: Index) -> None:
    answer = ask(index, "how many commitments did France make in 2018-2020?")
    assert answer.intent == "count"
    assert answer.text.startswith("France Action Plan 2018-2020 (in my data): 5 commitments.")
    assert all(cid in answer.text for cid in ("FR0101", "FR0105")) and "FR0201" not in answer.text


def test_how_many_completed_in_french_states_the_basis(index: Index) -> None:
    answer = ask(index, "combien d'engagements de la France ont été réalisés ?")
    assert answer.intent == "count" and answer.lang == "fr"
    # Of France's 7 commitments, 6 have an IRM completion level; 2 are complete (FR0101, FR0201).
    assert answer.text.startswith("France (dans mes données) : 2 des 6 engagements évalués par l'IRM")
    assert "FR0101" in answer.text and "FR0201" in answer.text and "FR0102" not in answer.text
    # FR0105 has no completion level but the IRM rated its ambition: it was assessed, it only lacks this rating.
    assert "L'IRM n'a pas évalué l'autre." not in answer.text
    assert answer_translator("fr").ngettext("The other one has no rating for this.",
                                            "The other {n} have no rating for this.", 1) in answer.text


@pytest.mark.parametrize(("question", "expected"), [
    ("which France 2018-2020 commitments were starred?", {"FR0101"}),
    ("which France 2018-2020 commitments were substantially completed?", {"FR0102", "FR0103"}),
    ("which France 2018-2020 commitments were led by the Ministry of Culture?", {"FR0101", "FR0104"}),
    ("which France 2018-2020 commitments have high ambition?", {"FR0101", "FR0102"}),
])
def test_which_commitments_with_a_filter(index: Index, question: str, expected: set[str]) -> None:
    answer = ask(index, question)
    assert answer.intent == "count"
    listed = {cid for cid in ("FR0101", "FR0102", "FR0103", "FR0104", "FR0105", "FR0201", "FR0202")
              if cid in answer.text}
    assert listed == expected


def test_starred_count_gives_its_basis(index: Index) -> None:
    text = ask(index, "which France 2018-2020 commitments were starred?").text
    # FR0105's starred status is pending: 4 assessed, 1 starred.
    assert text.startswith("France Action Plan 2018-2020 (in my data): 1 of the 4 commitments assessed by the IRM is "
                           "starred.")


def test_compare_two_plans(index: Index) -> None:
    answer = ask(index, "compare France's 2018-2020 and 2021-2023 plans")
    assert answer.intent == "count"
    lines = answer.text.splitlines()
    assert lines[0] == ("France Action Plan 2018-2020 (in my data): 5 commitments — Complete 1, Substantial 2, "
                        "Limited 1, not assessed 1.")
    assert lines[1] == "France Action Plan 2021-2023 (in my data): 2 commitments — Complete 1, Not Started 1."


def test_aggregates_say_how_fresh_the_data_is(mini_dataset) -> None:  # type: ignore[no-untyped-def]
    # How fresh is when the records were retrieved from OGP (not when they were loaded).
    data = dict(DATA, commitments=[dict(c, retrieved_at="2026-11-28T09:00:00Z") for c in DATA["commitments"]])
    dated = Index.build(validate_dataset(data, "journalists"), version=1)
    assert "Data as of November 28, 2026." in ask(dated, "how many commitments of Kenya?").text
    assert "Données au 28 novembre 2026." in ask(dated, "combien d'engagements pour le Kenya ?").text


def test_long_lists_are_paginated(mini_dataset) -> None:  # type: ignore[no-untyped-def]
    data = dict(DATA, commitments=[_c(f"FR{300 + n:04d}", PLAN_A, "france", f"Commitment number {n}", "complete")
                                   for n in range(23)])
    big = Index.build(validate_dataset(data, "big"), version=1)
    first = ask(big, "how many commitments in France 2018-2020?")
    assert "… and 13 more." in first.text
    more = [b for b in first.buttons if b.action == "list"]
    assert len(more) == 1 and more[0].args[1] == "10"
    second = answer_list_page(big, more[0].args[0], 10, lang="en")
    assert "FR0310" in second.text and "FR0300" not in second.text and "… and 3 more." in second.text
    third = answer_list_page(big, more[0].args[0], 20, lang="en")
    assert "FR0322" in third.text and not [b for b in third.buttons if b.action == "list"]


def test_breakdown_and_chart(index: Index) -> None:
    request = ChartRequest((PLAN_B, PLAN_A), "completion")
    counts = breakdown(index, request)
    assert list(counts) == [PLAN_A, PLAN_B]  # in time order
    assert counts[PLAN_A] == {"complete": 1, "substantial": 2, "limited": 1, "unassessed": 1}
    for lang in ("en", "fr"):
        png = render_png(index, request, lang)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and 5_000 < len(png) < 500_000
        image = Image.open(io.BytesIO(png))
        image.load()  # decodes the whole image
        assert image.size[0] >= 600 and image.size[1] >= 300


def test_free_text_chart_request(index: Index) -> None:
    answer = ask(index, "show me a chart of France 2018-2020")
    assert answer.chart == ChartRequest((PLAN_A,), "completion")
    assert ask(index, "graphique de l'ambition de la France").chart == ChartRequest((PLAN_A, PLAN_B), "ambition")


def test_csv_export_round_trips(index: Index) -> None:
    selected = select_for_export(index, "France 2018-2020 starred")
    assert [c.id for c in selected] == ["FR0101"]
    data = to_csv(rows(index, select_for_export(index, "France 2018-2020"), "fr"))
    assert data.startswith("\ufeff".encode())  # a BOM, for spreadsheet programs
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(table[0]) == COLUMNS
    assert [r["id"] for r in table] == ["FR0101", "FR0102", "FR0103", "FR0104", "FR0105"]
    first = table[0]
    assert first["title"] == "Open museum archives" and first["lead"] == "Ministry of Culture"
    assert first["completion"] == "Terminé" and first["ambition"] == "Élevée"
    assert first["action_plan"] == "Plan d'action France 2018-2020"
    assert first["url"] == "https://www.opengovpartnership.org/members/france/commitments/FR0101/"
    assert table[4]["completion"] == "non évalué"


@pytest.mark.parametrize("question", ["which France commitments were partially completed?",
                                      "engagements de la France partiellement réalisés ?"])
def test_partially_completed_is_one_level_not_two(index: Index, question: str) -> None:
    from bot.core.aggregates import read_filters
    from bot.core.types import Context
    from bot.core.understand import understand

    assert read_filters(understand(index, question, Context())).completion == ["limited"]
