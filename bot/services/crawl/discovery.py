"""Which pages to visit: the addresses in sitemaps and in member and listing pages, kept when they are commitment,
listing or member pages of the crawl's scope (urls.Site.place decides by address, never by page layout).

Sitemaps are read as untrusted XML (the standard library's parser, which resolves no external entity): a document
type declaration, which a sitemap never has and entity tricks need, is refused; a gzip file is expanded up to the
size cap. Links are read with the standard library's HTML parser (only <a href> matters here).
"""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin
from xml.etree import ElementTree

from bot.dataset.members import members as known_members
from bot.services.crawl.urls import LANGS, Kind, Place, Site

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


@dataclass(frozen=True)
class Scope:
    """What a crawl covers: some members (None: every one) in some languages."""

    members: frozenset[str] | None = None
    langs: tuple[str, ...] = LANGS

    def wants(self, place: Place) -> bool:
        if place.kind is Kind.SITEMAP:
            return True
        if place.lang not in self.langs:
            return False
        return self.members is None or place.member in self.members

    def describe(self) -> dict[str, list[str]]:
        return {"members": sorted(self.members or ()), "langs": list(self.langs)}


@dataclass
class MemberChoice:
    slugs: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def choose_members(words: Iterable[str]) -> MemberChoice:
    """Members named by slug ("united-kingdom") or by any name data/members.json knows ("Royaume-Uni",
    "Cote d'Ivoire"); comma-separated lists are split."""
    choice = MemberChoice()
    book = known_members()
    for word in (w.strip() for text in words for w in text.split(",")):
        if not word:
            continue
        member = book.get(word.lower()) or book.by_name(word)
        if member is None:
            choice.unknown.append(word)
        elif member.id not in choice.slugs:
            choice.slugs.append(member.id)
    return choice


def choose_langs(text: str | None) -> tuple[tuple[str, ...], list[str]]:
    """("en", "fr") from "en,fr"; the unknown ones listed."""
    if not text:
        return LANGS, []
    asked = [w.strip().lower() for w in text.split(",") if w.strip()]
    return tuple(lang for lang in LANGS if lang in asked), [w for w in asked if w not in LANGS]


def links_in_html(body: bytes, page_url: str, site: Site) -> list[Place]:
    """The member, listing and commitment pages a page links to, once each, in page order (of every member and
    language: the scope is applied when they are queued, so that links kept for a 304 serve any later scope)."""
    reader = _Anchors()
    reader.feed(body.decode("utf-8", "replace"))
    reader.close()
    base = urljoin(page_url, reader.base) if reader.base else page_url
    found: dict[str, Place] = {}
    for href in reader.hrefs:
        place = site.place(href, base)
        if place is not None and place.kind is not Kind.SITEMAP:
            found.setdefault(place.url, place)
    return list(found.values())


def sitemap_links(body: bytes, site: Site, *, max_bytes: int) -> list[Place]:
    """The addresses of a sitemap (member, listing and commitment pages) or of a sitemap index (more sitemaps)."""
    data = _gunzip(body, max_bytes) if body[:2] == b"\x1f\x8b" else body
    if not data or _DOCTYPE.search(data[:4096]):
        return []
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return []
    index = root.tag.rsplit("}", 1)[-1] == "sitemapindex"
    found: dict[str, Place] = {}
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] != "loc":
            continue
        place = site.place((element.text or "").strip(), sitemap=index)
        if place is None or (index and place.kind is not Kind.SITEMAP):
            continue
        found.setdefault(place.url, place)
    return list(found.values())


class _Anchors(HTMLParser):
    """The href of every <a>, and the document's <base href> if any."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" or (tag == "base" and self.base is None):
            href = dict(attrs).get("href")
            if href and tag == "a":
                self.hrefs.append(href)
            elif href:
                self.base = href


def _gunzip(body: bytes, max_bytes: int) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
            data = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error):
        return b""
    return data if len(data) <= max_bytes else b""
