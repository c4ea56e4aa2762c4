"""What a question names: commitment ids, milestones, members, plans, years, policy areas, and the
words left over for title and topic matching. Everything on folded text, tolerant of typos."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.index import Index, plan_years
from bot.core.lexicon import lexicon
from bot.core.text import tokens
from bot.dataset.members import members

# "FR0038", "fr0038", "FR-0038", "FR 38", "fr38", "FR7"; the prefix is checked against the index.
_ID = re.compile(r"(?<![a-z0-9])([a-z]{2,5})(?:[ _\-]|n[o°]\s?)?0*(\d{1,4})(?![0-9]|[.,]\d)", re.IGNORECASE)
_MILESTONE = re.compile(r"(?<![\d.,])(\d{1,2})[.,](\d{1,2})(?![\d])")
_YEARS = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:-|–|/|to|a|al|au|et|and|y)?\s*((?:19|20)?\d{2})(?!\d)")
MAX_CORRECTED = 40
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass
class Entities:
    words: list[str]  # folded words of the question, synonyms expanded, typos corrected
    commitment_ids: list[str] = field(default_factory=list)  # ids that exist, in order of mention
    unknown_ids: list[str] = field(default_factory=list)  # id-shaped, but not in the data
    milestone: str | None = None  # "9.2"
    milestone_position: int | None = None  # "milestone 2" of a commitment
    number: str | None = None  # "commitment 9"
    members: list[str] = field(default_factory=list)
    years: tuple[int, int] | None = None  # "2018-2020" (the first range named)
    more_years: list[tuple[int, int]] = field(default_factory=list)  # further ranges ("compare A and B")
    year: int | None = None  # a single year
    plan_ordinal: int | None = None  # "second action plan"
    plan_latest: bool = False
    policy_areas: list[str] = field(default_factory=list)
    area_words: dict[str, set[str]] = field(default_factory=dict)  # the words that named each policy area
    consumed: set[int] = field(default_factory=set)  # positions of words that named an entity

    @property
    def plan_named(self) -> bool:
        return bool(self.years or self.year or self.plan_ordinal or self.plan_latest)


def expand_synonyms(words: list[str]) -> list[str]:
    """Abbreviations and spelling variants (data/nlu/words.json synonyms)."""
    synonyms = lexicon().synonyms
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            key = tuple(words[i:i + size])
            if len(key) == size and key in synonyms:
                out.extend(synonyms[key])
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _find_phrases(words: list[str], phrases: dict[tuple[str, ...], str],
                  max_len: int = 6) -> list[tuple[int, int, str]]:
    """Longest-first, non-overlapping phrase matches: (start, end, value)."""
    found: list[tuple[int, int, str]] = []
    taken: set[int] = set()
    for size in range(max_len, 0, -1):
        for start in range(0, len(words) - size + 1):
            span = range(start, start + size)
            if taken.intersection(span):
                continue
            value = phrases.get(tuple(words[start:start + size]))
            if value is not None:
                found.append((start, start + size, value))
                taken.update(span)
    return sorted(found)


def _mark(words: list[str], consumed: set[int], text: str) -> None:
    """Mark the words of `text` (a regex match in the question) as consumed."""
    target = tokens(text)
    for start in range(len(words) - len(target) + 1):
        if words[start:start + len(target)] == target and not consumed.intersection(range(start, start + len(target))):
            consumed.update(range(start, start + len(target)))
            return


def extract(question: str, index: Index) -> Entities:
    lex = lexicon()
    raw_words = [part for word in tokens(question) for part in index.unglue(word)]
    expanded = expand_synonyms(raw_words)
    # Typo correction costs a fuzzy look-up per unknown word: a question has few; pasted text has many.
    words = [index.correct(w) for w in expanded[:MAX_CORRECTED]] + expanded[MAX_CORRECTED:]
    found = Entities(words=words)

    # Milestones first: "9.2" must not be read as a commitment number or a year.
    text = question
    milestone_match = _MILESTONE.search(text)
    if milestone_match:
        found.milestone = f"{int(milestone_match.group(1))}.{int(milestone_match.group(2))}"
        _mark(words, found.consumed, milestone_match.group(0).replace(",", " ").replace(".", " "))
        text = text[:milestone_match.start()] + " " + text[milestone_match.end():]

    for years_match in list(_YEARS.finditer(text)):
        start = int(years_match.group(1))
        end_raw = years_match.group(2)
        end = int(end_raw) if len(end_raw) == 4 else (start // 100) * 100 + int(end_raw)
        if start <= end <= start + 6:
            if found.years is None:
                found.years = (start, end)
            elif (start, end) != found.years and (start, end) not in found.more_years:
                found.more_years.append((start, end))
            for value in (years_match.group(1), end_raw):
                _mark(words, found.consumed, value)
    text = _YEARS.sub(" ", text) if found.years else text
    if not found.years:
        year_match = _YEAR.search(text)
        if year_match:
            found.year = int(year_match.group(1))
            _mark(words, found.consumed, year_match.group(1))

    for match in _ID.finditer(text):
        prefix, digits = match.group(1), match.group(2)
        separated = len(match.group(0)) > len(prefix) + len(digits.lstrip("0") or "0") and \
            not match.group(0)[len(prefix)].isdigit()
        if prefix.upper() not in index.prefixes:
            if _written_as_an_id(match):  # "ES0001", "ZZ0001": an id the data lacks, or of no member
                found.unknown_ids.append(f"{prefix.upper()}{int(digits):04d}")
                _mark(words, found.consumed, match.group(0))
            continue
        # "de 2018", "la 2": a lower-case word and a number apart are not an id.
        if separated and not prefix.isupper() and prefix.lower() in lex.stopwords:
            continue
        if len(digits) == 4 and digits.startswith(("19", "20")) and separated:
            continue
        cid = index.resolve_id(prefix, int(digits))
        if cid:
            if cid not in found.commitment_ids:
                found.commitment_ids.append(cid)
        elif prefix.isupper() or not separated:
            found.unknown_ids.append(f"{prefix.upper()}{int(digits):04d}")
        _mark(words, found.consumed, match.group(0))

    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else None
        nxt = int(following) if following and following.isdigit() and len(following) <= 3 else None
        if word in lex.milestone_words and nxt is not None and found.milestone is None:
            found.milestone_position = nxt
            found.consumed.update({i, i + 1})
        elif word in lex.commitment_words and nxt is not None and found.number is None:
            found.number = str(nxt)
            found.consumed.update({i, i + 1})
        elif word in ("n", "no", "numero", "number") and nxt is not None and found.number is None \
                and i > 0 and words[i - 1] in lex.commitment_words:
            found.number = str(nxt)
            found.consumed.update({i, i + 1})
        elif word in lex.ordinals and following in lex.plan_words | {"action", "national"}:
            found.plan_ordinal = lex.ordinals[word]
            found.consumed.add(i)
        elif word in lex.latest_words and following in lex.plan_words | {"action", "national"}:
            found.plan_latest = True
            found.consumed.add(i)

    if found.plan_named:
        # "the 2018-2020 plan" names a plan: the word "plan" is not asking which plan.
        for i, word in enumerate(words):
            if word in lex.plan_words or (word in ("action", "national") and i + 1 < len(words)
                                          and words[i + 1] in lex.plan_words):
                found.consumed.add(i)
    for start, end, member in _find_phrases(words, index.member_phrases):
        if found.consumed.intersection(range(start, end)):
            continue
        if member not in found.members:
            found.members.append(member)
        found.consumed.update(range(start, end))

    for start, end, area in _find_phrases(words, index.area_phrases):
        if area not in found.policy_areas:
            found.policy_areas.append(area)
        found.area_words.setdefault(area, set()).update(words[start:end])
    return found


def _written_as_an_id(match: re.Match[str]) -> bool:
    """An id of a prefix the data does not have, only in the form OGP writes ids: letters then four digits run
    together ("ES0001"; "es0001" when the letters are a member's), so that "CO2", "COP21", "ISO 9001" and "la 2018"
    stay words."""
    prefix, written = match.group(1), match.group(0)
    if not written[len(prefix):].isdigit() or len(written) - len(prefix) != 4:
        return False
    if members().by_prefix(prefix) is not None:
        return True
    return prefix.isupper() and len(prefix) <= 4


def without_ids(text: str, index: Index) -> str:
    """The text with the commitment ids it names blanked out: "CA-0066" says nothing of the language, though
    "ca" alone is French ("ça"). Ids written as ids: two capitals ("CA 66"), or a known prefix run together."""
    def blank(match: re.Match[str]) -> str:
        prefix = match.group(1)
        together = match.group(0)[len(prefix)].isdigit()
        an_id = (prefix.isupper() and len(prefix) == 2) or (prefix.upper() in index.prefixes and together)
        return " " if an_id else match.group(0)

    return _ID.sub(blank, text)


def plans_matching(found: Entities, index: Index, member: str | None) -> list[str]:
    """Action plan ids that fit the years, ordinal or 'latest' named (of one member when given)."""
    members = [member] if member else list(index.plans_by_member)
    out: list[str] = []
    for member_id in members:
        plans = index.member_plans(member_id)
        if found.plan_ordinal:
            if len(plans) >= found.plan_ordinal:
                out.append(plans[found.plan_ordinal - 1].id)
            continue
        if found.plan_latest and plans:
            out.append(plans[-1].id)
            continue
        ranges = [found.years, *found.more_years] if found.years else []
        for plan in plans:
            start, end = plan_years(plan)
            if any((start, end) == r or (start == r[0] and end is None) for r in ranges):
                out.append(plan.id)
            elif found.year and (found.year == start or found.year == plan.cycle):
                out.append(plan.id)
    return out
