"""Counts and lists across commitments ("how many France 2018-2020 commitments were completed?"),
with the filters a question names, the basis of the count and how fresh the data is."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from bot.common.textnorm import fold
from bot.core.facts import completion_level, is_assessed
from bot.core.index import Index
from bot.core.lexicon import lexicon
from bot.core.records import Commitment
from bot.core.search import topic_ids
from bot.core.text import tokens
from bot.core.understand import Understanding

PAGE = 10
_NOT_TOPIC = ("made", "make", "did", "ont", "ete", "fait", "there", "were")


def _phrases(values: list[str]) -> list[tuple[str, ...]]:
    return sorted((tuple(tokens(v)) for v in values), key=len, reverse=True)


def _has_phrase(words: list[str], phrase: tuple[str, ...]) -> int:
    for i in range(len(words) - len(phrase) + 1):
        if tuple(words[i:i + len(phrase)]) == phrase:
            return i
    return -1


@dataclass
class Filters:
    members: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    policy_areas: list[str] = field(default_factory=list)
    completion: list[str] = field(default_factory=list)
    starred: bool = False
    ambition: str | None = None
    potential_impact: str | None = None
    lead: str | None = None  # folded institution words
    topic: list[str] = field(default_factory=list)

    @property
    def irm_assessed_only(self) -> bool:
        return bool(self.completion or self.starred or self.ambition or self.potential_impact)


def read_filters(u: Understanding) -> Filters:
    """The filters a count question names, and its topic: its own words that are no filter."""
    spec = lexicon().filters
    words = u.lang_words
    found = Filters(members=list(u.entities.members), plans=list(u.plans), policy_areas=list(u.entities.policy_areas))
    used: set[int] = set()
    # Longest phrases first: "substantially completed" is one level, not two.
    phrases = sorted(((p, key) for key, values in spec.completion.items() for p in _phrases(values)),
                     key=lambda item: -len(item[0]))
    for phrase, key in phrases:
        at = _has_phrase(words, phrase)
        if at >= 0 and not used.intersection(range(at, at + len(phrase))):
            if key not in found.completion:
                found.completion.append(key)
            used.update(range(at, at + len(phrase)))
    found.starred = any(_has_phrase(words, p) >= 0 for p in _phrases(spec.starred))
    for key, values in spec.ambition.items():
        if any(_has_phrase(words, p) >= 0 for p in _phrases(values)):
            found.ambition = key
    for key, values in spec.potential_impact.items():
        if any(_has_phrase(words, p) >= 0 for p in _phrases(values)):
            found.potential_impact = key
    for phrase in _phrases(spec.lead_words):
        at = _has_phrase(words, phrase)
        if at >= 0:
            rest = words[at + len(phrase):]
            while rest and rest[0] in lexicon().stopwords:
                rest = rest[1:]
            found.lead = " ".join(rest)
            break
    found.topic = [w for w in u.content if not _is_filter_word(w)]
    return found


def _is_filter_word(word: str) -> bool:
    """Words of an aggregate question that filter or compare, not its topic."""
    spec = lexicon().filters
    return word in spec.narrowing_words or word in spec.compare_words or fold(word) in _NOT_TOPIC


_GENERIC = frozenset({"ministry", "ministere", "minister", "ministre", "department", "office", "national",
                      "agency", "agence", "of", "for", "the", "and", "de", "du", "des", "la", "le", "les", "et",
                      "l", "d", "state", "etat", "secretary", "secretariat", "general", "public", "publique"})


def _lead_matches(c: Commitment, lead: str) -> bool:
    """Every distinctive word of the filter ("culture" in "Ministry of Culture") is in a lead's name."""
    wanted = [w for w in tokens(lead) if w not in _GENERIC and len(w) > 2] or tokens(lead)
    for institution in c.lead_institutions:
        for name in institution.values():
            have = tokens(name)
            if all(any(fuzz.ratio(w, h) >= 85 for h in have) for w in wanted):
                return True
    return False


def select(index: Index, f: Filters) -> tuple[list[Commitment], list[Commitment]]:
    """(the commitments in scope, those of them matching every filter)."""
    selected = np.flatnonzero(index.mask(members=f.members, plans=f.plans, areas=f.policy_areas))
    scope = [c for c in (index.commitments[index.ids[i]] for i in selected)
             if not f.lead or _lead_matches(c, f.lead)]
    if f.topic:
        allowed = topic_ids(index, f.topic)
        scope = [c for c in scope if c.id in allowed]
    matching = [c for c in scope
                if (not f.completion or completion_level(c) in f.completion)
                and (not f.starred or c.irm.starred == "yes")
                and (not f.ambition or c.irm.ambition == f.ambition)
                and (not f.potential_impact or c.irm.potential_impact == f.potential_impact)]
    return scope, matching


def assessed(scope: list[Commitment], f: Filters) -> list[Commitment]:
    """The commitments of the scope for which the IRM gave the value the question filters on."""
    if f.completion:
        return [c for c in scope if completion_level(c)]
    if f.starred:
        return [c for c in scope if c.irm.starred in ("yes", "no")]
    if f.ambition:
        return [c for c in scope if is_assessed(c.irm.ambition)]
    if f.potential_impact:
        return [c for c in scope if is_assessed(c.irm.potential_impact)]
    return scope
