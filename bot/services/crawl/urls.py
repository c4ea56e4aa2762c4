"""The OGP site's addresses, recognised by pattern rather than by page layout.

    /members/<member>/commitments/<ID>/       a commitment page (and under /fr/ and /es/)
    /members/<member>/commitments/[?page=N]   the member's list of commitments, page N
    /members/<member>/                        the member's page

Every address the crawler keeps is normalised (`Site.place`): on the crawled site's own origin (scheme, host and
port of OGP_BASE_URL), no fragment, a trailing slash, and no query but a listing's page number, so that one page
written several ways is fetched once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

from bot.importing.facts import OGP_SITE

LANGS = ("en", "fr", "es")
_PATH = re.compile(r"^/(?:(?P<lang>fr|es)/)?members/(?P<member>[a-z0-9][a-z0-9-]{0,79})/"
                   r"(?:(?P<listing>commitments)/(?:(?P<id>[A-Za-z]{2,6}[0-9]{2,5})/)?)?$")
_SITEMAP = re.compile(r"\.xml(?:\.gz)?$", re.I)
MAX_URL = 1000  # longer addresses are no OGP page: never stored


class Kind(StrEnum):
    SITEMAP = "sitemap"
    MEMBER = "member"
    LISTING = "listing"
    COMMITMENT = "commitment"


@dataclass(frozen=True)
class Place:
    """A normalised address on the crawled site and what it is."""

    url: str
    kind: Kind
    lang: str = "en"
    member: str | None = None
    commitment: str | None = None  # the id in the address, as written there

    @property
    def priority(self) -> int:
        """Sitemaps first, then member and listing pages: the frontier fills before the long part starts."""
        return {Kind.SITEMAP: 0, Kind.MEMBER: 1, Kind.LISTING: 1, Kind.COMMITMENT: 2}[self.kind]


@dataclass(frozen=True)
class Site:
    """The crawled site: only addresses of its origin are ever requested."""

    base_url: str

    @property
    def origin(self) -> tuple[str, str]:
        parts = urlsplit(self.base_url)
        return parts.scheme.lower(), parts.netloc.lower()

    def url(self, path: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", path.lstrip("/"))

    def on_site(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        return (parts.scheme.lower(), parts.netloc.lower()) == self.origin

    def place(self, href: str, base: str | None = None, *, sitemap: bool = False) -> Place | None:
        """The address `href` (relative to `base`) as a page the crawler follows, or None: another site, or no
        commitment, listing or member page (with `sitemap`, a sitemap file is accepted too)."""
        try:
            url = urljoin(base or self.base_url, href.strip())
            parts = urlsplit(url)
        except ValueError:
            return None
        if len(url) > MAX_URL or not self.on_site(url):
            return None
        path = re.sub(r"/{2,}", "/", parts.path or "/")
        if sitemap and _SITEMAP.search(path):
            return Place(self._join(path), Kind.SITEMAP)
        match = _PATH.match(path if path.endswith("/") else path + "/")
        if match is None:
            return None
        lang, member = match["lang"] or "en", match["member"].lower()
        if match["id"]:
            path = f"{'' if lang == 'en' else '/' + lang}/members/{member}/commitments/{match['id']}/"
            return Place(self._join(path), Kind.COMMITMENT, lang, member, match["id"].upper())
        prefix = "" if lang == "en" else f"/{lang}"
        if match["listing"]:
            page = _page_number(parts.query)
            query = f"page={page}" if page > 1 else ""
            return Place(self._join(f"{prefix}/members/{member}/commitments/", query), Kind.LISTING, lang, member)
        return Place(self._join(f"{prefix}/members/{member}/"), Kind.MEMBER, lang, member)

    def _join(self, path: str, query: str = "") -> str:
        scheme, netloc = self.origin
        return urlunsplit((scheme, netloc, path, query, ""))


def _page_number(query: str) -> int:
    values = parse_qs(query).get("page", [])
    return int(values[0]) if values and values[0].isdigit() and 0 < int(values[0]) < 100_000 else 1


def member_pages(site: Site, member: str, langs: tuple[str, ...]) -> list[Place]:
    """Where a crawl of one member starts: its page and its list of commitments, in each language asked for."""
    places = []
    for lang in langs:
        prefix = "" if lang == "en" else f"/{lang}"
        for path in (f"{prefix}/members/{member}/", f"{prefix}/members/{member}/commitments/"):
            place = site.place(site.url(path))
            if place is not None:
                places.append(place)
    return places


def public_url(url: str) -> str:
    """The address a record cites: the page's path on opengovpartnership.org. The same address when the site
    crawled is OGP's; a mirror or the tests' local site (OGP_BASE_URL) never ends up in the data."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "opengovpartnership.org" or host.endswith(".opengovpartnership.org"):
        return url
    return OGP_SITE + parts.path
