"""Topic search over everything said about a commitment (BM25, bm25s), with filters.

The one topic rule (`about`), used alike by searches ("commitments about X", /search X), counts and lists ("how
many … about X", "which commitments are about X") and exports (/export X): a commitment is about a topic when

- it is in a policy area the topic names ("beneficial ownership", "données ouvertes"), or
- its texts (title, descriptions, milestones, IRM summaries, institutions, policy areas; each word with its
  equivalents in the other language) contain most of the topic's words (MIN_COVERAGE), and its relevance score
  (BM25 over all its texts, plus its titles and one-line description counted 1.5 times) is at least
  MIN_RELATIVE_SCORE of the best one's.
"""

from __future__ import annotations

import numpy as np

from bot.common.vocab import vocabulary
from bot.core.index import Index
from bot.core.lexicon import lexicon
from bot.core.text import features, features_of_word, tokens

MIN_COVERAGE = 0.6  # a hit contains most of the question's words: 2 of 2 or 3, 3 of 4
MIN_RELATIVE_SCORE = 0.1  # a hit scores at least this share of the best hit (a passing mention is no topic)


def _area_words(keys: list[str]) -> list[str]:
    vocab = vocabulary()
    words: list[str] = []
    for key in keys:
        term = vocab.term("policy_area", key)
        if term:
            words += [w for label in term.labels.values() for w in tokens(label)]
    return words


def _scored(index: Index, words: list[str], areas: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(relevance score, about the topic) per commitment (positions in the index): the one topic rule."""
    size = len(index.ids)
    if not size or not (words or areas):
        return np.zeros(size, dtype=np.float32), np.zeros(size, dtype=bool)
    # Each word with its equivalents in the other language: most titles exist in English only.
    alternatives = [lexicon().alternatives(word) for word in words]
    translated = [a for alts in alternatives for a in alts]
    scores = index.texts.scores(features(translated + _area_words(areas)))
    if words:
        scores = scores + 1.5 * index.names.scores(features(translated))
        present = np.zeros(size, dtype=np.float32)
        for alts in alternatives:
            present += index.texts.scores([f for a in alts for f in features_of_word(a)]) > 0
        coverage = present / len(words)
    else:
        coverage = np.ones(size, dtype=np.float32)
    keep = (scores > 0) & (coverage >= MIN_COVERAGE)
    if keep.any():
        keep &= scores >= MIN_RELATIVE_SCORE * float(scores[keep].max())
    if areas:
        in_area = index.mask(areas=areas)
        scores = scores + 2.0 * in_area
        keep |= in_area
    return scores, keep


def about(index: Index, words: list[str], areas: list[str] | None = None) -> np.ndarray:
    """Which commitments (positions in the index) are about the topic: the one topic rule."""
    return _scored(index, words, areas or [])[1]


def rank(index: Index, words: list[str], *, areas: list[str] | None = None, members: list[str] | None = None,
         plans: list[str] | None = None) -> list[tuple[str, float]]:
    """Commitment ids about the words (and policy areas), filtered; best first."""
    scores, keep = _scored(index, words, areas or [])
    keep = keep & index.mask(members=members, plans=plans)
    positions = np.flatnonzero(keep)
    order = positions[np.argsort(-scores[positions], kind="stable")]
    return [(index.ids[i], float(scores[i])) for i in order]


def in_titles(index: Index, word: str) -> bool:
    """Whether some commitment's title (or one-line description) has the word, or its equivalent."""
    return bool((index.names.scores(features(list(lexicon().alternatives(word)))) > 0).any())


def topic_ids(index: Index, words: list[str]) -> set[str]:
    return {cid for cid, _ in rank(index, words)}
