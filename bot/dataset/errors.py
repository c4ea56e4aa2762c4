"""Errors that say what is wrong and where: file, JSON path (or line) and reason."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    source: str  # a file name, URL or "dataset"
    where: str  # a JSON path like commitments[3].milestones[1].number, or "line 4 column 2"
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.reason}" if self.where else f"{self.source}: {self.reason}"


class DataError(Exception):
    """Input that cannot be loaded; carries every problem found, so all are reported at once."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def one(cls, source: str, reason: str, where: str = "") -> DataError:
        return cls([Problem(source, where, reason)])

    @classmethod
    def merge(cls, errors: Iterable[DataError]) -> DataError:
        return cls([p for e in errors for p in e.problems])


def json_path(loc: Sequence[str | int]) -> str:
    """('commitments', 3, 'milestones', 1, 'number') -> 'commitments[3].milestones[1].number'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
