"""Fold page snapshots (PageFacts) into bilingual commitment records, action plans and members.

The snapshot progression rule (documented in data/README.md):

* Every snapshot is ranked by how far the IRM had got when it was taken: first the number of IRM
  reports it lists, then how few of its IRM fields say "Pending IRM Review". A page that shows no IRM
  field at all cannot be dated that way and ranks below every page that can; a legacy page ranks
  below all. Among equal ranks, the later snapshot (file order in a run; later import across runs)
  is the newer.
* A stored record is ranked the same way from its own content. A snapshot that ranks at least as high
  as the stored record is "newer": its non-empty values replace the stored ones. An older snapshot
  only fills fields that are still empty. Empty values never erase anything.
* IRM fields progress one way, pending -> value: a real value is never replaced by a state
  ("pending", "no IRM data"); a newer snapshot that shows the field empty or pending clears a stored
  *state*, never a stored value; an older snapshot's real value replaces a stored state.
* A page whose text equals the text already stored for its language brings nothing new: it only fills
  gaps (so re-importing a page never undoes hand corrections of it).
* Language-neutral values (status, plan, policy areas, IRM values) come from any language; texts
  (title, description, institution names, report names, IRM prose) are merged per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from bot.common.textnorm import fold
from bot.common.vocab import vocabulary
from bot.dataset.errors import DataError, Problem, json_path
from bot.dataset.members import members
from bot.dataset.reader import place
from bot.dataset.schema import ActionPlanRecord, CommitmentRecord, Dataset, MemberRecord, PolicyAreaRecord
from bot.importing.facts import IRM_FIELDS, PENDING, PageFacts, irm_progress

TEXT_FIELDS = ("title", "description", "description_full", "challenges", "ambitions", "roadmap", "ogp_principles")
IRM_TEXTS = ("midterm_summary", "midterm_next_steps", "end_summary")
_SPACE = re.compile(r"\s+")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _same_text(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return _SPACE.sub(" ", a).strip() == _SPACE.sub(" ", b).strip()


def record_progress(record: dict[str, Any]) -> tuple[int, int]:
    irm = record["irm"]
    states = [irm.get(f) for f in IRM_FIELDS] + list(irm.get("relevance") or [])
    return irm_progress(len(irm.get("reports") or []), states, shown=False)


def _state_class(value: Any) -> int:
    """3 a real value, 2 a final state (no IRM data, not reviewed), 1 pending, 0 nothing."""
    if _empty(value):
        return 0
    if isinstance(value, list):
        return max(_state_class(v) for v in value)
    if value == PENDING:
        return 1
    return 2 if vocabulary().has("irm_state", value) else 3


def _irm_value(current: Any, incoming: Any, *, newer: bool, shown: bool) -> Any:
    have, new = _state_class(current), _state_class(incoming)
    if newer:
        if new == 3:
            return incoming
        if have == 3:
            return current  # a value never goes back to pending
        return incoming if shown else current
    return incoming if new == 3 and have < 3 else current


def _specific(values: list[str]) -> bool:
    """Values named (access to information, ...), as opposed to a bare yes/no or a state."""
    return _state_class(values) == 3 and values != ["relevant"] and "not_relevant" not in values


def _relevance(current: list[str], incoming: list[str], *, newer: bool, shown: bool) -> list[str]:
    """As other IRM fields, except that a bare "relevant" (newer pages say only "Yes") and the values it
    summarises never replace each other's detail: the named values stay, from whichever snapshot."""
    if incoming == ["relevant"] and _specific(current):
        return current
    if current == ["relevant"] and _specific(incoming):
        return incoming
    return _irm_value(current, incoming, newer=newer, shown=shown) or []


def _names(existing: list[dict[str, str]], names: list[str], lang: str, newer: bool,
           warn: list[str], what: str) -> list[dict[str, str]]:
    """Lists of names per language (institutions, report names), aligned by position when the lists
    are as long; otherwise a newer list is rebuilt, keeping the entries whose name it repeats (OGP's
    French pages leave some names in English), unless it shares none with a list of another language."""
    if not names:
        return existing
    if not existing:
        return [{lang: n} for n in names]
    has_lang = any(d.get(lang) for d in existing)
    if len(existing) == len(names):
        if newer or not has_lang:
            for entry, name in zip(existing, names, strict=True):
                entry[lang] = name
        return existing
    if not newer:
        return existing
    spelled = {fold(text): d for d in existing for text in d.values()}
    reused = [fold(n) in spelled for n in names]
    if not has_lang and not any(reused):
        warn.append(f"{what}: the {lang} list has {len(names)} names and the stored one {len(existing)}: "
                    f"they cannot be paired, the {lang} names were left out")
        return existing
    return [{**spelled[fold(n)], lang: n} if fold(n) in spelled else {lang: n} for n in names]


def new_record(facts: PageFacts) -> dict[str, Any]:
    assert facts.commitment_id and facts.member
    title = {facts.lang: facts.title or facts.commitment_id}
    return CommitmentRecord(id=facts.commitment_id, member=facts.member, title=title).model_dump()


def is_newer(record: dict[str, Any] | None, facts: PageFacts) -> bool:
    """Whether the snapshot ranks at least as high as the stored record (see the module's rule)."""
    if record is None:
        return True
    if _same_text(record["source_text"].get(facts.lang), facts.source_text):
        return False
    return facts.progress() >= record_progress(record)


def overlay(record: dict[str, Any] | None, facts: PageFacts, plan_id: str | None, *, newer: bool,
            warn: list[str] | None = None) -> dict[str, Any]:
    """`facts` laid over `record` (a CommitmentRecord as a dict) by the snapshot progression rule."""
    warn = warn if warn is not None else []
    lang = facts.lang
    if record is None:
        record = new_record(facts)
        record["partial"] = facts.partial
    else:
        record["partial"] = record["partial"] and facts.partial

    def neutral(key: str, value: Any) -> None:
        if not _empty(value) and (newer or _empty(record[key])):
            record[key] = value

    def text(target: dict[str, Any], key: str, value: str | None) -> None:
        if value and (newer or not target[key].get(lang)):
            target[key][lang] = value

    for key, value in (("status", facts.status), ("action_plan", plan_id), ("number", facts.number),
                       ("start", facts.start), ("end", facts.end), ("new_commitment", facts.new_commitment),
                       ("policy_areas", list(facts.policy_areas))):
        neutral(key, value)
    for key in TEXT_FIELDS:
        text(record, key, getattr(facts, key))
    text(record, "urls", facts.url)
    text(record, "source_text", facts.source_text)
    if facts.identified_by and (newer or not record["identified_by"]):
        record["identified_by"] = facts.identified_by[:200]
    def whole(field: str, names: list[str], stored: list[dict[str, str]]) -> list[str]:
        """The page's names, unless the page stops in that field and they would replace stored ones: a name
        cut short ("National Planning Depart") never replaces whole ones. It may still pair with them."""
        pairs = len(names) == len(stored) and not any(d.get(lang) for d in stored)
        return [] if facts.cut_field == field and stored and not pairs else names

    record["lead_institutions"] = _names(record["lead_institutions"],
                                         whole("lead", facts.lead, record["lead_institutions"]), lang, newer, warn,
                                         f"{facts.commitment_id} lead institutions")
    record["support_institutions"] = _names(record["support_institutions"],
                                            whole("support", facts.support, record["support_institutions"]), lang,
                                            newer, warn, f"{facts.commitment_id} support institutions")
    irm = record["irm"]
    irm["reports"] = _names(irm["reports"], whole("reports", facts.reports, irm["reports"]), lang, newer, warn,
                            f"{facts.commitment_id} IRM reports")
    # A newer page that shows its IRM block speaks for every IRM field: one it no longer shows is no
    # longer pending (OGP's newer layout drops 'Starred' and 'Potential Impact').
    for key in IRM_FIELDS:
        irm[key] = _irm_value(irm[key], facts.irm.get(key), newer=newer, shown=facts.irm_block)
    irm["relevance"] = _relevance(irm["relevance"], list(facts.relevance), newer=newer, shown=facts.irm_block)
    for key in IRM_TEXTS:
        text(irm, key, getattr(facts, key))
    _milestones(record, facts, newer)
    if facts.retrieved_at and (record["retrieved_at"] is None or facts.retrieved_at > record["retrieved_at"]):
        record["retrieved_at"] = facts.retrieved_at
    return record


def _milestone_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def _milestones(record: dict[str, Any], facts: PageFacts, newer: bool) -> None:
    by_number = {m["number"]: m for m in record["milestones"]}
    for m in facts.milestones:
        target = by_number.get(m.number)
        if target is None:
            target = {"number": m.number, "commitment": None, "text": {}, "start": None, "end": None,
                      "status": None, "status_note": {}, "status_source": None, "status_score": None}
            by_number[m.number] = target
        if m.text and (newer or not target["text"].get(facts.lang)):
            target["text"][facts.lang] = m.text
        for key in ("start", "end"):
            value = getattr(m, key)
            if value and (newer or not target[key]):
                target[key] = value
    record["milestones"] = sorted(by_number.values(), key=lambda m: _milestone_key(m["number"]))


@dataclass
class PlanBook:
    """Action plans, one per (member, first year): 'France Action Plan 2018-2020' and its later name
    '... 2018-2021' are one plan, whose id (fixed by the first import) never changes."""

    plans: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[tuple[str, int], str] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, dataset: Dataset | None) -> PlanBook:
        book = cls()
        for plan in dataset.action_plans if dataset else []:
            book.plans[plan.id] = plan.model_dump()
            first = plan.start_year or plan.cycle
            if first:
                book.by_key.setdefault((plan.member, first), plan.id)
        return book

    def add(self, facts: PageFacts, newer: bool = True) -> str | None:
        key, proposed = facts.plan_key, facts.plan_id()
        if proposed is None:
            return None
        plan_id = self.by_key.get(key) if key else None
        plan_id = plan_id or proposed
        if key:
            self.by_key.setdefault(key, plan_id)
        plan = self.plans.setdefault(plan_id, {"id": plan_id, "member": facts.member, "title": {},
                                               "start_year": None, "end_year": None, "cycle": None})
        if facts.plan_title and (newer or not plan["title"].get(facts.lang)):
            plan["title"][facts.lang] = facts.plan_title
        for name, value in (("start_year", facts.plan_start or facts.cycle), ("end_year", facts.plan_end),
                            ("cycle", facts.cycle)):
            if value and (newer or not plan[name]):
                plan[name] = value
        return plan_id

    def records(self) -> list[ActionPlanRecord]:
        out = []
        for plan in self.plans.values():
            if not plan["title"]:
                plan["title"] = {"en": plan["id"]}
            out.append(ActionPlanRecord.model_validate(plan))
        return sorted(out, key=lambda p: p.id)


def member_records(ids: set[str], stored: Dataset | None, names: dict[str, str]) -> list[MemberRecord]:
    """Members for the records: as stored (an import does not rename members), else from
    data/members.json, else from the page's member line."""
    known = {m.id: m for m in stored.members} if stored else {}
    out = []
    for member_id in sorted(ids):
        member = members().get(member_id)
        if member_id in known:
            out.append(known[member_id])
        elif member:
            out.append(member.record())
        else:
            out.append(MemberRecord(id=member_id, name={"en": names.get(member_id) or member_id},
                                    kind="local" if "," in (names.get(member_id) or "") else "national"))
    return out


def area_records(facts: list[PageFacts], stored: Dataset | None) -> list[PolicyAreaRecord]:
    """Policy areas that pages named and the vocabulary does not know (English labels)."""
    areas = {a.key: a for a in stored.policy_areas} if stored else {}
    for page in facts:
        for key, label in page.new_areas.items():
            if key not in areas and not vocabulary().has("policy_area", key):
                areas[key] = PolicyAreaRecord(key=key, label={"en": label})
    return sorted(areas.values(), key=lambda a: a.key)


def validate_record(data: dict[str, Any], source: str) -> CommitmentRecord:
    """The record, or DataError naming the source page and the field."""
    try:
        return CommitmentRecord.model_validate(data)
    except ValidationError as error:
        raise DataError([Problem(source, *place(json_path([p for p in e["loc"] if not str(p).startswith("function-")]),
                                                str(e["msg"]).removeprefix("Value error, ")))
                         for e in error.errors()]) from None


def lay_over(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Hand-written facts (`top`) over imported ones (`base`): every non-empty value of `top` wins,
    texts per language; milestones by number, each milestone's status group (status, note, source,
    score) taken whole from `top` when it has any of it."""
    out = dict(base)
    for key, value in top.items():
        if _empty(value):
            continue
        old = base.get(key)
        if key == "milestones" and isinstance(old, list):
            out[key] = _lay_milestones(old, value)
        elif isinstance(value, dict) and isinstance(old, dict):
            out[key] = lay_over(old, value)
        else:
            out[key] = value
    return out


_STATUS_GROUP = ("status", "status_note", "status_source", "status_score")


def _lay_milestones(base: list[dict[str, Any]], top: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_number = {m["number"]: m for m in base}
    out = []
    for milestone in top:
        old = by_number.pop(milestone["number"], None)
        if old is None:
            out.append(milestone)
            continue
        merged = lay_over(old, {k: v for k, v in milestone.items() if k not in _STATUS_GROUP})
        if any(not _empty(milestone.get(k)) for k in _STATUS_GROUP):
            merged.update({k: milestone.get(k) for k in _STATUS_GROUP})
        out.append(merged)
    out.extend(by_number.values())
    return sorted(out, key=lambda m: _milestone_key(m["number"]))


