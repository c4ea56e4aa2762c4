"""French or English? A measured heuristic on marker words and accents (see bench and tests).

Short or neutral texts ("FR0038 ?") say nothing: the caller falls back to the user's stored
choice, then the client's language, then the default.
"""

from __future__ import annotations

import re

from bot.core.lexicon import lexicon

_FRENCH_LETTERS = re.compile(r"[éèêëàâîïôûùçœ]", re.IGNORECASE)
_ELISION = re.compile(r"\b(?:l|d|qu|c|j|n|s)['’]\w", re.IGNORECASE)


def detect(text: str, words: list[str]) -> str | None:
    """'fr', 'en', or None when the text does not tell."""
    markers = lexicon().markers
    fr = sum(1 for w in words if w in markers["fr"])
    en = sum(1 for w in words if w in markers["en"])
    fr += 1.5 * min(2, len(_FRENCH_LETTERS.findall(text)))
    fr += 1.0 * min(2, len(_ELISION.findall(text)))
    if fr == en:
        return None
    return "fr" if fr > en else "en"


def choose(detected: str | None, *, forced: str | None, preferred: str | None, client: str | None,
           default: str) -> str:
    """The answer language: forced, else detected, else the user's, the client's, the default."""
    for candidate in (forced, detected, preferred, _short(client), default):
        if candidate in ("en", "fr"):
            return candidate
    return "en"


def _short(code: str | None) -> str | None:
    return code.split("-")[0].lower() if code else None
