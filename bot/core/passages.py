"""The sentence of a commitment's own texts (or of what the IRM wrote about it) that answers a detail question.

"How many EIG entrepreneurs have worked in the administration?" has no field of its own: the answer is a
sentence of the IRM's summary. The question's content words (those that are neither the commitment's name
nor a cue of a field) are looked up, as stems and in the other language too, in every sentence of the
commitment's texts; a sentence qualifies when it holds enough of them, rarer words weighing more. No
qualifying sentence means the bot does not know: the caller says so instead of answering something else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.core.entities import expand_synonyms
from bot.core.lexicon import detail_words, lexicon
from bot.core.records import Commitment
from bot.core.text import features_of_word, tokens

# Which texts are the commitment's own (intent "description") and which are the IRM's ("irm_reports").
OWN_TEXTS = ("description", "description_full", "challenges", "ambitions", "roadmap", "ogp_principles")
IRM_TEXTS = ("midterm_next_steps", "end_summary", "midterm_summary")
# A sentence must hold this share of the asked words' weight, and at least one word that is not a
# common word of the commitment's texts.
MIN_COVERAGE = 0.5
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_REFERENCE = re.compile(r"https?://|www\.|\baccessed\b|\bconsult[ée]\b|communication with|interview with"
                        r"|entretien avec", re.IGNORECASE)
# Sentences end at their punctuation, paragraphs and list items; a single line break inside a sentence (pages
# copied as text wrap lines) joins its lines.
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÀ-Ý0-9«“\"(])|\n\s*\n|\n(?=\s*[-•*–] )")


_LONGEST_HEADING = 200
# A sentence that continues the one before it (what it announced): quoted with it.
_CONTINUES = re.compile(r"(?:They|These|Those|Ils|Elles|Ces|Ceux-ci|Celles-ci|Il s'agit|Il s’agit"
                        r"|Parmi (?:eux|elles|ceux-ci|celles-ci)|Notamment|Among them)\b")


@dataclass(frozen=True)
class Passage:
    text: str  # one or two sentences, as written
    lang: str  # the language of the text it comes from
    field: str  # OWN_TEXTS or IRM_TEXTS name, or "milestone"
    milestone: str | None
    from_irm: bool
    score: float


def _sentences(text: str) -> list[str]:
    """The sentences of a text; one that announces a list ("The Ministry pledges to:") is kept with its first item,
    since alone it says nothing."""
    out: list[str] = []
    pending = ""
    for piece in _SENTENCE.split(text):
        piece = " ".join(piece.split())
        if pending:
            piece = f"{pending} {piece}".strip()
        pending = piece if piece.endswith(":") and len(piece) < _LONGEST_HEADING else ""
        if not pending and len(piece) > 20:
            out.append(piece)
    if len(pending) > 20:
        out.append(pending)
    return out


def answers_figure(p: Passage, needs: str | None = "figure") -> bool:
    """Whether the passage can answer what the question asks for: "how many" a figure, "what year" a year, "how
    long" a number of months, years, weeks or days (a year is no duration; "created in 2016" is no "how long")."""
    return fits(p.text, needs)


def fits(sentence: str, needs: str | None) -> bool:
    if needs == "year":
        return bool(_YEAR.search(sentence))
    if needs == "duration":
        words = tokens(sentence)
        units = detail_words().time_units
        return any(w.isdigit() and not _YEAR.fullmatch(w) and units.intersection(words[i + 1:i + 3])
                   for i, w in enumerate(words))
    return bool(_NUMBER.search(sentence)) if needs else True


def _texts(c: Commitment) -> list[tuple[str, str, str | None, bool, str]]:
    """(field, lang, milestone number, from the IRM, text) of every text the commitment has."""
    out: list[tuple[str, str, str | None, bool, str]] = []
    for name in OWN_TEXTS:
        for lang, text in (getattr(c, name, None) or {}).items():
            out.append((name, lang, None, False, text))
    for m in c.milestones:
        for lang, text in m.text.items():
            out.append(("milestone", lang, m.number, False, text))
        for lang, text in (m.status_note or {}).items():
            out.append(("milestone", lang, m.number, True, text))
    for name in IRM_TEXTS:
        for lang, text in (getattr(c.irm, name, None) or {}).items():
            out.append((name, lang, None, True, text))
    return out


# Per record, the record kept beside its value: records are replaced, not changed, when the data changes, and a
# record still referenced here cannot be freed and its id() reused by another.
_COMMITMENT_STEMS: dict[int, tuple[Commitment, tuple[set[str], set[str]]]] = {}
_SENTENCE_STEMS: dict[int, tuple[Commitment, list[set[str]]]] = {}
_CACHED_RECORDS = 4096
T = TypeVar("T")


def _per_record(cache: dict[int, tuple[Commitment, T]], c: Commitment, compute: Callable[[Commitment], T]) -> T:
    """compute(c), computed once per record (the cache bounded by _CACHED_RECORDS)."""
    cached = cache.get(id(c))
    if cached is None or cached[0] is not c:
        if len(cache) > _CACHED_RECORDS:
            cache.clear()
        cached = cache[id(c)] = (c, compute(c))
    return cached[1]


def commitment_stems(c: Commitment) -> tuple[set[str], set[str]]:
    """(the stems of every word of the commitment's texts, abbreviations expanded; the languages they are in),
    computed once per record."""
    return _per_record(_COMMITMENT_STEMS, c, _commitment_stems)


def _commitment_stems(c: Commitment) -> tuple[set[str], set[str]]:
    stems: set[str] = set()
    langs: set[str] = set()
    for _field, lang, _milestone, _irm, text in _texts(c):
        langs.add(lang)
        words = tokens(text)
        stems.update(features_of_word(t)[0] for t in (*words, *expand_synonyms(words)))
    return stems, langs


# A word held by at most this share of a commitment's sentences is specific: it names something inside the
# commitment ("created", "obstacles"), where a word in many of them ("EIG" in FR0038's) names the commitment.
SPECIFIC_SHARE = 0.2
def sentence_stems(c: Commitment) -> list[set[str]]:
    """The stems of each sentence of the commitment's texts (abbreviations expanded), computed once per record."""
    return _per_record(_SENTENCE_STEMS, c, _sentence_stems)


def _sentence_stems(c: Commitment) -> list[set[str]]:
    return [{features_of_word(t)[0] for t in (*tokens(s), *expand_synonyms(tokens(s)))}
            for *_, text in _texts(c) for s in _sentences(text)]


def specific(c: Commitment, unit: tuple[str, ...]) -> bool:
    """Whether some but few of the commitment's sentences hold the unit (see SPECIFIC_SHARE)."""
    sentences = sentence_stems(c)
    held = sum(1 for stems in sentences if _holds(unit, stems))
    return 0 < held <= SPECIFIC_SHARE * len(sentences)


def passage_stems(p: Passage) -> set[str]:
    """The stems of a passage's words, abbreviations expanded."""
    return {features_of_word(t)[0] for t in (*tokens(p.text), *expand_synonyms(tokens(p.text)))}


def stems_of(word: str) -> set[str]:
    """The word's stem, and those of its equivalents in the other language (glossary)."""
    return {features_of_word(a)[0] for a in lexicon().alternatives(word)}


def units_of(words: list[str]) -> list[tuple[str, ...]]:
    """The asked words as units of meaning: the words an abbreviation was expanded to ("EIG" → "entrepreneur
    interet general") are one unit, so that one abbreviation does not weigh as three words."""
    remaining = list(words)
    units: list[tuple[str, ...]] = []
    for phrase in lexicon().synonyms.values():
        if len(phrase) > 1 and all(w in remaining for w in phrase):
            units.append(phrase)
            remaining = [w for w in remaining if w not in phrase]
    return units + [(w,) for w in remaining]


def _holds(unit: tuple[str, ...], stems: set[str]) -> bool:
    return all(stems_of(w) & stems for w in unit)


_Candidate = tuple[str, str, str | None, bool, str, set[str], set[str]]
_CANDIDATES: dict[int, tuple[Commitment, list[_Candidate]]] = {}


def _candidates(c: Commitment) -> list[_Candidate]:
    """The commitment's sentences as best_passage weighs them (field, language, milestone, from the IRM, the text
    shown, its stems with abbreviations expanded, its literal stems), computed once per record."""
    return _per_record(_CANDIDATES, c, _sentence_candidates)


def _sentence_candidates(c: Commitment) -> list[_Candidate]:
    out: list[_Candidate] = []
    for field, text_lang, milestone, from_irm, text in _texts(c):
        sentences = _sentences(text)
        for k, sentence in enumerate(sentences):
            if _REFERENCE.search(sentence):
                continue  # a footnote's reference ("…, https://…, accessed 28 February 2019") states nothing
            # Abbreviations in the text ("EIG") are read as the question's words are ("entrepreneur d'intérêt
            # général").
            literal = {features_of_word(t)[0] for t in tokens(sentence)}
            stems = literal | {features_of_word(t)[0] for t in expand_synonyms(tokens(sentence))}
            # "… several obstacles prevent these worlds from meeting. They include …": the next sentence says what
            # this one announces, and goes with it.
            following = sentences[k + 1] if k + 1 < len(sentences) else ""
            shown = f"{sentence} {following}" if _CONTINUES.match(following) else sentence
            out.append((field, text_lang, milestone, from_irm, shown, stems, literal))
    return out


def best_passage(c: Commitment, words: list[str], *, lang: str, prefer_irm: bool,
                 numeric: bool | str | None = False, min_coverage: float = MIN_COVERAGE) -> Passage | None:
    """The sentence that best holds the asked words, or None when no sentence holds enough of them.
    numeric: the question asks for a figure ("how many", "combien"; or "year", "duration": bot.core.details):
    sentences that have one come first."""
    needs = "figure" if numeric is True else (numeric or None)
    stopwords = lexicon().stopwords
    asked = units_of([w for w in dict.fromkeys(words) if len(w) > 1 and not w.isdigit() and w not in stopwords])
    if not asked:
        return None
    candidates = _candidates(c)
    if not candidates:
        return None
    # Rarer words weigh more: a word in every sentence ("EIG" in FR0038's texts) tells nothing apart.
    total = len(candidates)
    weight = {}
    for unit in asked:
        df = sum(1 for *_, stems, _literal in candidates if _holds(unit, stems))
        weight[unit] = math.log(1 + total / df) if df else 0.0
    if not any(weight.values()):
        return None
    whole = sum(math.log(1 + total) for _ in asked)  # every word rare and found: coverage 1
    best: Passage | None = None
    best_own: Passage | None = None  # the best in the reader's language
    for field, text_lang, milestone, from_irm, sentence, stems, literal in candidates:
        found = [unit for unit in asked if _holds(unit, stems)]
        if not found:
            continue
        # A word found as written counts fully; one found only through an abbreviation's expansion, less.
        coverage = sum(weight[unit] * (1.0 if _holds(unit, literal) else 0.7) for unit in found) / whole
        # The reader's language first; then English, the language most texts exist in (a Spanish reader gets the
        # English sentence rather than the French one).
        own = 0.05 if text_lang == lang else 0.02 if text_lang == "en" else 0.0
        score = coverage + own + (0.02 if from_irm == prefer_irm else 0.0)
        if needs and not fits(sentence, needs):
            score -= 0.3
        if coverage < min_coverage and len(found) < max(2, math.ceil(len(asked) * 0.6)):
            continue
        passage = Passage(sentence, text_lang, field, milestone, from_irm, score)
        if best is None or score > best.score:
            best = passage
        if text_lang == lang and (best_own is None or score > best_own.score):
            best_own = passage
    # The same fact is often written in both languages: the reader's, unless it says clearly less.
    if best is not None and best_own is not None and best_own.score >= best.score - 0.15:
        return best_own
    return best


def next_steps(c: Commitment, lang: str) -> Passage | None:
    """What the IRM recommended (its next steps), in the reader's language when it wrote them in it."""
    return _opening(c.irm.midterm_next_steps or {}, "midterm_next_steps", lang)


def irm_findings(c: Commitment, lang: str) -> Passage | None:
    """What the IRM concluded: the opening of its end-of-term summary, else of its mid-term one."""
    return (_opening(c.irm.end_summary or {}, "end_summary", lang)
            or _opening(c.irm.midterm_summary or {}, "midterm_summary", lang))


def _opening(texts: dict[str, str], field: str, lang: str) -> Passage | None:
    """The first sentences of an IRM text (headings and references skipped), in the reader's language if written."""
    for text_lang in dict.fromkeys((lang, "en", *texts)):  # else English, the language answers fall back to
        text = (texts.get(text_lang) or "").strip()
        if text:
            sentences = [s for s in _sentences(text) if not _REFERENCE.search(s) and len(s.split()) > 4]
            return Passage(" ".join(sentences[:3]) if sentences else text, text_lang, field, None, True, 1.0)
    return None
