"""CSV export of the commitments a query selects, for spreadsheet users (UTF-8 with BOM).

Journalists open these files in spreadsheet programs, and the cells hold imported text: every cell a spreadsheet
could take for a formula (`bot.dataset.schema.starts_like_formula`: =, +, -, @, a tab or a carriage return first)
gets a single quote in front, and every cell is quoted, as OWASP's "CSV Injection" guidance recommends. Plain
numbers (-3, 2.5) are left as they are. The importer refuses such titles and names in the first place
(data/README.md); this is the second line, for whatever reaches the database another way.
"""

from __future__ import annotations

import csv
import io

from bot.common.i18n import translator
from bot.common.vocab import vocabulary
from bot.core.facts import ambition_level, completion_level
from bot.core.index import Index
from bot.core.records import Commitment
from bot.dataset.schema import starts_like_formula

COLUMNS = ("id", "title", "member", "action_plan", "lead", "completion", "ambition", "url")


def rows(index: Index, commitments: list[Commitment], lang: str) -> list[dict[str, str]]:
    vocab = vocabulary()
    t = translator(lang)

    def text(values: dict[str, str]) -> str:
        return values.get(lang) or values.get("en") or next(iter(values.values()), "")

    out = []
    for c in commitments:
        plan = index.plans.get(c.action_plan or "")
        member = index.members.get(c.member)
        completion, ambition = completion_level(c), ambition_level(c)
        unassessed = t._("not assessed")
        out.append({
            "id": c.id, "title": text(c.title), "member": text(member.name) if member else c.member,
            "action_plan": text(plan.title) if plan else "",
            "lead": "; ".join(text(i) for i in c.lead_institutions),
            "completion": vocab.label("completion", completion, lang) if completion else unassessed,
            "ambition": vocab.label("ambition", ambition, lang) if ambition else unassessed,
            "url": c.urls.get(lang) or c.urls.get("en") or next(iter(c.urls.values()), ""),
        })
    return out


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: a single quote before what would start a formula."""
    return "'" + cell if starts_like_formula(cell) else cell


def to_csv(records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows({key: neutralise(str(value)) for key, value in record.items()} for record in records)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
