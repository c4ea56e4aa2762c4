"""One page (one language, one snapshot) read into canonical values: PageFacts.

PageFacts is what every import path produces (page text, HTML, legacy layout, CSV row) and what
bot/importing/merge.py folds into bilingual commitment records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.common.textnorm import slug
from bot.dataset.errors import DataError, Problem
from bot.dataset.members import members
from bot.importing import values
from bot.importing.labels import Labels, labels
from bot.importing.pagetext import RawPage, cut_reason

OGP_SITE = "https://www.opengovpartnership.org"
PENDING = "pending_irm_review"
IRM_FIELDS = ("verifiable", "ambition", "potential_impact", "completion", "completion_midterm", "completion_end",
              "starred", "early_results")
_GLANCE_VOCABULARY = {"verifiable": "yes_no", "ambition": "ambition", "potential_impact": "potential_impact",
                      "completion": "completion", "starred": "yes_no", "early_results": "early_results"}
_URL_MEMBER = re.compile(r"/members/([a-z0-9-]+)/", re.I)
_OGP_URL = re.compile(r"^https?://(?:www\.)?opengovpartnership\.org(/.*)?$", re.I)
LANGS = ("en", "fr", "es")


@dataclass
class Milestone:
    number: str
    text: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass
class PageFacts:
    source: str
    lang: str
    kind: str = "page"  # page | html | legacy | csv
    order: int = 0  # position in the run: among equal snapshots, the later one is the newer
    commitment_id: str | None = None
    member: str | None = None
    member_name: str | None = None
    url: str | None = None
    retrieved_at: datetime | None = None
    partial: bool = False
    partial_reason: str | None = None
    cut_field: str | None = None  # the at-a-glance field the page stops in, its value maybe cut short
    identified_by: str | None = None
    title: str | None = None
    number: str | None = None
    plan_title: str | None = None
    plan_start: int | None = None
    plan_end: int | None = None
    cycle: int | None = None
    status: str | None = None
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    policy_areas: list[str] = field(default_factory=list)
    new_areas: dict[str, str] = field(default_factory=dict)  # key -> English label
    reports: list[str] = field(default_factory=list)
    irm: dict[str, str | None] = field(default_factory=dict)
    relevance: list[str] = field(default_factory=list)
    description: str | None = None
    description_full: str | None = None
    challenges: str | None = None
    ambitions: str | None = None
    roadmap: str | None = None
    ogp_principles: str | None = None
    new_commitment: bool | None = None
    start: str | None = None
    end: str | None = None
    milestones: list[Milestone] = field(default_factory=list)
    midterm_summary: str | None = None
    midterm_next_steps: str | None = None
    end_summary: str | None = None
    source_text: str | None = None
    warnings: list[Problem] = field(default_factory=list)
    irm_block: bool = False  # the page reached its IRM block (even if every IRM field there is empty)

    def progress(self) -> tuple[int, int]:
        """How far the IRM had got when the page was taken: reports published, then fewer 'pending'."""
        if self.kind == "legacy":
            return (-2, 0)  # OGP's older layouts predate every page with an id
        return irm_progress(len(self.reports), list(self.irm.values()) + self.relevance,
                            shown=self.shows_irm)

    @property
    def shows_irm(self) -> bool:
        return bool(self.reports or self.irm or self.relevance or self.irm_block)

    @property
    def plan_key(self) -> tuple[str, int] | None:
        first = self.plan_start or self.cycle
        return (self.member, first) if self.member and first else None

    def plan_id(self) -> str | None:
        if not self.member or not (self.plan_title or self.cycle):
            return None
        return values.plan_id(self.member, self.plan_start, self.plan_end, self.cycle)

    def warn(self, where: str, reason: str) -> None:
        self.warnings.append(Problem(self.source, where, reason))


def irm_progress(reports: int, states: list[Any], *, shown: bool = True) -> tuple[int, int]:
    """(reports, -pending); (-1, 0) when nothing of the IRM is known: such a page cannot be dated by it."""
    if not shown and not reports and not any(states):
        return (-1, 0)
    return (reports, -sum(1 for v in states if v == PENDING))


def normalise_url(url: str | None, commitment_id: str | None = None) -> str | None:
    """OGP page URLs in one form (https://www., trailing slash, upper-case id), others as given."""
    if not url:
        return None
    url = url.strip()
    match = _OGP_URL.match(url)
    if not match:
        return url
    path = (match.group(1) or "/").split("?")[0].split("#")[0]
    if commitment_id:
        path = re.sub(rf"/{re.escape(commitment_id)}(/|$)", f"/{commitment_id}/", path, flags=re.I)
    if not path.endswith("/"):
        path += "/"
    return OGP_SITE + path


def page_url(member: str, commitment_id: str, lang: str) -> str:
    """The address of a commitment's page on opengovpartnership.org (when a source gives none)."""
    prefix = "" if lang == "en" else f"/{lang}"
    return f"{OGP_SITE}{prefix}/members/{member}/commitments/{commitment_id}/"


def member_of(commitment_id: str | None, member_line: str | None, url: str | None) -> tuple[str | None, str | None]:
    """(slug, display name): from the id's prefix, else the member line, else the page address."""
    known = members().for_commitment(commitment_id) or members().by_name(member_line)
    if known:
        return known.id, known.label("en")
    match = _URL_MEMBER.search(url or "")
    if match:
        return match.group(1).lower(), member_line
    if member_line:
        return slug(member_line) or None, member_line
    return None, None


def from_page(raw: RawPage, *, lang: str | None = None, url: str | None = None, kind: str = "page",
              order: int = 0, retrieved_at: datetime | None = None, lab: Labels | None = None) -> PageFacts:
    """Canonical values of a parsed page with an id. Raises DataError when the page cannot be placed."""
    lab = lab or labels()
    cid = raw.commitment_id
    lang = lang if lang in LANGS else (raw.detected_lang or "en")
    member, member_name = member_of(cid, raw.member_line, url)
    if not member:
        raise DataError.one(raw.source, f"cannot tell which OGP member {cid} belongs to: its id prefix is not in "
                                        "data/members.json and the page names no member", "title")
    facts = PageFacts(source=raw.source, lang=lang, kind=kind, order=order, commitment_id=cid, member=member,
                      member_name=member_name, retrieved_at=retrieved_at, title=raw.title, source_text=raw.text)
    facts.url = normalise_url(url, cid) or page_url(member, cid or "", lang)
    reason = cut_reason(raw, lab)
    facts.partial, facts.partial_reason = reason is not None, reason
    if reason and raw.section == "glance":
        facts.cut_field = _cut_field(raw)
    _glance(facts, raw, lab)
    _description(facts, raw)
    _irm_sections(facts, raw)
    _milestone_numbers(facts)
    return facts


def _glance(facts: PageFacts, raw: RawPage, lab: Labels) -> None:
    f = raw.fields
    facts.plan_title = values.plan_title(f.get("action_plan"))
    facts.plan_start, facts.plan_end = values.years(facts.plan_title)
    facts.cycle = values.cycle(f.get("cycle"))
    facts.status = controlled_value(facts, "status", "status", f.get("status"))
    # Items of a '- ' list are one institution each, commas and all.
    facts.lead = _institutions(raw, "lead", lab) or _institutions(raw, "involved", lab)
    facts.support = _institutions(raw, "support", lab)
    areas = raw.lists.get("policy_areas", []) + raw.lists.get("primary_policy_area", [])
    if f.get("primary_policy_area"):
        areas.append(f["primary_policy_area"])
    reading = values.policy_areas(areas)
    facts.policy_areas = reading.keys
    for label in reading.unknown:
        if facts.lang == "en":
            key = values.area_key(label)
            facts.new_areas[key] = label
            if key not in facts.policy_areas:
                facts.policy_areas.append(key)
            facts.warn("Policy Areas", f"policy area {label!r} is not in data/vocabularies.json: kept as a new area "
                                       f"{key!r}")
        else:
            facts.warn("Policy Areas", f"policy area {label!r} ({facts.lang}) is not in data/vocabularies.json: "
                                       "left out (add it there as an alias)")
    facts.reports = values.report_names(f.get("reports"))
    for name, kind in _GLANCE_VOCABULARY.items():
        if name in f:  # only the fields the page shows: a cut page says nothing of the others
            facts.irm[name] = controlled_value(facts, name, kind, f.get(name))
    relevance_text = f.get("relevance") or ", ".join(raw.lists.get("relevance", []))
    if relevance_text.strip():
        reading = values.relevance(relevance_text)
        facts.relevance = reading.keys
        if reading.unknown:
            facts.warn("Relevant to OGP Values", f"words not understood: {' '.join(reading.unknown)!r}")
    facts.start = values.date(f.get("start"))
    facts.end = values.date(f.get("end"))
    facts.irm_block = bool(facts.irm) or "reports" in f or "relevance" in f


def _cut_field(raw: RawPage) -> str | None:
    """A page cut inside its at-a-glance block: the field on its last line may be cut mid-word ("National
    Planning Depart"). The merge then lets it fill a gap but never replace names another page gave."""
    return next((name for name, value in raw.fields.items() if value and raw.last_line.endswith(value)), None)


def _institutions(raw: RawPage, name: str, lab: Labels) -> list[str]:
    """The field's names, then those of its '- ' list (one institution an item, commas and all)."""
    names = values.institutions(raw.fields.get(name), lab)
    for item in raw.lists.get(name, []):
        item = item.strip(" .;")
        if item and not lab.is_not_applicable(item) and item not in names:
            names.append(item)
    return names


def controlled_value(facts: PageFacts, name: str, kind: str, text: str | None) -> str | None:
    if text is None or not text.strip() or labels().is_not_applicable(text):
        return None
    key = values.controlled(kind, text)
    if key is None:
        facts.warn(name, f"value {text!r} is not in the {kind} vocabulary: left empty")
    return key


def _description(facts: PageFacts, raw: RawPage) -> None:
    d = raw.description
    facts.description = d.title
    facts.description_full = d.full if d.full and "\n" in d.full else None  # more than the one-line title
    facts.challenges, facts.ambitions, facts.roadmap = d.challenges, d.ambitions, d.roadmap
    facts.ogp_principles = d.ogp_principles
    facts.new_commitment = d.new_commitment
    facts.number = d.number
    if not facts.lead and d.lead:
        facts.lead = values.institutions(d.lead)
    if not facts.support and d.support:
        facts.support = values.institutions(d.support)
    if d.dates and not (facts.start or facts.end):
        facts.start, facts.end = values.date_range(d.dates)
    facts.milestones = [Milestone(number, text) for number, text in d.milestones]


def _irm_sections(facts: PageFacts, raw: RawPage) -> None:
    for part, prefix in ((raw.midterm, "midterm"), (raw.end_of_term, "end")):
        if part is None:
            continue
        facts.number = facts.number or part.number
        facts.start = facts.start or values.date(part.start)
        facts.end = facts.end or values.date(part.end)
        if part.milestones:  # the IRM's numbered list is better than the plan's bullets
            facts.milestones = [Milestone(number, text) for number, text in part.milestones]
        if part.completion is not None:
            key = "completion_midterm" if prefix == "midterm" else "completion_end"
            facts.irm[key] = controlled_value(facts, key, "completion", part.completion)
        if prefix == "midterm":
            facts.midterm_summary, facts.midterm_next_steps = part.summary, part.next_steps
        else:
            facts.end_summary = part.summary


def _milestone_numbers(facts: PageFacts) -> None:
    """Milestones must be numbered under their commitment ('9.2' under 9); infer the number from them."""
    firsts = {m.number.split(".")[0] for m in facts.milestones}
    if facts.number is None and len(firsts) == 1:
        facts.number = firsts.pop()
    kept, seen = [], set()
    for m in facts.milestones:
        if (facts.number and m.number.split(".")[0] != facts.number) or m.number in seen:
            facts.warn("milestones", f"milestone {m.number} does not belong to commitment number {facts.number}: "
                                     "left out")
            continue
        seen.add(m.number)
        kept.append(m)
    facts.milestones = kept
