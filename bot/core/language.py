"""French or English? A measured heuristic on marker words and accents (see bench and tests).

Short or neutral texts ("FR0038 ?") say nothing: the caller falls back to the user's stored
choice, then the client's language, then the default.
"""

from __future__ import annotations

import re

from bot.core.lexicon import lexicon

# Accents and elisions in lower-case words only: names such as "Côte d'Ivoire" say nothing of the language.
_FRENCH_LETTERS = re.compile(r"(?<![\w'’])[a-zàâäçéèêëîïôöûùüÿœ]*[éèêëàâîïôûùçœ][a-zàâäçéèêëîïôöûùüÿœ]*")
_ELISION = re.compile(r"\b(?:[lLdDcCjJnNsS]|[qQ]u)['’][a-zàâçéèêëîïôûù]")
# A member's name says nothing of the language: "Côte d'Ivoire" is written so in English too.
_IVORY = re.compile(r"c[oô]te d['’]ivoire", re.IGNORECASE)
# French typography puts a space before ? : ! ; — a weak sign, enough to tip "FR4 : ambition ?".
_FRENCH_SPACING = re.compile(r"\w[ \u00a0\u202f][?:!;](?:\s|$)")


def detect(text: str, words: list[str]) -> str | None:
    """'fr', 'en', or None when the text does not tell."""
    markers = lexicon().markers
    fr: float = sum(1 for w in words if w in markers["fr"])
    en = sum(1 for w in words if w in markers["en"])
    fr += 1.5 * min(2, len(_FRENCH_LETTERS.findall(text)))
    fr += 1.0 * min(2, len(_ELISION.findall(_IVORY.sub(" ", text))))
    if any(w.isalpha() and len(w) > 2 for w in words):  # "FR 38 ?" alone says nothing: use preferences
        fr += 0.5 * bool(_FRENCH_SPACING.search(text))
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
