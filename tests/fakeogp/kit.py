"""Helpers of the crawler's tests: a crawl with test settings (no delay, state written after every page), what the
database holds, what the progress callback received."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.dataset.schema import CommitmentRecord
from bot.dataset.store import current_version, read_dataset
from bot.services.crawl import CrawlConfig, CrawlProgress, CrawlRequest, CrawlSummary, crawl
from bot.storage.models import CrawlPage, CrawlRun, DataRefresh

from .server import FakeOgpSite

CONTACT = "crawler-tests@example.org"


def config(site: FakeOgpSite, **overrides: Any) -> CrawlConfig:
    values: dict[str, Any] = {"delay": 0.0, "timeout": 10.0, "flush_every": 0.0, "progress_every": 0.0}
    values.update(overrides)
    return CrawlConfig(site.base_url, CONTACT, **values)


class Reports:
    """What the progress callback received."""

    def __init__(self) -> None:
        self.seen: list[CrawlProgress] = []

    async def __call__(self, progress: CrawlProgress) -> None:
        self.seen.append(progress)


async def run_crawl(engine: Engine, site: FakeOgpSite, *, request: CrawlRequest | None = None,
                    reports: Reports | None = None, **overrides: Any) -> CrawlSummary:
    return await crawl(engine, config(site, **overrides), request or CrawlRequest(), actor="tests",
                       on_progress=reports)


def stored(engine: Engine) -> dict[str, CommitmentRecord]:
    with Session(engine) as session:
        return {c.id: c for c in read_dataset(session).commitments}


def version(engine: Engine) -> int:
    with Session(engine) as session:
        return current_version(session)


def history(engine: Engine) -> list[DataRefresh]:
    with Session(engine) as session:
        return list(session.exec(select(DataRefresh).order_by(DataRefresh.id)).all())  # type: ignore[arg-type]


def page_states(engine: Engine) -> dict[str, str]:
    """Each address the crawler knows (by path), and its state in its run."""
    with Session(engine) as session:
        return {urlsplit(p.url).path + (f"?{urlsplit(p.url).query}" if urlsplit(p.url).query else ""): p.state
                for p in session.exec(select(CrawlPage)).all()}


def runs(engine: Engine) -> list[CrawlRun]:
    with Session(engine) as session:
        return list(session.exec(select(CrawlRun).order_by(CrawlRun.id)).all())  # type: ignore[arg-type]
