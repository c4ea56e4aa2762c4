"""Titles and names that a spreadsheet would run as formulas are refused at import, in every input format:
the error names the file and the place, and nothing changes (data/README.md, "Validation of what is imported")."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.common.paths import DATA_DIR
from bot.dataset.errors import DataError
from bot.dataset.load import apply
from bot.dataset.reader import read_dataset_bytes, read_dataset_file
from bot.dataset.store import current_version, read_dataset
from bot.importing.pipeline import run_import
from bot.importing.sources import InputFile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI = json.loads((FIXTURES / "mini_dataset.json").read_text(encoding="utf-8"))
PAGE = (DATA_DIR / "sources" / "ogp_pages" / "FR0037_en_1.txt").read_text(encoding="utf-8")
HTML = (FIXTURES / "importer" / "html" / "FR0038_en_full.html").read_text(encoding="utf-8")
FORMULAS = ["=cmd|' /C calc'!A0", '+HYPERLINK("http://evil.example")', "-2+3+cmd|' /C calc'!A0", "@SUM(1+9)",
            "\t=1+1", "\uff1d1+1"]
REFUSAL = "starts like a spreadsheet formula"
# In institution fields a leading dash is a list bullet, taken off ("- Ministry"): the name left is checked.
INSTITUTION_FORMULAS = [f for f in FORMULAS if not f.startswith("-")]


def loaded(engine: Engine) -> tuple[int, dict[str, Any]]:
    """The mini dataset stored; (version, data) to compare with after a refusal."""
    apply(engine, read_dataset_file(FIXTURES / "mini_dataset.json"), actor="test", mode="replace")
    return state(engine)


def state(engine: Engine) -> tuple[int, dict[str, Any]]:
    with Session(engine) as session:
        return current_version(session), read_dataset(session).model_dump(mode="json", exclude={"generated_at"})


def refused(engine: Engine, item: InputFile) -> list[str]:
    """The problems of an import that must be refused, after checking that it changed nothing."""
    before = state(engine)
    with pytest.raises(DataError) as error:
        run_import(engine, [item], actor="test")
    assert state(engine) == before  # same version, same data
    return [str(p) for p in error.value.problems]


def dataset_with(change) -> bytes:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(MINI)
    change(data)
    return json.dumps(data).encode()


# -- canonical JSON ----------------------------------------------------------------------------------------------

def _title(text: str):  # type: ignore[no-untyped-def]
    return lambda d: d["commitments"][1]["title"].update(en=text)


JSON_CASES = [
    ("commitment title", _title, "x.json: commitments[1].title.en: commitment UK0063: "),
    ("short title", lambda t: lambda d: d["commitments"][0].update(short_title={"fr": t}),
     "x.json: commitments[0].short_title.fr: commitment FR0038: "),
    ("lead institution", lambda t: lambda d: d["commitments"][0]["lead_institutions"].append({"en": "A", "fr": t}),
     "x.json: commitments[0].lead_institutions[1].fr: commitment FR0038: "),
    ("support institution", lambda t: lambda d: d["commitments"][1].update(support_institutions=[{"en": t}]),
     "x.json: commitments[1].support_institutions[0].en: commitment UK0063: "),
    ("member name", lambda t: lambda d: d["members"][1]["name"].update(en=t),
     "x.json: members[1].name.en: member united-kingdom: "),
    ("action plan title", lambda t: lambda d: d["action_plans"][0]["title"].update(fr=t),
     "x.json: action_plans[0].title.fr: action plan france-2018-2020: "),
    ("policy area label", lambda t: lambda d: d.update(policy_areas=[{"key": "space", "label": {"en": t}}]),
     "x.json: policy_areas[0].label.en: policy area space: "),
]


@pytest.mark.parametrize("formula", FORMULAS)
@pytest.mark.parametrize(("what", "change", "where"), JSON_CASES, ids=[c[0] for c in JSON_CASES])
def test_a_canonical_dataset_with_a_formula_is_refused_with_its_place(what: str, change, where: str,  # type: ignore[no-untyped-def]
                                                                      formula: str) -> None:
    with pytest.raises(DataError) as error:
        read_dataset_bytes(dataset_with(change(formula)), "x.json")
    problems = [str(p) for p in error.value.problems]
    assert len(problems) == 1 and problems[0].startswith(where) and REFUSAL in problems[0], problems


def test_a_refused_dataset_changes_nothing(engine: Engine) -> None:
    loaded(engine)
    problems = refused(engine, InputFile("x.json", dataset_with(_title("=cmd|' /C calc'!A0"))))
    assert problems[0].startswith("x.json: commitments[1].title.en: commitment UK0063: \"=cmd|' /C calc'!A0\" "
                                  + REFUSAL)


def test_plain_numbers_and_inner_signs_are_fine() -> None:
    dataset = read_dataset_bytes(dataset_with(lambda d: (d["commitments"][1]["title"].update(en="2030"),
                                                         d["commitments"][0]["title"].update(en="Budget +/- 5%"),
                                                         d["members"][0]["name"].update(fr="-3"))), "x.json")
    assert dataset.commitments[1].title["en"] == "2030" and dataset.members[0].name["fr"] == "-3"


# -- page text and HTML ------------------------------------------------------------------------------------------

PAGE_CASES = [
    ("title", lambda t: PAGE.replace("State AI Lab (FR0037)", f"{t} (FR0037)"), "title"),
    ("lead", lambda t: PAGE.replace("Lead Institution: Minister of State for the Digital Sector, attached to the "
                                    "Prime Minister", f"Lead Institution: {t}"), "lead_institutions[0]"),
    ("support", lambda t: PAGE.replace("Support Institution(s): Artificial intelligence institute, all ministries",
                                       f"Support Institution(s): Artificial intelligence institute; {t}"),
     "support_institutions[1]"),
    ("action plan", lambda t: PAGE.replace("Action Plan: France Action Plan 2018-2020",
                                           f"Action Plan: {t} 2018-2020"), "action_plan"),
]


@pytest.mark.parametrize(("what", "page", "where", "formula"), [
    (*case, formula) for case in PAGE_CASES
    for formula in (INSTITUTION_FORMULAS if case[2].endswith("institutions[0]") or case[0] == "support" else FORMULAS)])
def test_a_page_with_a_formula_is_refused_with_its_place(sqlite_engine: Engine, what: str, page,  # type: ignore[no-untyped-def]
                                                         where: str, formula: str) -> None:
    text = page(formula)
    assert text != PAGE
    problems = refused(sqlite_engine, InputFile("FR0037_en_1.txt", text.encode()))
    assert problems[0].startswith(f"FR0037_en_1.txt: {where}: commitment FR0037: ") and REFUSAL in problems[0], \
        problems


def test_a_refused_page_changes_nothing(engine: Engine) -> None:
    loaded(engine)
    problems = refused(engine, InputFile("FR0037_en_1.txt", PAGE.replace(
        "State AI Lab (FR0037)", "=cmd|' /C calc'!A0 (FR0037)").encode()))
    assert problems == ["FR0037_en_1.txt: title: commitment FR0037: \"=cmd|' /C calc'!A0\" " + REFUSAL
                        + ": titles and names may not start with =, +, -, @, a tab or a carriage return"]


def test_an_html_page_with_a_formula_title_is_refused(sqlite_engine: Engine) -> None:
    assert "Administrative Capacity-Building" in HTML
    hostile = HTML.replace("Administrative Capacity-Building", '=HYPERLINK("http://evil.example")')
    problems = refused(sqlite_engine, InputFile("FR0038_en_full.html", hostile.encode()))
    assert problems[0].startswith("FR0038_en_full.html: title: commitment FR0038: ") and REFUSAL in problems[0]


def test_a_page_member_line_with_a_formula_is_refused_when_it_names_the_member(sqlite_engine: Engine) -> None:
    # An id whose prefix data/members.json does not know: the member line names the member.
    page = PAGE.replace("State AI Lab (FR0037)", "State AI Lab (ZZ0037)").replace("\nFrance\n", "\n@evil\n", 1)
    problems = refused(sqlite_engine, InputFile("ZZ0037_en_1.txt", page.encode()))
    assert any(p.startswith("ZZ0037_en_1.txt: member: commitment ZZ0037: '@evil'") for p in problems), problems


# -- CSV -----------------------------------------------------------------------------------------------------------

CSV_CASES = [("title", "title"), ("lead", "lead_institutions[0]"), ("support", "support_institutions[0]"),
             ("action_plan", "action_plan")]


@pytest.mark.parametrize(("column", "where", "formula"), [
    (column, where, formula) for column, where in CSV_CASES
    for formula in (INSTITUTION_FORMULAS if column in ("lead", "support") else FORMULAS)])
def test_a_csv_row_with_a_formula_is_refused_with_its_line(sqlite_engine: Engine, column: str, where: str,
                                                           formula: str) -> None:
    quoted = '"' + formula.replace('"', '""') + '"'
    values = {"id": "FR0037", "title": "State AI Lab", "lead": "Ministry", "support": "Institute",
              "action_plan": "France Action Plan 2018-2020"}
    values[column] = quoted if column != "action_plan" else '"' + formula.replace('"', '""') + ' 2018-2020"'
    text = ",".join(values) + "\nFR0036,Fine title,Ministry,Institute,France Action Plan 2018-2020\n" \
        + ",".join(values.values()) + "\n"
    problems = refused(sqlite_engine, InputFile("rows.csv", text.encode()))
    assert len(problems) == 1 and problems[0].startswith(f"rows.csv line 3: {where}: commitment FR0037: ") \
        and REFUSAL in problems[0], problems


def test_a_leading_dash_in_an_institution_is_a_bullet_and_the_name_stored_is_inert(sqlite_engine: Engine) -> None:
    text = 'id,title,lead\nFR0037,State AI Lab,"- -Ministry of State; -2+3"\n'
    run_import(sqlite_engine, [InputFile("rows.csv", text.encode())], actor="test")
    _, data = state(sqlite_engine)
    (record,) = [c for c in data["commitments"] if c["id"] == "FR0037"]
    assert record["lead_institutions"] == [{"en": "Ministry of State"}, {"en": "2+3"}]


def test_a_refused_csv_changes_nothing(engine: Engine) -> None:
    loaded(engine)
    text = 'id,title,lead\nFR0038,Fine,"+HYPERLINK(""http://evil.example"")"\n'
    problems = refused(engine, InputFile("rows.csv", text.encode()))
    assert problems[0].startswith("rows.csv line 2: lead_institutions[0]: commitment FR0038: "
                                  "'+HYPERLINK(\"http://evil.example\")' " + REFUSAL)


def test_partial_imports_refuse_the_file_and_keep_the_others(sqlite_engine: Engine) -> None:
    version, _ = loaded(sqlite_engine)
    good = (DATA_DIR / "sources" / "ogp_pages" / "FR0036_en_1.txt").read_bytes()
    report = run_import(sqlite_engine, [InputFile("FR0036_en_1.txt", good), InputFile("rows.csv", b"id,title\n"
                                                                                     b"FR0037,@evil\n")],
                        actor="test", partial=True)
    assert {f.name: f.status for f in report.files} == {"FR0036_en_1.txt": "imported", "rows.csv": "refused"}
    assert any(str(p).startswith("rows.csv line 2: title:") for p in report.problems)
    _, after = state(sqlite_engine)
    assert "FR0037" not in {c["id"] for c in after["commitments"]}
