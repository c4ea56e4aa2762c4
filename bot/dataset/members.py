"""OGP members (countries and local governments) from data/members.json: look-up by commitment-id
prefix, by slug and by any written name (accent-free, fuzzy), for the importer and the question
understanding alike.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.common.paths import DATA_DIR
from bot.common.textnorm import fold
from bot.dataset.schema import MemberRecord

MEMBERS_FILE = DATA_DIR / "members.json"
_ID_LETTERS = re.compile(r"^([A-Z]+)\d")
_PUNCT = re.compile(r"[^\w' ]+")


def _key(text: str | None) -> str:
    """Folded, punctuation-free text: 'Côte d’Ivoire' and 'cote d'ivoire' meet."""
    return " ".join(_PUNCT.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class Member:
    id: str
    prefixes: tuple[str, ...]
    name: dict[str, str]
    demonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    kind: str = "national"

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name.get("en") or self.id

    def record(self) -> MemberRecord:
        return MemberRecord(id=self.id, name=dict(self.name), kind=self.kind)

    def spellings(self) -> list[str]:
        """Every written form that names this member."""
        forms = [*self.name.values(), *self.aliases, self.id.replace("-", " ")]
        for names in self.demonyms.values():
            forms.extend(names)
        return forms


class Members:
    """All members, indexed by slug, id prefix and folded name."""

    def __init__(self, members: list[Member]) -> None:
        self.all = members
        self._by_id = {m.id: m for m in members}
        self._by_prefix = {p: m for m in members for p in m.prefixes}
        self._names: dict[str, str] = {}
        for m in members:  # names first: a demonym or alias never hides another member's name
            for text in m.name.values():
                self._names.setdefault(_key(text), m.id)
        for m in members:
            for text in m.spellings():
                self._names.setdefault(_key(text), m.id)

    def __len__(self) -> int:
        return len(self.all)

    def get(self, slug: str | None) -> Member | None:
        return self._by_id.get(slug or "")

    def by_prefix(self, prefix: str | None) -> Member | None:
        return self._by_prefix.get((prefix or "").upper())

    def for_commitment(self, commitment_id: str | None) -> Member | None:
        """The member whose prefix is the id's letters: FRPA0002 is Paris, FR0038 is France."""
        match = _ID_LETTERS.match((commitment_id or "").upper())
        return self.by_prefix(match.group(1)) if match else None

    def by_name(self, text: str | None, *, fuzzy: bool = True, cutoff: float = 90.0) -> Member | None:
        """The member a name, alias or demonym designates ('Royaume-Uni', 'French', 'Cote d'Ivoire')."""
        key = _key(text)
        if not key:
            return None
        if key in self._names:
            return self._by_id[self._names[key]]
        if not fuzzy or len(key) < 5:
            return None
        best = process.extractOne(key, self._names.keys(), scorer=fuzz.ratio, score_cutoff=cutoff)
        return self._by_id[self._names[best[0]]] if best else None


def read_members(path: Path) -> Members:
    raw = json.loads(path.read_text(encoding="utf-8"))
    entries = raw["members"] if isinstance(raw, dict) else raw
    return Members([Member(id=e["id"], prefixes=tuple(p.upper() for p in e.get("prefixes", [])),
                           name=dict(e["name"]),
                           demonyms={lang: tuple(v) for lang, v in e.get("demonyms", {}).items()},
                           aliases=tuple(e.get("aliases", [])), kind=e.get("kind", "national"))
                    for e in entries])


@functools.cache
def members() -> Members:
    """The bundled member list, read once."""
    return read_members(MEMBERS_FILE)
