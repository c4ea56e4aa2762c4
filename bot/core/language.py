"""French, English or Spanish? A measured heuristic on marker words, accents and punctuation (see tests).

Short or neutral texts ("FR0038 ?") say nothing: the caller falls back to the user's stored
choice, then the client's language, then the default.
"""

from __future__ import annotations

import re

from bot.common.i18n import SUPPORTED
from bot.core.lexicon import lexicon

_LOWER = "a-zàáâäçéèêëíìîïñóòôöúùûüÿœ"
# A lower-case word with an accent: names such as "Côte d'Ivoire" or "México" say nothing of the language.
_ACCENTED = re.compile(rf"(?<![\w'’])[{_LOWER}]*[àáâçéèêëíîïñóôúûùœ][{_LOWER}]*")
_FRENCH_ONLY = frozenset("àâèêëîïôûùçœ")  # é is French and Spanish
_SPANISH_ONLY = frozenset("áíóúñ")
_ELISION = re.compile(r"\b(?:[lLdDcCjJnNsS]|[qQ]u)['’][a-zàâçéèêëîïôûù]")
# A member's name says nothing of the language: "Côte d'Ivoire" is written so in English too.
_IVORY = re.compile(r"c[oô]te d['’]ivoire", re.IGNORECASE)
# French typography puts a space before ? : ! ; — a weak sign, enough to tip "FR4 : ambition ?".
_FRENCH_SPACING = re.compile(r"\w[ \u00a0\u202f][?:!;](?:\s|$)")
# Spanish opens questions and exclamations: ¿ ¡ — a strong sign.
_SPANISH_OPENING = re.compile(r"[¿¡]")
# Portuguese letters: a text with them is no Spanish (nor French) question, whatever words they share.
_PORTUGUESE = re.compile(r"[ãõ]|ção\b|ções\b", re.IGNORECASE)


def detect(text: str, words: list[str]) -> str | None:
    """'fr', 'en', 'es', or None when the text does not tell (or looks Portuguese)."""
    markers = lexicon().markers
    score: dict[str, float] = {lang: float(sum(1 for w in words if w in markers.get(lang, ()))) for lang in SUPPORTED}
    french = spanish = 0
    for word in _ACCENTED.findall(text):
        letters = set(word)
        if letters & _SPANISH_ONLY:
            spanish += 1
        elif letters & _FRENCH_ONLY:
            french += 1
        elif word.replace("é", "e") not in markers.get("es", ()):  # "qué", "él" are Spanish markers already
            french += 1
    score["fr"] += 1.5 * min(2, french) + 1.0 * min(2, len(_ELISION.findall(_IVORY.sub(" ", text))))
    score["es"] += 1.5 * min(2, spanish) + 1.5 * bool(_SPANISH_OPENING.search(text))
    if any(w.isalpha() and len(w) > 2 for w in words):  # "FR 38 ?" alone says nothing: use preferences
        score["fr"] += 0.5 * bool(_FRENCH_SPACING.search(text))
    if _PORTUGUESE.search(text):
        score["es"] = score["fr"] = 0.0
    best = max(score.values())
    leaders = [lang for lang, value in score.items() if value == best]
    return leaders[0] if len(leaders) == 1 and best > 0 else None


def choose(detected: str | None, *, forced: str | None, preferred: str | None, client: str | None,
           default: str) -> str:
    """The answer language: forced, else detected, else the user's, the client's, the default."""
    for candidate in (forced, detected, preferred, _short(client), default):
        if candidate in SUPPORTED:
            return candidate
    return "en"


def _short(code: str | None) -> str | None:
    return code.split("-")[0].lower() if code else None
