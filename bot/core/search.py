"""Topic search over everything said about a commitment (BM25, bm25s), with filters."""

from __future__ import annotations

import numpy as np

from bot.core.index import Index
from bot.core.text import features, features_of_word
from bot.vocab import vocabulary

MIN_COVERAGE = 0.5  # a hit contains at least half of the question's words


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
    scores = index.texts.scores(features(words + _area_words(areas))) if (words or areas) else None
    assert scores is not None
    scores = scores + 1.5 * index.names.scores(features(words)) if words else scores
    if words:
        present = np.zeros(len(index.ids), dtype=np.float32)
        for word in words:
            present += index.texts.scores(list(features_of_word(word))) > 0
        coverage = present / len(words)
    else:
        coverage = np.ones(len(index.ids), dtype=np.float32)
    if areas:
        area_set = set(areas)
        bonus = np.array([2.0 if area_set & set(index.commitments[i].policy_areas) else 0.0 for i in index.ids],
                         dtype=np.float32)
        scores = scores + bonus
        coverage = np.maximum(coverage, (bonus > 0).astype(np.float32))
    order = np.argsort(-scores, kind="stable")
    out = []
    for doc in order:
        if scores[doc] <= 0:
            break
        if coverage[doc] < MIN_COVERAGE:
            continue
        c = index.commitments[index.ids[doc]]
        if members and c.member not in members:
            continue
        if plans and c.action_plan not in plans:
            continue
        out.append((c.id, float(scores[doc])))
    return out


def topic_ids(index: Index, words: list[str]) -> set[str]:
    return {cid for cid, _ in rank(index, words)}
