"""Polite HTTP for the crawler (httpx): one origin, paced, bounded, conditional.

- at most `concurrency` requests at a time (2) and `delay` seconds between the starts of two requests;
- 429 and 503 with Retry-After: every request waits that long (the server asked the crawler, not one page), then
  the page is asked again, at most `retries` times; a longer wait than `max_retry_after`, or no Retry-After, and
  the page is a failure with its reason;
- a timeout for each request (headers and body), the size cap counted while reading (Content-Length is only a
  hint; the count is of decoded bytes, so a compressed bomb stops at the cap too);
- redirects followed by hand, at most `max_redirects`, and never to another origin (such a redirect is a failure,
  and nothing is asked of the other host);
- a content type the caller does not read (a PDF where a page was expected) is refused with its reason;
- validators (ETag, Last-Modified) sent as If-None-Match / If-Modified-Since: 304 comes back as such, bodiless.

Failures are never raised: they come back as SourceFailure (the URL and a reason marked for translation).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import Enum
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from bot.common.i18n import N_
from bot.common.numbers import parse_number
from bot.services.crawl.urls import Site
from bot.services.refresh import SourceFailure, download_failure

log = logging.getLogger(__name__)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRYABLE = frozenset({429, 503})


class Accept(Enum):
    """What a request expects back, by Content-Type."""

    HTML = ("text/html", "application/xhtml+xml")
    XML = ("application/xml", "text/xml", "application/gzip", "application/x-gzip", "application/octet-stream")
    TEXT = ("text/plain",)


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class Answer:
    url: str  # where the page was found, after redirects
    status: int  # 200, or 304 Not Modified
    body: bytes
    validators: Validators


class Pacer:
    """Request starts at least `delay` apart; `hold` pushes the next start later (a server's Retry-After)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def turn(self) -> None:
        async with self._lock:
            wait = self._next - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next = time.monotonic() + self.delay

    def hold(self, seconds: float) -> None:
        self._next = max(self._next, time.monotonic() + seconds)


class Fetcher:
    """`async with Fetcher(site, ...) as fetcher: await fetcher.get(url, Accept.HTML, validators)`."""

    def __init__(self, site: Site, *, user_agent: str, delay: float, timeout: float, max_bytes: int,
                 max_redirects: int = 5, max_retry_after: float = 120.0, retries: int = 3, concurrency: int = 2,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.site, self.timeout, self.max_bytes = site, timeout, max_bytes
        self.max_redirects, self.max_retry_after, self.retries = max_redirects, max_retry_after, retries
        self.pacer = Pacer(delay)
        self.requests = 0  # HTTP requests made (each redirect and retry counts)
        self._slots = asyncio.Semaphore(concurrency)
        self._client = httpx.AsyncClient(
            transport=transport, follow_redirects=False, timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
            headers={"User-Agent": user_agent,
                     "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8"})

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self._client.aclose()

    async def get(self, url: str, accept: Accept, validators: Validators | None = None, *,
                  any_status: bool = False) -> Answer | SourceFailure:
        """The page at `url` (followed through redirects), 304 when `validators` still hold, or why not. With
        `any_status`, a 4xx status (a 404, say) is an Answer too, bodiless."""
        asked, hops, tries = url, 0, 0
        while True:
            async with self._slots:
                await self.pacer.turn()
                self.requests += 1
                answer = await self._once(url, accept, validators, any_status)
            if isinstance(answer, SourceFailure):
                return SourceFailure(asked, answer.message, answer.params)
            if isinstance(answer, _Redirect):
                target = urljoin(url, answer.location)
                if not self.site.on_site(target):
                    return SourceFailure(asked, N_("redirected off the site, to {host}: not followed"),
                                         {"host": urlsplit(target).netloc or target[:100]})
                hops += 1
                if hops > self.max_redirects:
                    return SourceFailure(asked, N_("more than {n} redirects (a redirect loop?)"),
                                         {"n": self.max_redirects})
                url = target
                continue
            if isinstance(answer, _Wait):
                tries += 1
                if answer.seconds is None:
                    return SourceFailure(asked, N_("the server answered HTTP {status} {reason}"),
                                         {"status": answer.status, "reason": answer.reason})
                if answer.seconds > self.max_retry_after:
                    return SourceFailure(asked, N_("the server answered HTTP {status} and asked to wait {seconds} s, "
                                                   "longer than {limit} s"),
                                         {"status": answer.status, "seconds": f"{answer.seconds:g}",
                                          "limit": f"{self.max_retry_after:g}"})
                if tries > self.retries:
                    return SourceFailure(asked, N_("the server still answered HTTP {status} after {n} tries"),
                                         {"status": answer.status, "n": tries})
                log.info("HTTP %s for %s: waiting %s s (Retry-After)", answer.status, url, answer.seconds)
                self.pacer.hold(answer.seconds)
                continue
            return answer

    async def _once(self, url: str, accept: Accept, validators: Validators | None, any_status: bool
                    ) -> Answer | SourceFailure | _Redirect | _Wait:
        headers = validators.headers() if validators else {}
        try:
            async with asyncio.timeout(self.timeout), self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECTS and "location" in response.headers:
                    return _Redirect(response.headers["location"])
                if status in RETRYABLE:
                    return _Wait(status, response.reason_phrase, retry_after(response.headers.get("retry-after")))
                found = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
                if status == 304:  # a server may leave the validators out of a 304: the ones sent still hold
                    return Answer(url, 304, b"", found if found.etag or found.last_modified else validators or found)
                if any_status and 400 <= status < 500:
                    return Answer(url, status, b"", found)
                if status != 200:
                    return SourceFailure(url, N_("the server answered HTTP {status} {reason}"),
                                         {"status": status, "reason": response.reason_phrase})
                content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
                if content_type not in accept.value:
                    return SourceFailure(url, N_("not a page the crawler reads: {type}"),
                                         {"type": content_type or "no content type"})
                declared = parse_number(response.headers.get("content-length", ""))
                if declared is not None and declared > self.max_bytes:
                    return SourceFailure(url, N_("{size} bytes, over the limit of {limit} bytes"),
                                         {"size": declared, "limit": self.max_bytes})
                chunks, size = [], 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        return SourceFailure(url, N_("more than {limit} bytes, the limit"), {"limit": self.max_bytes})
                    chunks.append(chunk)
                return Answer(url, 200, b"".join(chunks), found)
        except (TimeoutError, httpx.TimeoutException):
            return SourceFailure(url, N_("no complete answer within {seconds} s"), {"seconds": f"{self.timeout:g}"})
        except httpx.HTTPError as error:
            log.info("request failed: %r", error)
            return SourceFailure(url, download_failure(error))


@dataclass(frozen=True)
class _Redirect:
    location: str


@dataclass(frozen=True)
class _Wait:
    status: int
    reason: str
    seconds: float | None


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number of seconds, or an HTTP date), or None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
