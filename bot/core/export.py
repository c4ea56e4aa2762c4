"""CSV export of the commitments a query selects, for spreadsheet users (UTF-8 with BOM)."""

from __future__ import annotations

import csv
import io

from bot.common.i18n import translator
from bot.common.vocab import vocabulary
from bot.core.charts import level
from bot.core.index import Index
from bot.dataset.schema import CommitmentRecord

COLUMNS = ("id", "title", "member", "action_plan", "lead", "completion", "ambition", "url")


def rows(index: Index, commitments: list[CommitmentRecord], lang: str) -> list[dict[str, str]]:
    vocab = vocabulary()
    t = translator(lang)

    def text(values: dict[str, str]) -> str:
        return values.get(lang) or values.get("en") or next(iter(values.values()), "")

    out = []
    for c in commitments:
        plan = index.plans.get(c.action_plan or "")
        member = index.members.get(c.member)
        completion, ambition = level(c, "completion"), level(c, "ambition")
        unassessed = t._("not assessed")
        out.append({
            "id": c.id, "title": text(c.title), "member": text(member.name) if member else c.member,
            "action_plan": text(plan.title) if plan else "",
            "lead": "; ".join(text(i) for i in c.lead_institutions),
            "completion": unassessed if completion == "unassessed" else vocab.label("completion", completion, lang),
            "ambition": unassessed if ambition == "unassessed" else vocab.label("ambition", ambition, lang),
            "url": c.urls.get(lang) or c.urls.get("en") or next(iter(c.urls.values()), ""),
        })
    return out


def to_csv(records: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(records)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
