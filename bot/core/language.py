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
    """'fr', 'en', 'es', or None when the text does not tell (or looks Portuguese).

    Two steps, because a word can tell English from French without telling French from Spanish ("de"):
    English or a Romance language, on marker words, accents, elisions and punctuation; then, between French and
    Spanish, only the signs that differ between the two: the markers of one that are no word of the other,
    their own accented letters, elisions, ¿ ¡; when those tie, the words only one of them uses ("ambition",
    "estado")."""
    if _PORTUGUESE.search(text):
        return None
    lex = lexicon()
    markers, known = lex.markers, lex.language_words
    french_letters, spanish_letters, shared_letters = _accented(text, known)
    elisions = min(2, len(_ELISION.findall(_IVORY.sub(" ", text))))
    spacing = 0.5 * bool(_FRENCH_SPACING.search(text)) if any(w.isalpha() and len(w) > 2 for w in words) else 0.0
    opening = 1.5 * bool(_SPANISH_OPENING.search(text))
    english = float(sum(1 for w in words if w in markers["en"]))
    romance: float = sum(1 for w in words if w in markers["fr"] or w in markers["es"])
    romance += 1.5 * min(2, french_letters + spanish_letters + shared_letters) + elisions + spacing + opening
    if romance == english:  # the words only English uses, against those only French or Spanish use
        english = _only(words, known["en"], known["fr"], known["es"])
        romance = _only(words, known["fr"], known["en"]) + _only(words, known["es"], known["en"], known["fr"])
    if _foreign(words, max(romance, english)):
        return None
    if romance <= english:
        return "en" if english > romance else None
    french = _only(words, markers["fr"], known["es"]) + 1.5 * min(2, french_letters) + elisions + spacing
    spanish = _only(words, markers["es"], known["fr"]) + 1.5 * min(2, spanish_letters) + opening
    if french == spanish:  # the words only one of the languages uses
        french, spanish = _only(words, known["fr"], known["es"]), _only(words, known["es"], known["fr"])
    if french == spanish:  # the markers themselves ("fin" is a French marker, and a Spanish word too)
        french = _only(words, markers["fr"]) + shared_letters  # é is far more often French
        spanish = _only(words, markers["es"])
    if french == spanish:
        return None
    return "fr" if french > spanish else "es"


def _only(words: list[str], inside: frozenset[str], *outside: frozenset[str]) -> int:
    """How many of the words are in `inside` and in none of `outside`."""
    return sum(1 for w in words if w in inside and not any(w in other for other in outside))


def _foreign(words: list[str], ours: float) -> bool:
    """A text in a language the bot does not answer in ("quantos compromissos tem o Brasil?"): at least two of
    its marker words (words.json other_languages), and more than our languages' signs."""
    others = lexicon().other_languages.values()
    return any((n := sum(1 for w in words if w in markers)) >= 2 and n >= ours for markers in others)


def _accented(text: str, known: dict[str, frozenset[str]]) -> tuple[int, int, int]:
    """Lower-case words with a French-only accent, a Spanish-only one, and é alone (both languages write it: "été",
    "qué"); an é-word that only Spanish uses ("después") counts as Spanish, one only French uses as French."""
    french = spanish = shared = 0
    for word in _ACCENTED.findall(text):
        letters = set(word)
        if letters & _SPANISH_ONLY:
            spanish += 1
        elif letters & _FRENCH_ONLY:
            french += 1
        else:
            plain = word.replace("é", "e")
            in_french, in_spanish = plain in known["fr"], plain in known["es"]
            if in_spanish and not in_french:
                spanish += 1
            elif in_french and not in_spanish:
                french += 1
            else:
                shared += 1
    return french, spanish, shared


def choose(detected: str | None, *, forced: str | None, preferred: str | None, client: str | None,
           default: str) -> str:
    """The answer language: forced, else detected, else the user's, the client's, the default."""
    for candidate in (forced, detected, preferred, _short(client), default):
        if candidate in SUPPORTED:
            return candidate
    return "en"


def _short(code: str | None) -> str | None:
    return code.split("-")[0].lower() if code else None
