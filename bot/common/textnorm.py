"""Text normalisation shared by matching, search and vocabulary look-ups.

People type without accents, in any case, with curly quotes: every comparison goes through `fold`.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                              "\u00a0": " ", "\u202f": " ", "\u2013": "-", "\u2014": "-"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")


# Every combining mark (accents and the like), removed by one str.translate after NFKD decomposition.
_COMBINING = dict.fromkeys(c for c in range(0x110000) if unicodedata.combining(chr(c)))


def strip_accents(text: str) -> str:
    if text.isascii():  # most text: nothing to decompose
        return text
    return unicodedata.normalize("NFKD", text).translate(_COMBINING)


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced text with straight apostrophes."""
    if not text:
        return ""
    text = strip_accents(text.translate(_APOSTROPHES)).lower()
    text = text.replace("\u0153", "oe").replace("\u00e6", "ae").replace("\u00df", "ss")
    return _SPACES.sub(" ", text).strip()


def words(text: str | None) -> list[str]:
    """The folded alphanumeric words of a text."""
    return _WORD.findall(fold(text))


def slug(text: str) -> str:
    """A stable identifier made of the folded words joined by hyphens."""
    return "-".join(words(text))
