"""Raw page values -> canonical values: vocabulary keys, relevance lists, institution lists, dates, plans.

Pages double values ("Major Major"), append badges ("Yes Starred"), run list items together
("Access to Information Public Accountability , Technology") and use machine-translated labels
("Faible", "Formations"); every rule that copes with this lives here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from babel.dates import get_month_names

from bot.common.textnorm import fold, slug
from bot.common.vocab import Vocabulary, vocabulary
from bot.importing.labels import Labels, labels

IRM_STATE = "irm_state"
_YEARS = re.compile(r"((?:19|20)[0-9]{2})\s*[-–—/]\s*((?:19|20)?[0-9]{2})\b")
_YEAR = re.compile(r"\b((?:19|20)[0-9]{2})\b")
_US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
_MONTH_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(?:de\s+)?([0-9]{4})$", re.U)
_WORDS = re.compile(r"[^\s,;/]+")
_ACRONYM = re.compile(r"\(?[A-Z][A-Za-z0-9&]*[A-Z][A-Za-z0-9&]*\)?")


def lookup(kind: str, text: str | None, vocab: Vocabulary | None = None) -> str | None:
    """The key of `kind` (or an IRM state) that a page value means, or None when it means nothing known."""
    return _lookup(kind, (text or "").strip(), vocab or vocabulary())


@functools.lru_cache(maxsize=4096)
def _lookup_cached(kind: str, text: str) -> str | None:
    return _lookup(kind, text, vocabulary())


def _lookup(kind: str, text: str, vocab: Vocabulary) -> str | None:
    folded = fold(text).strip(" .;:,")
    if not folded:
        return None
    for candidate in _readings(folded):
        for k in (kind, IRM_STATE):
            key = vocab.lookup(k, candidate, fuzzy=False)
            if key:
                return key
    for k in (kind, IRM_STATE):
        key = vocab.lookup(k, folded, fuzzy=True)
        if key:
            return key
    return None


def _readings(folded: str) -> list[str]:
    """The value itself, its first half when doubled ('major major'), then shorter word prefixes
    ('yes starred' -> 'yes')."""
    words = folded.split()
    readings = [folded]
    half = len(words) // 2
    if len(words) % 2 == 0 and half and words[:half] == words[half:]:
        readings.append(" ".join(words[:half]))
    readings.extend(" ".join(words[:n]) for n in range(len(words) - 1, 0, -1))
    return readings


def clear_caches() -> None:
    """Forget cached look-ups (the benchmark measures pages never seen before)."""
    from bot.importing.labels import clear_cache

    _lookup_cached.cache_clear()
    clear_cache()


def controlled(kind: str, text: str | None) -> str | None:
    """Cached `lookup` against the bundled vocabulary (the importer's hot path)."""
    return _lookup_cached(kind, (text or "").strip())


def is_known_value(kind: str, text: str) -> bool:
    return controlled(kind, text) is not None


@dataclass(frozen=True)
class ListReading:
    keys: list[str]
    unknown: list[str]


@functools.lru_cache(maxsize=1)
def _relevance_phrases() -> dict[tuple[str, ...], str]:
    vocab = vocabulary()
    phrases: dict[tuple[str, ...], str] = {}
    for kind in ("relevance", IRM_STATE):
        for key in vocab.keys(kind):
            term = vocab.term(kind, key)
            assert term is not None
            for text in (*term.labels.values(), *term.aliases, key.replace("_", " ")):
                words = tuple(_WORDS.findall(fold(text)))
                if words:
                    phrases.setdefault(words, key)
    return phrases


def relevance(text: str | None) -> ListReading:
    """'Access to Information Public Accountability , Technology' -> three keys: the longest known phrase
    is taken at each place, so values run together without commas still come apart."""
    phrases = _relevance_phrases()
    longest = max(len(p) for p in phrases)
    words = _WORDS.findall(fold(text))
    keys: list[str] = []
    unknown: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            key = phrases.get(tuple(words[i:i + n]))
            if key:
                if key not in keys:
                    keys.append(key)
                i += n
                break
        else:
            unknown.append(words[i])
            i += 1
    # 'Relevant' alone next to named values adds nothing; a state alone stands for the whole field.
    if len(keys) > 1:
        keys = [k for k in keys if k != "relevant"]
    return ListReading(keys, unknown)


def policy_areas(lines: list[str]) -> ListReading:
    """Comma-separated policy areas (one line, or one per line) -> keys; unknown labels kept apart."""
    keys: list[str] = []
    unknown: list[str] = []
    for line in lines:
        for item in line.split(","):
            item = item.strip(" .;")
            if not item:
                continue
            key = controlled("policy_area", item)
            if key and key not in keys and key not in vocabulary().keys(IRM_STATE):
                keys.append(key)
            elif not key:
                unknown.append(item)
    return ListReading(keys, unknown)


def _reads_as_institution(part: str, lab: Labels) -> bool:
    """A capitalised name that starts or ends like an institution ('Ministry of X', 'City of Rennes',
    'National Media Commission (NMC)', 'Open Data Working Group'), or an acronym alone ('UNDP'); not
    a fragment of a longer name ('Finance and Administrative Reform', 'Citizenship and Territories (DDCT)')."""
    words = part.split()
    if not words or not (words[0][:1].isupper() or words[0][:1].isdigit()):
        return False
    if len(words) == 1:
        return bool(_ACRONYM.fullmatch(words[0]))
    if words[-1].startswith("("):
        words = words[:-1]
    folded = [fold(w).strip("(),.;:") for w in words]
    return bool(set(folded[:3]) & lab.institution_words) or folded[-1] in lab.institution_words


def institutions(text: str | None, lab: Labels | None = None) -> list[str]:
    """Institution names from one field: split on ';' and bullets, and on commas only when every part
    reads as an institution ('Ministry X, Ministry Y' but not 'Ministry of Economy, Finance and ...')."""
    lab = lab or labels()
    if text is None or lab.is_not_applicable(text):
        return []
    text = text.replace("●", "•")
    parts = [p for p in re.split(r"\s*[;•]\s*", text) if p.strip()]
    if len(parts) == 1:
        commas = [p.strip() for p in parts[0].split(",") if p.strip()]
        if len(commas) > 1 and all(_reads_as_institution(p, lab) for p in commas):
            parts = commas
    names = []
    for part in parts:
        name = re.sub(r"^[-–\s]+", "", part).strip().rstrip(",;").strip()
        name = re.sub(r"\.{2,}$|(?<![A-Z])\.$", "", name).strip()
        if name and not lab.is_not_applicable(name) and name not in names:
            names.append(name)
    return names


def report_names(text: str | None) -> list[str]:
    """IRM report names, comma-separated; 'Pending IRM Review' is no report."""
    if not text:
        return []
    names = []
    for part in re.split(r",\s+(?=\S)", text):
        part = part.strip(" .")
        if part and not controlled(IRM_STATE, part):
            names.append(part)
    return names


@functools.lru_cache(maxsize=8)
def _months(lang: str) -> dict[str, int]:
    months: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale=lang).items():
                months.setdefault(fold(name).strip("."), number)
    return months


def month_number(word: str) -> int | None:
    folded = fold(word).strip(".")
    for lang in ("en", "fr", "es"):
        number = _months(lang).get(folded)
        if number:
            return number
    return None


def date(text: str | None) -> str | None:
    """'2018', 'Dec 2021', 'janvier 2019', '8/31/2020' (OGP's US order), '2019-01-15' -> partial ISO date."""
    value = (text or "").strip(" .")
    if not value or labels().is_not_applicable(value):
        return None
    match = _ISO_DATE.match(value)
    if match:
        return "-".join(p for p in match.groups() if p)
    match = _US_DATE.match(value)
    if match:
        month, day, year = (int(g) for g in match.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
        return None
    match = _MONTH_YEAR.match(value)
    if match:
        named = month_number(match.group(1))
        if named:
            return f"{int(match.group(2)):04d}-{named:02d}"
    years = _YEAR.findall(value)
    return years[0] if len(years) == 1 else None


def date_range(text: str | None) -> tuple[str | None, str | None]:
    """'January 2019 to December 2019', 'June 2018-June 2020' -> (start, end)."""
    parts = re.split(r"\s+(?:to|au|à|a|hasta|until)\s+|\s*[-–]\s*(?=[^\W\d_]+\.?\s+[0-9]{4})", (text or "").strip(" ."))
    if len(parts) == 2:
        return date(parts[0]), date(parts[1])
    return date(text), None


def years(text: str | None) -> tuple[int | None, int | None]:
    """The first year range of a plan title: '2015-17' -> (2015, 2017)."""
    match = _YEARS.search(text or "")
    if not match:
        found = _YEAR.findall(text or "")
        return (int(found[0]), None) if found else (None, None)
    start, end = match.group(1), match.group(2)
    if len(end) == 2:
        end = start[:2] + end
    return int(start), int(end)


def cycle(text: str | None) -> int | None:
    found = _YEAR.findall(text or "")
    return int(found[0]) if found else None


def plan_title(text: str | None) -> str | None:
    """The plan's name; 'X 2014-2016, Uruguay, Second Action Plan, 2014-2016' (two names) -> the first."""
    value = (text or "").strip()
    if not value or labels().is_not_applicable(value):
        return None
    match = re.match(r"^(.*?(?:19|20)[0-9]{2}\s*[-–]\s*(?:19|20)?[0-9]{2}),\s+(.*(?:19|20)[0-9]{2}.*)$", value)
    return match.group(1).strip() if match else value


def plan_id(member: str, start: int | None, end: int | None, cycle_year: int | None) -> str:
    """'france-2018-2020'; a plan without years in its name is known by its cycle: 'brazil-2013'."""
    first = start or cycle_year
    if first and end and end != first:
        return f"{member}-{first}-{end}"
    return f"{member}-{first}" if first else f"{member}-plan"


def area_key(label: str) -> str:
    """A key for a policy area the vocabulary does not know yet (from its English label)."""
    return slug(label).replace("-", "_") or "area"
