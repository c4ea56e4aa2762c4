"""Every way the site can go wrong, each on its own page of one crawl: the page is listed with its URL and reason,
the other pages are imported, no request ever leaves the site, and the next crawl downloads the failed pages in
full again."""

from __future__ import annotations

from fakeogp import FakeOgpSite, hang, not_html, oversized, redirect, retry_after, status
from fakeogp.kit import run_crawl, stored
from sqlalchemy.engine import Engine

from bot.services.crawl.report import render_summary

pytest_plugins = ("fakeogp.fixtures",)
MAX_BYTES = 200_000  # the pages of the fixtures are at most some 30 kB
TIMEOUT = 1.0  # the page that never answers fails after it
BIG_PAGE = 300_000 + len("<html><body><p></p></body></html>")  # what oversized(300_000) serves


async def test_each_fault_fails_its_page_only_with_its_reason(ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    english = [p for p in ogp_site.allowed_pages if p.lang == "en"]
    pages = {name: page.path for name, page in zip(
        ("missing", "broken", "throttled", "unavailable", "too_long", "silent", "loop", "offsite", "big", "big_chunked",
         "pdf", "not_a_commitment", "busy_listing"), english, strict=False)}
    pages["busy_listing"] = "/members/kenya/commitments/"
    offsite = f"http://localhost:{ogp_site.port}/members/france/commitments/FR0001/"  # the same server, another host
    site = ogp_site
    site.faults.update({
        pages["missing"]: status(404), pages["broken"]: status(500),
        pages["throttled"]: retry_after(0, times=2),  # then the page: imported on the third try
        pages["unavailable"]: retry_after(0, code=503), pages["too_long"]: retry_after(3600),
        pages["silent"]: hang(), pages["loop"]: redirect(pages["loop"]), pages["offsite"]: redirect(offsite),
        pages["big"]: oversized(300_000), pages["big_chunked"]: oversized(300_000, chunked=True),
        pages["pdf"]: not_html(), pages["busy_listing"]: status(500)})
    site.update_page(pages["not_a_commitment"], "Nothing here\n\nJust some words, and no commitment id.")

    summary = await run_crawl(crawl_engine, site, timeout=TIMEOUT, max_bytes=MAX_BYTES)

    reasons = {f.source.removeprefix(site.base_url): f.reason() for f in summary.failures}
    assert reasons == {
        pages["missing"]: "the server answered HTTP 404 Not Found",
        pages["broken"]: "the server answered HTTP 500 Internal Server Error",
        pages["unavailable"]: "the server still answered HTTP 503 after 4 tries",
        pages["too_long"]: "the server answered HTTP 429 and asked to wait 3600 s, longer than 120 s",
        pages["silent"]: "no complete answer within 1 s",
        pages["loop"]: "more than 5 redirects (a redirect loop?)",
        pages["offsite"]: f"redirected off the site, to localhost:{site.port}: not followed",
        pages["big"]: f"{BIG_PAGE} bytes, over the limit of {MAX_BYTES} bytes",  # said by Content-Length
        pages["big_chunked"]: f"more than {MAX_BYTES} bytes, the limit",  # counted while reading
        pages["pdf"]: "not a page the crawler reads: application/pdf",
        pages["not_a_commitment"]: reasons[pages["not_a_commitment"]],
        pages["busy_listing"]: "the server answered HTTP 500 Internal Server Error",
    }
    assert reasons[pages["not_a_commitment"]].startswith("refused by the importer: ")
    assert "this is not an OGP commitment page" in reasons[pages["not_a_commitment"]]
    assert summary.status == "finished" and summary.progress.failed == len(reasons)

    # How often each was asked: retries bounded, redirects at most 5 (6 requests), nothing off the site.
    asked = {name: len(site.requests_for(path)) for name, path in pages.items()}
    assert (asked["throttled"], asked["unavailable"], asked["too_long"], asked["loop"], asked["offsite"]) == \
        (3, 4, 1, 6, 1)
    assert {r.host for r in site.requests} == {f"127.0.0.1:{site.port}"}

    # Everything else came in: every allowed page but the failed ones (and Kenya's pages, found by the sitemap).
    failed = {path for name, path in pages.items() if name not in ("throttled", "busy_listing")}
    imported = {p.commitment for p in site.allowed_pages if p.path not in failed}
    assert set(stored(crawl_engine)) == imported
    text = render_summary(summary, "en")
    assert f"Failed ({len(reasons)}):" in text
    assert f"- {site.url(pages['loop'])}: more than 5 redirects (a redirect loop?)" in text.splitlines()

    # The site mends: the next crawl downloads the failed pages in full (their validators were never kept).
    site.faults.clear()
    site.release.set()
    mark = site.mark()
    again = await run_crawl(crawl_engine, site, timeout=TIMEOUT, max_bytes=MAX_BYTES)
    full = {r.path for r in site.since(mark) if r.status == 200}
    assert full == {"/robots.txt", pages["busy_listing"]} | failed
    assert again.progress.failed == 1  # the page that is no commitment page is still refused
    assert set(stored(crawl_engine)) == {p.commitment for p in site.allowed_pages
                                         if p.path != pages["not_a_commitment"]}


async def test_a_429_holds_every_request_for_its_retry_after(ogp_site: FakeOgpSite, crawl_engine: Engine) -> None:
    """The wait asked for is the crawler's, not the page's: no request starts before it is over."""
    path = ogp_site.allowed_paths[3]
    ogp_site.faults[path] = retry_after(1, times=1)
    summary = await run_crawl(crawl_engine, ogp_site)
    assert summary.failures == []
    [throttled] = [r for r in ogp_site.requests if r.status == 429]
    after = [r for r in ogp_site.requests if r.arrived > throttled.answered]
    assert len(after) > 10
    # Two requests at a time: the other worker may start one more before the 429 reaches the crawler; every
    # request after that waits out the second asked for.
    assert len([r for r in after if r.arrived < throttled.answered + 0.9]) <= 1
