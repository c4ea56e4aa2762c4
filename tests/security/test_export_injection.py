"""CSV injection (OWASP): /export never hands a spreadsheet a cell it would run as a formula.

The importer refuses such titles and names (tests/security/test_import_formulas.py); the export is the second
line, for data that reached the database before the check or another way: here it is stored by copying
records past validation."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.core.export import COLUMNS, header, neutralise, rows, to_csv
from bot.core.index import Index
from bot.core.service import Assistant
from bot.dataset.load import apply
from bot.dataset.reader import read_dataset_file
from bot.dataset.schema import Dataset, starts_like_formula

MINI = Path(__file__).resolve().parent.parent / "fixtures" / "mini_dataset.json"

# Every prefix OWASP names (=, +, -, @, tab, carriage return), the attack test's payloads, and the full-width forms.
DANGEROUS = [
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://evil.example","click")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
]
NUMBERS = ["-3", "2.5", "+4", "-0.5", "12", "1e5", "-2,5", "-3 "]


def parse(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_inert(table: list[dict[str, str]]) -> None:
    """No cell a spreadsheet would take for a formula: each starts with a safe character or is a plain number."""
    for row in table:
        for column, cell in row.items():
            assert not starts_like_formula(cell), (column, cell)


def hostile(dataset: Dataset, text: str) -> Dataset:
    """The dataset with `text` as FR0038's title and lead, France's name and the plan's title (past validation)."""
    fr, uk = dataset.commitments
    fr = fr.model_copy(update={"title": {"en": text, "fr": text},
                               "lead_institutions": [{"en": text}, {"en": "Ministry"}]})
    uk = uk.model_copy(update={"title": {"en": f"x;{text}"}})  # a separator then a formula: the cell stays one
    members = [m.model_copy(update={"name": {"en": text}}) if m.id == "france" else m for m in dataset.members]
    plans = [p.model_copy(update={"title": {"en": text}}) if p.member == "france" else p for p in dataset.action_plans]
    return dataset.model_copy(update={"commitments": [fr, uk], "members": members, "action_plans": plans})


@pytest.mark.parametrize("text", DANGEROUS)
def test_every_dangerous_prefix_is_neutralised_in_the_export(text: str) -> None:
    index = Index.build(hostile(read_dataset_file(MINI), text), version=1)
    data = to_csv(rows(index, [index.commitments["FR0038"], index.commitments["UK0063"]], "en"))
    table = parse(data)
    assert tuple(table[0]) == COLUMNS and [r["id"] for r in table] == ["FR0038", "UK0063"]
    first = table[0]
    for column in ("title", "member", "action_plan"):
        assert first[column] == "'" + text, column  # a single quote in front, the text itself kept
    assert first["lead"] == "'" + text + "; Ministry"
    assert table[1]["title"] == f"x;{text}"  # quoted: one cell, whatever separator a spreadsheet splits on
    assert_inert(table)


def test_every_cell_is_quoted() -> None:
    data = to_csv([{column: value for column, value in zip(COLUMNS, ["FR0038", "a,b", "=x", "", "a;=b", "-3", "2.5",
                                                                      "https://www.opengovpartnership.org/"],
                                                              strict=True)}])
    lines = data.decode("utf-8-sig").split("\r\n")
    rebuilt = io.StringIO()
    csv.writer(rebuilt, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(csv.reader(lines[:-1]))
    assert rebuilt.getvalue() == data.decode("utf-8-sig")  # every field, header included, in double quotes


@pytest.mark.parametrize("number", NUMBERS)
def test_plain_numbers_stay_numbers(number: str) -> None:
    record: dict[str, Any] = dict.fromkeys(COLUMNS, number)
    table = parse(to_csv([record]))
    assert table == [dict.fromkeys(COLUMNS, number)]
    assert neutralise(number) == number


@pytest.mark.parametrize("cell", DANGEROUS + ["-", "+", "@", "=", "-3-3", "+1)", "--5", "-3 x", "-1e5e5"])
def test_neutralise_prefixes_a_quote_to_what_is_no_plain_number(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Open data", "Ministry of Culture", "'=already quoted", "", "FR0038",
                                  "https://www.opengovpartnership.org/members/france/commitments/FR0038/"])
def test_ordinary_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_the_export_of_stored_hostile_data_is_inert(sqlite_engine: Engine) -> None:
    """End to end through the Assistant (what /export calls), over data stored without the importer's checks."""
    apply(sqlite_engine, hostile(read_dataset_file(MINI), "=cmd|' /C calc'!A0"), actor="test", mode="replace")
    count, data = Assistant(sqlite_engine).export_csv("FR0038", lang="en")
    table = parse(data)
    title = header("en")[COLUMNS.index("title")]  # the header row is in the reader's language
    assert count == 1 and table[0][title] == "'=cmd|' /C calc'!A0"
    assert_inert(table)
