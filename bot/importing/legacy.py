"""OGP's older page layouts, which carry no commitment id: read them, then find which commitment they are.

    03 Corporate transparency            <- number in its action plan, title
    Country: Canada
    Action Plan: Canada Action Plan 2018-2020
    Year Action Plan: 2018
    Start Date: NA  |  End Date: 8/31/2020
    From the Action Plan
    ...

A legacy page is identified by member + action plan + number when a known commitment has that
number, else by its title (or one-line description) matching a known commitment's; otherwise it is
refused with an error that says what was looked for. Never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from bot.common.textnorm import fold
from bot.dataset.errors import DataError
from bot.dataset.members import members
from bot.importing import values
from bot.importing.facts import PageFacts
from bot.importing.labels import Labels, labels
from bot.importing.pagetext import DescriptionParts, Line, description_cut, parse_description, split_lines

NUMBERED_TITLE = re.compile(r"^(?P<number>[0-9]{1,3})\s+(?P<title>\S.{2,})$")
MATCH_SCORE = 90.0  # a title this similar (token order aside) names the same commitment
MARGIN = 5.0  # ... provided no other candidate comes this close


@dataclass
class LegacyPage:
    source: str
    text: str
    number: str | None = None
    title: str | None = None
    country: str | None = None
    plan: str | None = None
    plan_year: str | None = None
    start: str | None = None
    end: str | None = None
    description: DescriptionParts | None = None
    last_line: str = ""


def _undouble(text: str) -> str:
    """'Corporate transparency Corporate transparency' -> 'Corporate transparency'."""
    words = text.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half and [w.lower() for w in words[:half]] == [w.lower() for w in words[half:]]:
        return " ".join(words[:half])
    return text


def _split_glued_label(line: Line, lab: Labels) -> list[Line]:
    """'Increasing transparency in public procurement Lead institution(s):' -> text, label."""
    text = line.text
    if not text.endswith(":"):
        return [line]
    words = text.split()
    for k in range(1, len(words)):
        if lab.description_fields.get(" ".join(words[k:]).rstrip(":")):
            return [Line(" ".join(words[:k]), line.blank_before), Line(" ".join(words[k:]), False)]
    return [line]


def parse_legacy(text: str, source: str, lab: Labels | None = None) -> LegacyPage | None:
    """The legacy page, or None when the text is not in a legacy layout."""
    lab = lab or labels()
    lines = [ln for ln in split_lines(text, lab) if ln.key not in lab.noise]
    page = LegacyPage(source=source, text=text)
    start = None
    for i, line in enumerate(lines[:6]):
        match = NUMBERED_TITLE.match(line.text)
        if match and not re.match(r"^[0-9]{1,3}\s+[0-9]", line.text):
            page.number, page.title = str(int(match.group("number"))), match.group("title").strip()
            start = i + 1
            break
    if start is None:
        return None
    rest: list[Line] = []
    fields_seen = 0
    in_plan_text = False
    for line in lines[start:]:
        if in_plan_text:
            rest.append(line)
            continue
        parts = [p.strip() for p in line.text.split("|")] if "|" in line.text else [line.text]
        matched = False
        for part in parts:
            colon = part.find(":")
            name = lab.legacy_fields.get(part[:colon]) if colon > 0 else lab.legacy_fields.get(part)
            if name == "from_plan":
                in_plan_text = matched = True
                break
            if name:
                value = part[colon + 1:].strip()
                setattr(page, {"country": "country", "action_plan": "plan", "plan_year": "plan_year",
                               "start": "start", "end": "end"}[name], value or None)
                fields_seen += 1
                matched = True
        if not matched:
            rest.append(line)
    # The description of the plan: first line (undoubled), then the usual description labels.
    cleaned: list[Line] = []
    for n, line in enumerate(rest):
        line = Line(_undouble(line.text), line.blank_before) if n == 0 else line
        cleaned.extend(_split_glued_label(line, lab))
    page.description = parse_description(cleaned, lab)
    page.last_line = cleaned[-1].text if cleaned else ""
    has_description_labels = any(lab.description_fields.get(ln.text.split(":")[0]) for ln in cleaned)
    if not fields_seen and not has_description_labels:
        return None  # a numbered line alone does not make a legacy commitment page
    return page


def to_facts(page: LegacyPage, *, lang: str = "en", order: int = 0, retrieved_at: Any = None) -> PageFacts:
    """The legacy page's values; the commitment id stays unknown until `identify`."""
    member = members().by_name(page.country) if page.country else None
    facts = PageFacts(source=page.source, lang=lang, kind="legacy", order=order, retrieved_at=retrieved_at,
                      member=member.id if member else None, member_name=page.country, title=page.title,
                      number=page.number, source_text=page.text)
    facts.plan_title = values.plan_title(page.plan)
    facts.plan_start, facts.plan_end = values.years(facts.plan_title)
    facts.cycle = values.cycle(page.plan_year)
    facts.start, facts.end = values.date(page.start), values.date(page.end)
    d = page.description or DescriptionParts()
    facts.description, facts.description_full = d.title, d.full
    facts.challenges, facts.ambitions, facts.roadmap = d.challenges, d.ambitions, d.roadmap
    facts.ogp_principles, facts.new_commitment = d.ogp_principles, d.new_commitment
    facts.lead, facts.support = values.institutions(d.lead), values.institutions(d.support)
    last = page.last_line
    reason = description_cut(d, last) if last else None
    facts.partial, facts.partial_reason = reason is not None, reason
    if page.country and not member:
        facts.warn("Country", f"{page.country!r} is not an OGP member in data/members.json")
    return facts


def _plan_first_year(record: dict[str, Any], plans: dict[str, dict[str, Any]]) -> int | None:
    plan = plans.get(record.get("action_plan") or "")
    return (plan.get("start_year") or plan.get("cycle")) if plan else None


def _similarity(a: str | None, b: str | None) -> float:
    return fuzz.token_sort_ratio(fold(a), fold(b)) if a and b else 0.0


def identify(facts: PageFacts, known: dict[str, dict[str, Any]], plans: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """(commitment id, how it was identified), or DataError saying what was looked for."""
    first_year = facts.plan_start or facts.cycle
    scope = [r for r in known.values()
             if (not facts.member or r["member"] == facts.member)
             and (not first_year or _plan_first_year(r, plans) in (None, first_year))]
    plan_name = facts.plan_title or (str(first_year) if first_year else "")
    if facts.member and first_year and facts.number:
        numbered = [r for r in scope if r.get("number") == facts.number and _plan_first_year(r, plans) == first_year]
        if len(numbered) == 1:
            return numbered[0]["id"], (f"member {facts.member}, action plan {plan_name!r}, "
                                       f"commitment number {facts.number}")
    scored = []
    for record in scope:
        score = max([_similarity(facts.title, t) for t in record["title"].values()]
                    + [_similarity(facts.description, d) for d in record["description"].values()] + [0.0])
        scored.append((score, record["id"]))
    scored.sort(reverse=True)
    if scored and scored[0][0] >= MATCH_SCORE and (len(scored) == 1 or scored[1][0] < scored[0][0] - MARGIN):
        score, cid = scored[0]
        title = next(iter(known[cid]["title"].values()))
        return cid, f"title {facts.title!r} matches {cid} {title!r} ({score:.0f}%)"
    looked = []
    if facts.member_name and not facts.member:
        looked.append(f"{facts.member_name!r} is not an OGP member (data/members.json)")
    if facts.member and first_year and facts.number:
        looked.append(f"no known commitment of {facts.member} {plan_name!r} has number {facts.number}")
    best = f"; best title match {scored[0][1]} at {scored[0][0]:.0f}% (needs {MATCH_SCORE:.0f}%, unambiguous)" \
        if scored else ""
    looked.append(f"no known commitment{' of ' + facts.member if facts.member else ''} is titled like "
                  f"{facts.title!r}{best}")
    raise DataError.one(facts.source, "a page of OGP's older layout (no commitment id) that cannot be identified: "
                        + "; ".join(looked) + ". Import the commitment's current page first, or add its id.",
                        "title")
