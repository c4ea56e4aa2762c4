"""The crawler against the fake OGP site (tests/fakeogp): what a first crawl imports, what a second one asks for
(only 304s), a page that changed, rollback, scope (members, languages), discovery without sitemaps, the page limit,
the data lock, robots.txt, and one run on PostgreSQL."""

from __future__ import annotations

import asyncio
import re
import threading
from datetime import UTC, datetime

import pytest
from fakeogp import PUBLIC_SITE, FakeOgpSite, fixture_pages, hang, status
from fakeogp.kit import Reports, history, run_crawl, stored, version
from fakeogp.server import LISTING_PAGE_SIZE
from sqlalchemy.engine import Engine

from bot.dataset.load import rollback
from bot.services.crawl import CrawlRequest, choose_members
from bot.services.crawl.report import render_summary
from bot.storage import datalock

pytest_plugins = ("fakeogp.fixtures",)
COMMITMENT = re.compile(r"/commitments/[A-Z]{2,6}\d+/$")
FR0045 = "/members/france/commitments/FR0045/"


def commitment_requests(site: FakeOgpSite, since: int = 0) -> list[str]:
    return [r.path for r in site.since(since) if COMMITMENT.search(r.path)]


def now() -> datetime:
    return datetime.now(UTC)


async def test_a_first_crawl_imports_every_allowed_page_and_not_the_disallowed_one(
        ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    started, reports = now().replace(microsecond=0), Reports()
    summary = await run_crawl(crawl_engine, ogp_site, reports=reports)
    ended = now()
    allowed = [p for p in ogp_site.pages if p.path != ogp_site.disallowed]
    assert (summary.status, summary.error, summary.failures) == ("finished", None, [])
    p = summary.progress
    assert (p.seen, p.fetched, p.changed, p.unchanged, p.failed, p.disallowed) == \
        (len(allowed), len(allowed), len(allowed), 0, 0, 1)
    assert sorted(commitment_requests(ogp_site)) == sorted(page.path for page in allowed)
    assert ogp_site.disallowed not in {r.path for r in ogp_site.requests}
    records = stored(crawl_engine)
    assert set(records) == {page.commitment for page in allowed}
    assert summary.added == len(records) and summary.applied
    for page in allowed:  # each record cites the page it was read from, and when it was fetched
        record = records[page.commitment]
        assert record.urls[page.lang] == PUBLIC_SITE + page.path
        assert record.retrieved_at is not None and started <= record.retrieved_at <= ended
    lines = history(crawl_engine)
    assert [line.id for line in lines] == summary.batches and len(lines) >= 2  # batches of at least 50 pages
    assert {(line.kind, line.outcome, line.actor) for line in lines} == {("crawl", "applied", "tests")}
    assert sum(line.counts["added"] for line in lines) == len(records)
    assert reports.seen and reports.seen[-1] == summary.progress
    assert any(r.eta_seconds for r in reports.seen[:-1])  # an estimate while it ran


async def test_a_second_crawl_with_nothing_changed_gets_only_304s_and_changes_nothing(
        ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    first = await run_crawl(crawl_engine, ogp_site)
    lines, data_version = [line.id for line in history(crawl_engine)], version(crawl_engine)
    mark = ogp_site.mark()
    summary = await run_crawl(crawl_engine, ogp_site)
    requests = ogp_site.since(mark)
    assert [r.path for r in requests if r.status != 304] == ["/robots.txt"]  # read again: its rules may change
    assert all(r.conditional for r in requests if r.path != "/robots.txt")
    assert len(commitment_requests(ogp_site, mark)) == first.progress.seen
    p = summary.progress
    assert (p.seen, p.fetched, p.unchanged, p.changed, p.failed) == (first.progress.seen,) * 3 + (0, 0)
    assert not summary.applied and summary.batches == [] and summary.changes == []
    assert [line.id for line in history(crawl_engine)] == lines and version(crawl_engine) == data_version
    assert render_summary(summary, "en").splitlines()[-1] == "Nothing to change in the data."


async def test_a_page_that_changed_is_imported_again_reported_and_can_be_rolled_back(
        ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    await run_crawl(crawl_engine, ogp_site)
    before = stored(crawl_engine)["FR0045"].irm.completion
    lines = len(history(crawl_engine))
    text = ogp_site.page_text(FR0045)
    assert "Completion: Pending IRM Review" in text
    ogp_site.update_page(FR0045, text.replace("Completion: Pending IRM Review", "Completion: Substantial"))
    mark = ogp_site.mark()
    summary = await run_crawl(crawl_engine, ogp_site)
    assert [r.path for r in ogp_site.since(mark) if r.status == 200] == ["/robots.txt", FR0045]
    assert (summary.progress.changed, summary.added, summary.updated) == (1, 0, 1)
    [change] = summary.changes
    assert (change.commitment, [(f.field, f.before, f.after) for f in change.fields]) == \
        ("FR0045", [("irm.completion", before, "substantial")])
    assert "FR0045 completion: pending IRM review → substantial" in render_summary(summary, "en")
    new_lines = history(crawl_engine)[lines:]
    assert [(line.kind, line.outcome) for line in new_lines] == [("crawl", "applied")]
    assert [d["commitment"] for d in new_lines[0].diff] == ["FR0045"]
    assert stored(crawl_engine)["FR0045"].irm.completion == "substantial"

    rollback(crawl_engine, actor="tests")  # /rollback undoes that batch ...
    assert stored(crawl_engine)["FR0045"].irm.completion == before
    mark = ogp_site.mark()
    again = await run_crawl(crawl_engine, ogp_site)  # ... and the next crawl does not take the page for unchanged
    assert [r.path for r in ogp_site.since(mark) if r.status == 200] == ["/robots.txt", FR0045]
    assert again.updated == 1 and stored(crawl_engine)["FR0045"].irm.completion == "substantial"


async def test_a_crawl_of_some_members_keeps_the_others(ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    france = choose_members(["France"])
    assert france.slugs == ["france"] and france.unknown == []
    await run_crawl(crawl_engine, ogp_site, request=CrawlRequest(members=tuple(france.slugs)))
    french = {p.commitment for p in ogp_site.pages if p.member == "france"}
    assert set(stored(crawl_engine)) == french
    assert all("/members/france/" in path for path in commitment_requests(ogp_site))
    mark = ogp_site.mark()
    summary = await run_crawl(crawl_engine, ogp_site, request=CrawlRequest(members=("kenya",)))
    assert not summary.resumed  # the crawl of France had finished: a new one
    kenyan = {p.commitment for p in ogp_site.allowed_pages if p.member == "kenya"}
    assert set(stored(crawl_engine)) == french | kenyan  # merged: nothing of France removed
    assert all("/members/kenya/" in path for path in commitment_requests(ogp_site, mark))


async def test_a_crawl_in_one_language_asks_for_pages_of_that_language_only(
        ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    summary = await run_crawl(crawl_engine, ogp_site, request=CrawlRequest(langs=("fr",)))
    french = sorted(p.path for p in ogp_site.pages if p.lang == "fr")
    assert sorted(commitment_requests(ogp_site)) == french and summary.progress.seen == len(french)
    assert all(set(record.urls) == {"fr"} for record in stored(crawl_engine).values())


async def test_member_and_listing_pages_lead_to_every_page_without_sitemaps(crawl_engine: Engine) -> None:
    site = await FakeOgpSite(fixture_pages(), sitemaps=False).start()
    try:
        await run_crawl(crawl_engine, site, request=CrawlRequest(members=("france",), langs=("en",)))
        requested = {r.path for r in site.requests}
        english = {p.path for p in site.pages if p.member == "france" and p.lang == "en"}
        assert len(english) > LISTING_PAGE_SIZE  # the list of France's commitments has two pages
        assert english <= requested and set(commitment_requests(site)) == english
        assert "/members/france/commitments/?page=2" in requested
        # Links the crawler leaves alone: other sections of the site, other sites, other members' pages.
        assert not any(path.startswith(("/about/", "/members/france/action-plans/")) for path in requested)
        assert {r.host for r in site.requests} == {f"127.0.0.1:{site.port}"}
        assert set(stored(crawl_engine)) == {p.commitment for p in site.pages if p.member == "france"
                                             and p.lang == "en"}
    finally:
        await site.stop()


async def test_a_crawl_stopped_at_the_page_limit_is_continued_by_the_next(
        ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    first = await run_crawl(crawl_engine, ogp_site, request=CrawlRequest(max_pages=10))
    assert (first.status, first.progress.fetched, first.progress.changed) == ("paused", 10, 10)
    assert len(stored(crawl_engine)) > 0 and len(commitment_requests(ogp_site)) == 10
    done = set(commitment_requests(ogp_site))
    mark = ogp_site.mark()
    second = await run_crawl(crawl_engine, ogp_site)
    assert (second.status, second.resumed, second.run_id) == ("finished", True, first.run_id)
    assert not done & set(commitment_requests(ogp_site, mark))  # what the first did is not asked for again
    assert second.progress.fetched == len(ogp_site.allowed_paths)
    assert second.added == len({p.commitment for p in ogp_site.allowed_pages})  # the whole run's changes


async def test_a_second_crawl_while_one_runs_is_told_so(ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    ogp_site.faults[ogp_site.allowed_paths[5]] = hang()
    running = asyncio.ensure_future(run_crawl(crawl_engine, ogp_site))
    await ogp_site.wait_hung()
    with pytest.raises(datalock.Busy):
        await run_crawl(crawl_engine, ogp_site)
    ogp_site.release.set()
    assert (await running).status == "finished"


def test_the_crawl_holds_the_lock_of_imports_and_refreshes(ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    holding, release = threading.Event(), threading.Event()

    def refresh() -> None:  # what an import or a refresh holds while it runs
        with datalock.exclusive(crawl_engine):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=refresh)
    thread.start()
    assert holding.wait(10)
    try:
        with pytest.raises(datalock.Busy):
            asyncio.run(run_crawl(crawl_engine, ogp_site))
    finally:
        release.set()
        thread.join(10)
    assert ogp_site.requests == []


async def test_without_a_readable_robots_txt_the_crawl_does_not_run(
        ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    ogp_site.faults["/robots.txt"] = status(503)
    summary = await run_crawl(crawl_engine, ogp_site)
    assert summary.status == "failed" and summary.error is not None
    assert [r.path for r in ogp_site.requests] == ["/robots.txt"]
    assert render_summary(summary, "en") == (
        f"OGP crawl not run: {ogp_site.url('/robots.txt')}: the server answered HTTP 503 Service Unavailable")
    ogp_site.faults["/robots.txt"] = status(404)  # no robots.txt at all: no rule
    summary = await run_crawl(crawl_engine, ogp_site)
    assert summary.status == "finished" and summary.progress.disallowed == 0
    assert ogp_site.disallowed in commitment_requests(ogp_site)


@pytest.mark.postgres
async def test_first_and_second_crawl_on_postgresql(ogp_site: FakeOgpSite, crawl_pg_engine: Engine) -> None:
    first = await run_crawl(crawl_pg_engine, ogp_site)
    assert first.status == "finished" and first.added == len({p.commitment for p in ogp_site.allowed_pages})
    assert set(stored(crawl_pg_engine)) == {p.commitment for p in ogp_site.allowed_pages}
    mark = ogp_site.mark()
    second = await run_crawl(crawl_pg_engine, ogp_site)
    assert [r.path for r in ogp_site.since(mark) if r.status != 304] == ["/robots.txt"]
    assert second.progress.unchanged == first.progress.seen and not second.applied
