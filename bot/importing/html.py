"""HTML pages (as served by opengovpartnership.org) -> the text the page parser reads.

BeautifulSoup with lxml turns the page into lines the way a browser shows it: one line per block,
inline elements joined, definition lists as 'term: value', navigation, scripts, styles and forms
left out. The address (canonical link) and language (<html lang>) come along for the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bs4 import BeautifulSoup, Comment, NavigableString, Tag, UnicodeDammit

from bot.dataset.errors import DataError

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # control characters but tab and line ends

_DROP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "canvas", "form", "button",
         "select", "input", "textarea", "nav", "header", "aside", "head", "link", "meta", "dialog"}
_BLOCK = {"address", "article", "blockquote", "body", "details", "div", "dl", "fieldset", "figcaption", "figure",
          "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
          "tbody", "thead", "tfoot", "tr", "ul", "caption", "html"}
_CELL = {"td", "th"}
_SPACES = re.compile(r"[ \t\r\n\u00a0]+")
_ID = re.compile(r"/commitments/([A-Za-z]{2,6}[0-9]{2,5})/?", re.I)
_ID_IN_TITLE = re.compile(r"\(([A-Z]{2,6}[0-9]{2,5})\)\s*$")
FOOTER_LINE = "Open Government Partnership"  # a footer line of data/page_labels.json


@dataclass
class HtmlPage:
    text: str
    url: str | None
    lang: str | None


def looks_like_html(raw: bytes, name: str = "") -> bool:
    if name.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    head = raw[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (head.startswith(b"<") and b"<body" in raw[:65536].lower())


class _Writer:
    """Accumulates lines: inline text joins the current line, blocks start new ones."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.current: list[str] = []

    def text(self, value: str) -> None:
        self.current.append(value)

    def pending(self) -> str:
        return _SPACES.sub(" ", "".join(self.current)).strip()

    def break_line(self, blank: bool = False) -> None:
        line = self.pending()
        if line:
            self.lines.append(line)
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.current = []


def _walk(node: Tag, out: _Writer) -> None:
    for child in node.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.text(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name in _DROP or child.get("hidden") is not None or child.get("aria-hidden") == "true":
            continue
        if name == "br":
            out.break_line()
        elif name == "dt":
            out.break_line()
            _walk(child, out)
            term = out.pending()
            out.current = [term if term.endswith(":") else term + ":", " "]
        elif name == "dd":
            _walk(child, out)  # the value follows its term on the same line
            out.break_line()
        elif name in _CELL:
            _walk(child, out)
            out.text(" ")
        elif name in _BLOCK:
            out.break_line(blank=name in ("p", "section", "h1", "h2", "h3"))
            _walk(child, out)
            out.break_line(blank=name in ("p", "section"))
        else:
            _walk(child, out)


def html_to_page(raw: bytes, source: str) -> HtmlPage:
    """The page's text (lines as shown), address and language; DataError when it has no text."""
    try:
        soup = BeautifulSoup(raw, "lxml")
    except ValueError:  # lxml refuses control characters (in attributes, say): they mean nothing in HTML anyway
        markup = UnicodeDammit(raw, is_html=True).unicode_markup or ""
        soup = BeautifulSoup(_CONTROL.sub("", markup), "lxml")
    lang = None
    html = soup.find("html")
    if isinstance(html, Tag) and html.get("lang"):
        lang = str(html.get("lang")).split("-")[0].lower()
    url = None
    for tag, attr, key in (("link", "rel", "href"), ("meta", "property", "content")):
        for element in soup.find_all(tag):
            value = element.get(attr)
            values = value if isinstance(value, list) else [value]
            if ("canonical" in values and tag == "link") or ("og:url" in values and tag == "meta"):
                url = str(element.get(key) or "") or None
                break
        if url:
            break
    footer = soup.find("footer") is not None
    _add_id_from_url(soup, url)
    body = soup.find("main") or soup.find("body") or soup
    writer = _Writer()
    assert isinstance(body, Tag)
    _walk(body, writer)
    writer.break_line()
    lines = writer.lines
    if not any(ln.strip() for ln in lines):
        raise DataError.one(source, "this HTML page has no text")
    if footer:  # the page came whole: mark its end the way OGP's footer does in copied text
        lines += ["", FOOTER_LINE]
    return HtmlPage(text="\n".join(lines), url=url, lang=lang)


def _add_id_from_url(soup: BeautifulSoup, url: str | None) -> None:
    """Some templates show the id beside the <h1>, not in it: restore 'Title (ID)' from the address."""
    match = _ID.search(url or "")
    heading = soup.find("h1")
    if not match or not isinstance(heading, Tag) or _ID_IN_TITLE.search(heading.get_text(" ").strip()):
        return
    heading.append(f" ({match.group(1).upper()})")
