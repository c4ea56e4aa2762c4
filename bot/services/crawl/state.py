"""What a crawl keeps in the database, so that the next one asks only for what changed and a killed one resumes:
the run (CrawlRun) and every address (CrawlPage: its validators, content hash, links, and its state in the
run's frontier).

`open_run` starts a crawl (resuming the unfinished one of the same scope); `Ledger` holds every address in memory
and writes what changed in batches, each write one transaction (`Ledger.flush`), so a crawl killed between two
writes loses at most the results since the last one (they are fetched again, nothing else). Validators and hash
of a commitment page are written only once its content is applied: a crash before that fetches it again in full.

Validators are trusted while the data they produced is there: `forget_stale` clears them for pages whose batch an
admin rolled back, or whose commitment is gone (a replacing /refresh removed it), so the next crawl downloads
those in full and imports them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from bot.dataset.diff import CommitmentChange
from bot.services.crawl.discovery import Scope
from bot.services.crawl.fetch import Validators
from bot.services.crawl.urls import Kind, Place
from bot.services.refresh import SourceFailure
from bot.storage.db import session_scope
from bot.storage.models import Commitment, CrawlPage, CrawlRun, DataRefresh, table_of, utcnow

RESUMABLE = ("running", "paused", "interrupted")
_ROLLED_BACK = re.compile(r"^refresh #(\d+)$")  # how bot.dataset.load.rollback names what it undoes
_COLUMNS = ("kind", "lang", "member", "commitment", "run_id", "state", "etag", "last_modified", "content_hash",
            "links", "refresh_id", "failure", "fetched_at")


@dataclass
class PageRecord:
    """One CrawlPage row, held in memory during a crawl."""

    url: str
    kind: str
    lang: str = "en"
    member: str | None = None
    commitment: str | None = None
    run_id: int | None = None
    state: str = "pending"
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    links: list[str] = field(default_factory=list)
    refresh_id: int | None = None
    failure: dict[str, Any] = field(default_factory=dict)
    fetched_at: datetime | None = None

    @property
    def place(self) -> Place:
        return Place(self.url, Kind(self.kind), self.lang, self.member, self.commitment)

    @property
    def validators(self) -> Validators | None:
        if not (self.etag or self.last_modified):
            return None
        return Validators(self.etag, self.last_modified)

    def forget(self) -> None:
        """Download it in full next time."""
        self.etag = self.last_modified = self.content_hash = None
        self.links = []

    def row(self) -> dict[str, Any]:
        return {"url": self.url, **{name: getattr(self, name) for name in _COLUMNS}}


@dataclass
class RunInfo:
    id: int
    resumed: bool
    scope: Scope
    refresh_ids: list[int]
    frontier: list[Place]  # what is left to visit (a new run: nothing yet, the caller seeds it)


class Ledger:
    """Every known address, in memory; `flush` writes those changed since the last flush, in one transaction."""

    def __init__(self, engine: Engine, run: RunInfo, pages: dict[str, PageRecord]) -> None:
        self.engine, self.run, self.pages = engine, run, pages
        self._new: set[str] = set()
        self._dirty: set[str] = set()
        self.run_counts: dict[str, int] = {}

    @property
    def unsaved(self) -> int:
        return len(self._new) + len(self._dirty)

    def add(self, place: Place, state: str = "pending") -> bool:
        """Put `place` in this run's frontier (or mark it `state`); False when the run has it already."""
        record = self.pages.get(place.url)
        if record is not None and record.run_id == self.run.id:
            return False
        if record is None:
            record = self.pages[place.url] = PageRecord(place.url, place.kind.value)
            self._new.add(place.url)
        else:
            self._dirty.add(place.url)
        record.kind, record.lang, record.member = place.kind.value, place.lang, place.member
        record.commitment, record.run_id, record.state = place.commitment, self.run.id, state
        return True

    def update(self, url: str, **values: Any) -> PageRecord:
        record = self.pages[url]
        for name, value in values.items():
            setattr(record, name, value)
        if url not in self._new:
            self._dirty.add(url)
        return record

    def take(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
        """What to write, copied now (the crawl goes on changing the records while a thread writes)."""
        inserts = [self.pages[url].row() for url in self._new]
        updates = [{"b_url": row.pop("url"), **row} for row in (self.pages[url].row() for url in self._dirty)]
        self._new, self._dirty = set(), set()
        return inserts, updates, {"counts": dict(self.run_counts), "refresh_ids": list(self.run.refresh_ids)}

    def write(self, inserts: list[dict[str, Any]], updates: list[dict[str, Any]], run: dict[str, Any]) -> None:
        """Blocking: run it in a thread."""
        table = table_of(CrawlPage)
        with session_scope(self.engine) as session:
            if inserts:
                session.execute(insert(table), inserts)
            if updates:
                statement = update(table).where(table.c.url == bindparam("b_url")).values(
                    {name: bindparam(name) for name in _COLUMNS})
                session.connection().execute(statement, updates)
            session.execute(update(table_of(CrawlRun)).where(table_of(CrawlRun).c.id == self.run.id).values(**run))


def open_run(engine: Engine, *, base_url: str, scope: Scope | None, actor: str, restart: bool
             ) -> tuple[RunInfo, dict[str, PageRecord]]:
    """The crawl to work on: the unfinished one of the same site and scope (`scope` None: whatever its scope),
    unless `restart`; else a new one (an unfinished one of another scope is abandoned). Call it holding the data
    lock: a run still "running" then belongs to a process that died. Returns the run and every known address."""
    with session_scope(engine) as session:
        runs = session.execute(select(CrawlRun).where(col(CrawlRun.status).in_(RESUMABLE))
                               .order_by(col(CrawlRun.id).desc())).scalars().all()
        resumable = None
        for run in runs:
            same = run.base_url == base_url and (scope is None or _scope_of(run) == scope)
            if resumable is None and same and not restart:
                resumable = run
            else:
                run.status, run.finished_at = "abandoned", utcnow()
        if resumable is not None:
            resumable.status = "running"
            info = RunInfo(_id(resumable), True, _scope_of(resumable), list(resumable.refresh_ids), [])
        else:
            scope = scope or Scope()
            run = CrawlRun(actor=actor, base_url=base_url, members=sorted(scope.members or ()),
                           langs=list(scope.langs))
            session.add(run)
            session.flush()
            info = RunInfo(_id(run), False, scope, [], [])
    pages = _read_pages(engine)
    if info.resumed:
        pending = [p for p in pages.values() if p.run_id == info.id and p.state == "pending"]
        info.frontier = sorted((p.place for p in pending), key=lambda place: place.priority)
    return info, pages


def _id(run: CrawlRun) -> int:
    assert run.id is not None
    return run.id


def _scope_of(run: CrawlRun) -> Scope:
    return Scope(frozenset(run.members) if run.members else None, tuple(run.langs))


def _read_pages(engine: Engine) -> dict[str, PageRecord]:
    table = table_of(CrawlPage)
    with session_scope(engine) as session:
        rows = session.execute(select(table)).mappings()
        return {row["url"]: PageRecord(**row) for row in rows}


def forget_stale(engine: Engine, ledger: Ledger) -> int:
    """Clear the validators of commitment pages whose applied content is no longer in the data (see the module
    doc); returns how many."""
    with session_scope(engine) as session:
        stored = {row[0] for row in session.execute(select(col(Commitment.id)))}
        undone: set[int] = set()
        for (sources,) in session.execute(select(col(DataRefresh.sources)).where(col(DataRefresh.kind) == "rollback")
                                          .where(col(DataRefresh.outcome) == "applied")):
            for source in sources or []:
                match = _ROLLED_BACK.match(str(source))
                if match:
                    undone.add(int(match.group(1)))
    count = 0
    for record in ledger.pages.values():
        if record.kind != Kind.COMMITMENT or record.content_hash is None:
            continue
        if record.refresh_id in undone or (record.commitment and record.commitment not in stored):
            record.forget()
            ledger.update(record.url)
            count += 1
    return count


def run_counts(ledger: Ledger) -> dict[str, int]:
    """The run's figures from its addresses (a resumed run counts what its earlier processes did)."""
    counts = {"seen": 0, "unchanged": 0, "changed": 0, "failed": 0, "disallowed": 0}
    for record in ledger.pages.values():
        if record.run_id != ledger.run.id:
            continue
        if record.kind == Kind.COMMITMENT and record.state != "disallowed":
            counts["seen"] += 1
        if record.state in counts:
            counts[record.state] += 1
    counts["fetched"] = sum(1 for r in ledger.pages.values() if r.run_id == ledger.run.id
                            and r.kind == Kind.COMMITMENT and r.state in ("unchanged", "changed", "failed"))
    return counts


def failures_of(ledger: Ledger) -> list[SourceFailure]:
    return [SourceFailure(r.url, str(r.failure.get("message", "")), dict(r.failure.get("params", {})))
            for r in ledger.pages.values() if r.run_id == ledger.run.id and r.state == "failed"]


def finish_run(engine: Engine, run_id: int, status: str, *, counts: dict[str, int], refresh_ids: list[int],
               error: str | None = None) -> None:
    with session_scope(engine) as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            return
        run.status, run.counts, run.refresh_ids = status, counts, refresh_ids
        run.error = error[:1000] if error else None
        if status not in RESUMABLE:
            run.finished_at = utcnow()


def batch_changes(engine: Engine, lines: list[int]
                  ) -> list[tuple[int, int | None, int | None, list[CommitmentChange]]]:
    """(line, version before, version after, changes) of each of these lines of /history, in order."""
    if not lines:
        return []
    with session_scope(engine) as session:
        rows = session.execute(select(col(DataRefresh.id), col(DataRefresh.outcome), col(DataRefresh.version_before),
                                      col(DataRefresh.version_after), col(DataRefresh.diff))
                               .where(col(DataRefresh.id).in_(lines)).order_by(col(DataRefresh.id))).all()
    return [(line, before, after, [CommitmentChange.from_json(d) for d in diff or []] if outcome == "applied" else [])
            for line, outcome, before, after, diff in rows]


def copy_failure(failure: SourceFailure) -> dict[str, Any]:
    return {"message": failure.message, "params": dict(failure.params)}

