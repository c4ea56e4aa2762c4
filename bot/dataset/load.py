"""Apply a dataset to the database: validated, one transaction, diffed, logged, reversible.

Every front end (the `import` command, the admin's /import and /refresh, the first start) goes
through `apply`, so every change of data is recorded in DataRefresh with the snapshot it replaced.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Callable
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
    return gzip.compress(dataset.model_dump_json(exclude_none=True).encode("utf-8"), compresslevel=6)


def decode_snapshot(blob: bytes) -> Dataset:
    return validate_dataset(json.loads(gzip.decompress(blob)), "snapshot")


def _log_failure(engine: Engine, *, actor: str, kind: str, sources: list[str], error: str, version: int) -> None:
    try:
        with session_scope(engine) as session:
            session.add(DataRefresh(actor=actor, kind=kind, sources=sources, outcome="failed", error=error[:4000],
                                    finished_at=utcnow(), version_before=version, version_after=version))
    except Exception:  # the failure itself is what matters; never hide it behind a logging error
        log.exception("could not record a failed %s", kind)


Incoming = Dataset | Callable[[Dataset], Dataset]


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
            new_version = write_dataset(session, after, description=description)
            refresh = DataRefresh(actor=actor, kind=kind, sources=sources, outcome="applied",
                                  counts=diff.counts, diff=[c.to_json() for c in diff.changes],
                                  version_before=version, version_after=new_version,
                                  snapshot=encode_snapshot(before), finished_at=utcnow())
            session.add(refresh)
            session.flush()
            _prune_snapshots(session)
            refresh_id = refresh.id
    except DataError as error:
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
