"""The in-memory index of the stored dataset, rebuilt when the dataset version changes.

Everything a question needs is looked up here without touching the database: commitments by id,
by plan and number, by title words (BM25 over names), by any word (BM25 over all texts), members,
plans, policy areas and the words known to the corpus (for typo correction).
"""

from __future__ import annotations

import functools
import logging
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.common.config import DEFAULT_OGP_BASE_URL
from bot.common.textnorm import fold
from bot.common.vocab import vocabulary
from bot.core.lexicon import lexicon
from bot.core.records import Commitment, Dataset
from bot.core.text import features, tokens
from bot.dataset.schema import ActionPlanRecord, MemberRecord

_ID = re.compile(r"^([A-Z]+)(\d+)$")
_YEARS = re.compile(r"((?:19|20)\d{2})\s*[-–/]\s*((?:19|20)?\d{2})")
logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG


def split_id(commitment_id: str) -> tuple[str, int] | None:
    match = _ID.match(commitment_id)
    return (match.group(1), int(match.group(2))) if match else None


class Span(NamedTuple):
    """The first and the last of some days: when records were retrieved from OGP."""

    first: date
    last: date


def retrieval_span(commitments: Iterable[Commitment]) -> Span | None:
    """When the records were retrieved from OGP (each record's own date, never when it was loaded); None when no
    record says."""
    days = [c.retrieved_at.date() for c in commitments if c.retrieved_at]
    return Span(min(days), max(days)) if days else None


def _id_numbers(commitments: dict[str, Commitment]) -> dict[tuple[str, str], set[int]]:
    """The numbers of the ids of each member, per id prefix (Paris has two: PAR and FRPA)."""
    numbers: dict[tuple[str, str], set[int]] = defaultdict(set)
    for cid, c in commitments.items():
        parts = split_id(cid)
        if parts:
            numbers[(c.member, parts[0])].add(parts[1])
    return dict(numbers)


def _complete_members(numbers: dict[tuple[str, str], set[int]]) -> frozenset[str]:
    """Members whose ids run from 1 to their highest without a gap: OGP numbers a member's commitments in order,
    so a gap is a commitment the data lacks. (Commitments newer than the highest may still be missing: answers
    give the retrieval date for that.)"""
    gapped = {member for (member, _), found in numbers.items() if found != set(range(1, max(found) + 1))}
    return frozenset(member for member, _ in numbers) - gapped


def _complete_plans(commitments: dict[str, Commitment], numbers: dict[tuple[str, str], set[int]],
                    complete_members: frozenset[str]) -> frozenset[str]:
    """Plans whose ids are a run without a gap, bounded below by 1 or by another plan's id and above by another
    plan's id (or by the last id of a complete member): nothing of the plan can be missing in between."""
    runs: dict[str, dict[tuple[str, str], set[int]]] = defaultdict(lambda: defaultdict(set))
    for cid, c in commitments.items():
        parts = split_id(cid)
        if parts and c.action_plan:
            runs[c.action_plan][(c.member, parts[0])].add(parts[1])
    complete = set()
    for plan, by_prefix in runs.items():
        if all(_bounded_run(found, numbers[key], key[0] in complete_members) for key, found in by_prefix.items()):
            complete.add(plan)
    return frozenset(complete)


def _bounded_run(found: set[int], member_numbers: set[int], member_complete: bool) -> bool:
    low, high = min(found), max(found)
    ends = high + 1 in member_numbers or (member_complete and high == max(member_numbers))
    return len(found) == high - low + 1 and (low == 1 or low - 1 in member_numbers) and ends


def plan_years(plan: ActionPlanRecord) -> tuple[int | None, int | None]:
    """Start and end years of a plan, from its fields or its title ("2016-18")."""
    if plan.start_year and plan.end_year:
        return plan.start_year, plan.end_year
    for title in plan.title.values():
        match = _YEARS.search(title)
        if match:
            start, end = int(match.group(1)), match.group(2)
            end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
            return start, end_year
    return plan.start_year or plan.cycle, plan.end_year


@dataclass
class Bm25:
    """BM25 (bm25s) over feature lists; `scores` returns one score per document."""

    model: bm25s.BM25 | None
    size: int

    @classmethod
    def build(cls, docs: Iterable[list[str]]) -> Bm25:
        """Each document's features become vocabulary ids as it comes, so that the feature strings of 10,000
        documents are never all alive at once (they were most of the index build's peak memory)."""
        vocab: dict[str, int] = {}
        ids: list[array[int]] = []  # 4 bytes a feature (a list of ints takes 8)
        empty = True
        for doc in docs:
            empty = empty and not doc
            ids.append(array("i", [vocab.setdefault(f, len(vocab)) for f in doc or ("\x00empty",)]))
        if empty:
            return cls(None, len(ids))
        model = bm25s.BM25()
        model.index((ids, vocab), show_progress=False)
        return cls(model, len(ids))

    def scores(self, query: list[str]) -> np.ndarray:
        if self.model is None or not query:
            return np.zeros(self.size, dtype=np.float32)
        known = [q for q in query if q in self.model.vocab_dict]
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return self.model.get_scores(known)

    def top(self, query: list[str], k: int) -> list[tuple[int, float]]:
        scores = self.scores(query)
        if not scores.any():
            return []
        k = min(k, int(np.count_nonzero(scores)))
        best = np.argpartition(-scores, k - 1)[:k]
        return sorted(((int(i), float(scores[i])) for i in best), key=lambda x: -x[1])


# Spanish past participles ("etiquetados"): real words whose letters are two edits from another word's.
_PARTICIPLES = ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas")


@functools.cache
def _country_words() -> frozenset[str]:
    """The words of every country's name (babel, English, French and Spanish): real words, never typos."""
    from babel import Locale

    return frozenset(w for lang in ("en", "fr", "es") for name in Locale.parse(lang).territories.values()
                     for w in tokens(name) if len(w) >= 5)


def _member_phrases(members: dict[str, MemberRecord]) -> dict[tuple[str, ...], str]:
    """Every way of naming a member (bot.dataset.members: names in each language, demonyms, aliases), as word tuples."""
    from bot.dataset.members import members as known_members

    phrases: dict[tuple[str, ...], str] = {}
    for member in known_members().all:
        for text in member.spellings():
            words = tuple(tokens(text))
            if words and not (len(words) == 1 and words[0] in lexicon().stopwords):
                phrases.setdefault(words, member.id)
    for record in members.values():  # the dataset's own names win
        for text in record.name.values():
            phrases[tuple(tokens(text))] = record.id
    return phrases


_ELIDED = frozenset("aeiouyh")  # French elides before a vowel or a mute h


@dataclass
class Index:
    version: int
    dataset: Dataset
    commitments: dict[str, Commitment]
    ids: list[str]  # document order of the BM25 models
    members: dict[str, MemberRecord]
    plans: dict[str, ActionPlanRecord]
    plans_by_member: dict[str, list[ActionPlanRecord]]
    by_prefix_number: dict[tuple[str, int], str]
    by_plan_number: dict[tuple[str, str], str]
    prefixes: frozenset[str]
    names: Bm25  # titles, short titles, one-line descriptions
    texts: Bm25  # everything said about a commitment
    member_phrases: dict[tuple[str, ...], str]
    area_phrases: dict[tuple[str, ...], str]
    corpus_words: frozenset[str]
    site: str = DEFAULT_OGP_BASE_URL  # the OGP site answers link to (the service may set another)
    retrieved: Span | None = None  # when the records were retrieved from OGP
    member_retrieved: dict[str, Span] = field(default_factory=dict, repr=False)
    prefix_member: dict[str, str] = field(default_factory=dict, repr=False)  # id prefix -> member, as records say
    # Members and plans none of whose commitments the data can be missing (see _complete_members): counts of the
    # others are said to be of "my data", not OGP's total.
    complete_members: frozenset[str] = frozenset()
    complete_plans: frozenset[str] = frozenset()
    position: dict[str, int] = field(default_factory=dict, repr=False)  # id -> place in `ids`
    name_features: list[tuple[str, ...]] = field(default_factory=list, repr=False)  # per place in `ids`
    # Boolean masks over `ids`, so that filters are vector operations, not loops over 10,000 records.
    member_mask: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    plan_mask: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    area_mask: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, dataset: Dataset, *, version: int = 0, site: str = DEFAULT_OGP_BASE_URL) -> Index:
        commitments = {c.id: c for c in dataset.commitments}
        ids = sorted(commitments)
        plans = {p.id: p for p in dataset.action_plans}
        plans_by_member: dict[str, list[ActionPlanRecord]] = defaultdict(list)
        for plan in plans.values():
            plans_by_member[plan.member].append(plan)
        for member_plans in plans_by_member.values():
            member_plans.sort(key=lambda p: (plan_years(p)[0] or 0, p.id))
        by_prefix_number: dict[tuple[str, int], str] = {}
        by_plan_number: dict[tuple[str, str], str] = {}
        for cid, c in commitments.items():
            parts = split_id(cid)
            if parts:
                by_prefix_number[parts] = cid
            if c.action_plan and c.number:
                by_plan_number[(c.action_plan, c.number)] = cid
        vocab = vocabulary()
        area_labels = {a.key: a.label for a in dataset.policy_areas}
        name_docs = []
        words: set[str] = set()
        for cid in ids:
            c = commitments[cid]
            name_words = [w for text in (*c.title.values(), *c.short_title.values(), *c.description.values())
                          for w in tokens(text)]
            words.update(name_words)
            name_docs.append(features(name_words))

        def text_docs() -> Iterator[list[str]]:  # one at a time: see Bm25.build
            for cid in ids:
                c = commitments[cid]
                texts = [*c.title.values(), *c.short_title.values(), *c.description.values(),
                         *c.description_full.values(), *c.challenges.values(), *c.ambitions.values(),
                         *c.roadmap.values(), *c.irm.midterm_summary.values(), *c.irm.end_summary.values()]
                texts += [t for m in c.milestones for t in m.text.values()]
                texts += [t for inst in (*c.lead_institutions, *c.support_institutions) for t in inst.values()]
                for key in c.policy_areas:
                    term = vocab.term("policy_area", key)
                    texts += list(term.labels.values()) if term else list(area_labels.get(key, {}).values())
                yield features([w for t in texts for w in tokens(t)])
        members = {m.id: m for m in dataset.members}
        for member in members.values():
            for name in member.name.values():
                words.update(tokens(name))
        area_phrases: dict[tuple[str, ...], str] = {}
        for key in vocab.keys("policy_area"):
            term = vocab.term("policy_area", key)
            assert term is not None
            for text in (*term.labels.values(), *term.aliases):
                phrase = tuple(tokens(text))
                if phrase and not (len(phrase) == 1 and phrase[0] in lexicon().stopwords):
                    area_phrases.setdefault(phrase, key)
        # Words of vocabulary phrases ("commande publique", "Royaume-Uni") are real words, never typos.
        member_phrases = _member_phrases(members)
        for phrase in (*area_phrases, *member_phrases):
            words.update(phrase)
        words = {w for w in words if len(w) >= 3 and not w.isdigit()}
        index = cls(version=version, dataset=dataset, commitments=commitments, ids=ids, members=members,
                    plans=plans, plans_by_member=dict(plans_by_member), by_prefix_number=by_prefix_number,
                    by_plan_number=by_plan_number,
                    prefixes=frozenset(p[0] for p in by_prefix_number),
                    names=Bm25.build(name_docs), texts=Bm25.build(text_docs()),
                    member_phrases=member_phrases, area_phrases=area_phrases,
                    corpus_words=frozenset(words), site=site.rstrip("/"),
                    position={cid: n for n, cid in enumerate(ids)},
                    name_features=[tuple(sorted(set(doc))) for doc in name_docs])
        index._take_coverage()
        # Typos are corrected towards the corpus and the trigger words, never towards stop words.
        for position, cid in enumerate(ids):
            c = commitments[cid]
            for table, keys in ((index.member_mask, [c.member]), (index.plan_mask, [c.action_plan] if c.action_plan
                                                                    else []), (index.area_mask, c.policy_areas)):
                for key in keys:
                    if key not in table:
                        table[key] = np.zeros(len(ids), dtype=bool)
                    table[key][position] = True
        known = index.corpus_words | lexicon().correctable_words
        for word in known:
            if len(word) >= 4 and not word.isdigit():
                index._by_length.setdefault(len(word), []).append(word)
        for words_of_length in index._by_length.values():
            words_of_length.sort()  # deterministic corrections, whatever the hash seed
        return index

    def _take_coverage(self) -> None:
        """What the data covers: when each member's records were retrieved, which members and plans it has whole."""
        by_member: dict[str, list[Commitment]] = defaultdict(list)
        for c in self.commitments.values():
            by_member[c.member].append(c)
        self.retrieved = retrieval_span(self.commitments.values())
        self.member_retrieved = {m: span for m, records in by_member.items() if (span := retrieval_span(records))}
        numbers = _id_numbers(self.commitments)
        self.prefix_member = {prefix: member for member, prefix in sorted(numbers)}
        self.complete_members = _complete_members(numbers)
        self.complete_plans = _complete_plans(self.commitments, numbers, self.complete_members)

    # -- look-ups ----------------------------------------------------------------------------------------

    def get(self, commitment_id: str | None) -> Commitment | None:
        return self.commitments.get(commitment_id) if commitment_id else None

    def resolve_id(self, prefix: str, number: int) -> str | None:
        return self.by_prefix_number.get((prefix.upper(), number))

    def unglue(self, word: str) -> list[str]:
        """A French elision typed without its apostrophe ("lengagement", "dalerte", "cote divoire"): the article
        and the known word it was glued to; else the word."""
        if len(word) < 5 or word in self.corpus_words or word in lexicon().known_words:
            return [word]
        for article in ("qu", "l", "d", "j", "n", "s", "c"):
            rest = word[len(article):]
            if word.startswith(article) and rest[0] in _ELIDED and (rest in self.corpus_words
                                                                     or rest in lexicon().known_words):
                return [article, rest]
        return [word]

    def correct(self, word: str) -> str:
        """The known word closest to a word not known (a typo), or the word itself."""
        if len(word) < 5 or word.isdigit() or word in self.corpus_words or word in lexicon().known_words \
                or word in _country_words() or (len(word) >= 7 and word.endswith(_PARTICIPLES)):
            # "japon" is Japan, not a typo of "jalon"; "etiquetados", "publicados" are words of their own, not typos
            # of "etiquetas", "publicas": a count names what it cannot filter on instead of filtering on another word
            return word
        # Edits allowed grow with the word; a swap of two letters is one edit (OSA distance).
        allowed = 1 if len(word) <= 7 else 2
        choices = [w for n in range(len(word) - allowed, len(word) + allowed + 1) for w in self._by_length.get(n, ())]
        close = process.extract(word, choices, scorer=OSA.distance, score_cutoff=allowed, limit=20)
        if not close:
            return word
        # Among equally close words, a swap of letters ("stauts" -> "status") beats other edits.
        letters = sorted(word)
        best = min(close, key=lambda c: (c[1], sorted(c[0]) != letters, -fuzz.ratio(word, c[0]), c[0]))
        return best[0]

    def mask(self, *, members: list[str] | None = None, plans: list[str] | None = None,
             areas: list[str] | None = None) -> np.ndarray:
        """Which commitments (positions in `ids`) pass the filters given (an empty filter passes all)."""
        result = np.ones(len(self.ids), dtype=bool)
        for table, keys in ((self.member_mask, members), (self.plan_mask, plans), (self.area_mask, areas)):
            if keys:
                none = np.zeros(len(self.ids), dtype=bool)
                result &= np.logical_or.reduce([table.get(k, none) for k in keys])
        return result

    def member_plans(self, member_id: str) -> list[ActionPlanRecord]:
        return self.plans_by_member.get(member_id, [])

    def member_of_id(self, commitment_id: str) -> str | None:
        """The member an id's prefix belongs to: as the records say (a local member's prefix may be known only
        there), else as data/members.json says; None for a prefix no member has."""
        from bot.dataset.members import members as known_members

        parts = split_id(commitment_id.upper())
        if parts and parts[0] in self.prefix_member:
            return self.prefix_member[parts[0]]
        known = known_members().for_commitment(commitment_id)
        return known.id if known else None

    def whole(self, *, members: list[str] | None = None, plans: list[str] | None = None) -> bool:
        """Whether the data has every commitment of these members and plans (as far as the ids tell)."""
        return all(m in self.complete_members for m in members or ()) and \
            all(p in self.complete_plans for p in plans or ())

    def title(self, commitment: Commitment, lang: str) -> str:
        return commitment.title.get(lang) or next(iter(commitment.title.values()), commitment.id)

    def folded_titles(self, commitment_id: str) -> list[str]:
        c = self.commitments[commitment_id]
        return [fold(t) for t in (*c.title.values(), *c.short_title.values(), *c.description.values())]
