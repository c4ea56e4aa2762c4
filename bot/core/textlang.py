"""Which language a stored text is really written in.

OGP files a text under the language of the page it came from, not the language of the text: the English
page of a Guatemalan commitment gives its Spanish title, and French pages leave some names in English.
An answer that shows a text in another language than its own says which language (wording.draft.Draft), so
it needs the text's own language. Function words (bm25s' stop-word lists) and letters that only one of
the languages uses decide; the language the text is filed under stands unless the text clearly says
otherwise, so that names ("Cabinet Office", "Côte d'Ivoire Action Plan") keep it.
"""

from __future__ import annotations

import functools
import re

from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_FRENCH, STOPWORDS_SPANISH

_FUNCTION_WORDS = {"en": frozenset(STOPWORDS_EN_PLUS), "fr": frozenset(STOPWORDS_FRENCH),
                   "es": frozenset(STOPWORDS_SPANISH)}
# Letters that one of the languages uses and the others do not (é is French and Spanish).
_OWN_LETTERS = {"fr": frozenset("àâèêëîïôûùçœÿ"), "es": frozenset("áíóúñ¿¡")}
_WORD = re.compile(r"[^\W\d_]{2,}")  # one-letter words ("d'", "a", "y") are shared by the languages
# How much more a text must say for another language than for the one it is filed under.
MARGIN = 2.0


@functools.lru_cache(maxsize=4096)
def written_in(text: str, *filed_under: str) -> str:
    """'en', 'fr' or 'es' when the text clearly is in that language; else the language it is filed under.

    A text filed under several languages (a name the same on the English and French pages) is in the one
    of them it says most for, the first when it says nothing ("France", "State AI Lab")."""
    score = _scores(text)
    filed = max(filed_under, key=lambda lang: score.get(lang, 0.0))  # the first of the best
    best = max(score, key=lambda lang: score[lang])
    if best != filed and score[best] - score.get(filed, 0.0) >= MARGIN:
        return best
    return filed


def _scores(text: str) -> dict[str, float]:
    if text.isupper():  # "CREAR E INSTITUCIONALIZAR MECANISMOS …": read it as written in lower case
        text = text.lower()
    score = dict.fromkeys(_FUNCTION_WORDS, 0.0)
    for word in _WORD.findall(text):
        if word.isupper():  # an acronym ("AI", "ANPTIC") is no word of any language
            continue
        low = word.lower()
        for lang, words in _FUNCTION_WORDS.items():
            score[lang] += low in words
        for lang, letters in _OWN_LETTERS.items():
            if letters.intersection(low):
                # A capital may start a name ("Côte d'Ivoire") used in any language: half the weight.
                score[lang] += 1.0 if word == low else 0.5
    return score
