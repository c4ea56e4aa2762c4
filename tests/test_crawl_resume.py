"""A crawl stopped half-way (its task cancelled, or its process killed with SIGKILL) is resumed by the next crawl:
the same run goes on, the pages it had finished are not asked for again, and the data ends complete.

Half-way is made exact: two pages in the middle of the crawl never answer (hang faults), so both workers are held
there, every page before them done and none after them asked for."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fakeogp import FakeOgpSite, hang
from fakeogp.kit import CONTACT, history, page_states, run_crawl, runs, stored
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from bot.storage.db import make_engine

pytest_plugins = ("fakeogp.fixtures",)
ROOT = Path(__file__).resolve().parent.parent
COMMITMENT = re.compile(r"/commitments/[A-Z]{2,6}\d+/$")


def hold_two_pages(site: FakeOgpSite, at: int) -> list[str]:
    """The pages at `at` and `at + 1` in the crawl's order (the sitemap's) never answer."""
    stuck = sorted(site.allowed_paths)[at:at + 2]
    for path in stuck:
        site.faults[path] = hang()
    return stuck


def asked_since(site: FakeOgpSite, mark: int) -> set[str]:
    return {r.path for r in site.since(mark) if COMMITMENT.search(r.path)}


def changed_pages(engine: Engine) -> set[str]:
    try:
        return {path for path, state in page_states(engine).items() if state == "changed"}
    except OperationalError:  # the crawl's process has not created the tables yet
        return set()


async def until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Wait for what another process writes in the database."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.05)


async def resume_and_check(engine: Engine, site: FakeOgpSite, run_id: int, stuck: list[str]) -> None:
    applied = changed_pages(engine)
    assert applied and applied < set(site.allowed_paths)
    site.faults.clear()
    site.release.set()  # the held requests answer; nobody listens to them any more
    mark = site.mark()
    summary = await run_crawl(engine, site)
    assert (summary.status, summary.resumed, summary.run_id) == ("finished", True, run_id)
    asked = asked_since(site, mark)
    assert not asked & applied  # finished pages are not fetched again ...
    assert asked == set(site.allowed_paths) - applied and set(stuck) <= asked  # ... the others are
    assert summary.progress.fetched == len(site.allowed_paths)  # the whole run's figures
    assert set(stored(engine)) >= {p.commitment for p in site.allowed_pages}
    assert all(line.outcome != "running" for line in history(engine))
    assert [run.status for run in runs(engine)] == ["finished"]


async def test_a_cancelled_crawl_resumes_where_it_stopped(ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    stuck = hold_two_pages(ogp_site, 30)
    task = asyncio.ensure_future(run_crawl(crawl_engine, ogp_site, batch_pages=10))
    await ogp_site.wait_hung(2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    [run] = runs(crawl_engine)
    assert run.status == "interrupted" and run.id is not None
    states = page_states(crawl_engine)
    changed = {path for path, state in states.items() if state == "changed"}
    assert {p.commitment for p in ogp_site.allowed_pages if p.path in changed} == set(stored(crawl_engine))
    assert not changed & set(sorted(ogp_site.allowed_paths)[32:])  # nothing after the held pages was asked for
    await resume_and_check(crawl_engine, ogp_site, run.id, stuck)


async def test_a_crawl_killed_by_the_system_resumes_where_it_stopped(ogp_site: FakeOgpSite, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    stuck = hold_two_pages(ogp_site, 40)
    env = {**os.environ, "DATABASE_URL": url, "OGP_BASE_URL": ogp_site.base_url, "CRAWL_CONTACT": CONTACT,
           "CRAWL_DELAY_SECONDS": "0", "CRAWL_BATCH_PAGES": "10", "FETCH_TIMEOUT_SECONDS": "120",
           "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "crawl", cwd=ROOT, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    engine = make_engine(url)
    try:
        await ogp_site.wait_hung(2, timeout=120)
        # Held at the 41st page; the pages before it are applied in batches of 10 or more (fewer may wait).
        await until(lambda: len(changed_pages(engine)) > 30)
    finally:
        process.kill()  # SIGKILL: no finally, no last write
        await process.wait()
    try:
        [run] = runs(engine)
        assert run.status == "running" and run.id is not None  # as the dead process left it
        await resume_and_check(engine, ogp_site, run.id, stuck)
    finally:
        engine.dispose()
