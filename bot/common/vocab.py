"""Controlled vocabularies (completion, ambition, policy areas, ...) loaded from data/vocabularies.json.

Values are stored as canonical keys and rendered in the reader's language; the look-up accepts the
labels of every language and the aliases, which include OGP's machine-translation slips.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.common.paths import VOCABULARY_FILE
from bot.common.textnorm import fold

LANGUAGES = ("en", "fr", "es")


@dataclass(frozen=True)
class Term:
    kind: str
    key: str
    labels: dict[str, str]
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.key


@dataclass
class Vocabulary:
    terms: dict[str, dict[str, Term]]
    _index: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for kind, terms in self.terms.items():
            index: dict[str, str] = {}
            for term in terms.values():
                # Labels win over aliases: an alias never hides another term's label.
                for text in term.aliases:
                    index.setdefault(fold(text), term.key)
                for text in (*term.labels.values(), term.key, term.key.replace("_", " ")):
                    index[fold(text)] = term.key
            self._index[kind] = index

    def kinds(self) -> list[str]:
        return list(self.terms)

    def keys(self, kind: str) -> list[str]:
        return list(self.terms.get(kind, {}))

    def has(self, kind: str, key: str) -> bool:
        return key in self.terms.get(kind, {})

    def term(self, kind: str, key: str) -> Term | None:
        return self.terms.get(kind, {}).get(key)

    def label(self, kind: str, key: str | None, lang: str) -> str:
        """The label of a key in a language; unknown keys are shown as they are."""
        if key is None:
            return ""
        term = self.term(kind, key)
        return term.label(lang) if term else key

    def lookup(self, kind: str, text: str | None, *, fuzzy: bool = True, cutoff: float = 88.0) -> str | None:
        """The canonical key whose label or alias matches `text` (exactly, then fuzzily)."""
        folded = fold(text).strip(" .;:,")
        if not folded:
            return None
        index = self._index.get(kind, {})
        if folded in index:
            return index[folded]
        if not fuzzy or len(folded) < 4:
            return None
        best = process.extractOne(folded, index.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
        return index[best[0]] if best else None

    def with_terms(self, kind: str, extra: Iterable[Term]) -> Vocabulary:
        """A copy with more terms of one kind (e.g. policy areas declared by a dataset)."""
        terms = {k: dict(v) for k, v in self.terms.items()}
        for term in extra:
            terms.setdefault(kind, {}).setdefault(term.key, term)
        return Vocabulary(terms)


def read_vocabulary(path: Path) -> Vocabulary:
    raw = json.loads(path.read_text(encoding="utf-8"))
    terms: dict[str, dict[str, Term]] = {}
    for kind, entries in raw.items():
        if kind.startswith("_"):
            continue
        terms[kind] = {key: Term(kind, key, dict(value["label"]), tuple(value.get("aliases", ())))
                       for key, value in entries.items()}
    return Vocabulary(terms)


@functools.cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, read once."""
    return read_vocabulary(VOCABULARY_FILE)
