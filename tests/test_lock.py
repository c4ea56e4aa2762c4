"""The lock files pin every dependency that pyproject.toml names, so that make run, make test, CI and the image
install the same program (`make lock` refreshes them)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text(encoding="utf-8")
    return {_canonical(m.group(1)): m.group(2) for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text,
                                                                    re.MULTILINE)}


def _declared(*extras: str) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {_canonical(m.group(1)) for r in requirements if (m := _NAME.match(r))}


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", ()), ("requirements-dev.lock", ("dev",))])
def test_every_declared_dependency_is_pinned_with_hashes(lock: str, extras: tuple[str, ...]) -> None:
    pinned = _pinned(lock)
    assert _declared(*extras) - set(pinned) == set(), f"run `make lock`: {lock} misses dependencies"
    text = (ROOT / lock).read_text(encoding="utf-8")
    for block in re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1]):
        if "==" in block:
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_two_locks_agree() -> None:
    """The image runs the versions the tests ran."""
    runtime, dev = _pinned("requirements.lock"), _pinned("requirements-dev.lock")
    assert {name: version for name, version in runtime.items() if dev.get(name) != version} == {}
