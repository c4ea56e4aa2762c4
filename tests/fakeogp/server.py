"""A fake opengovpartnership.org on 127.0.0.1 (aiohttp, a random port), for testing the crawler end to end.

    site = await FakeOgpSite(fixture_pages()).start()
    site.base_url                                  # http://127.0.0.1:<port>  (OGP_BASE_URL of the tests)
    site.faults["/members/kenya/commitments/KE0018/"] = status(500)
    site.update_page("/members/france/commitments/FR0045/", new_text)   # the page changes between two crawls
    site.requests                                  # every request: method, path, host, conditional headers, status

What it serves, as OGP's site is laid out:
- every commitment page under its real path (`/members/<member>/commitments/<ID>/`, and under `/fr/`, `/es/`), as
  minimal HTML (pages.to_html);
- member pages (`/members/<member>/`) and their commitment listings (`/members/<member>/commitments/`, 20 a page,
  `?page=N`), linking to the commitment pages, beside links the crawler must leave alone (other sections, other
  sites);
- robots.txt (a Disallow of one commitment page, `disallowed`; `Sitemap:` the index), `/sitemap_index.xml` (a
  sitemap index of commitment sitemaps of at most SITEMAP_CHUNK addresses) and `/sitemap.xml` (the member pages);
- ETag and Last-Modified on every document, and 304 Not Modified to a conditional request they satisfy.

Faults, per path (with its query): `status(404)`, `retry_after(seconds, times=...)` (429 or 503 with
Retry-After), `hang()` (answers only once the site stops: longer than any timeout), `redirect(location)` (a loop
when it points at itself), `oversized(n)` (n bytes, with or without Content-Length), `not_html()` (a PDF).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from .pages import LANGS, SitePage, lang_prefix, to_html

LISTING_PAGE_SIZE = 20
SITEMAP_CHUNK = 1000
FIRST_MODIFIED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
Fault = Callable[[web.Request, "FakeOgpSite"], Awaitable[web.StreamResponse]]


@dataclass
class Document:
    body: bytes
    content_type: str
    last_modified: datetime
    etag: str = ""

    def __post_init__(self) -> None:
        self.etag = '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str  # with its query
    host: str
    if_none_match: str | None
    if_modified_since: str | None
    status: int
    arrived: float = 0.0  # time.monotonic() when the request came, and when it was answered
    answered: float = 0.0

    @property
    def conditional(self) -> bool:
        return self.if_none_match is not None or self.if_modified_since is not None


# -- faults ------------------------------------------------------------------------------------------------------


def status(code: int) -> Fault:
    async def answer(request: web.Request, site: FakeOgpSite) -> web.StreamResponse:
        return web.Response(status=code, text=f"error {code}")
    return answer


def retry_after(seconds: int, *, code: int = 429, times: int | None = None) -> Fault:
    """`code` with Retry-After: `seconds` (the first `times` requests; None: every one), then the page."""
    calls = {"n": 0}

    async def answer(request: web.Request, site: FakeOgpSite) -> web.StreamResponse:
        calls["n"] += 1
        if times is not None and calls["n"] > times:
            return await site.serve(request)
        return web.Response(status=code, text="slow down", headers={"Retry-After": str(seconds)})
    return answer


def hang() -> Fault:
    """No answer until the site stops (or `site.release` is set): the crawler's timeout ends it first."""
    async def answer(request: web.Request, site: FakeOgpSite) -> web.StreamResponse:
        async with site.hanging:
            site.hung += 1
            site.hanging.notify_all()
        await site.release.wait()
        return await site.serve(request)
    return answer


def redirect(location: str) -> Fault:
    async def answer(request: web.Request, site: FakeOgpSite) -> web.StreamResponse:
        raise web.HTTPFound(location)
    return answer


def oversized(size: int, *, chunked: bool = False) -> Fault:
    """An HTML page of `size` bytes; `chunked`: without Content-Length, so only counting can stop it."""
    async def answer(request: web.Request, site: FakeOgpSite) -> web.StreamResponse:
        body = b"<html><body><p>" + b"x" * size + b"</p></body></html>"
        if not chunked:
            return web.Response(body=body, content_type="text/html")
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for start in range(0, len(body), 16384):
            await response.write(body[start:start + 16384])
        await response.write_eof()
        return response
    return answer


def not_html() -> Fault:
    async def answer(request: web.Request, site: FakeOgpSite) -> web.StreamResponse:
        return web.Response(body=b"%PDF-1.4 not a page", content_type="application/pdf")
    return answer


# -- the site ----------------------------------------------------------------------------------------------------


@dataclass
class FakeOgpSite:
    pages: list[SitePage]
    disallowed: str | None = None  # a commitment path robots.txt forbids (default: the last English page's)
    sitemaps: bool = True  # robots.txt names a sitemap index, /sitemap.xml lists the member pages
    faults: dict[str, Fault] = field(default_factory=dict)
    requests: list[LoggedRequest] = field(default_factory=list)
    port: int = 0
    hung: int = 0  # requests held by hang() faults so far
    hanging: asyncio.Condition = field(default_factory=asyncio.Condition)
    release: asyncio.Event = field(default_factory=asyncio.Event)  # set: hang() faults answer
    _documents: dict[str, Document] = field(default_factory=dict)
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    async def start(self, port: int = 0) -> FakeOgpSite:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if self.disallowed is None:
            english = [p for p in self.pages if p.lang == "en"]
            self.disallowed = english[-1].path if english else None
        self._build()
        return self

    async def stop(self) -> None:
        self.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what the tests look at and change ----------------------------------------------------------------------

    def update_page(self, path: str, text: str) -> None:
        """The commitment page at `path` now shows `text` (a new ETag, a later Last-Modified)."""
        old = self._documents[path]
        page = next(p for p in self.pages if p.path == path)
        self.pages[self.pages.index(page)] = changed = SitePage(page.member, page.commitment, page.lang, text)
        self._documents[path] = Document(to_html(changed), "text/html; charset=utf-8",
                                         old.last_modified + timedelta(days=1))

    async def wait_hung(self, count: int = 1, timeout: float = 30.0) -> None:
        """Until `count` requests are held by hang() faults."""
        async with asyncio.timeout(timeout), self.hanging:
            await self.hanging.wait_for(lambda: self.hung >= count)

    def page_text(self, path: str) -> str:
        return next(p.text for p in self.pages if p.path == path)

    def requests_for(self, path: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.path == path]

    def mark(self) -> int:
        """A position in the request log: `since(mark)` is what came after it."""
        return len(self.requests)

    def since(self, mark: int) -> list[LoggedRequest]:
        return self.requests[mark:]

    @property
    def commitment_paths(self) -> list[str]:
        return [p.path for p in self.pages]

    @property
    def allowed_pages(self) -> list[SitePage]:
        """Commitment pages robots.txt lets a crawler fetch."""
        return [p for p in self.pages if p.path != self.disallowed]

    @property
    def allowed_paths(self) -> list[str]:
        return [p.path for p in self.allowed_pages]

    # -- serving --------------------------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()
        fault = self.faults.get(request.path_qs)
        try:
            response = await fault(request, self) if fault else await self.serve(request)
        except web.HTTPException as raised:  # a redirect
            self._log(request, raised.status, arrived)
            raise
        self._log(request, response.status, arrived)
        return response

    def _log(self, request: web.Request, status: int, arrived: float) -> None:
        self.requests.append(LoggedRequest(request.method, request.path_qs, request.host,
                                           request.headers.get("If-None-Match"),
                                           request.headers.get("If-Modified-Since"), status, arrived,
                                           time.monotonic()))

    async def serve(self, request: web.Request) -> web.StreamResponse:
        document = self._documents.get(request.path_qs)
        if document is None:
            return web.Response(status=404, text="not found")
        headers = {"ETag": document.etag, "Last-Modified": format_datetime(document.last_modified, usegmt=True)}
        if _not_modified(request, document):
            return web.Response(status=304, headers=headers)
        return web.Response(body=document.body, headers={**headers, "Content-Type": document.content_type})

    # -- the site's documents -------------------------------------------------------------------------------------

    def _build(self) -> None:
        docs = self._documents
        docs.clear()
        for page in self.pages:
            docs[page.path] = Document(to_html(page), "text/html; charset=utf-8", FIRST_MODIFIED)
        by_member: dict[tuple[str, str], list[SitePage]] = defaultdict(list)
        for page in self.pages:  # every member has its page in every language, maybe with no commitment listed
            for lang in LANGS:
                by_member[(page.member, lang)]
            by_member[(page.member, page.lang)].append(page)
        for (member, lang), pages in by_member.items():
            docs[f"{lang_prefix(lang)}/members/{member}/"] = self._html(self._member_page(member, lang), lang)
            for number, body in enumerate(self._listings(member, lang, pages), start=1):
                docs[_listing_path(member, lang, number)] = self._html(body, lang)
        lines = ["User-agent: *", "Disallow: /wp-admin/", "Disallow: /search/"]
        if self.disallowed:
            lines.append(f"Disallow: {self.disallowed}")
        if self.sitemaps:
            lines.append(f"Sitemap: {self.base_url}/sitemap_index.xml")
            paths = sorted(p.path for p in self.pages)
            chunks = [paths[i:i + SITEMAP_CHUNK] for i in range(0, len(paths), SITEMAP_CHUNK)]
            index = [f"/commitments-sitemap{n}.xml" for n in range(1, len(chunks) + 1)]
            for name, chunk in zip(index, chunks, strict=True):
                docs[name] = self._xml(_urlset([self.base_url + p for p in chunk]))
            docs["/sitemap_index.xml"] = self._xml(_sitemap_index([self.base_url + n for n in index]))
            member_pages = sorted(f"{lang_prefix(lang)}/members/{member}/" for member, lang in by_member)
            docs["/sitemap.xml"] = self._xml(_urlset([self.base_url + p for p in member_pages]))
        docs["/robots.txt"] = Document("\n".join(lines).encode() + b"\n", "text/plain", FIRST_MODIFIED)

    def _member_page(self, member: str, lang: str) -> str:
        prefix = lang_prefix(lang)
        others = "".join(f'<li><a href="{lang_prefix(other)}/members/{member}/">{other}</a></li>'
                         for other in LANGS if other != lang)
        return (f"<h1>{html.escape(member)}</h1><ul>{others}</ul>"
                f'<p><a href="{prefix}/members/{member}/commitments/">Commitments</a></p>'
                f'<p><a href="{prefix}/members/{member}/action-plans/">Action plans</a> '
                f'<a href="/about/">About OGP</a> <a href="https://twitter.com/opengovpart">Twitter</a> '
                f'<a href="mailto:info@opengovpartnership.org">Contact</a></p>')

    def _listings(self, member: str, lang: str, pages: list[SitePage]) -> list[str]:
        pages = sorted(pages, key=lambda p: p.commitment)
        chunks = [pages[i:i + LISTING_PAGE_SIZE] for i in range(0, len(pages), LISTING_PAGE_SIZE)] or [[]]
        out = []
        for number, chunk in enumerate(chunks, start=1):
            # Relative links, as a real site has them: the crawler resolves them against the listing's address.
            items = "".join(f'<li><a href="{p.commitment}/">{html.escape(p.commitment)}</a></li>' for p in chunk)
            nav = ""
            if number > 1:
                nav += f'<a href="{_listing_path(member, lang, number - 1)}">previous</a> '
            if number < len(chunks):
                nav += f'<a href="?page={number + 1}">next</a>'
            # The first item again, absolute and with a fragment: one page, however it is written.
            again = f'<a href="{chunk[0].path}#top">top</a>' if chunk else ""
            out.append(f"<h1>Commitments</h1><ul>{items}</ul><nav>{nav}</nav>{again}")
        return out

    def _html(self, body: str, lang: str) -> Document:
        text = f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"></head><body>{body}</body></html>'
        return Document(text.encode(), "text/html; charset=utf-8", FIRST_MODIFIED)

    def _xml(self, text: str) -> Document:
        return Document(text.encode(), "application/xml", FIRST_MODIFIED)


def _listing_path(member: str, lang: str, number: int) -> str:
    base = f"{lang_prefix(lang)}/members/{member}/commitments/"
    return base if number == 1 else f"{base}?page={number}"


def _urlset(urls: list[str]) -> str:
    rows = "".join(f"<url><loc>{html.escape(u)}</loc></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>'


def _sitemap_index(urls: list[str]) -> str:
    rows = "".join(f"<sitemap><loc>{html.escape(u)}</loc></sitemap>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{rows}</sitemapindex>")


def _not_modified(request: web.Request, document: Document) -> bool:
    tags = request.headers.get("If-None-Match")
    if tags is not None:  # it wins over If-Modified-Since (RFC 9110)
        return document.etag in [t.strip() for t in tags.split(",")] or tags.strip() == "*"
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return document.last_modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
