"""Counts and lists across commitments ("how many France 2018-2020 commitments were completed?"),
with the filters a question names, the basis of the count and how fresh the data is."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.core.index import Index
from bot.core.lexicon import NLU_DIR
from bot.core.text import tokens
from bot.core.understand import Understanding
from bot.dataset.schema import CommitmentRecord

IRM_STATES = {"pending_irm_review", "no_irm_data", "not_reviewed"}
PAGE = 10


@functools.cache
def _filters() -> dict:  # type: ignore[type-arg]
    return json.loads((NLU_DIR / "filters.json").read_text(encoding="utf-8"))


@functools.cache
def filter_words() -> frozenset[str]:
    """Every word of a filter phrase (completion levels, starred, ambition, lead)."""
    spec = _filters()
    values = [v for vs in spec["completion"].values() for v in vs] + spec["starred"] + spec["lead_words"]
    values += [v for kind in ("ambition", "potential_impact") for vs in spec[kind].values() for v in vs]
    return frozenset(w for v in values for w in tokens(v)) - {"by", "par", "the", "la", "le"}


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
    spec = _filters()
    words = u.lang_words
    found = Filters(members=list(u.entities.members), plans=list(u.plans), policy_areas=list(u.entities.policy_areas))
    used: set[int] = set()
    # Longest phrases first: "substantially completed" is one level, not two.
    phrases = sorted(((p, key) for key, values in spec["completion"].items() for p in _phrases(values)),
                     key=lambda item: -len(item[0]))
    for phrase, key in phrases:
        at = _has_phrase(words, phrase)
        if at >= 0 and not used.intersection(range(at, at + len(phrase))):
            if key not in found.completion:
                found.completion.append(key)
            used.update(range(at, at + len(phrase)))
    found.starred = any(_has_phrase(words, p) >= 0 for p in _phrases(spec["starred"]))
    for kind in ("ambition", "potential_impact"):
        for key, values in spec[kind].items():
            if any(_has_phrase(words, p) >= 0 for p in _phrases(values)):
                setattr(found, kind, key)
    for phrase in _phrases(spec["lead_words"]):
        at = _has_phrase(words, phrase)
        if at >= 0:
            from bot.core.lexicon import lexicon

            rest = words[at + len(phrase):]
            while rest and rest[0] in lexicon().stopwords:
                rest = rest[1:]
            found.lead = " ".join(rest)
            break
    return found


def completion_of(c: CommitmentRecord) -> str | None:
    for key in (c.irm.completion_end, c.irm.completion_midterm, c.irm.completion):
        if key and key not in IRM_STATES:
            return key
    return None


_GENERIC = frozenset({"ministry", "ministere", "minister", "ministre", "department", "office", "national",
                      "agency", "agence", "of", "for", "the", "and", "de", "du", "des", "la", "le", "les", "et",
                      "l", "d", "state", "etat", "secretary", "secretariat", "general", "public", "publique"})


def _lead_matches(c: CommitmentRecord, lead: str) -> bool:
    """Every distinctive word of the filter ("culture" in "Ministry of Culture") is in a lead's name."""
    wanted = [w for w in tokens(lead) if w not in _GENERIC and len(w) > 2] or tokens(lead)
    for institution in c.lead_institutions:
        for name in institution.values():
            have = tokens(name)
            if all(any(fuzz.ratio(w, h) >= 85 for h in have) for w in wanted):
                return True
    return False


def select(index: Index, f: Filters) -> tuple[list[CommitmentRecord], list[CommitmentRecord]]:
    """(the commitments in scope, those of them matching every filter)."""
    import numpy as np

    selected = np.flatnonzero(index.mask(members=f.members, plans=f.plans, areas=f.policy_areas))
    scope = [c for c in (index.commitments[index.ids[i]] for i in selected)
             if not f.lead or _lead_matches(c, f.lead)]
    if f.topic:
        from bot.core.search import topic_ids

        allowed = topic_ids(index, f.topic)
        scope = [c for c in scope if c.id in allowed]
    matching = [c for c in scope
                if (not f.completion or completion_of(c) in f.completion)
                and (not f.starred or c.irm.starred == "yes")
                and (not f.ambition or c.irm.ambition == f.ambition)
                and (not f.potential_impact or c.irm.potential_impact == f.potential_impact)]
    return scope, matching


def assessed(scope: list[CommitmentRecord], f: Filters) -> list[CommitmentRecord]:
    """The commitments of the scope for which the IRM gave the value the question filters on."""
    if f.completion:
        return [c for c in scope if completion_of(c)]
    if f.starred:
        return [c for c in scope if c.irm.starred in ("yes", "no")]
    if f.ambition:
        return [c for c in scope if c.irm.ambition and c.irm.ambition not in IRM_STATES]
    if f.potential_impact:
        return [c for c in scope if c.irm.potential_impact and c.irm.potential_impact not in IRM_STATES]
    return scope
