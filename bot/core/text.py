"""Tokens and search features shared by the index and the question analysis.

A word gives two features: its Snowball (English) stem, and a 5-letter prefix of that stem marked
with "~". The stem matches inflections ("citizens"/"citizen"); the prefix bridges the two languages
and the looser forms ("capacity"/"capacités", "laboratory"/"laboratoire"); exact stems count twice.
"""

from __future__ import annotations

import functools
import re

import Stemmer

from bot.common.textnorm import fold

_TOKEN = re.compile(r"[a-z0-9]+")
_stemmer = Stemmer.Stemmer("english")
PREFIX = 5


def tokens(text: str | None) -> list[str]:
    """Folded words: 'L’engagement FR0038' -> ['l', 'engagement', 'fr0038']."""
    return _TOKEN.findall(fold(text))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


@functools.lru_cache(maxsize=200_000)
def features_of_word(word: str) -> tuple[str, ...]:
    s = stem(word)
    if len(s) > PREFIX:
        return (s, "~" + s[:PREFIX])
    return (s,)


def features(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        out.extend(features_of_word(word))
    return out
