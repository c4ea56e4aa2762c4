"""Topic search over everything said about a commitment (BM25, bm25s), with filters."""

from __future__ import annotations

import numpy as np

from bot.common.vocab import vocabulary
from bot.core.index import Index
from bot.core.lexicon import lexicon
from bot.core.text import features, features_of_word

MIN_COVERAGE = 0.6  # a hit contains most of the question's words: 2 of 2 or 3, 3 of 4


def _area_words(keys: list[str]) -> list[str]:
    from bot.core.text import tokens

    vocab = vocabulary()
    words: list[str] = []
    for key in keys:
        term = vocab.term("policy_area", key)
        if term:
            words += tokens(term.labels.get("en", "")) + tokens(term.labels.get("fr", ""))
    return words


def rank(index: Index, words: list[str], *, areas: list[str] | None = None, members: list[str] | None = None,
         plans: list[str] | None = None) -> list[tuple[str, float]]:
    """Commitment ids by relevance to the words (and policy areas), filtered; best first."""
    areas = areas or []
    if not index.ids or not (words or areas):
        return []
    # Each word with its equivalents in the other language: most titles exist in English only.
    alternatives = [lexicon().alternatives(word) for word in words]
    translated = [a for alts in alternatives for a in alts]
    scores = index.texts.scores(features(translated + _area_words(areas)))
    if words:
        scores = scores + 1.5 * index.names.scores(features(translated))
        present = np.zeros(len(index.ids), dtype=np.float32)
        for alts in alternatives:
            present += index.texts.scores([f for a in alts for f in features_of_word(a)]) > 0
        coverage = present / len(words)
    else:
        coverage = np.ones(len(index.ids), dtype=np.float32)
    if areas:
        in_area = index.mask(areas=areas)
        scores = scores + 2.0 * in_area
        coverage = np.maximum(coverage, in_area.astype(np.float32))
    keep = (scores > 0) & (coverage >= MIN_COVERAGE) & index.mask(members=members, plans=plans)
    positions = np.flatnonzero(keep)
    order = positions[np.argsort(-scores[positions], kind="stable")]
    return [(index.ids[i], float(scores[i])) for i in order]


def topic_ids(index: Index, words: list[str]) -> set[str]:
    return {cid for cid, _ in rank(index, words)}
