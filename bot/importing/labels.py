"""The words of OGP commitment pages (data/page_labels.json), indexed for matching.

Labels are compared "squashed": folded (no case, no accents) with every non-alphanumeric character
removed, so 'Institution (s) de soutien :' and 'Institution(s) de soutien' are the same label.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.common.paths import DATA_DIR
from bot.common.textnorm import fold

LABELS_FILE = DATA_DIR / "page_labels.json"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=32768)
def _squash(text: str) -> str:
    # ASCII needs no accent folding: the common case of English pages, taken fast.
    return _NON_ALNUM.sub("", text.lower() if text.isascii() else fold(text))


def clear_cache() -> None:
    _squash.cache_clear()


def squash(text: str | None) -> str:
    return _squash(text) if text and len(text) < 200 else _NON_ALNUM.sub("", fold(text))


@dataclass(frozen=True)
class Table:
    """One group of labels: squashed wording -> (name, languages that use it)."""

    entries: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)

    def get(self, text: str | None) -> str | None:
        hit = self.entries.get(squash(text))
        return hit[0] if hit else None

    def langs(self, text: str | None) -> frozenset[str]:
        hit = self.entries.get(squash(text))
        return hit[1] if hit else frozenset()

    def wordings(self, name: str) -> list[str]:
        return [key for key, (n, _) in self.entries.items() if n == name]


def _table(spec: dict[str, dict[str, list[str]]]) -> Table:
    langs: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for name, per_lang in spec.items():
        for lang, wordings in per_lang.items():
            for text in wordings:
                key = squash(text)
                names.setdefault(key, name)
                langs.setdefault(key, set()).add(lang)
    return Table({key: (names[key], frozenset(langs[key])) for key in names})


def _set(items: Iterable[str]) -> frozenset[str]:
    return frozenset(squash(i) for i in items)


@dataclass(frozen=True)
class Labels:
    noise: frozenset[str]
    footer: frozenset[str]
    glance_headings: Table
    glued_headings: tuple[str, ...]
    glance_fields: Table
    description_fields: Table
    description_flags: Table
    description_sections: Table
    description_headings: frozenset[str]
    irm_sections: Table
    irm_fields: Table
    irm_headings: Table
    legacy_fields: Table
    commitment_number: tuple[str, ...]
    not_applicable: frozenset[str]
    reference_markers: tuple[str, ...]
    institution_words: frozenset[str]
    stopwords: dict[str, frozenset[str]]

    def is_not_applicable(self, value: str | None) -> bool:
        return squash(value) in self.not_applicable or not (value or "").strip(" .,;:-–")


def read_labels(path: Path) -> Labels:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return Labels(
        noise=_set(raw["noise"]), footer=_set(raw["footer"]),
        glance_headings=_table(raw["glance_headings"]),
        # Longest first, so that 'Revisión del IRM' is split off before 'IRM'.
        glued_headings=tuple(sorted(raw["glued_headings"], key=len, reverse=True)),
        glance_fields=_table(raw["glance_fields"]),
        description_fields=_table(raw["description_fields"]),
        description_flags=_table(raw["description_flags"]),
        description_sections=_table(raw["description_sections"]),
        description_headings=_set(raw["description_headings"]),
        irm_sections=_table(raw["irm_sections"]), irm_fields=_table(raw["irm_fields"]),
        irm_headings=_table(raw["irm_headings"]), legacy_fields=_table(raw["legacy_fields"]),
        commitment_number=tuple(raw["commitment_number"]),
        not_applicable=_set(raw["not_applicable"]) | {""},
        reference_markers=tuple(fold(m) for m in raw["reference_markers"]),
        institution_words=frozenset(fold(w) for w in raw["institution_words"]),
        stopwords={lang: frozenset(words) for lang, words in raw["linking_stopwords"].items()},
    )


@functools.cache
def labels() -> Labels:
    return read_labels(LABELS_FILE)
