"""What the fake OGP site serves: commitment pages (the real OGP page texts of data/sources/ogp_pages, or synthetic
ones made from them), as minimal HTML under their real paths.

    pages = fixture_pages()                  # one page per (commitment, language) of the fixtures
    pages = synthetic_pages(6000)            # 6,000 made-up commitments x en, fr, es (for the benchmark)

A page's path is derived from its member and id, as on opengovpartnership.org:
`/members/france/commitments/FR0045/`, `/fr/members/france/commitments/FR0045/`, `/es/...`.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.dataset.members import Member, members

PAGES_DIR = Path(__file__).resolve().parents[2] / "data" / "sources" / "ogp_pages"
LANGS = ("en", "fr", "es")
PUBLIC_SITE = "https://www.opengovpartnership.org"
_MEMBER_IN_URL = re.compile(r"/members/([a-z0-9-]+)/", re.I)


@dataclass(frozen=True)
class SitePage:
    """One commitment page of the site: its member, id, language and text (as OGP shows it)."""

    member: str
    commitment: str
    lang: str
    text: str

    @property
    def path(self) -> str:
        return commitment_path(self.member, self.commitment, self.lang)


def lang_prefix(lang: str) -> str:
    return "" if lang == "en" else f"/{lang}"


def commitment_path(member: str, commitment: str, lang: str) -> str:
    return f"{lang_prefix(lang)}/members/{member}/commitments/{commitment}/"


def to_html(page: SitePage) -> bytes:
    """The page text as the minimal HTML a browser would show the same way: one <p> per paragraph (lines kept
    with <br>), the language in <html lang>, the public address as the canonical link. No <footer>: a text that
    stops short (a truncated copy) must still read as truncated."""
    paragraphs = [p for p in re.split(r"\n\s*\n", page.text) if p.strip()]
    body = "\n".join("<p>" + "<br>\n".join(html.escape(line) for line in p.splitlines()) + "</p>"
                     for p in paragraphs)
    canonical = PUBLIC_SITE + page.path
    return (f'<!DOCTYPE html>\n<html lang="{page.lang}"><head><meta charset="utf-8">'
            f'<title>{html.escape(page.commitment)}</title><link rel="canonical" href="{canonical}"></head>\n'
            f"<body><main>\n{body}\n</main></body></html>\n").encode()


def _index() -> list[dict[str, str]]:
    rows = []
    for line in (PAGES_DIR / "index.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return rows


def fixture_pages() -> list[SitePage]:
    """One page per (commitment, language) of the fixtures: the longest snapshot (the most complete copy)."""
    best: dict[tuple[str, str], SitePage] = {}
    for row in _index():
        path = PAGES_DIR / row["file"]
        match = _MEMBER_IN_URL.search(row.get("url", ""))
        if not match or not row.get("id") or not path.exists():
            continue
        lang = row.get("lang") or "en"
        page = SitePage(match.group(1).lower(), row["id"].upper(), lang, path.read_text(encoding="utf-8"))
        key = (page.commitment, lang)
        if key not in best or len(page.text) > len(best[key].text):
            best[key] = page
    return sorted(best.values(), key=lambda p: (p.member, p.commitment, LANGS.index(p.lang)))


# -- synthetic commitments ---------------------------------------------------------------------------------------

SYNTHETIC_FIRST_NUMBER = 5000  # above every real OGP commitment number: made-up ids never meet real ones


def _templates() -> list[dict[str, SitePage]]:
    """Commitments of the fixtures that have an English and a French page: {lang: page}."""
    by_id: dict[str, dict[str, SitePage]] = defaultdict(dict)
    for page in fixture_pages():
        by_id[page.commitment][page.lang] = page
    return [pages for _, pages in sorted(by_id.items()) if "en" in pages and "fr" in pages]


def _synthetic_members() -> list[Member]:
    """National members with a commitment-id prefix of two letters (so that a made-up id names its member)."""
    return [m for m in members().all if m.kind == "national" and m.prefixes and len(m.prefixes[0]) == 2]


def _swap(text: str, old_id: str, new_id: str, old: Member, new: Member) -> str:
    text = re.sub(re.escape(old_id), new_id, text, flags=re.I)
    for lang, name in sorted(old.name.items(), key=lambda kv: -len(kv[1])):
        text = text.replace(name, new.label(lang))
    return text


def synthetic_pages(commitments: int, *, members_count: int = 60) -> list[SitePage]:
    """`commitments` made-up commitments, each with an English, a French and a Spanish page: the pages of a real
    commitment (English and French; the Spanish page shows the English text, as OGP's site does for pages it has
    not translated) with another id and member put in. Deterministic."""
    templates = _templates()
    pool = _synthetic_members()[:members_count]
    counters: dict[str, int] = defaultdict(int)
    out: list[SitePage] = []
    for k in range(commitments):
        template = templates[k % len(templates)]
        member = pool[k % len(pool)]
        new_id = f"{member.prefixes[0]}{SYNTHETIC_FIRST_NUMBER + counters[member.id]:04d}"
        counters[member.id] += 1
        english = template["en"]
        old_member = members().get(english.member)
        assert old_member is not None, english.member
        for lang, source in (("en", english), ("fr", template["fr"]), ("es", english)):
            out.append(SitePage(member.id, new_id, lang, _swap(source.text, english.commitment, new_id, old_member,
                                                               member)))
    return out
