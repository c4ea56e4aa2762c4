"""Apply a dataset to the database: validated, one transaction, diffed, logged, reversible.

Every front end (the `import` command, the admin's /import and /refresh, the first start) goes
through `apply`, so every change of data is recorded in DataRefresh with the snapshot it replaced.

Two guards that front ends put around their work (context variables, so that the importer in between need not
pass them on):

- `attempt(...)`: the change is recorded as "running" before any work, and `apply` finishes that same line
  (applied, failed, unchanged). A line left "running" by a process that died shows as "interrupted"
  (`mark_interrupted`, called by whoever next holds the data lock).
- `guarded(ShrinkGuard(...))`: a change that would remove more than a share of the commitments, or leave fewer
  than a floor, raises ShrinkRefused (nothing written) unless the guard allows it.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from bot.common.paths import BUNDLED_DATASET
from bot.dataset.diff import CommitmentChange, DatasetDiff, diff_datasets
from bot.dataset.errors import DataError
from bot.dataset.reader import read_dataset_file, semantic_problems, validate_dataset
from bot.dataset.schema import Dataset
from bot.dataset.store import current_version, dataset_state, read_dataset, write_dataset
from bot.storage.db import session_scope
from bot.storage.models import DataRefresh, utcnow

log = logging.getLogger(__name__)
Mode = Literal["replace", "merge"]
KEEP_SNAPSHOTS = 10  # older refreshes keep their log line but not the data they replaced
_Record = TypeVar("_Record")
_Value = TypeVar("_Value")
SHOWN_REMOVED = 10  # ids of commitments that would go, quoted by ShrinkRefused


@dataclass(frozen=True)
class ShrinkGuard:
    """How much a change may remove without a confirmation (REFRESH_MAX_REMOVED_SHARE, REFRESH_MIN_COMMITMENTS)."""

    max_removed_share: float = 0.10
    min_commitments: int = 1
    allow: bool = False  # confirmed: let it through


class ShrinkRefused(Exception):
    """A change stopped before writing anything: it would remove too much. Not a DataError: the data is valid,
    an admin only has to confirm."""

    def __init__(self, *, before: int, after: int, removed: list[str], guard: ShrinkGuard, version: int) -> None:
        self.before, self.after, self.removed, self.guard, self.version = before, after, removed, guard, version
        super().__init__(self.describe())

    def describe(self) -> str:
        shown = ", ".join(self.removed[:SHOWN_REMOVED])
        more = f" and {len(self.removed) - SHOWN_REMOVED} more" if len(self.removed) > SHOWN_REMOVED else ""
        return (f"stopped: it would remove {len(self.removed)} of {self.before} commitments "
                f"(limit {self.guard.max_removed_share:.0%}, REFRESH_MAX_REMOVED_SHARE) and leave {self.after} "
                f"(floor {self.guard.min_commitments}, REFRESH_MIN_COMMITMENTS): {shown}{more}")


_GUARD: ContextVar[ShrinkGuard | None] = ContextVar("shrink_guard", default=None)
_ATTEMPT: ContextVar[int | None] = ContextVar("data_attempt", default=None)


@contextmanager
def _bound(var: ContextVar[_Value | None], value: _Value) -> Iterator[_Value]:
    """`var` holds `value` in this block (this thread or task), and what it held before afterwards."""
    token = var.set(value)
    try:
        yield value
    finally:
        var.reset(token)


def guarded(guard: ShrinkGuard) -> contextlib.AbstractContextManager[ShrinkGuard]:
    """Every `apply` in this block (this thread or task) is checked against `guard`."""
    return _bound(_GUARD, guard)


def _check_shrink(before: Dataset, after: Dataset, diff: DatasetDiff, version: int) -> None:
    guard = _GUARD.get()
    if guard is None or guard.allow:
        return
    removed = sorted(c.commitment for c in diff.changes if c.kind == "removed")
    total, left = len(before.commitments), len(after.commitments)
    if removed and (len(removed) > guard.max_removed_share * total or left < guard.min_commitments):
        raise ShrinkRefused(before=total, after=left, removed=removed, guard=guard, version=version)


def mark_interrupted(engine: Engine) -> list[DataRefresh]:
    """Lines still "running" become "interrupted": call it holding the data lock (bot.storage.datalock), when no
    other process can be running a change. Returns them (detached)."""
    with session_scope(engine) as session:
        rows = list(session.execute(select(DataRefresh).where(col(DataRefresh.outcome) == "running")).scalars())
        for row in rows:
            row.outcome, row.finished_at = "interrupted", utcnow()
            row.error = row.error or "interrupted: the process stopped before the change finished"
        session.flush()
        session.expunge_all()
    return rows


def start_attempt(engine: Engine, *, actor: str, kind: str, sources: list[str],
                  request: dict[str, int] | None = None) -> int:
    """A "running" line for a change about to be tried (hold the data lock); `apply` within `in_attempt(id)`
    finishes it. `request` (the chat and message that asked for it) is kept in its counts until then."""
    with session_scope(engine) as session:
        version = current_version(session)
        line = DataRefresh(actor=actor, kind=kind, sources=sources, outcome="running", counts=dict(request or {}),
                           version_before=version, version_after=version)
        session.add(line)
        session.flush()
        assert line.id is not None
        return line.id


def in_attempt(line_id: int) -> contextlib.AbstractContextManager[int]:
    """`apply` in this block writes its outcome on the line `line_id` instead of a new one."""
    return _bound(_ATTEMPT, line_id)


@contextmanager
def attempt(engine: Engine, *, actor: str, kind: str, sources: list[str],
            request: dict[str, int] | None = None) -> Iterator[int]:
    """Record the change as "running" before the work, and finish the line after it: `apply` inside the block
    writes its outcome on this line; a block that ends otherwise marks it failed (an error's text only when
    the bot wrote it) or, when nothing was written, "unchanged". Hold the data lock around it."""
    line_id = start_attempt(engine, actor=actor, kind=kind, sources=sources, request=request)
    try:
        with in_attempt(line_id):
            yield line_id
    except BaseException as error:
        finish_attempt(engine, line_id, "failed", failure_text(error))
        raise
    finish_attempt(engine, line_id, "unchanged")


def failure_text(error: BaseException) -> str:
    if isinstance(error, (DataError, ShrinkRefused)):
        return str(error)
    from sqlalchemy.exc import DBAPIError

    if isinstance(error, DBAPIError):
        return "the database failed during the change (connection lost?); nothing was changed"
    return f"stopped by an error ({type(error).__name__}); nothing was changed"


def finish_attempt(engine: Engine, line_id: int, outcome: str, error: str | None = None) -> None:
    """The line's outcome, unless `apply` has written it already. Never raises: the line then stays "running",
    which reads as interrupted once its process is gone."""
    try:
        with session_scope(engine) as session:
            line = session.get(DataRefresh, line_id)
            if line is not None and line.outcome == "running":
                line.outcome, line.finished_at = outcome, utcnow()
                if error:
                    line.error = error[:4000]
    except Exception:
        log.exception("could not finish the history line #%s", line_id)


@dataclass
class LoadResult:
    refresh_id: int | None
    version_before: int
    version_after: int
    diff: DatasetDiff
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return self.diff.counts

    @property
    def changes(self) -> list[CommitmentChange]:
        return self.diff.changes


def merge_datasets(base: Dataset, incoming: Dataset) -> Dataset:
    """`incoming` laid over `base`: records with the same id are replaced, others kept."""

    def over(old: list[_Record], new: list[_Record], key: str) -> list[_Record]:
        merged = {getattr(r, key): r for r in old}
        merged.update({getattr(r, key): r for r in new})
        return sorted(merged.values(), key=lambda r: getattr(r, key))

    return Dataset.model_construct(
        format=base.format, format_version=base.format_version, generated_at=utcnow(),
        description=incoming.description or base.description,
        members=over(base.members, incoming.members, "id"),
        action_plans=over(base.action_plans, incoming.action_plans, "id"),
        policy_areas=over(base.policy_areas, incoming.policy_areas, "key"),
        commitments=over(base.commitments, incoming.commitments, "id"))


def encode_snapshot(dataset: Dataset) -> bytes:
    """The dataset as gzipped canonical JSON, written one commitment at a time: the whole JSON of 6,000 commitments
    in memory at once was most of a crawl's peak (bench/crawl.py)."""
    head = json.dumps({**dataset.model_dump(mode="json", exclude_none=True, exclude={"commitments"}),
                       "commitments": []})
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6) as out:
        out.write(head[:-2].encode("utf-8"))  # up to and including '"commitments": ['
        for i, commitment in enumerate(dataset.commitments):
            out.write((b"," if i else b"") + commitment.model_dump_json(exclude_none=True).encode("utf-8"))
        out.write(b"]}")
    return buffer.getvalue()


def decode_snapshot(blob: bytes) -> Dataset:
    return validate_dataset(json.loads(gzip.decompress(blob)), "snapshot")


def _log_failure(engine: Engine, *, actor: str, kind: str, sources: list[str], error: str, version: int) -> None:
    try:
        with session_scope(engine) as session:
            line = _attempt_line(session)
            if line is None:
                session.add(DataRefresh(actor=actor, kind=kind, sources=sources, outcome="failed",
                                        error=error[:4000], finished_at=utcnow(), version_before=version,
                                        version_after=version))
            else:
                line.outcome, line.error, line.finished_at = "failed", error[:4000], utcnow()
                line.version_before = line.version_after = version
    except Exception:  # the failure itself is what matters; never hide it behind a logging error
        log.exception("could not record a failed %s", kind)


Incoming = Dataset | Callable[[Dataset], Dataset]


def _attempt_line(session: Session) -> DataRefresh | None:
    """The "running" line of the attempt this apply belongs to (see `attempt`), if any."""
    line_id = _ATTEMPT.get()
    line = session.get(DataRefresh, line_id) if line_id is not None else None
    return line if line is not None and line.outcome == "running" else None


def apply(engine: Engine, dataset: Incoming, *, actor: str = "cli", kind: str = "import",
          sources: list[str] | None = None, mode: Mode = "merge", dry_run: bool = False,
          description: str | None = None, only_if_version: int | None = None) -> LoadResult:
    """Validate and write `dataset` (merged over the stored data, or replacing it) in one transaction.

    `dataset` may be a function of the stored dataset (read under the lock), for importers that
    combine new pages with what is stored: no other writer can slip in between.

    Raises DataError (nothing written) when the result would not be a valid dataset.
    Concurrent calls are serialised by a lock on the version row. With `only_if_version`, nothing is
    written unless the stored version is that one when the lock is held (compare-and-set).
    """
    sources = sources or []
    version = 0
    try:
        with session_scope(engine) as session:
            dataset_state(session, lock=True)  # waits for any other writer
            version = current_version(session)
            if only_if_version is not None and version != only_if_version:
                session.rollback()
                return LoadResult(None, version, version, DatasetDiff([], 0))
            before = read_dataset(session)
            incoming = dataset(before) if callable(dataset) else dataset
            after = merge_datasets(before, incoming) if mode == "merge" else incoming
            problems = semantic_problems(after, ", ".join(sources) or "dataset")
            if problems:
                raise DataError(problems)
            diff = diff_datasets(before, after)
            if dry_run:
                session.rollback()
                return LoadResult(None, version, version, diff, dry_run=True)
            _check_shrink(before, after, diff, version)
            new_version = write_dataset(session, after, description=description)
            refresh = _attempt_line(session) or DataRefresh()
            refresh.actor, refresh.kind, refresh.sources, refresh.outcome = actor, kind, sources, "applied"
            refresh.counts, refresh.diff = diff.counts, [c.to_json() for c in diff.changes]
            refresh.version_before, refresh.version_after = version, new_version
            refresh.snapshot, refresh.finished_at = encode_snapshot(before), utcnow()
            session.add(refresh)
            session.flush()
            _prune_snapshots(session)
            refresh_id = refresh.id
    except (DataError, ShrinkRefused) as error:
        _log_failure(engine, actor=actor, kind=kind, sources=sources, error=str(error), version=version)
        _count(kind, "failed")
        raise
    except Exception:
        _count(kind, "error")
        raise
    log.info("%s by %s applied: version %s -> %s %s", kind, actor, version, new_version, diff.counts)
    _count(kind, "applied")
    return LoadResult(refresh_id, version, new_version, diff)


def _count(kind: str, outcome: str) -> None:
    from bot.common.metrics import refreshed  # on first use: answering questions never loads prometheus_client

    refreshed(kind, outcome)


def _prune_snapshots(session: Session) -> None:
    keep = select(col(DataRefresh.id)).where(col(DataRefresh.snapshot).is_not(None)) \
        .order_by(col(DataRefresh.id).desc()).limit(KEEP_SNAPSHOTS)
    kept = [row[0] for row in session.execute(keep)]
    if len(kept) == KEEP_SNAPSHOTS:
        session.execute(update(DataRefresh).where(col(DataRefresh.id) < min(kept))
                        .where(col(DataRefresh.snapshot).is_not(None)).values(snapshot=None))


def rollback(engine: Engine, *, actor: str = "cli") -> LoadResult:
    """Restore the data as it was before the last applied change (itself recorded, so it can be undone)."""
    with session_scope(engine) as session:
        last = session.execute(
            select(DataRefresh).where(col(DataRefresh.outcome) == "applied")
            .where(col(DataRefresh.snapshot).is_not(None))
            .order_by(col(DataRefresh.id).desc()).limit(1)).scalars().first()
        if last is None:
            raise DataError.one("rollback", "there is no earlier dataset to restore")
        snapshot, last_id = last.snapshot, last.id
    return apply(engine, decode_snapshot(snapshot), actor=actor, kind="rollback",
                 sources=[f"refresh #{last_id}"], mode="replace",
                 description=f"rollback of refresh #{last_id}")


def ensure_data(engine: Engine) -> int:
    """Load the bundled dataset into an empty database, so that a fresh install answers at once."""
    with session_scope(engine) as session:
        if current_version(session) > 0:
            return current_version(session)
    if not BUNDLED_DATASET.exists():
        log.warning("no bundled dataset at %s; the database stays empty", BUNDLED_DATASET)
        return 0
    dataset = read_dataset_file(BUNDLED_DATASET)
    # Only into a still empty database: replicas starting together load it once.
    return apply(engine, dataset, actor="startup", kind="bundle", sources=[BUNDLED_DATASET.name],
                 mode="replace", only_if_version=0).version_after
