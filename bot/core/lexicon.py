"""The vocabulary of question understanding, read from data/nlu/*.json (never hard-coded in if-chains)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from bot.common.paths import DATA_DIR
from bot.common.textnorm import fold

NLU_DIR = DATA_DIR / "nlu"


@dataclass(frozen=True)
class Trigger:
    intent: str
    words: tuple[str, ...]  # folded words; a trailing * is a prefix wildcard
    weight: float
    lang: str


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    stopwords: frozenset[str]
    markers: dict[str, frozenset[str]]
    commitment_words: frozenset[str]
    milestone_words: frozenset[str]
    plan_words: frozenset[str]
    ordinals: dict[str, int]
    latest_words: frozenset[str]
    synonyms: dict[tuple[str, ...], tuple[str, ...]]
    filter_words: frozenset[str]  # words of aggregate filters (data/nlu/filters.json)
    thanks: tuple[tuple[str, ...], ...]  # phrases that thank (a greeting answered "you're welcome")
    translations: dict[str, tuple[str, ...]]  # French <-> English topic words (data/nlu/glossary.json)

    def alternatives(self, word: str) -> tuple[str, ...]:
        """The word and its equivalents in the other language."""
        return (word, *self.translations.get(word, ()))

    @functools.cached_property
    def trigger_words(self) -> frozenset[str]:
        return frozenset(w for t in self.triggers for w in t.words if not w.endswith("*"))

    @functools.cached_property
    def correctable_words(self) -> frozenset[str]:
        """Words a typo may be corrected to: the words that carry meaning (not stop words)."""
        return (self.trigger_words | self.commitment_words | self.milestone_words | self.plan_words) - self.stopwords

    @functools.cached_property
    def known_words(self) -> frozenset[str]:
        """Words the lexicon itself uses: never 'corrected' as typos."""
        return (self.trigger_words | self.stopwords | self.commitment_words | self.milestone_words
                | self.plan_words | frozenset(self.ordinals) | self.latest_words | self.filter_words
                | frozenset(m for ms in self.markers.values() for m in ms))


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(fold(phrase).replace("'", " ").replace("-", " ").split())


@functools.cache
def lexicon() -> Lexicon:
    intents = json.loads((NLU_DIR / "intents.json").read_text(encoding="utf-8"))
    words = json.loads((NLU_DIR / "words.json").read_text(encoding="utf-8"))
    triggers = []
    for intent, spec in intents.items():
        if intent.startswith("_"):
            continue
        weight = float(spec.get("weight", 1.0))
        for lang in ("en", "fr", "es"):
            for phrase in spec.get(lang, []):
                triggers.append(Trigger(intent, _words(phrase), weight, lang))
    synonyms = {_words(k): _words(v) for k, v in words["synonyms"].items() if not k.startswith("_")}
    glossary = json.loads((NLU_DIR / "glossary.json").read_text(encoding="utf-8"))["pairs"]
    # The glossary's words of one language only are clues of that language ("lanceurs", "whistleblowers").
    topic_words = {"fr": {w for k in glossary for w in _words(k)},
                   "en": {w for v in glossary.values() for w in _words(v)}}
    both = topic_words["fr"] & topic_words["en"]
    return Lexicon(
        triggers=tuple(triggers),
        stopwords=frozenset(w for lang in ("en", "fr") for p in words["stopwords"][lang] for w in _words(p)),
        markers={lang: frozenset(w for p in words["language_markers"][lang] for w in _words(p))
                 | frozenset(topic_words[lang] - both) for lang in ("en", "fr")},
        commitment_words=frozenset(fold(w) for w in words["commitment_words"]),
        milestone_words=frozenset(fold(w) for w in words["milestone_words"]),
        plan_words=frozenset(fold(w) for w in words["plan_words"]),
        ordinals={fold(w): int(n) for n, ws in words["ordinals"].items() for w in ws},
        latest_words=frozenset(fold(w) for w in words["latest"]),
        synonyms=synonyms,
        thanks=tuple(_words(p) for p in words["thanks"]),
        translations=_translations(glossary),
        filter_words=frozenset(w for phrase in _strings(json.loads((NLU_DIR / "filters.json").read_text(
            encoding="utf-8"))) for w in _words(phrase)),
    )


def _strings(value: object) -> list[str]:
    """Every string inside a JSON value (comments excepted)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() if not k.startswith("_") for s in _strings(v)]
    return []


def _translations(pairs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Each word of a group to every word of the other group, both ways."""
    table: dict[str, set[str]] = {}
    for french, english in pairs.items():
        fr_words, en_words = _words(french), _words(english)
        for word in fr_words:
            table.setdefault(word, set()).update(w for w in en_words if w != word)
        for word in en_words:
            table.setdefault(word, set()).update(w for w in fr_words if w != word)
    return {word: tuple(sorted(others)) for word, others in table.items() if others}
