"""Field-by-field differences between two datasets, for refresh summaries and follower alerts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from bot.dataset.schema import CommitmentRecord, Dataset

# Bookkeeping that changes on every retrieval and says nothing about the commitment.
_IGNORED = {"retrieved_at", "source_text", "notes"}


@dataclass(frozen=True)
class FieldChange:
    field: str  # e.g. "irm.completion_end", "milestones.9.2.status", "title.fr"
    before: Any
    after: Any


@dataclass
class CommitmentChange:
    commitment: str
    kind: str  # added | removed | changed
    fields: list[FieldChange] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"commitment": self.commitment, "kind": self.kind, "fields": [asdict(f) for f in self.fields]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CommitmentChange:
        return cls(data["commitment"], data["kind"], [FieldChange(**f) for f in data.get("fields", [])])


@dataclass
class DatasetDiff:
    changes: list[CommitmentChange]
    unchanged: int

    @property
    def counts(self) -> dict[str, int]:
        counts = {"added": 0, "changed": 0, "unchanged": self.unchanged, "removed": 0}
        for change in self.changes:
            counts[change.kind] += 1
        return counts


def flatten(record: CommitmentRecord) -> dict[str, Any]:
    """A commitment as {dotted field: value}: IRM fields, milestones by number, texts by language."""
    data = record.model_dump(mode="json", exclude=_IGNORED)
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key == "irm":
            for irm_key, irm_value in value.items():
                if isinstance(irm_value, dict):
                    for lang, text in irm_value.items():
                        flat[f"irm.{irm_key}.{lang}"] = text
                else:
                    flat[f"irm.{irm_key}"] = irm_value
        elif key == "milestones":
            for milestone in value:
                number = milestone.pop("number")
                milestone.pop("commitment", None)
                for m_key, m_value in milestone.items():
                    if isinstance(m_value, dict):
                        for lang, text in m_value.items():
                            flat[f"milestones.{number}.{m_key}.{lang}"] = text
                    else:
                        flat[f"milestones.{number}.{m_key}"] = m_value
        elif isinstance(value, dict):
            for lang, text in value.items():
                flat[f"{key}.{lang}"] = text
        else:
            flat[key] = value
    return {k: v for k, v in flat.items() if v not in (None, [], {}, "")}


def diff_commitments(old: CommitmentRecord, new: CommitmentRecord) -> list[FieldChange]:
    before, after = flatten(old), flatten(new)
    return [FieldChange(key, before.get(key), after.get(key))
            for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]


def diff_datasets(old: Dataset, new: Dataset) -> DatasetDiff:
    old_by_id = {c.id: c for c in old.commitments}
    new_by_id = {c.id: c for c in new.commitments}
    changes: list[CommitmentChange] = []
    unchanged = 0
    for cid in sorted(old_by_id.keys() | new_by_id.keys()):
        if cid not in old_by_id:
            changes.append(CommitmentChange(cid, "added"))
        elif cid not in new_by_id:
            changes.append(CommitmentChange(cid, "removed"))
        else:
            fields = diff_commitments(old_by_id[cid], new_by_id[cid])
            if fields:
                changes.append(CommitmentChange(cid, "changed", fields))
            else:
                unchanged += 1
    return DatasetDiff(changes, unchanged)


ELLIPSIS = "…"
_CONTEXT = 20  # characters kept before the first difference, so that the change reads in its place


def shorten_pair(before: str, after: str, limit: int) -> tuple[str, str]:
    """Two values of a change, each at most `limit` characters, cut around their first difference: "Ministry of
    … Reform" → "Ministry of … Reform" (both cut where they still agree) never hides the change; "…Reform, Dept. A"
    → "…Reform, Dept. B" shows it."""
    if len(before) <= limit and len(after) <= limit:
        return before, after
    # One start for both, so that they line up; no later than needed to show the end of the longer one.
    start = max(0, min(_common_prefix(before, after) - _CONTEXT, max(len(before), len(after)) - (limit - 1)))
    return _window(before, start, limit), _window(after, start, limit)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _window(text: str, start: int, limit: int) -> str:
    """At most `limit` characters of `text` from `start`, marked "…" where cut."""
    if len(text) <= limit:
        return text
    head = ELLIPSIS if start > 0 else ""
    room = limit - len(head)
    body = text[start:start + room]
    if start + room < len(text):
        body = body[:-1].rstrip() + ELLIPSIS
    return head + body.lstrip() if head else body
