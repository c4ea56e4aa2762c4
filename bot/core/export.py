"""CSV export of the commitments a query selects, for spreadsheet users (UTF-8 with BOM).

Journalists open these files in spreadsheet programs, and the cells hold imported text: every cell a spreadsheet
could take for a formula (`bot.dataset.schema.starts_like_formula`: =, +, -, @, a tab or a carriage return first)
gets a single quote in front, and every cell is quoted, as OWASP's "CSV Injection" guidance recommends. Plain
numbers (-3, 2.5) are left as they are. The importer refuses such titles and names in the first place
(data/README.md); this is the second line, for whatever reaches the database another way.

Cells are in the reader's language (titles and names when the records have them, labels of the vocabularies,
"not assessed"). The header row is the column keys (COLUMNS: id, title, ...) for programs, or, with `lang`, the
columns' names in that language (`header`), for people.
"""

from __future__ import annotations

import csv
import io

from bot.common.i18n import N_, localized, translator
from bot.common.vocab import vocabulary
from bot.core.facts import ambition_level, completion_level
from bot.core.index import Index
from bot.core.records import Commitment
from bot.dataset.schema import starts_like_formula

COLUMNS = ("id", "title", "member", "action_plan", "lead", "completion", "ambition", "url")
# Each column's name for people (translated when the header is written).
HEADERS = {"id": N_("Commitment"), "title": N_("Title"), "member": N_("Member"), "action_plan": N_("Action plan"),
           "lead": N_("Lead institutions"), "completion": N_("Completion"), "ambition": N_("Ambition"),
           "url": N_("Link to the OGP page")}
assert tuple(HEADERS) == COLUMNS


def header(lang: str) -> list[str]:
    """The header row in the reader's language: "Compromiso", "Título", ... for "es"."""
    t = translator(lang)
    return [t._(HEADERS[column]) for column in COLUMNS]


def rows(index: Index, commitments: list[Commitment], lang: str) -> list[dict[str, str]]:
    vocab = vocabulary()
    t = translator(lang)

    out = []
    for c in commitments:
        plan = index.plans.get(c.action_plan or "")
        member = index.members.get(c.member)
        completion, ambition = completion_level(c), ambition_level(c)
        unassessed = t._("not assessed")
        out.append({
            "id": c.id, "title": localized(c.title, lang),
            "member": localized(member.name, lang) if member else c.member,
            "action_plan": localized(plan.title, lang) if plan else "",
            "lead": "; ".join(localized(i, lang) for i in c.lead_institutions),
            "completion": vocab.label("completion", completion, lang) if completion else unassessed,
            "ambition": vocab.label("ambition", ambition, lang) if ambition else unassessed,
            "url": localized(c.urls, lang),
        })
    return out


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: a single quote before what would start a formula."""
    return "'" + cell if starts_like_formula(cell) else cell


def to_csv(records: list[dict[str, str]], lang: str | None = None) -> bytes:
    """The rows (of `rows`) as CSV: the header row is the column keys, or their names in `lang` when given."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    if lang is None:
        writer.writeheader()
    else:
        writer.writerow({column: neutralise(name) for column, name in zip(COLUMNS, header(lang), strict=True)})
    writer.writerows({key: neutralise(str(value)) for key, value in record.items()} for record in records)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
