"""The canonical dataset loader: accepts good data in one transaction, rejects bad data with located
messages and changes nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from bot.dataset.errors import DataError
from bot.dataset.load import apply, rollback
from bot.dataset.reader import read_dataset_bytes
from bot.dataset.store import current_version, read_dataset
from bot.storage.models import Commitment, DataRefresh, Milestone

FIXTURES = Path(__file__).parent / "fixtures"
GOOD = json.loads((FIXTURES / "mini_dataset.json").read_text(encoding="utf-8"))


def mutated(change) -> bytes:  # type: ignore[no-untyped-def]
    data: dict[str, Any] = copy.deepcopy(GOOD)
    change(data)
    return json.dumps(data).encode()


def _set(path: str, value: Any):  # type: ignore[no-untyped-def]
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[int(last) if last.isdigit() else last] = value
    return change


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("empty file", b"", "data/x.json: the file is empty"),
    ("blank file", b"  \n ", "data/x.json: the file is empty"),
    ("not UTF-8", "{\"description\": \"caf\u00e9\"}".encode("latin-1"), "data/x.json: line 1: byte 20 is not UTF-8"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "data/x.json: this is a binary file"),
    ("invalid JSON", b'{"members": [}', "data/x.json: line 1 column 14: invalid JSON"),
    ("not an object", b"[1, 2]", "data/x.json: a dataset is a JSON object"),
    ("comma milestone", mutated(_set("commitments/0/milestones/1/number", "9,2")),
     "data/x.json: commitments[0].milestones[1].number: '9,2' is not a milestone number"),
    ("wrong type", mutated(_set("commitments/0/title", "just a string")),
     "data/x.json: commitments[0].title: \"just a string\": Input should be a valid dictionary"),
    ("wrong year type", mutated(_set("action_plans/0/start_year", "twenty")),
     "data/x.json: action_plans[0].start_year"),
    ("bad id", mutated(_set("commitments/1/id", "UK-63")),
     "data/x.json: commitments[1].id: 'UK-63' is not a commitment id"),
    ("duplicate id", mutated(_set("commitments/1/id", "FR0038")),
     "data/x.json: commitments[1]: duplicate commitment id 'FR0038'"),
    ("duplicate milestone", mutated(_set("commitments/0/milestones/1/number", "9.1")),
     "data/x.json: commitments[0].milestones[1].number: '9.1' appears twice"),
    ("unknown completion", mutated(_set("commitments/0/irm/completion_end", "mostly")),
     "data/x.json: commitments[0].irm.completion_end: unknown completion value 'mostly'"),
    ("unknown policy area", mutated(_set("commitments/1/policy_areas/0", "space_travel")),
     "data/x.json: commitments[1].policy_areas[0]: unknown policy area 'space_travel'"),
    ("unknown relevance", mutated(_set("commitments/1/irm/relevance/1", "vibes")),
     "data/x.json: commitments[1].irm.relevance[1]: unknown relevance value 'vibes'"),
    ("milestone of another commitment", mutated(_set("commitments/0/milestones/0/commitment", "UK0063")),
     "milestones[0] belongs to commitment UK0063, not FR0038"),
    ("milestone numbered for another commitment", mutated(_set("commitments/0/milestones/0/number", "10.1")),
     "milestones[0].number: '10.1' is a milestone of commitment number 10"),
    ("unknown member", mutated(_set("commitments/1/member", "atlantis")),
     "data/x.json: commitments[1].member: unknown member 'atlantis'"),
    ("plan of another member", mutated(_set("commitments/1/action_plan", "france-2018-2020")),
     "'france-2018-2020' is a plan of 'france', not of 'united-kingdom'"),
    ("unknown field", mutated(_set("commitments/0/colour", "blue")),
     "data/x.json: commitments[0].colour: unknown field"),
    ("bad date", mutated(_set("commitments/0/start", "01/09/2018")),
     "data/x.json: commitments[0].start: '01/09/2018' is not a date"),
    ("bad language", mutated(_set("commitments/0/title/english", "x")),
     "data/x.json: commitments[0].title: 'english' is not a two-letter language code"),
    ("future format", mutated(_set("format_version", 99)), "format version 99 is not supported"),
    ("deep nesting", b"[" * 5000 + b"]" * 5000, "nested deeper than 64 levels"),
]


def test_bundled_fixture_is_valid(mini_dataset) -> None:  # type: ignore[no-untyped-def]
    assert [c.id for c in mini_dataset.commitments] == ["FR0038", "UK0063"]


@pytest.mark.parametrize(("what", "raw", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_rejected_with_its_place(what: str, raw: bytes, message: str) -> None:
    with pytest.raises(DataError) as error:
        read_dataset_bytes(raw, "data/x.json")
    assert message in str(error.value)


def test_every_problem_is_reported_at_once() -> None:
    raw = mutated(lambda d: (_set("commitments/0/irm/ambition", "huge")(d), _set("commitments/1/status", "zzz")(d)))
    with pytest.raises(DataError) as error:
        read_dataset_bytes(raw, "x.json")
    assert len(error.value.problems) == 2


def _counts(engine) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return (current_version(session),
                session.execute(select(func.count()).select_from(Commitment)).scalar_one(),
                session.execute(select(func.count()).select_from(Milestone)).scalar_one())


def test_load_round_trips_every_field(engine, mini_dataset) -> None:  # type: ignore[no-untyped-def]
    result = apply(engine, mini_dataset, mode="replace", sources=["mini_dataset.json"])
    assert (result.version_before, result.version_after) == (0, 1)
    assert result.counts == {"added": 2, "changed": 0, "unchanged": 0, "removed": 0}
    with Session(engine) as session:
        stored = read_dataset(session)
    dump = lambda d: json.loads(d.model_dump_json(exclude={"generated_at"}))  # noqa: E731
    assert dump(stored) == dump(mini_dataset)


def test_bad_data_changes_nothing(engine, mini_dataset) -> None:  # type: ignore[no-untyped-def]
    apply(engine, mini_dataset, mode="replace")
    before = _counts(engine)
    for _, raw, _ in BAD_FILES:
        with pytest.raises(DataError):
            apply(engine, read_dataset_bytes(raw, "bad.json"))
    # A dataset valid on its own but whose merge breaks a reference is refused too.
    orphan = read_dataset_bytes(mutated(lambda d: d.update(members=d["members"][:1],
                                                            action_plans=d["action_plans"][:1],
                                                            commitments=d["commitments"][:1])), "orphan.json")
    orphan.commitments[0].member = "atlantis"
    with pytest.raises(DataError, match="unknown member 'atlantis'"):
        apply(engine, orphan)
    assert _counts(engine) == before
    with Session(engine) as session:
        failed = session.execute(select(DataRefresh).where(DataRefresh.outcome == "failed")).scalars().all()
    assert len(failed) == 1 and "atlantis" in failed[0].error


def test_merge_diff_and_rollback(engine, mini_dataset) -> None:  # type: ignore[no-untyped-def]
    apply(engine, mini_dataset, mode="replace")
    update = mini_dataset.model_copy(deep=True)
    update.commitments = [update.commitments[0]]
    update.commitments[0].irm.completion_end = "complete"
    update.commitments[0].milestones[0].status = "complete"
    result = apply(engine, update, mode="merge", actor="telegram:1")
    assert result.counts == {"added": 0, "changed": 1, "unchanged": 1, "removed": 0}
    fields = {(f.field, f.before, f.after) for f in result.changes[0].fields}
    assert fields == {("irm.completion_end", "substantial", "complete"),
                      ("milestones.9.1.status", "substantial", "complete")}
    restored = rollback(engine, actor="telegram:1")
    assert restored.version_after == 3
    with Session(engine) as session:
        assert read_dataset(session).commitments[0].irm.completion_end == "substantial"


def test_dry_run_changes_nothing(engine, mini_dataset) -> None:  # type: ignore[no-untyped-def]
    result = apply(engine, mini_dataset, mode="replace", dry_run=True)
    assert result.dry_run and result.counts["added"] == 2
    assert _counts(engine) == (0, 0, 0)


def test_bundled_data_is_loaded_once_by_replicas_starting_together(engine) -> None:  # type: ignore[no-untyped-def]
    import threading

    from bot.dataset.load import ensure_data

    results: list[int] = []
    barrier = threading.Barrier(3)

    def start() -> None:
        barrier.wait()
        results.append(ensure_data(engine))

    threads = [threading.Thread(target=start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [1, 1, 1]
    with Session(engine) as session:
        loads = session.execute(select(DataRefresh).where(DataRefresh.kind == "bundle")).scalars().all()
    assert len(loads) == 1
