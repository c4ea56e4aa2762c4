"""CSV exports -> one page's worth of facts per row, read by the same rules as the pages.

The header names the columns; it may use the page labels of any language ("Lead Institution",
"Institution chef de file", ...) or the canonical field names (id, lang, title, lead, ...). Every
row becomes a RawPage and goes through bot/importing/facts.py like a page would.
"""

from __future__ import annotations

import _csv
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.dataset.errors import DataError, Problem
from bot.dataset.schema import COMMITMENT_ID
from bot.importing import facts as facts_mod
from bot.importing.labels import labels, squash
from bot.importing.pagetext import DescriptionParts, RawPage

# Canonical column names and common export headers -> the page field they fill.
COLUMNS = {
    "id": "id", "commitmentid": "id", "commitment": "id", "identifiant": "id",
    "lang": "lang", "language": "lang", "langue": "lang",
    "url": "url", "link": "url", "source": "url",
    "title": "title", "commitmenttitle": "title", "titre": "title", "titulo": "title",
    "member": "member", "country": "member", "pays": "member", "pais": "member", "membre": "member",
    "actionplan": "action_plan", "plan": "action_plan",
    "lead": "lead", "leadinstitutions": "lead", "support": "support", "supportinstitutions": "support",
    "policyareas": "policy_areas", "areas": "policy_areas", "irmreports": "reports", "reports": "reports",
    "completionmidterm": "completion_midterm", "completionend": "completion_end", "completionendofterm":
    "completion_end", "description": "description", "number": "number", "start": "start", "end": "end",
}
FIELDS_FROM_LABELS = ("action_plan", "cycle", "status", "lead", "support", "reports", "starred", "early_results",
                      "verifiable", "relevance", "potential_impact", "ambition", "completion", "start", "end")


@dataclass
class CsvRow:
    line: int
    raw: RawPage
    lang: str | None
    url: str | None
    completion_midterm: str | None
    completion_end: str | None


def _column(header: str) -> str | None:
    key = squash(header)
    if key in COLUMNS:
        return COLUMNS[key]
    if key == "policyarea" or labels().glance_headings.get(header) == "policy_areas":
        return "policy_areas"
    name = labels().glance_fields.get(header)
    return name if name in FIELDS_FROM_LABELS else None


def _records(reader: _csv.Reader, source: str) -> Iterator[list[str]]:
    """The reader's records; a located DataError for what the csv module cannot read (a stray carriage return,
    a field over its size limit)."""
    try:
        yield from reader
    except csv.Error as error:
        raise DataError.one(source, f"not readable as CSV: {error}", f"line {reader.line_num}") from None


def read_rows(text: str, source: str) -> list[CsvRow]:
    """Rows of a CSV export; DataError naming the line for a header without ids or a bad id."""
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = _records(csv.reader(io.StringIO(text, newline=""), dialect), source)
    try:
        header = next(reader)
    except StopIteration:
        raise DataError.one(source, "the CSV file has no header line") from None
    columns = [_column(h) for h in header]
    if "id" not in columns:
        raise DataError.one(source, "no column for the commitment id (id, Commitment ID)", "line 1")
    rows: list[CsvRow] = []
    problems: list[Problem] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(source, f"line {number}", f"{len(cells)} cells for {len(header)} columns"))
            continue
        values = {col: cell.strip() for col, cell in zip(columns, cells, strict=False) if col and cell.strip()}
        cid = values.get("id", "").upper().replace(" ", "")
        if not COMMITMENT_ID.match(cid):
            problems.append(Problem(source, f"line {number}", f"{values.get('id', '')!r} is not a commitment id "
                                                              "(like FR0038)"))
            continue
        raw = RawPage(source=f"{source} line {number}", text="", commitment_id=cid, title=values.get("title"),
                      member_line=values.get("member"), section="description", ended=True)
        raw.fields = {k: v for k, v in values.items() if k in FIELDS_FROM_LABELS}
        if values.get("policy_areas"):
            raw.lists["policy_areas"] = [values["policy_areas"].replace(";", ",")]
        raw.description = DescriptionParts(title=values.get("description"), number=values.get("number"))
        rows.append(CsvRow(number, raw, values.get("lang", "").lower()[:2] or None, values.get("url"),
                           values.get("completion_midterm"), values.get("completion_end")))
    if problems:
        raise DataError(problems)
    if not rows:
        raise DataError.one(source, "the CSV file has a header but no rows")
    return rows


def row_facts(row: CsvRow, *, order: int, retrieved_at: datetime | None = None) -> facts_mod.PageFacts:
    page = facts_mod.from_page(row.raw, lang=row.lang, url=row.url, kind="csv", order=order,
                               retrieved_at=retrieved_at)
    for key, text in (("completion_midterm", row.completion_midterm), ("completion_end", row.completion_end)):
        if text:
            page.irm[key] = facts_mod.controlled_value(page, key, "completion", text)
    page.source_text = None  # a row is not a page: nothing to keep beside the data
    return page
