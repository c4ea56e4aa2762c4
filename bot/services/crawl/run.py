"""A crawl of the OGP website, from robots.txt to the data applied.

    summary = await crawl(engine, CrawlConfig.from_settings(settings), CrawlRequest(members=("france",)),
                          actor="telegram:42", on_progress=show)

1. The data lock (bot.storage.datalock, the lock of imports, refreshes and rollbacks) is held throughout: a second
   crawl, or an import meanwhile, is told one is running (datalock.Busy).
2. The run: the unfinished one of the same scope is resumed (its frontier is in the database), unless `restart`.
3. robots.txt is read (its rules, Crawl-delay and sitemaps); unreachable, the crawl does not run.
4. A new run starts from the sitemaps (robots.txt's, and /sitemap.xml) and, for the members asked for, their member
   and listing pages. Two workers fetch (fetch.Fetcher: paced, bounded, conditional); sitemaps, member and listing
   pages add the pages they lead to (discovery); commitment pages whose content changed wait for the applier.
5. The applier imports the changed pages in batches (batches.apply_batch: one transaction and one line of /history
   each) while the workers go on: a batch has at least `batch_pages` pages (but the last), and takes every page
   that came in meanwhile, up to `batch_max_pages`. Each apply rewrites the dataset, so its cost is the dataset's
   size more than the batch's: on a fast site, batches grow rather than pile up.
6. Every result is kept (state.Ledger, written in batches); the run ends finished, or paused at `max_pages`
   (resumable), or interrupted when cancelled (resumable). Progress goes to `on_progress`, at most every
   `progress_every` seconds, and once more at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

import httpx
from sqlalchemy.engine import Engine

from bot.dataset.diff import CommitmentChange
from bot.dataset.load import mark_interrupted
from bot.services.crawl import state
from bot.services.crawl.batches import BatchOutcome, ChangedPage, apply_batch
from bot.services.crawl.discovery import Scope, links_in_html, sitemap_links
from bot.services.crawl.fetch import Accept, Answer, Fetcher
from bot.services.crawl.progress import CrawlProgress, CrawlSummary, fold_changes
from bot.services.crawl.robots import PRODUCT, Robots, missing, parse_robots
from bot.services.crawl.urls import LANGS, Kind, Place, Site, member_pages, public_url
from bot.services.refresh import SourceFailure
from bot.storage import datalock
from bot.storage.models import utcnow

if TYPE_CHECKING:
    from bot.common.config import Settings

log = logging.getLogger(__name__)
ProgressCallback = Callable[[CrawlProgress], Awaitable[None]]
VERSION = "0.1"


class NotConfigured(Exception):
    """The crawl may not run as configured (no CRAWL_CONTACT): the message says what to set."""


def user_agent(contact: str) -> str:
    return f"{PRODUCT}/{VERSION} (+{contact}; OGP commitment crawler)"


@dataclass(frozen=True)
class CrawlConfig:
    base_url: str
    contact: str
    delay: float = 1.0
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    max_retry_after: float = 120.0
    retries: int = 3
    concurrency: int = 2
    batch_pages: int = 50
    batch_max_pages: int = 1000
    batch_max_bytes: int = 64 * 1024 * 1024
    progress_every: float = 5.0
    flush_every: float = 1.0  # seconds between two writes of the crawl's state (0: after every page)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: float) -> CrawlConfig:
        if not settings.crawl_contact:
            raise NotConfigured("CRAWL_CONTACT is empty: set it to an e-mail address or URL where the OGP site's "
                                "owners can reach you (it goes in the crawler's User-Agent)")
        values = {"delay": settings.crawl_delay_seconds, "timeout": settings.fetch_timeout_seconds,
                  "max_bytes": settings.crawl_max_page_bytes, "batch_pages": settings.crawl_batch_pages,
                  "max_retry_after": settings.crawl_max_retry_after_seconds,
                  "progress_every": settings.crawl_progress_seconds, **overrides}
        return cls(settings.ogp_base_url, settings.crawl_contact, **values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CrawlRequest:
    """What to crawl: members (slugs; None: every one), languages (None: en, fr and es), at most `max_pages`
    commitment pages in this go (the run then pauses: the next crawl continues it), or a new run (`restart`)."""

    members: tuple[str, ...] | None = None
    langs: tuple[str, ...] | None = None
    max_pages: int | None = None
    restart: bool = False

    def scope(self) -> Scope | None:
        """None when nothing was asked for: any unfinished run will do."""
        if not self.members and self.langs is None:
            return None
        return Scope(frozenset(self.members) if self.members else None, self.langs or LANGS)


async def crawl(engine: Engine, config: CrawlConfig, request: CrawlRequest, *, actor: str = "cli",
                on_progress: ProgressCallback | None = None,
                transport: httpx.AsyncBaseTransport | None = None) -> CrawlSummary:
    """Crawl (see the module doc). Raises datalock.Busy when another data change runs; errors of the database
    propagate (the run stays resumable); everything the site does wrong is in the summary."""
    return await _Crawl(engine, config, request, actor, on_progress, transport).run()


class _Frontier:
    """Addresses left to visit: sitemaps first, then member and listing pages, then commitment pages."""

    def __init__(self) -> None:
        self._queues: tuple[deque[Place], deque[Place], deque[Place]] = (deque(), deque(), deque())

    def push(self, place: Place) -> None:
        self._queues[place.priority].append(place)

    def pop(self, *, commitments: bool) -> Place | None:
        for queue in self._queues[:3 if commitments else 2]:
            if queue:
                return queue.popleft()
        return None

    def has(self, *, commitments: bool) -> bool:
        return any(self._queues[:3 if commitments else 2])

    @property
    def commitments(self) -> int:
        return len(self._queues[2])

    def __len__(self) -> int:
        return sum(len(q) for q in self._queues)


class _Crawl:
    def __init__(self, engine: Engine, config: CrawlConfig, request: CrawlRequest, actor: str,
                 on_progress: ProgressCallback | None, transport: httpx.AsyncBaseTransport | None) -> None:
        self.engine, self.config, self.request, self.actor = engine, config, request, actor
        self.on_progress, self.transport = on_progress, transport
        self.site = Site(config.base_url)
        self.frontier = _Frontier()
        self.cond = asyncio.Condition()
        self.active = 0
        self.waiting: list[ChangedPage] = []  # changed commitment pages not yet handed to the applier
        self.waiting_bytes = 0
        self.fetched_here = 0  # commitment pages asked for by this process (max_pages)
        self.changes: dict[str, CommitmentChange] = {}
        self.partial: dict[str, None] = {}
        self.version_before: int | None = None
        self.version_after: int | None = None
        self.applied_lines: list[int] = []
        self.failures: dict[str, SourceFailure] = {}
        self.counts: dict[str, int] = {}
        self.started = time.monotonic()
        self.last_report = -math.inf
        self.report_task: asyncio.Task[None] | None = None
        self.last_flush = time.monotonic()
        self.flush_lock = asyncio.Lock()
        self.flush_task: asyncio.Task[None] | None = None
        self.applying: asyncio.Future[BatchOutcome] | None = None
        self.applying_batch: list[ChangedPage] = []
        self.robots: Robots = missing()
        self.ledger: state.Ledger
        self.fetcher: Fetcher

    # -- the run ------------------------------------------------------------------------------------------------

    async def run(self) -> CrawlSummary:
        lock = datalock.exclusive(self.engine)
        await asyncio.to_thread(lock.__enter__)
        try:
            return await self._locked()
        finally:
            await asyncio.shield(asyncio.to_thread(lock.__exit__, None, None, None))

    async def _locked(self) -> CrawlSummary:
        await asyncio.to_thread(mark_interrupted, self.engine)
        run, pages = await asyncio.to_thread(state.open_run, self.engine, base_url=self.site.base_url,
                                             scope=self.request.scope(), actor=self.actor,
                                             restart=self.request.restart)
        self.ledger = state.Ledger(self.engine, run, pages)
        await asyncio.to_thread(state.forget_stale, self.engine, self.ledger)
        self.counts = state.run_counts(self.ledger)
        self.failures = {f.source: f for f in state.failures_of(self.ledger)}
        if run.resumed:
            await asyncio.to_thread(self._fold_earlier_batches)
        log.info("crawl #%s %s: %s", run.id, "resumed" if run.resumed else "started", run.scope.describe())
        try:
            async with Fetcher(self.site, user_agent=user_agent(self.config.contact), delay=self.config.delay,
                               timeout=self.config.timeout, max_bytes=self.config.max_bytes,
                               max_redirects=self.config.max_redirects, max_retry_after=self.config.max_retry_after,
                               retries=self.config.retries, concurrency=self.config.concurrency,
                               transport=self.transport) as self.fetcher:
                robots = await self._read_robots()
                if isinstance(robots, SourceFailure):
                    return await self._end("failed", error=robots)
                self.robots = robots
                self.fetcher.pacer.delay = max(self.config.delay, robots.crawl_delay or 0.0)
                for place in run.frontier if run.resumed else self._seeds():
                    self._enqueue(place, queued=run.resumed)
                await asyncio.gather(*(self._worker() for _ in range(self.config.concurrency)), self._applier())
        except BaseException:
            await asyncio.shield(self._interrupted())
            raise
        paused = self.frontier.commitments > 0
        return await self._end("paused" if paused else "finished")

    async def _read_robots(self) -> Robots | SourceFailure:
        url = self.site.url("/robots.txt")
        answer = await self.fetcher.get(url, Accept.TEXT, any_status=True)
        if isinstance(answer, SourceFailure):  # a 5xx or no answer: RFC 9309 says crawl nothing for now
            return answer
        if answer.status == 200:
            return parse_robots(answer.body.decode("utf-8", "replace"))
        return missing()  # a 4xx: there is no robots.txt

    def _seeds(self) -> list[Place]:
        seeds = [self.site.place(url, sitemap=True) for url in [*self.robots.sitemaps, self.site.url("/sitemap.xml")]]
        places = [p for p in seeds if p is not None and p.kind is Kind.SITEMAP]
        scope = self.ledger.run.scope
        for member in sorted(scope.members or ()):
            places.extend(member_pages(self.site, member, scope.langs))
        return places

    def _enqueue(self, place: Place, *, queued: bool = False) -> None:
        """Into the frontier, if the scope wants it and robots.txt allows it (`queued`: it is in the frontier of
        the resumed run already; robots.txt may have changed since)."""
        if not self.ledger.run.scope.wants(place):
            return
        if not self.robots.allows(place.url):
            if queued:
                self.ledger.update(place.url, state="disallowed")
                self.counts["disallowed"] += 1
                if place.kind is Kind.COMMITMENT:
                    self.counts["seen"] -= 1
            elif self.ledger.add(place, "disallowed"):
                self.counts["disallowed"] += 1
            return
        if queued:
            self.frontier.push(place)
        elif self.ledger.add(place):
            self.frontier.push(place)
            if place.kind is Kind.COMMITMENT:
                self.counts["seen"] += 1

    # -- fetching -----------------------------------------------------------------------------------------------

    def _may_fetch_commitments(self) -> bool:
        limit = self.request.max_pages
        return limit is None or self.fetched_here < limit

    def _backlogged(self) -> bool:
        return len(self.waiting) >= self.config.batch_max_pages or self.waiting_bytes >= self.config.batch_max_bytes

    def _can_go_on(self) -> bool:
        if self.frontier.has(commitments=self._may_fetch_commitments()):
            return not self._backlogged()
        return self.active == 0

    async def _worker(self) -> None:
        while True:
            async with self.cond:
                await self.cond.wait_for(self._can_go_on)
                place = self.frontier.pop(commitments=self._may_fetch_commitments())
                if place is None:  # nothing left that may be fetched, and nobody fetching who could add some
                    self.cond.notify_all()
                    return
                self.active += 1
                if place.kind is Kind.COMMITMENT:
                    self.fetched_here += 1
            try:
                await self._visit(place)
            finally:
                async with self.cond:
                    self.active -= 1
                    self.cond.notify_all()
            self._flush_soon()
            self._report_if_due()

    async def _visit(self, place: Place) -> None:
        record = self.ledger.pages[place.url]
        # Validators are sent only when a 304 can be acted on: the content (or the links) it stands for is known.
        usable = record.content_hash is not None
        accept = Accept.XML if place.kind is Kind.SITEMAP else Accept.HTML
        answer = await self.fetcher.get(place.url, accept, record.validators if usable else None)
        fetched_at = utcnow()
        if isinstance(answer, SourceFailure):
            self._failed(place, answer, fetched_at)
        elif place.kind is Kind.COMMITMENT:
            await self._commitment_page(place, answer, fetched_at)
        else:
            self._discovery_page(place, answer, fetched_at)

    def _discovery_page(self, place: Place, answer: Answer, fetched_at: datetime) -> None:
        if answer.status == 304:
            links = self.ledger.pages[place.url].links
        else:
            found = sitemap_links(answer.body, self.site, max_bytes=self.config.max_bytes) \
                if place.kind is Kind.SITEMAP else links_in_html(answer.body, answer.url, self.site)
            links = [p.url for p in found]
            self.ledger.update(place.url, content_hash=hashlib.sha256(answer.body).hexdigest())
        self.ledger.update(place.url, state="done", links=links, etag=answer.validators.etag,
                           last_modified=answer.validators.last_modified, failure={}, fetched_at=fetched_at)
        for url in links:
            linked = self.site.place(url, sitemap=place.kind is Kind.SITEMAP)
            if linked is not None:
                self._enqueue(linked)

    async def _commitment_page(self, place: Place, answer: Answer, fetched_at: datetime) -> None:
        self.counts["fetched"] += 1
        record = self.ledger.pages[place.url]
        digest = hashlib.sha256(answer.body).hexdigest() if answer.status == 200 else None
        if answer.status == 304 or digest == record.content_hash:
            self.counts["unchanged"] += 1
            self.ledger.update(place.url, state="unchanged", etag=answer.validators.etag,
                               last_modified=answer.validators.last_modified, failure={}, fetched_at=fetched_at)
            return
        assert digest is not None
        self.counts["changed"] += 1
        final = self.site.place(answer.url)
        source = public_url(final.url if final is not None and final.kind is Kind.COMMITMENT else place.url)
        async with self.cond:
            self.waiting.append(ChangedPage(place, answer.body, answer.validators, digest, fetched_at, source))
            self.waiting_bytes += len(answer.body)
            self.cond.notify_all()

    def _failed(self, place: Place, failure: SourceFailure, fetched_at: datetime) -> None:
        log.info("crawl: %s", failure)
        if place.kind is Kind.COMMITMENT:
            self.counts["fetched"] += 1
        self.counts["failed"] += 1
        self.failures[place.url] = failure
        self.ledger.update(place.url, state="failed", failure=state.copy_failure(failure), fetched_at=fetched_at)

    # -- applying -----------------------------------------------------------------------------------------------

    def _fetching_over(self) -> bool:
        """No worker will hand over more pages: the frontier is spent (or holds only what max_pages keeps back)."""
        return self.active == 0 and not self.frontier.has(commitments=self._may_fetch_commitments())

    def _batch_ready(self) -> bool:
        return len(self.waiting) >= self.config.batch_pages or self._backlogged() or self._fetching_over()

    async def _applier(self) -> None:
        while True:
            async with self.cond:
                await self.cond.wait_for(self._batch_ready)
                if not self.waiting:
                    return
                batch: list[ChangedPage] = []
                size = 0
                while self.waiting and len(batch) < self.config.batch_max_pages \
                        and (not batch or size + len(self.waiting[0].body) <= self.config.batch_max_bytes):
                    page = self.waiting.pop(0)
                    batch.append(page)
                    size += len(page.body)
                self.waiting_bytes -= size
                self.cond.notify_all()  # room for the workers again
            self.applying_batch = batch
            self.applying = asyncio.ensure_future(asyncio.to_thread(
                apply_batch, self.engine, batch, actor=self.actor, max_bytes=self.config.max_bytes))
            outcome = await asyncio.shield(self.applying)
            self.applying = None
            await self._record(batch, outcome)

    async def _record(self, batch: list[ChangedPage], outcome: BatchOutcome) -> None:
        self.ledger.run.refresh_ids.append(outcome.line)
        result = outcome.report.result if outcome.report else None
        if result is not None:
            if self.version_before is None:
                self.version_before = result.version_before
            self.version_after = result.version_after
            if result.version_after != result.version_before:
                self.applied_lines.append(outcome.line)
                fold_changes(self.changes, result.changes)
        if outcome.report is not None:
            self.partial.update(dict.fromkeys(outcome.report.partial_records))
        for page in batch:
            refused = outcome.refused.get(page.place.url)
            if refused is not None:
                self.counts["changed"] -= 1
                self._failed(page.place, refused, page.fetched_at)
                self.counts["fetched"] -= 1  # counted when it was fetched
                continue
            self.ledger.update(page.place.url, state="changed", etag=page.validators.etag,
                               last_modified=page.validators.last_modified, content_hash=page.content_hash,
                               refresh_id=outcome.line, failure={}, fetched_at=page.fetched_at)
        await self._flush()
        self._report_if_due()

    def _fold_earlier_batches(self) -> None:
        """A resumed run reports what its earlier processes applied too (their lines of /history)."""
        for line, version_before, version_after, changes in state.batch_changes(self.engine,
                                                                                self.ledger.run.refresh_ids):
            if self.version_before is None:
                self.version_before = version_before
            self.version_after = version_after
            if version_after != version_before:
                self.applied_lines.append(line)
                fold_changes(self.changes, changes)

    # -- keeping state, reporting -------------------------------------------------------------------------------

    def _flush_soon(self) -> None:
        """Write the results so far in the background when it is time: a worker never waits for the database
        (on SQLite, a write waits while a batch is being applied)."""
        if self.flush_task is not None and self.flush_task.done():
            self.flush_task.result()  # a write that failed stops the crawl
            self.flush_task = None
        if self.flush_task is not None or not self.ledger.unsaved:
            return
        if self.ledger.unsaved >= 500 or time.monotonic() - self.last_flush >= self.config.flush_every:
            self.flush_task = asyncio.ensure_future(self._flush())

    async def _flush(self) -> None:
        """Write every result so far, and the run's figures (one transaction)."""
        async with self.flush_lock:
            self.ledger.run_counts = dict(self.counts)
            inserts, updates, run = self.ledger.take()
            await asyncio.shield(asyncio.to_thread(self.ledger.write, inserts, updates, run))
            self.last_flush = time.monotonic()

    def progress(self) -> CrawlProgress:
        elapsed = time.monotonic() - self.started
        counts = self.counts
        left = max(0, counts["seen"] - counts["fetched"]) + len(self.frontier) - self.frontier.commitments
        if self.request.max_pages is not None:
            left = min(left, max(0, self.request.max_pages - self.fetched_here))
        # The pace so far, once there is enough of it to go by.
        rate = self.fetcher.requests / elapsed if self.fetcher.requests >= 10 and elapsed > 0 else 0.0
        return CrawlProgress(seen=counts["seen"], fetched=counts["fetched"], unchanged=counts["unchanged"],
                             changed=counts["changed"], failed=counts["failed"], disallowed=counts["disallowed"],
                             batches=len(self.applied_lines), requests=self.fetcher.requests, elapsed_seconds=elapsed,
                             eta_seconds=left / rate if rate > 0 else None, resumed=self.ledger.run.resumed)

    def _report_if_due(self) -> None:
        if self.on_progress is None or (self.report_task is not None and not self.report_task.done()):
            return
        if time.monotonic() - self.last_report < self.config.progress_every:
            return
        self.last_report = time.monotonic()
        self.report_task = asyncio.ensure_future(self._report(self.progress()))

    async def _report(self, progress: CrawlProgress) -> None:
        assert self.on_progress is not None
        try:
            await self.on_progress(progress)
        except Exception:  # a progress message that failed must not stop the crawl
            log.exception("crawl progress callback failed")

    # -- ending -------------------------------------------------------------------------------------------------

    async def _end(self, status: str, *, error: SourceFailure | None = None) -> CrawlSummary:
        if self.flush_task is not None:
            await self.flush_task
        await self._flush()
        await asyncio.to_thread(state.finish_run, self.engine, self.ledger.run.id, status, counts=dict(self.counts),
                                refresh_ids=list(self.ledger.run.refresh_ids), error=str(error) if error else None)
        final = replace(self.progress(), eta_seconds=0.0)
        if self.report_task is not None:
            await self.report_task
        if self.on_progress is not None:
            await self._report(final)
        log.info("crawl #%s %s: %s", self.ledger.run.id, status, self.counts)
        return CrawlSummary(run_id=self.ledger.run.id, status=status, resumed=self.ledger.run.resumed,
                            progress=final, changes=sorted(self.changes.values(),
                                                                        key=lambda c: c.commitment),
                            version_before=self.version_before, version_after=self.version_after,
                            batches=list(self.ledger.run.refresh_ids), applied_batches=list(self.applied_lines),
                            partial=sorted(self.partial),
                            failures=list(self.failures.values()), error=error)

    async def _interrupted(self) -> None:
        """Cancelled, or an error: what is done is kept, and the run stays resumable."""
        if self.applying is not None:  # a batch being applied commits anyway: wait for it, and note its pages
            try:
                outcome = await self.applying
            except Exception:
                log.exception("crawl: the batch being applied failed")
            else:
                await self._record(self.applying_batch, outcome)
        try:
            await self._flush()
            await asyncio.to_thread(state.finish_run, self.engine, self.ledger.run.id, "interrupted",
                                    counts=dict(self.counts), refresh_ids=list(self.ledger.run.refresh_ids))
        except Exception:
            log.exception("crawl: could not save the state of an interrupted crawl")
        if self.report_task is not None:
            self.report_task.cancel()

