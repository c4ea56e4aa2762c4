"""Counts, lists and shares across commitments as ONE structured query ("how many France 2018-2020 commitments
were completed?", "what share of Kenya's commitments are about beneficial ownership?").

A question is read into `Filters`: members (several at once), plans, policy areas, lead and support institutions,
status, every IRM field of data/vocabularies.json (completion, ambition, potential impact, verifiability,
relevance, early results, starred, review state) with negation and thresholds, and a topic. Every word of the
question is accounted for: part of an entity, a filter, a field's cue, or filler (data/nlu/filters.json). Content
words left over are the topic when the one topic rule (bot.core.search.about) finds commitments with them, else
they are `unaccounted` and the answer gives no number. Members without data and countries that are not OGP
members are named, never counted as 0.

Value phrases come from the vocabulary's labels and aliases (en/fr/es, folded) and from filters.json `values`; a
label that is a plain word ("high", "major") needs a cue of its field in the question ("ambition", "results").
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

import numpy as np
from babel import Locale
from rapidfuzz import fuzz

from bot.common.vocab import vocabulary
from bot.core.entities import expand_synonyms
from bot.core.facts import IRM_STATES, completion_level, is_assessed
from bot.core.index import Index, plan_years
from bot.core.lexicon import detail_words, lexicon
from bot.core.records import Commitment
from bot.core.search import about, in_titles
from bot.core.text import tokens
from bot.core.understand import Understanding

PAGE = 10
_LONGEST = 8  # words of the longest phrase looked for
# The fields a count filters on, and the vocabulary kind of their values (in order, lowest first).
FIELDS: dict[str, str] = {
    "completion": "completion", "ambition": "ambition", "potential_impact": "potential_impact",
    "verifiable": "yes_no", "starred": "yes_no", "relevance": "relevance", "early_results": "early_results",
    "status": "status", "review": "irm_state", "assessed": "yes_no",
}
IRM_FIELDS = frozenset(FIELDS) - {"status"}
# Fields whose filter counts only the commitments the IRM assessed ("assessed" itself is asked of every one).
ASSESSED_FIELDS = IRM_FIELDS - {"review", "assessed"}
# Values whose vocabulary labels and aliases are words of their own ("yes", "relevant"): named only by the
# phrases of filters.json, never by the bare label.
_NO_LABELS = {"verifiable", "starred", "assessed"}
_NOT_PHRASES = frozenset({"yes", "oui", "si", "no", "non", "relevant", "pertinent", "not relevant", "non pertinent",
                          "y", "n", "true", "false", "information", "participation", "none", "aucun", "aucune",
                          "nul", "ninguna", "moyen", "haut", "bas", "basse", "haute", "alta", "alto", "baja", "bajo",
                          "complete", "completed", "considerable", "no data", "pending", "en attente"})
# The default field of a value phrase shared by fields when no cue says which.
_DEFAULT_ORDER = ("completion", "status", "review", "ambition", "early_results", "relevance", "potential_impact",
                  "verifiable", "starred", "assessed")
# Fields whose vocabulary labels filter without a cue in the question ("limited", "active").
_WITHOUT_CUE = frozenset({"completion", "status"})
_ORDERED = frozenset({"completion", "ambition", "potential_impact", "early_results"})
# A field whose vocabulary holds two scales (the IRM's older and newer potential impact ratings): "at least
# moderate" goes up its own scale only.
_SCALES: dict[str, tuple[tuple[str, ...], ...]] = {
    "potential_impact": (("none", "minor", "moderate", "transformative"), ("unclear", "modest", "substantial"))}


@dataclass(frozen=True)
class Condition:
    """One field's filter: the commitment's value is one of `values`; negated: assessed, and none of them; unrated:
    the IRM gave the field no value ("without an ambition rating", "sans évaluation d'ambition")."""

    field: str
    values: tuple[str, ...]
    negated: bool = False
    unrated: bool = False

    @property
    def needs_a_rating(self) -> bool:
        """Whether only the commitments with a value for the field are its basis (not for a review state, which
        every commitment has, nor for "no rating")."""
        return self.field != "review" and not self.unrated


@dataclass
class Filters:
    members: list[str] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    policy_areas: list[str] = field(default_factory=list)  # strict ("in the anti-corruption policy area")
    conditions: list[Condition] = field(default_factory=list)
    lead: str | None = None  # as typed
    support: str | None = None
    topic: list[str] = field(default_factory=list)  # words of the one topic rule
    topic_areas: list[str] = field(default_factory=list)  # policy areas named as a topic
    share: bool = False
    missing_members: list[str] = field(default_factory=list)  # OGP members without commitments in the data
    non_members: list[str] = field(default_factory=list)  # countries named that are not OGP members
    unaccounted: list[str] = field(default_factory=list)  # words that are no filter and no topic
    missing_plans: list[str] = field(default_factory=list)  # "2016-2017" asked of a member without such a plan
    near_plans: list[str] = field(default_factory=list)  # plans matched by the years people use
    excluded_members: list[str] = field(default_factory=list)  # "not French", "hors France", "que no son de Francia"

    @property
    def irm_assessed_only(self) -> bool:
        return any(c.field in ASSESSED_FIELDS and not c.unrated for c in self.conditions)

    @property
    def narrows(self) -> bool:
        return bool(self.members or self.plans or self.policy_areas or self.conditions or self.lead
                    or self.excluded_members
                    or self.support or self.topic or self.topic_areas)

    # The wording reads these (the filters of the first versions of the query).
    def values(self, name: str) -> list[str]:
        return [v for c in self.conditions if c.field == name for v in c.values]

    @property
    def completion(self) -> list[str]:
        return self.values("completion")

    @property
    def starred(self) -> bool:
        return "yes" in self.values("starred")


# -- value phrases ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrases:
    table: dict[tuple[str, ...], list[tuple[str, str, bool]]]  # phrase → (field, key, cued by itself)
    cues: dict[str, frozenset[tuple[str, ...]]]
    negation: frozenset[tuple[str, ...]]
    exclusion: frozenset[tuple[str, ...]]
    at_least: frozenset[tuple[str, ...]]
    share: frozenset[tuple[str, ...]]
    area_cues: frozenset[tuple[str, ...]]
    topic_cues: frozenset[tuple[str, ...]]
    filler: frozenset[str]
    lead: frozenset[tuple[str, ...]]
    support: frozenset[tuple[str, ...]]
    lead_verbs: frozenset[str]
    equivalents: dict[tuple[str, ...], str]


@functools.cache
def _phrases() -> _Phrases:
    spec = lexicon().filters
    vocab = vocabulary()
    table: dict[tuple[str, ...], list[tuple[str, str, bool]]] = {}

    def add(text: str, name: str, key: str, cued: bool) -> None:
        words = tuple(tokens(text))
        if not words:
            return
        options = table.setdefault(words, [])
        known = [i for i, (f, k, _) in enumerate(options) if (f, k) == (name, key)]
        if not known:
            options.append((name, key, cued))
        elif cued:  # filters.json says the phrase filters by itself, whatever the vocabulary's alias said
            options[known[0]] = (name, key, True)

    for name, kind in FIELDS.items():
        if name in _NO_LABELS:
            continue
        for key in vocab.keys(kind):
            if kind != "irm_state" and key in IRM_STATES:
                continue
            term = vocab.term(kind, key)
            assert term is not None
            for text in (*term.labels.values(), *term.aliases):
                if " ".join(tokens(text)) not in _NOT_PHRASES:
                    add(text, name, key, False)
    # Both places of filters.json name values: the top-level completion/ambition/potential_impact lists and
    # `values` (a field in both keeps both: one must not hide the other).
    extra = [("completion", spec.completion), ("ambition", spec.ambition), ("potential_impact", spec.potential_impact),
             *spec.values.items()]
    for name, keys in extra:
        for key, texts in keys.items():
            for text in texts:
                add(text, name, key, name in ("completion", "ambition", "potential_impact", "starred",
                                              "verifiable", "status", "review", "assessed")
                    or any(w in _cue_words(name) for w in tokens(text)))

    def group(texts: Iterable[str]) -> frozenset[tuple[str, ...]]:
        return frozenset(tuple(tokens(t)) for t in texts if tokens(t))

    equivalents: dict[tuple[str, ...], str] = {}
    for names in spec.institution_equivalents:
        canonical = "_".join(tokens(names[0]))
        for text in names:
            equivalents[tuple(tokens(text))] = canonical
    return _Phrases(
        table=table, cues={name: group(texts) for name, texts in spec.cues.items()}, negation=group(spec.negation),
        exclusion=group(spec.exclusion),
        at_least=group(spec.at_least), share=group(spec.share), area_cues=group(spec.area_cues),
        topic_cues=group(spec.topic_cues),
        filler=frozenset(w for texts in spec.filler.values() for t in texts for w in tokens(t)) | detail_words().filler,
        lead=group(spec.lead_words), support=group(spec.support_words), lead_verbs=frozenset(spec.lead_verbs),
        equivalents=equivalents)


@functools.cache
def _cue_words(name: str) -> frozenset[str]:
    return frozenset(w for t in lexicon().filters.cues.get(name, []) for w in tokens(t))


def _find(words: list[str], phrases: Collection[tuple[str, ...]], taken: set[int]) -> list[tuple[int, int]]:
    """Non-overlapping spans of the phrases in the words, longest first, outside `taken` (which they join)."""
    spans: list[tuple[int, int]] = []
    for n in range(min(_LONGEST, len(words)), 0, -1):
        for i in range(len(words) - n + 1):
            if tuple(words[i:i + n]) in phrases and not taken.intersection(range(i, i + n)):
                spans.append((i, i + n))
                taken.update(range(i, i + n))
    return sorted(spans)


# -- reading a question ----------------------------------------------------------------------------------------


def read_filters(u: Understanding, index: Index | None = None) -> Filters:
    """The structured query of a count, list or share question."""
    p = _phrases()
    words = u.lang_words
    found = u.entities
    f = Filters(members=list(found.members), plans=list(u.plans))
    taken = set(found.consumed)
    # The institution phrases are read as typed (typo correction turns "Prime" into "crime").
    typed = expand_synonyms(tokens(u.question))
    typed = typed if len(typed) == len(words) else words
    f.lead = _institution(words, typed, p.lead, taken, p, after_verbs=True)
    f.support = _institution(words, typed, p.support, taken, p, after_verbs=False)

    present = {name: bool(_find(words, cues, set(taken))) for name, cues in p.cues.items()}
    for start, end in _find(words, p.table, taken):
        options = p.table[tuple(words[start:end])]
        chosen = _choose_field(options, present)
        if chosen is None or (chosen[0] == "relevance" and _introduced_as_topic(words, start, p)):
            # not a filter here: maybe a topic word ("portent sur l'accès à l'information" is what they are about,
            # not the IRM's relevance to the value)
            taken.difference_update(range(start, end))
            continue
        name, key = chosen
        negated = _negated(words, start, p, taken)
        values: tuple[str, ...] = (key,)
        if name in _ORDERED and _near(words, start, end, p.at_least, taken):
            levels = next((scale for scale in _SCALES.get(name, ()) if key in scale),
                          tuple(k for k in vocabulary().keys(FIELDS[name]) if k not in IRM_STATES))
            if key in levels:
                values = tuple(levels[levels.index(key):])
        f.conditions.append(_merge(f.conditions, Condition(name, values, negated)))
    f.conditions = [c for i, c in enumerate(f.conditions) if c not in f.conditions[:i]
                    and not any(o.field == c.field and o is not c and set(c.values) < set(o.values)
                                and o.negated == c.negated for o in f.conditions)]
    f.conditions = _complements(f.conditions)
    # A field named without a value ("pertinents", "have early results", "non pertinents") still filters: it is
    # never dropped silently.
    # Not when the IRM's review of a field is asked ("pending IRM review for early results": the cue names the field
    # reviewed), nor for a cue that typo correction made ("relèvent du domaine" is no "relevant").
    typed_words = set(typed)
    reviewed = any(c.field == "review" for c in f.conditions)
    for name, is_present in present.items():
        spans = _find(words, p.cues[name], set(found.consumed)) if is_present else []
        if (spans and not reviewed and name != "review" and not any(c.field == name for c in f.conditions)
                and all(w in typed_words for w in words[spans[0][0]:spans[0][1]])):
            start = spans[0][0]
            f.conditions.append(_bare_condition(name, _negated(words, start, p, taken)))
    f.share = bool(_find(words, p.share, set(found.consumed)))
    for cues in p.cues.values():
        _find(words, cues, taken)  # field cues filter nothing by themselves
    # A negation (or "except", "hors") right before a member excludes it: "which commitments are not French?".
    if index is not None:
        _exclude_members(words, f, p, taken, index)
    # A negation that negates nothing else is not understood: counting without it would count the opposite.
    stray = [" ".join(words[s:e]) for s, e in _find(words, p.negation, taken)]
    # A count counts commitments: "commitments with completed milestones" is not "completed commitments".
    plan = lexicon().plan_words  # "action" of "action plan", "plan d'action" is no milestone
    stray += [w for i, w in enumerate(words) if w in lexicon().milestone_words and i not in taken
              and not plan.intersection(words[max(0, i - 2):i + 2])]
    for cues in (p.at_least, p.share):
        _find(words, cues, taken)  # thresholds and share words filter nothing by themselves
    area_cued = bool(_find(words, p.area_cues, taken))
    for area in found.policy_areas:
        area_words = found.area_words.get(area, set())
        stop = lexicon().stopwords  # "to" of "relevant to access to information" names no area
        positions = {i for i, w in enumerate(words) if w in area_words and w not in stop}
        if positions and positions <= taken - found.consumed:
            continue  # its words were a filter's value ("relevant to access to information")
        if area_cued:
            f.policy_areas.append(area)
            taken |= positions
        else:
            f.topic_areas.append(area)
    area_positions = {i for i, w in enumerate(words) for a in f.topic_areas if w in found.area_words.get(a, set())}
    # The words that introduce a topic ("porte sur", "dealing with") are not part of it.
    cued = bool(_find(words, p.topic_cues, taken))
    content = set(u.content) - lexicon().filters.compare_words - lexicon().filters.chart_words
    left = [w for i, w in enumerate(words) if i not in taken and w in content and not w.isdigit()
            and (w not in p.filler or i in area_positions)]
    cannot = list(f.unaccounted)  # fields named without a value they can filter on ("without an ambition rating")
    if index is not None:
        _members_and_plans(index, u, f)
        # A word found only deep in some texts ("time" in "completed on time") is no topic unless the question
        # introduces it as one ("about", "concernant"): it names a title or a policy area, or it is unaccounted.
        known = [w for w in left if about(index, [w], []).any() and (cued or in_titles(index, w))]
        f.unaccounted = [w for w in dict.fromkeys(left) if w not in known and not _names_an_area(w, found)]
        f.topic = [w for w in left if w in known or _names_an_area(w, found)]
        if f.topic and not f.unaccounted and not about(index, f.topic, f.topic_areas).any():
            f.unaccounted = list(dict.fromkeys(f.topic))
    else:
        f.topic = left
    f.unaccounted += [w for w in (*cannot, *stray) if w not in f.unaccounted]
    return f


def _exclude_members(words: list[str], f: Filters, p: _Phrases, taken: set[int], index: Index) -> None:
    cues = _find(words, p.negation | p.exclusion, set(taken))
    for start, end in cues:
        j = end
        while j < len(words) and j - end < 3 and words[j] in lexicon().stopwords:
            j += 1  # "not from", "que no son de", "pas de la"
        for size in range(min(4, len(words) - j), 0, -1):
            member = index.member_phrases.get(tuple(words[j:j + size]))
            if member and member in f.members:
                f.members.remove(member)
                f.excluded_members.append(member)
                taken.update(range(start, j + size))
                break


def _names_an_area(word: str, found: object) -> bool:
    return any(word in ws for ws in getattr(found, "area_words", {}).values())


def _choose_field(options: list[tuple[str, str, bool]], present: dict[str, bool]) -> tuple[str, str] | None:
    """The field of a value phrase: the one whose cue is in the question, else one that needs no cue."""
    cued = [(n, k) for n, k, own in options if present.get(n) or own]
    if cued:
        return min(cued, key=lambda o: (not present.get(o[0]), _DEFAULT_ORDER.index(o[0])))
    bare = [(n, k) for n, k, _ in options if n in _WITHOUT_CUE]
    return min(bare, key=lambda o: _DEFAULT_ORDER.index(o[0])) if bare else None


def _bare_condition(name: str, negated: bool) -> Condition:
    """The filter of a field named without a value: any rating of it ("with an ambition rating"), relevant to
    some value ("pertinents"), "yes" for a yes/no field; negated, the field's own negative value ("non
    pertinents": not relevant; "not starred": no), else no rating of it at all ("without an ambition rating": "no
    ambition" is no level)."""
    levels = [k for k in vocabulary().keys(FIELDS[name]) if k not in IRM_STATES]
    negative = [k for k in levels if k in ("no", "not_relevant")]
    if negated:
        return Condition(name, tuple(negative)) if negative else Condition(name, (), unrated=True)
    return Condition(name, tuple(k for k in levels if k not in negative))


def _introduced_as_topic(words: list[str], start: int, p: _Phrases) -> bool:
    """A topic cue right before the phrase, articles aside ("about the", "portent sur l'")."""
    stop = lexicon().stopwords
    end = start
    while end > 0 and words[end - 1] in stop and not any(words[end - 1:end] == list(c) for c in p.topic_cues):
        end -= 1
    return any(end >= len(c) and tuple(words[end - len(c):end]) == c for c in p.topic_cues)


_CLAUSE_ENDS = frozenset({"but", "mais", "and", "et", "or", "ou", "pero", "y"})


def _negated(words: list[str], start: int, p: _Phrases, taken: set[int]) -> bool:
    """A negation among the five words before the value, within its clause ("not verifiable", "ne sont pas
    étoilés", "ne sont pas pertinents pour la participation civique")."""
    for i in range(start - 1, max(-1, start - 6), -1):
        if (words[i],) in p.negation:
            taken.add(i)
            return True
        if i > 0 and (words[i - 1], words[i]) in p.negation:  # "aren t": both words
            taken.update((i - 1, i))
            return True
        if i in taken or words[i] in _CLAUSE_ENDS:
            return False
    return False


def _near(words: list[str], start: int, end: int, phrases: frozenset[tuple[str, ...]], taken: set[int]) -> bool:
    """A threshold phrase right before or after the value ("at least substantial", "substantial or better")."""
    for phrase in phrases:
        n = len(phrase)
        for at in (start - n, start - n - 1, end, end + 1):
            if 0 <= at and tuple(words[at:at + n]) == phrase:
                taken.update(range(at, at + n))
                return True
    return False


def _merge(conditions: list[Condition], new: Condition) -> Condition:
    """Two values of one field asked together ("limited or substantial") are one condition."""
    for old in conditions:
        if old.field == new.field and old.negated == new.negated:
            merged = Condition(new.field, tuple(dict.fromkeys(old.values + new.values)), new.negated)
            conditions.remove(old)
            return merged
    return new


def _complements(conditions: list[Condition]) -> list[Condition]:
    """A negated value of a one-value field is the other values ("not verifiable": verifiable "no")."""
    out = []
    for c in conditions:
        if c.negated and c.field != "relevance" and c.field != "review":
            levels = [k for k in vocabulary().keys(FIELDS[c.field]) if k not in IRM_STATES]
            c = Condition(c.field, tuple(k for k in levels if k not in c.values))
        out.append(c)
    return out


def _institution(words: list[str], typed: list[str], cues: frozenset[tuple[str, ...]], taken: set[int],
                 p: _Phrases, *, after_verbs: bool) -> str | None:
    """The institution named after "led by" (or before "… lead"), as typed; its words are taken."""
    stop = lexicon().stopwords
    for start, end in _find(words, cues, set(taken)):
        span = []
        for i in range(end, len(words)):
            if i in taken or words[i] in p.filler - stop or words[i] in lexicon().commitment_words:
                break
            span.append(i)
        while span and words[span[0]] in stop:
            span = span[1:]
        while span and words[span[-1]] in stop:
            span = span[:-1]
        if span:
            taken.update(range(start, span[-1] + 1))
            return " ".join(typed[i] for i in span)
    if not after_verbs:
        return None
    for at, word in enumerate(words):
        if word not in p.lead_verbs or at in taken:
            continue
        span = []
        for i in range(at - 1, -1, -1):
            if i in taken or words[i] in lexicon().commitment_words or words[i] in ("does", "do", "did", "has",
                                                                                      "have", "many", "which"):
                break
            span.insert(0, i)
        while span and words[span[0]] in stop:
            span = span[1:]
        if span:
            taken.update([*span, at])
            return " ".join(typed[i] for i in span)
    return None


def _members_and_plans(index: Index, u: Understanding, f: Filters) -> None:
    """Members named that have no data; countries named that are no OGP member; plans named by nearby years."""
    f.missing_members = [m for m in f.members if m not in index.member_mask]
    f.members = [m for m in f.members if m in index.member_mask]
    f.non_members = _non_members(u.lang_words, u.entities.consumed)
    years = u.entities.years
    if years and not f.plans and f.members:
        for member in f.members:
            near = [plan for plan in index.member_plans(member)
                    if (s := plan_years(plan))[0] == years[0] or (s[1] is not None and s[1] == years[1])]
            if len(near) == 1:
                f.plans.append(near[0].id)
                f.near_plans.append(near[0].id)
            else:
                f.missing_plans.append(member)


@functools.cache
def _country_phrases() -> dict[tuple[str, ...], str]:
    """Every country's name (babel, English and French) that names no OGP member: phrase → English name."""
    from bot.dataset.members import members as known_members

    member_words = {tuple(tokens(text)) for m in known_members().all for text in m.spellings()}
    english = Locale.parse("en").territories
    out: dict[tuple[str, ...], str] = {}
    for lang in ("en", "fr", "es"):
        for code, name in Locale.parse(lang).territories.items():
            phrase = tuple(tokens(name))
            if len(code) == 2 and code.isalpha() and phrase and phrase not in member_words and code not in ("EU",
                                                                                                           "EZ", "UN"):
                out.setdefault(phrase, english.get(code, name))
    return out


def _non_members(words: list[str], consumed: set[int]) -> list[str]:
    table = _country_phrases()
    spans = _find(words, table, set(consumed))
    return list(dict.fromkeys(table[tuple(words[s:e])] for s, e in spans))


# -- selecting ---------------------------------------------------------------------------------------------------


@dataclass
class _Fields:
    """Per field and value, which commitments (positions in the index) have it; and which have any value."""

    masks: dict[tuple[str, str], np.ndarray]
    assessed: dict[str, np.ndarray]
    any_irm: np.ndarray


_FIELD_TABLES: dict[int, tuple[Index, _Fields]] = {}


def _value_getters() -> dict[str, Callable[[Commitment], list[str]]]:
    def review(c: Commitment) -> list[str]:
        irm = c.irm
        values = [irm.completion, irm.completion_midterm, irm.completion_end, irm.starred, irm.ambition,
                  irm.potential_impact, irm.verifiable, irm.early_results, *irm.relevance]
        return [v for v in values if v in IRM_STATES]

    def one(value: str | None) -> list[str]:
        return [value] if value else []

    rated: list[Callable[[Commitment], list[str]]] = [
        lambda c: one(completion_level(c)), lambda c: one(c.irm.ambition), lambda c: one(c.irm.potential_impact),
        lambda c: one(c.irm.verifiable), lambda c: one(c.irm.starred), lambda c: list(c.irm.relevance),
        lambda c: one(c.irm.early_results)]

    return {
        "completion": lambda c: one(completion_level(c)),
        "ambition": lambda c: one(c.irm.ambition), "potential_impact": lambda c: one(c.irm.potential_impact),
        "verifiable": lambda c: one(c.irm.verifiable), "starred": lambda c: one(c.irm.starred),
        "relevance": lambda c: list(c.irm.relevance), "early_results": lambda c: one(c.irm.early_results),
        "status": lambda c: one(c.status), "review": review,
        # whether the IRM rated anything of it: "how many commitments has the IRM not assessed?"
        "assessed": lambda c: ["yes" if any(is_assessed(v) for get in rated for v in get(c)) else "no"],
    }


def _fields(index: Index) -> _Fields:
    """Built once per index: one pass over the records, then every count is numpy masks."""
    cached = _FIELD_TABLES.get(id(index))
    if cached and cached[0] is index:
        return cached[1]
    n = len(index.ids)
    masks: dict[tuple[str, str], np.ndarray] = {}
    assessed = {name: np.zeros(n, dtype=bool) for name in FIELDS}
    any_irm = np.zeros(n, dtype=bool)
    getters = _value_getters()
    for position, cid in enumerate(index.ids):
        c = index.commitments[cid]
        for name, get in getters.items():
            for value in get(c):
                masks.setdefault((name, value), np.zeros(n, dtype=bool))[position] = True
                if name == "review" or is_assessed(value):
                    assessed[name][position] = True
                    if name in ASSESSED_FIELDS:
                        any_irm[position] = True
    table = _Fields(masks, assessed, any_irm)
    _FIELD_TABLES.clear()
    _FIELD_TABLES[id(index)] = (index, table)
    return table


def _condition_mask(index: Index, c: Condition) -> np.ndarray:
    table = _fields(index)
    if c.unrated:
        return ~table.assessed[c.field]
    none = np.zeros(len(index.ids), dtype=bool)
    has = np.logical_or.reduce([table.masks.get((c.field, v), none) for v in c.values]) if c.values else none
    if c.field == "review":
        return ~has if c.negated else has
    return table.assessed[c.field] & (~has if c.negated else has)


def scope_mask(index: Index, f: Filters) -> np.ndarray:
    """The commitments in scope: members, plans, policy areas, institutions and topic (not the IRM fields)."""
    mask = index.mask(members=f.members, plans=f.plans, areas=f.policy_areas)
    if f.missing_members and not f.members:
        mask = np.zeros(len(index.ids), dtype=bool)
    if f.excluded_members:
        mask &= ~index.mask(members=f.excluded_members)
    if f.topic or f.topic_areas:
        mask &= about(index, f.topic, f.topic_areas)
    if f.lead:
        mask &= _institution_mask(index, f.lead, lead=True)
    if f.support:
        mask &= _institution_mask(index, f.support, lead=False)
    return mask


def basis_mask(index: Index, f: Filters, scope: np.ndarray) -> np.ndarray:
    """The commitments of the scope that have a value for every field the question filters on."""
    table = _fields(index)
    mask = scope.copy()
    for c in f.conditions:
        if c.needs_a_rating:
            mask &= table.assessed[c.field]
    return mask


def select(index: Index, f: Filters) -> tuple[list[Commitment], list[Commitment]]:
    """(the commitments in scope, those of them matching every filter)."""
    scope = scope_mask(index, f)
    matching = scope.copy()
    for c in f.conditions:
        matching &= _condition_mask(index, c)
    return _records(index, scope), _records(index, matching)


def assessed(scope: list[Commitment], f: Filters, index: Index | None = None) -> list[Commitment]:
    """The commitments of the scope that have a value for the fields the question filters on."""
    if index is None:
        getters = _value_getters()
        return [c for c in scope if all(not c2.needs_a_rating or any(is_assessed(v) for v in getters[c2.field](c))
                                         for c2 in f.conditions)]
    table = _fields(index)
    return [c for c in scope if all(not c2.needs_a_rating or table.assessed[c2.field][index.position[c.id]]
                                    for c2 in f.conditions)]


def with_any_irm(index: Index, commitments: list[Commitment]) -> int:
    """How many of the commitments have any value of the IRM (an assessment of some field)."""
    table = _fields(index)
    return sum(1 for c in commitments if table.any_irm[index.position[c.id]])


def _records(index: Index, mask: np.ndarray) -> list[Commitment]:
    return [index.commitments[index.ids[i]] for i in np.flatnonzero(mask)]


# -- institutions --------------------------------------------------------------------------------------------------


def _canonical(words: list[str]) -> list[str]:
    """Institution words with their equivalents made one ("Ministry" = "ministère", "civil service" = "fonction
    publique"); stop words and single letters dropped."""
    p = _phrases()
    stop = lexicon().stopwords
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in (4, 3, 2, 1):
            key = tuple(words[i:i + size])
            if len(key) == size and key in p.equivalents:
                out.append(p.equivalents[key])
                i += size
                break
        else:
            if words[i] not in stop and len(words[i]) > 1:
                out.append(words[i])
            i += 1
    return out


def _word_matches(wanted: str, have: list[str]) -> bool:
    if wanted in have:
        return True
    return len(wanted) >= 6 and any(len(h) >= 6 and fuzz.ratio(wanted, h) >= 90 for h in have)


def institution_matches(name: str, phrase: str) -> bool:
    """Every word of the phrase (equivalents across languages made one) is a word of the name, exactly or with
    a letter or two of difference in a long word: "Cour des comptes" is no other court. An acronym ("HABG")
    matches the acronym a name gives or its initials."""
    wanted = _canonical(tokens(phrase))
    if not wanted:
        return False
    if len(set(wanted)) < len(wanted):
        # Two words of the phrase made one by the equivalents ("cabinet office": both "office"): as written, then,
        # or every office would be the Cabinet Office.
        stop = lexicon().stopwords
        literal = [w for w in tokens(phrase) if w not in stop and len(w) > 1]
        return all(_word_matches(w, tokens(name)) for w in literal)
    have = _canonical(tokens(name))
    if all(_word_matches(w, have) for w in wanted):
        return True
    if len(wanted) == 1 and 2 <= len(wanted[0]) <= 6:
        initials = "".join(w[0] for w in tokens(name) if w not in lexicon().stopwords)
        return wanted[0] == initials
    return False


@functools.lru_cache(maxsize=256)
def _names_matching(index_id: int, phrase: str, names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(n for n in names if institution_matches(n, phrase))


_INSTITUTIONS: dict[tuple[int, bool], tuple[Index, dict[str, np.ndarray]]] = {}


def unknown_institutions(index: Index, f: Filters) -> list[str]:
    """The institutions the question names (as typed) that lead or support no commitment of the data at all: a
    count of them would be a confident 0 about something the data does not know."""
    return [phrase for phrase in (f.lead, f.support) if phrase
            and not (_institution_mask(index, phrase, lead=True) | _institution_mask(index, phrase, lead=False)).any()]


def _institution_mask(index: Index, phrase: str, *, lead: bool) -> np.ndarray:
    """The commitments one of whose lead (or support) institutions the phrase names; each distinct name once."""
    key = (id(index), lead)
    cached = _INSTITUTIONS.get(key)
    if not cached or cached[0] is not index:
        by_name: dict[str, np.ndarray] = {}
        for position, cid in enumerate(index.ids):
            c = index.commitments[cid]
            for institution in (c.lead_institutions if lead else c.support_institutions):
                for name in institution.values():
                    by_name.setdefault(name, np.zeros(len(index.ids), dtype=bool))[position] = True
        _INSTITUTIONS[key] = cached = (index, by_name)
    by_name = cached[1]
    names = _names_matching(id(index), phrase, tuple(sorted(by_name)))
    mask = np.zeros(len(index.ids), dtype=bool)
    for name in names:
        mask |= by_name[name]
    return mask
