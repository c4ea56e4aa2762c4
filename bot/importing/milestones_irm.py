"""Link each sentence of the IRM's prose to the milestone(s) it talks about.

The IRM judges a commitment as a whole, but its end-of-term (or mid-term) summary usually gives one
sentence per milestone: "Un réseau d'anciens du GIE a été mis en place…" is about milestone 9.2.
Sentences and milestone texts are compared as sets of stemmed content words (PyStemmer), with
rapidfuzz matching words that differ slightly ('législatives'/'législation', typos of the
machine translation). The sentence is stored on the milestone (status_note), with its score and
source; the milestone's status itself stays as the IRM gave it (usually none): the note is a quote,
not a verdict.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import Stemmer
from rapidfuzz import fuzz

from bot.common.textnorm import fold
from bot.importing.labels import labels
from bot.importing.pagetext import FOOTNOTE_MARK, is_reference

THRESHOLD = 35.0  # below this a sentence names too little of a milestone to be about it
MARGIN = 8.0  # a sentence also belongs to milestones scoring within this of its best one
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”»)]*\s+(?=[«\"“(]?[A-ZÀ-ÝÉÈ0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
SOURCES = (("end_summary", "irm_end_of_term"), ("midterm_summary", "irm_midterm"))


@dataclass(frozen=True)
class Link:
    milestone: str
    sentence: str
    score: float


@functools.cache
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS.get(lang, "english"))


def content_words(text: str, lang: str) -> list[str]:
    stop = labels().stopwords.get(lang, frozenset())
    words = [w for w in _WORD.findall(fold(text).replace("'", " ")) if len(w) > 2 and w not in stop]
    return _stemmer(lang).stemWords(words)


def sentences(summary: str) -> list[str]:
    """The prose sentences of a summary: no completion line, no references, no footnote marks."""
    lab = labels()
    out: list[str] = []
    for paragraph in summary.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph or is_reference(paragraph, lab) or len(paragraph) < 25 and ":" in paragraph:
            continue
        paragraph = FOOTNOTE_MARK.sub("", paragraph)
        out.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if len(s.strip()) > 15)
    return out


def similarity(sentence: list[str], milestone: list[str]) -> float:
    """Share of the shorter word set found (fuzzily) in the other, 0-100."""
    if not sentence or not milestone:
        return 0.0
    small, large = (set(sentence), set(milestone)) if len(set(sentence)) <= len(set(milestone)) \
        else (set(milestone), set(sentence))
    found = 0.0
    for word in small:
        if word in large:
            found += 1
        else:
            best = max(fuzz.ratio(word, other) for other in large)
            if best >= 85:
                found += best / 100
    return 100.0 * found / len(small)


def link(summary: str, milestones: dict[str, str], lang: str) -> list[Link]:
    """Each sentence with the milestone(s) it is about (none when it is about none)."""
    words = {number: content_words(text, lang) for number, text in milestones.items() if text}
    links: list[Link] = []
    for sentence in sentences(summary):
        tokens = content_words(sentence, lang)
        scores = {number: similarity(tokens, w) for number, w in words.items()}
        if not scores:
            break
        best = max(scores.values())
        for number, score in scores.items():
            if score >= THRESHOLD and score >= best - MARGIN:
                links.append(Link(number, sentence, round(score, 1)))
    return links


def annotate(record: dict[str, Any]) -> int:
    """Set status_note/status_score/status_source on the milestones of a record (a CommitmentRecord
    as a dict) from its IRM summaries, per language. Hand-written notes (any other status_source)
    are left alone. Returns the number of milestones annotated."""
    milestones = [m for m in record["milestones"] if m.get("status_source") in (None, "irm_end_of_term", "irm_midterm")]
    if not milestones:
        return 0
    annotated: set[str] = set()
    langs = sorted({lang for m in milestones for lang in m["text"]})
    for lang in langs:
        for field, source in SOURCES:
            summary = record["irm"][field].get(lang)
            if not summary:
                continue
            found = link(summary, {m["number"]: m["text"].get(lang, "") for m in milestones}, lang)
            if not found:
                continue
            by_number: dict[str, list[Link]] = {}
            for item in found:
                by_number.setdefault(item.milestone, []).append(item)
            for m in milestones:
                items = by_number.get(m["number"])
                if not items or (m.get("status_source") not in (None, source)):
                    continue
                m["status_note"] = {**m.get("status_note", {}), lang: " ".join(i.sentence for i in items)}
                m["status_score"] = max([i.score for i in items] + [m.get("status_score") or 0.0])
                m["status_source"] = source
                annotated.add(m["number"])
            break  # the end-of-term summary, when there is one, is the latest word
    return len(annotated)
