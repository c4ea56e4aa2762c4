"""CSV export of the commitments a query selects, for spreadsheet users (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io

from bot.common.i18n import translator
from bot.common.vocab import vocabulary
from bot.core.facts import ambition_level, completion_level
from bot.core.index import Index
from bot.core.records import Commitment

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


def to_csv(records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
