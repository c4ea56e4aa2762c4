"""One data change at a time, across every replica: the lock an admin's /import, /refresh and /rollback hold
while they fetch, parse and apply.

`apply` already serialises the writes themselves (SELECT ... FOR UPDATE on the version row; on SQLite, the
database's single writer with a 30 s busy wait). That lock is held only for the transaction, though, and a
refresh spends most of its time before it, downloading sources. A second admin who starts a refresh meanwhile
should be told at once that one is running, not wait for it and then apply the same sources again:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a connection of its own, taken without
  waiting. It spans every replica on the database, and PostgreSQL drops it when the connection ends, so a
  replica that dies mid-refresh never leaves it held.
- SQLite (one machine by nature): an exclusive `flock` on a file beside the database, taken without waiting;
  the kernel drops it when the process ends. In-memory databases use a lock of the process.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
ADVISORY_LOCK_ID = 0x06B7_0002  # beside bot.storage.db.MIGRATION_LOCK (0x06B7_0001)
_memory_locks: dict[int, threading.Lock] = {}


class Busy(Exception):
    """Another import, refresh or rollback holds the lock."""


@contextlib.contextmanager
def exclusive(engine: Engine) -> Iterator[None]:
    """Hold the data lock for the block; Busy at once when someone else holds it. Blocking: run it in a thread."""
    if engine.dialect.name == "postgresql":
        with _advisory(engine):
            yield
        return
    database = engine.url.database
    if database in (None, "", ":memory:"):
        lock = _memory_locks.setdefault(id(engine), threading.Lock())
        if not lock.acquire(blocking=False):
            raise Busy
        try:
            yield
        finally:
            lock.release()
        return
    with _lock_file(Path(database).with_name(Path(database).name + ".datalock")):
        yield


@contextlib.contextmanager
def _advisory(engine: Engine) -> Iterator[None]:
    connection = engine.connect()
    try:
        taken = connection.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID}).scalar()
        connection.commit()  # the lock is the session's, not the transaction's: end the transaction, keep it
        if not taken:
            raise Busy
        try:
            yield
        finally:
            try:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": ADVISORY_LOCK_ID})
                connection.commit()
            except Exception:  # never hand a connection still holding the lock back to the pool
                log.exception("could not release the data lock: closing its connection instead")
                connection.invalidate()
    finally:
        connection.close()


@contextlib.contextmanager
def _lock_file(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
