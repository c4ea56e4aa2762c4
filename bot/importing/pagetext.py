"""The text of an OGP commitment page -> its parts, as raw strings (layout only, no vocabulary).

OGP has laid these pages out in several ways over the years, and copies of them come blank-line
separated, condensed, or with fields run together ("Science & TechnologyIRM Review"). The parser
walks the lines once through the page's sections:

    head (member, "Title (FR0038)") -> at-a-glance fields -> description -> IRM mid-term -> IRM end of term

and records where the text stops, so that a truncated page can be imported as partial. Which words
are labels, in English, French and Spanish, is data (data/page_labels.json), not code.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from bot.importing import values
from bot.importing.labels import Labels, Table, labels, squash

ID_TITLE = re.compile(r"^(?P<title>.*?)\s*\((?P<id>[A-Z]{2,6}[0-9]{2,5})\)\s*$")
MILESTONE_LINE = re.compile(r"^(?P<number>[0-9]{1,3}(?:\.[0-9]{1,3}){1,3})\.?\s+(?P<text>\S.*)$")
IRM_NUMBER_LINE = re.compile(r"^(?P<number>[0-9]{1,3})\.\s+(?P<title>\S.*)$")
FOOTNOTE_MARK = re.compile(r"\s*\[(?:[ivxlcdm]{1,8}|[0-9]{1,3})\]", re.I)
REFERENCE_LINE = re.compile(r"^\[(?:[ivxlcdm]{1,8}|[0-9]{1,3})\]\s*\S", re.I)
BULLET = re.compile(r"^(?:[-•●▪◦*o]\s+)+")
SENTENCE_END = tuple('.!»"”)]')
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\uf020]+")
# Word's Symbol-font bullets survive copy-paste as private-use characters.
_PRIVATE_BULLETS = str.maketrans({"\uf0b7": "•", "\uf0a7": "•", "\uf076": "•", "\uf0d8": "•", "\uf0fc": "•"})


@dataclass
class Line:
    text: str
    blank_before: bool = False

    @functools.cached_property
    def key(self) -> str:
        """The squashed line, for label look-ups (long lines are never labels: not worth folding)."""
        return squash(self.text) if len(self.text) <= 100 else ""


@dataclass
class DescriptionParts:
    title: str | None = None
    number: str | None = None
    lead: str | None = None
    support: str | None = None
    ogp_principles: str | None = None
    new_commitment: bool | None = None
    dates: str | None = None
    challenges: str | None = None
    ambitions: str | None = None
    roadmap: str | None = None
    milestones: list[tuple[str, str]] = field(default_factory=list)
    full: str | None = None
    last_kind: str = "none"  # none | title | text | label | heading


@dataclass
class IrmParts:
    number: str | None = None
    title: str | None = None
    commitment_text: str | None = None
    milestones: list[tuple[str, str]] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    completion: str | None = None
    completion_line: str | None = None
    summary: str | None = None
    next_steps: str | None = None
    references: list[str] = field(default_factory=list)


@dataclass
class RawPage:
    source: str
    text: str
    commitment_id: str | None = None
    title: str | None = None
    member_line: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    description: DescriptionParts = field(default_factory=DescriptionParts)
    midterm: IrmParts | None = None
    end_of_term: IrmParts | None = None
    votes: Counter[str] = field(default_factory=Counter)
    section: str = "head"  # the last section reached
    ended: bool = False  # the page footer was reached: nothing was cut
    last_line: str = ""
    glance_fields_seen: int = 0

    @property
    def detected_lang(self) -> str | None:
        ranked = self.votes.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]


def split_lines(text: str, lab: Labels | None = None) -> list[Line]:
    """Non-empty, single-spaced lines; headings run into the previous field are split off."""
    lab = lab or labels()
    out: list[Line] = []
    blank = False
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _SPACES.sub(" ", raw.translate(_PRIVATE_BULLETS)).strip()
        if not line:
            blank = True
            continue
        for heading in lab.glued_headings:
            cut = len(line) - len(heading)
            if cut > 0 and line.endswith(heading) and line[cut - 1].isalnum():
                out.append(Line(line[:cut].strip(), blank))
                line, blank = heading, False
                break
        out.append(Line(line, blank))
        blank = False
    return out


def _label_value(line: str, table: Table) -> tuple[str, str] | None:
    """('field', 'value') when the line is 'Label: value' (or 'Label:') with a label of `table`."""
    colon = line.find(":")
    if colon <= 0 or colon > 90:
        return None
    name = table.get(line[:colon])
    return (name, line[colon + 1:].strip()) if name else None


def _vote(page: RawPage, table: Table, text: str) -> None:
    langs = table.langs(text)
    if len(langs) == 1:
        page.votes.update(langs)


def _is_noise(line: Line, lab: Labels) -> bool:
    return line.key in lab.noise


def parse_page(text: str, source: str, lab: Labels | None = None) -> RawPage:
    """Read a commitment page's text. Pages without an id title come back with commitment_id None."""
    lab = lab or labels()
    page = RawPage(source=source, text=text)
    lines = split_lines(text, lab)
    i = _parse_head(page, lines, lab)
    if page.commitment_id is None:
        return page
    page.section = "glance"
    i = _parse_glance(page, lines, i, lab)
    sections: dict[str, list[Line]] = {"description": [], "midterm": [], "end_of_term": []}
    current = "description" if page.section == "description" else None
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.key in lab.footer:
            page.ended = True
            if current and sections[current] and _is_noise(sections[current][-1], lab):
                sections[current].pop()
            break
        irm = lab.irm_sections.get(line.text) if len(line.text) < 90 else None
        if irm:
            _vote(page, lab.irm_sections, line.text)
            current = irm
            page.section = irm
            continue
        if current is None:
            current = "description"
            page.section = "description"
        sections[current].append(line)
        page.last_line = line.text
    page.description = parse_description(sections["description"], lab, page)
    if page.section in ("midterm", "end_of_term") or sections["midterm"] or sections["end_of_term"]:
        page.midterm = parse_irm(sections["midterm"], lab, page) if sections["midterm"] else None
        page.end_of_term = parse_irm(sections["end_of_term"], lab, page) if sections["end_of_term"] else None
    return page


def _parse_head(page: RawPage, lines: list[Line], lab: Labels) -> int:
    """Find 'Title (ID)'; the non-noise line before it is the member's name."""
    candidates: list[str] = []
    for i, line in enumerate(lines[:40]):
        match = ID_TITLE.match(line.text)
        if match:
            page.commitment_id = match.group("id")
            page.title = match.group("title").strip() or None
            page.member_line = candidates[-1] if candidates else None
            page.last_line = line.text
            return i + 1
        if not _is_noise(line, lab):
            candidates.append(line.text)
    return len(lines)


# The vocabulary each controlled at-a-glance field takes.
_CONTROLLED = {"status": "status", "starred": "yes_no", "early_results": "early_results", "verifiable": "yes_no",
               "potential_impact": "potential_impact", "ambition": "ambition", "completion": "completion"}


def _is_value_of(name: str, text: str) -> bool:
    return values.is_known_value(_CONTROLLED[name], text)


_IRM_BLOCK = {"starred", "early_results", "verifiable", "relevance", "potential_impact", "ambition", "completion",
              "reports"}


def _parse_glance(page: RawPage, lines: list[Line], i: int, lab: Labels) -> int:
    """The at-a-glance block: 'Label: value' fields, headings, the policy-area list."""
    list_mode: str | None = None  # policy_areas, or a field whose values follow as '- item' lines
    waiting: str | None = None  # a field with an empty value that may take the next line
    continuing: str | None = None  # an institutions field whose names may go on over the next lines
    irm_seen = False
    description_word = {w for w in lab.glance_headings.wordings("description")}
    while i < len(lines):
        line = lines[i]
        if _is_noise(line, lab):
            i += 1
            continue
        if line.key in lab.footer or (len(line.text) < 90 and lab.irm_sections.get(line.text)):
            return i
        heading = lab.glance_headings.get(line.text) if len(line.text) < 60 else None
        if heading:
            _vote(page, lab.glance_headings, line.text)
            page.last_line = line.text
            i += 1
            if heading == "description":
                page.section = "description"
                return i
            list_mode = "policy_areas" if heading == "policy_areas" else None
            if list_mode:
                page.lists.setdefault("policy_areas", [])
            waiting = continuing = None
            irm_seen = irm_seen or heading in ("design", "implementation", "irm_review")
            continue
        # 'Description the State close to its citizens.': the heading run into the first line.
        first, _, rest = line.text.partition(" ")
        if rest and squash(first) in description_word and first[:1].isupper() and irm_seen:
            page.section = "description"
            lines[i] = Line(rest, False)
            return i
        labelled = _label_value(line.text, lab.glance_fields)
        if labelled:
            name, value = labelled
            _vote(page, lab.glance_fields, line.text.split(":", 1)[0])
            page.glance_fields_seen += 1
            page.last_line = line.text
            if name not in page.fields or (not page.fields[name] and value):
                page.fields[name] = value
            list_mode, waiting = None, (name if not value else None)
            continuing = name if value and name in _INSTITUTIONS else None
            irm_seen = irm_seen or name in _IRM_BLOCK
            i += 1
            continue
        if list_mode == "policy_areas":
            page.lists["policy_areas"].append(line.text)
            page.last_line = line.text
            i += 1
            continue
        if (waiting or continuing) and BULLET.match(line.text):
            page.lists.setdefault(waiting or continuing or "", []).append(BULLET.sub("", line.text))
            page.last_line = line.text
            i += 1
            continue
        free = waiting or continuing
        if free and free not in _CONTROLLED and len(line.text) <= 200 and _fields_go_on(lines, i, lab):
            # 'Lead Institution:' with its value on the next line (HTML label and value in two blocks), or a
            # second institution on a line of its own ('<br>' inside the value).
            if free in _INSTITUTIONS:
                page.fields[free] = "; ".join(v for v in (page.fields.get(free), line.text) if v)
                continuing = free
            elif not page.fields.get(free):
                page.fields[free] = line.text
            waiting = None
            page.last_line = line.text
            i += 1
            continue
        if waiting in _CONTROLLED and len(line.text) <= 40 and _is_value_of(waiting, line.text):
            page.fields[waiting] = line.text  # 'Starred:' with its value on the next line
            waiting = None
            page.last_line = line.text
            i += 1
            continue
        if irm_seen or page.glance_fields_seen >= 3:
            page.section = "description"  # no Description heading: the description starts here
            return i
        i += 1  # a stray line before any field ('Inception Report: Not available' is a field)
    return i


_INSTITUTIONS = {"lead", "support", "involved"}
FIELDS_AHEAD = 6  # lines within which another field or heading shows a line still belongs to the fields


def _fields_go_on(lines: list[Line], i: int, lab: Labels) -> bool:
    """Another at-a-glance field or heading follows within a few lines: line i is a field's value, not the
    first line of a description that has no heading."""
    for line in lines[i + 1:i + 1 + FIELDS_AHEAD]:
        if _is_noise(line, lab):
            continue
        if _label_value(line.text, lab.glance_fields) or (len(line.text) < 60 and lab.glance_headings.get(line.text)) \
                or (len(line.text) < 90 and lab.irm_sections.get(line.text)):
            return True
    return False


def _section_of(line: Line, lab: Labels, page: RawPage | None) -> tuple[str | None, str]:
    """A description section heading, also 'STAKES The civil service...' (heading run into text)."""
    text = line.text
    if len(text) < 60:
        name = lab.description_sections.get(text)
        if name:
            if page is not None:
                _vote(page, lab.description_sections, text)
            return name, ""
    first, _, rest = text.partition(" ")
    if rest and first.isupper() and len(first) > 3:
        name = lab.description_sections.get(first)
        if name:
            return name, rest.strip()
    return None, text


def _commitment_number(text: str, lab: Labels) -> tuple[str | None, str]:
    """'Commitment 7 : Fight against...' -> ('7', 'Fight against...')."""
    for word in lab.commitment_number:
        match = re.match(rf"^{re.escape(word)}\s+(?:n[°o]\s*)?([0-9]{{1,3}})\s*[:.\-–]\s*(.*)$", text, re.I)
        if match:
            return str(int(match.group(1))), match.group(2).strip()
    return None, text


def _is_heading_text(text: str, lab: Labels) -> bool:
    return squash(text) in lab.description_headings or text.endswith("?") or text.endswith(":")


def _join(lines: list[Line]) -> str | None:
    """Lines back into text; a blank line in the source becomes a paragraph break."""
    out = ""
    for n, line in enumerate(lines):
        if n:
            out += "\n\n" if line.blank_before else "\n"
        out += line.text
    return out.strip() or None


def parse_description(lines: list[Line], lab: Labels, page: RawPage | None = None) -> DescriptionParts:
    """The description section: one-line title, description-level fields, challenges/ambitions/road map."""
    parts = DescriptionParts()
    if not lines:
        return parts
    parts.full = _join(lines)
    buffers: dict[str, list[Line]] = {}
    current: str | None = None
    waiting: str | None = None
    for n, line in enumerate(lines):
        text = line.text
        labelled = _label_value(text, lab.description_fields)
        if labelled is None and len(text) < 60 and lab.description_fields.get(text):
            labelled = (lab.description_fields.get(text) or "", "")  # 'Lead department(s)' without colon
        if labelled:
            name, value = labelled
            if page is not None:
                _vote(page, lab.description_fields, text.split(":", 1)[0])
            if value:
                setattr(parts, name, value)
                waiting = None
                parts.last_kind = "text"
            else:
                waiting = name
                parts.last_kind = "label"
            continue
        if waiting:
            setattr(parts, waiting, text)
            waiting = None
            parts.last_kind = "text"
            continue
        if len(text) < 40 and lab.description_flags.get(text.rstrip(".")):
            parts.new_commitment = True
            parts.last_kind = "text"
            continue
        section, rest = _section_of(line, lab, page)
        if section:
            current = section
            buffers.setdefault(current, [])
            if rest:
                buffers[current].append(Line(rest, False))
                parts.last_kind = "text"
            else:
                parts.last_kind = "heading"
            continue
        if n == 0 or (parts.title is None and current is None and parts.last_kind in ("none", "heading")):
            number, rest = _commitment_number(text, lab)
            if number:
                parts.number, text = number, rest
            if _is_heading_text(text, lab):
                parts.last_kind = "heading"
                continue
            if parts.title is None and current is None:
                parts.title = text
                parts.last_kind = "title"
                continue
        if current is None:
            parts.last_kind = "heading" if _is_heading_text(text, lab) else "text"
            continue
        buffers[current].append(Line(BULLET.sub("", text) if current == "roadmap" else text, line.blank_before))
        parts.last_kind = "heading" if _is_heading_text(text, lab) else "text"
    parts.challenges = _join(buffers.get("challenges", []))
    parts.ambitions = _join(buffers.get("ambitions", []))
    roadmap = buffers.get("roadmap", [])
    parts.roadmap = _join(roadmap)
    parts.milestones = _numbered(roadmap)
    return parts


def _numbered(lines: list[Line]) -> list[tuple[str, str]]:
    """Milestones written '9.2 Create a network...' and their continuation lines."""
    found: list[tuple[str, list[str]]] = []
    for line in lines:
        match = MILESTONE_LINE.match(line.text)
        if match:
            found.append((match.group("number"), [match.group("text")]))
        elif found:
            found[-1][1].append(line.text)
    return [(number, " ".join(texts).strip()) for number, texts in found]


def is_reference(text: str, lab: Labels) -> bool:
    """A footnote or source line of an IRM summary."""
    if REFERENCE_LINE.match(text):
        return True
    lowered = text.lower()
    return "http" in lowered and any(marker in squash(lowered) or marker in lowered
                                     for marker in lab.reference_markers)


def parse_irm(lines: list[Line], lab: Labels, page: RawPage | None = None) -> IrmParts:
    """An IRM summary section: number, commitment text, milestones, dates, completion, prose, next steps."""
    parts = IrmParts()
    buffers: dict[str, list[Line]] = {"summary": [], "next_steps": [], "commitment_text": []}
    milestones: list[Line] = []
    mode = "summary"
    for n, line in enumerate(lines):
        text = line.text
        if n == 0:
            match = IRM_NUMBER_LINE.match(text)
            if match:
                parts.number, parts.title = match.group("number"), match.group("title")
                continue
        labelled = _label_value(text, lab.irm_fields)
        if labelled:
            name, value = labelled
            if page is not None:
                _vote(page, lab.irm_fields, text.split(":", 1)[0])
            if name == "commitment_text":
                mode = "commitment_text"
            elif name in ("start", "end"):
                setattr(parts, name, value or None)
            elif name == "completion" and parts.completion is None:
                parts.completion, parts.completion_line = value, text
                mode = "summary"
            continue
        heading = lab.irm_headings.get(text) if len(text) < 60 else None
        if heading:
            if page is not None:
                _vote(page, lab.irm_headings, text)
            if heading == "milestones":
                mode = "milestones"
            elif heading == "context":
                mode = "summary"
                buffers["summary"].append(Line(text, True))
            else:
                mode = "next_steps"
            continue
        if is_reference(text, lab):
            parts.references.append(text)
            continue
        if mode == "milestones":
            milestones.append(line)
            continue
        buffers[mode].append(Line(FOOTNOTE_MARK.sub("", text), line.blank_before))
    parts.milestones = _numbered(milestones)
    parts.commitment_text = _join(buffers["commitment_text"])
    summary = _join(buffers["summary"])
    if parts.completion_line:
        summary = "\n\n".join(s for s in (parts.completion_line, summary) if s)
    if parts.references:
        summary = "\n\n".join(s for s in (summary, "\n".join(parts.references)) if s)
    parts.summary = summary
    parts.next_steps = _join(buffers["next_steps"])
    return parts


def description_cut(parts: DescriptionParts, last: str) -> str | None:
    """Why a description section looks cut, or None: it may end after its one-line title, not after a
    heading, a label waiting for its value, or half a sentence."""
    if parts.last_kind in ("none", "title"):
        return None
    if parts.last_kind in ("label", "heading"):
        return f"the text stops after the heading {last!r}"
    if not last.rstrip().endswith(SENTENCE_END):
        return f"the text stops mid-sentence: {last[-60:]!r}"
    return None


def cut_reason(page: RawPage, lab: Labels | None = None) -> str | None:
    """Why the page looks truncated, or None when it reads as complete."""
    if page.ended:
        return None
    last = page.last_line
    if page.section == "glance":
        return f"the text stops inside the at-a-glance block, after {last!r}"
    if page.section == "description":
        return description_cut(page.description, last)
    if not last.rstrip().endswith(SENTENCE_END):
        return f"the text stops mid-sentence: {last[-60:]!r}"
    return None
