"""/refresh: pull every source of DATA_SOURCES again (files, folders, http(s) URLs) and import them.

    outcome = await refresh(engine, sources, actor="telegram:42", partial=False, timeout=20, max_bytes=...)

Downloads use httpx with a timeout per source (covering the whole download, so a server that drips bytes
cannot hold a refresh), a size cap enforced while streaming (Content-Length is only a hint) and a bounded
number of redirects. Every source that fails is named with its reason.

- By default a refresh is all or nothing: one failed source and nothing is applied. When every source came,
  they are imported with *replace* semantics: the sources are the whole truth, so commitments they no longer
  hold are removed, and the summary says so.
- `partial=True` imports the sources that worked *over* the stored data (merge): the commitments of a source
  that failed stay as they were, and nothing is removed (a missing source proves nothing about its records).

The whole run holds bot.storage.datalock (a second refresh anywhere is told one is running); the import itself is one
transaction (bot.dataset.load.apply), so questions are answered from the old data until it commits.

Every attempt is in /history: recorded as running before the download (bot.dataset.load.start_attempt) and
finished after, so that a refresh cut by a crash or a lost database connection still shows, as interrupted
or failed. A refresh asked for by a message that a crashed process was already running (the restarted bot
is given the message again) is announced to the admin before it runs again (`on_rerun`).

A replacing refresh that would remove too much stops (bot.dataset.load.ShrinkRefused) unless `guard.allow`.
Failure reasons are written here, never an exception's text (which may quote a URL and its credentials).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

import httpx
from sqlalchemy.engine import Engine

from bot.common.i18n import N_, Translator
from bot.common.numbers import parse_number
from bot.dataset.errors import DataError
from bot.dataset.load import (
    ShrinkGuard,
    failure_text,
    finish_attempt,
    guarded,
    in_attempt,
    mark_interrupted,
    start_attempt,
)
from bot.dataset.store import current_version
from bot.importing.pipeline import ImportReport, run_import
from bot.importing.sources import READABLE, InputFile, read_paths
from bot.storage import datalock
from bot.storage.db import session_scope
from bot.storage.models import DataRefresh, utcnow

log = logging.getLogger(__name__)
MAX_REDIRECTS = 5
MAX_PARALLEL = 8
USER_AGENT = "ogp-bot/0.1 (+https://github.com/; data refresh)"
# Content types of URLs whose path has no telling extension: the importer chooses its reader by name.
_EXTENSIONS = {"application/json": ".json", "text/csv": ".csv", "application/zip": ".zip", "text/html": ".html",
               "text/plain": ".txt"}


@dataclass(frozen=True)
class SourceFailure:
    """A source that did not come, and why: a message marked for translation and its values."""

    source: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def reason(self, t: Translator | None = None) -> str:
        return t._(self.message, **self.params) if t else self.message.format(**self.params)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason()}"


@dataclass
class Fetched:
    files: list[InputFile] = field(default_factory=list)
    worked: list[str] = field(default_factory=list)  # sources that came, in the order given
    failures: list[SourceFailure] = field(default_factory=list)


@dataclass
class RefreshOutcome:
    sources: list[str]
    failures: list[SourceFailure]
    report: ImportReport | None  # None when nothing was imported (aborted, or no source came)
    partial: bool
    stale: bool = False  # a confirmed refresh whose data changed since the question: nothing done

    @property
    def aborted(self) -> bool:
        return self.report is None

    @property
    def applied(self) -> bool:
        result = self.report.result if self.report else None
        return result is not None and result.version_after != result.version_before


def is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


async def fetch_sources(sources: list[str], *, timeout: float, max_bytes: int, max_redirects: int = MAX_REDIRECTS,
                        transport: httpx.AsyncBaseTransport | None = None) -> Fetched:
    """Every source read or downloaded (at most MAX_PARALLEL at once); failures named, never raised."""
    limit = asyncio.Semaphore(MAX_PARALLEL)
    async with httpx.AsyncClient(follow_redirects=True, max_redirects=max_redirects, transport=transport,
                                 timeout=httpx.Timeout(timeout), headers={"User-Agent": USER_AGENT}) as client:

        async def one(source: str) -> list[InputFile] | SourceFailure:
            async with limit:
                if is_url(source):
                    return await _download(client, source, timeout=timeout, max_bytes=max_bytes,
                                           max_redirects=max_redirects)
                return await asyncio.to_thread(_read_local, source, max_bytes)

        results = await asyncio.gather(*(one(s) for s in sources))
    fetched = Fetched()
    for source, result in zip(sources, results, strict=True):
        if isinstance(result, SourceFailure):
            fetched.failures.append(result)
        else:
            fetched.files.extend(result)
            fetched.worked.append(source)
    return fetched


async def _download(client: httpx.AsyncClient, url: str, *, timeout: float, max_bytes: int,
                    max_redirects: int) -> list[InputFile] | SourceFailure:
    try:
        async with asyncio.timeout(timeout), client.stream("GET", url) as response:
            if response.status_code != 200:
                return SourceFailure(url, N_("the server answered HTTP {status} {reason}"),
                                     {"status": response.status_code, "reason": response.reason_phrase})
            declared = parse_number(response.headers.get("content-length", ""))
            if declared is not None and declared > max_bytes:
                return SourceFailure(url, N_("{size} bytes, over the limit of {limit} bytes"),
                                     {"size": declared, "limit": max_bytes})
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    return SourceFailure(url, N_("more than {limit} bytes, the limit"), {"limit": max_bytes})
                chunks.append(chunk)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    except (TimeoutError, httpx.TimeoutException):
        return SourceFailure(url, N_("no complete answer within {seconds} s"), {"seconds": f"{timeout:g}"})
    except httpx.TooManyRedirects:
        return SourceFailure(url, N_("more than {n} redirects (a redirect loop?)"), {"n": max_redirects})
    except httpx.HTTPError as error:
        log.info("download of a source failed: %r", error)  # the log masks secrets; the reply says it plainly
        return SourceFailure(url, download_failure(error))
    return [InputFile(_name(url, content_type), b"".join(chunks))]


def download_failure(error: BaseException) -> str:
    """Why a download failed, in the bot's words (marked for translation): never the exception's text."""
    if isinstance(error, httpx.ConnectError):
        return N_("the download failed: the server did not answer")
    if isinstance(error, httpx.TooManyRedirects):
        return N_("the download failed: too many redirects")
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return N_("the download failed: the server broke off the connection")
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return N_("the download failed: the address is not a valid http(s) URL")
    return N_("the download failed")


def _name(url: str, content_type: str) -> str:
    """The URL itself, given the extension of its content type when its path has none the importer reads."""
    suffix = PurePosixPath(urlparse(url).path).suffix.lower()
    if suffix in READABLE or content_type not in _EXTENSIONS:
        return url
    return f"{url}#{_EXTENSIONS[content_type]}"


def _read_local(source: str, max_bytes: int) -> list[InputFile] | SourceFailure:
    path = Path(source)
    if not path.exists():
        return SourceFailure(source, N_("no such file or folder"))
    try:
        if path.is_file() and path.stat().st_size > max_bytes:
            return SourceFailure(source, N_("{size} bytes, over the limit of {limit} bytes"),
                                 {"size": path.stat().st_size, "limit": max_bytes})
        files, _skipped = read_paths([path])
    except DataError as error:
        return SourceFailure(source, N_("cannot read it: {error}"),
                             {"error": "; ".join(p.reason for p in error.problems)})
    except OSError as error:
        return SourceFailure(source, N_("cannot read it: {error}"), {"error": error.strerror or str(error)})
    if not files:
        return SourceFailure(source, N_("no file the importer reads"))
    return files


def record_failure(engine: Engine, *, actor: str, kind: str, sources: list[str], error: str) -> None:
    """A data change that was refused still belongs in the history (/history): who, when, what, why."""
    with session_scope(engine) as session:
        version = current_version(session)
        session.add(DataRefresh(actor=actor, kind=kind, sources=sources, outcome="failed", error=error[:4000],
                                finished_at=utcnow(), version_before=version, version_after=version))


def run_import_logged(engine: Engine, files: list[InputFile], *, actor: str, kind: str,
                      request: dict[str, int] | None = None, guard: ShrinkGuard | None = None, **options: Any
                      ) -> ImportReport:
    """run_import as one recorded attempt (hold the data lock): its /history line is written before the work
    and finished after, whatever happens (refused files, a lost database, a crash: interrupted)."""
    mark_interrupted(engine)
    line = start_attempt(engine, actor=actor, kind=kind, sources=[f.name for f in files], request=request)
    return _import_in_attempt(engine, line, files, actor=actor, kind=kind, guard=guard, **options)


def _import_in_attempt(engine: Engine, line: int, files: list[InputFile], *, actor: str, kind: str,
                       guard: ShrinkGuard | None, **options: Any) -> ImportReport:
    try:
        with in_attempt(line), guarded(guard or ShrinkGuard(allow=True)):
            report = run_import(engine, files, actor=actor, kind=kind, **options)
    except BaseException as error:
        finish_attempt(engine, line, "failed", failure_text(error))
        raise
    finish_attempt(engine, line, "unchanged")  # when run_import found nothing to change (else apply wrote it)
    return report


async def refresh(engine: Engine, sources: list[str], *, actor: str, partial: bool = False, timeout: float = 20.0,
                  max_bytes: int, max_redirects: int = MAX_REDIRECTS,
                  transport: httpx.AsyncBaseTransport | None = None, guard: ShrinkGuard | None = None,
                  request: dict[str, int] | None = None, expect_version: int | None = None,
                  on_rerun: Callable[[], Awaitable[None]] | None = None) -> RefreshOutcome:
    """Fetch and import (see the module doc). Raises datalock.Busy when another data change is running,
    DataError (nothing applied, failure recorded) when a fetched file is refused, and
    bot.dataset.load.ShrinkRefused when it would remove too much (`guard`). `request` identifies the message
    that asked for it ({"chat": ..., "message": ...}); `on_rerun` is awaited when a crashed process was running
    that same request. With `expect_version`, nothing is done unless the data is still at that version."""
    lock = datalock.exclusive(engine)
    await asyncio.to_thread(lock.__enter__)
    try:
        interrupted = await asyncio.to_thread(mark_interrupted, engine)
        if request and on_rerun is not None and any(
                line.kind == "refresh" and line.actor == actor
                and all(line.counts.get(k) == v for k, v in request.items()) for line in interrupted):
            await on_rerun()
        if expect_version is not None and await asyncio.to_thread(_version, engine) != expect_version:
            return RefreshOutcome(sources, [], None, partial, stale=True)
        line = await asyncio.to_thread(start_attempt, engine, actor=actor, kind="refresh", sources=sources,
                                       request=request)
        try:
            fetched = await fetch_sources(sources, timeout=timeout, max_bytes=max_bytes,
                                          max_redirects=max_redirects, transport=transport)
        except BaseException as error:
            await asyncio.to_thread(finish_attempt, engine, line, "failed", failure_text(error))
            raise
        if not fetched.files or (fetched.failures and not partial):
            failures = fetched.failures or [SourceFailure(", ".join(sources), N_("no file to import"))]
            await asyncio.to_thread(finish_attempt, engine, line, "failed", "; ".join(str(f) for f in failures))
            return RefreshOutcome(sources, failures, None, partial)
        report = await asyncio.to_thread(_import_in_attempt, engine, line, fetched.files, actor=actor,
                                         kind="refresh", guard=None if partial else guard, partial=partial,
                                         replace=not partial, max_bytes=max_bytes)
        return RefreshOutcome(sources, fetched.failures, report, partial)
    finally:
        await asyncio.to_thread(lock.__exit__, None, None, None)


def _version(engine: Engine) -> int:
    with session_scope(engine) as session:
        return current_version(session)
