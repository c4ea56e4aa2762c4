"""robots.txt, read with the standard library (urllib.robotparser), as RFC 9309 says a crawler must:

- 200: its rules for our product token (else for `*`), its Crawl-delay and its `Sitemap:` lines;
- another 4xx (no robots.txt): everything may be crawled;
- 5xx or no answer: the site may not be crawled at all for now (the crawl stops and says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

PRODUCT = "ogp-bot"  # the token robots.txt rules name (User-agent: ogp-bot), also the start of our User-Agent


@dataclass
class Robots:
    parser: RobotFileParser | None = None  # None: no robots.txt, everything allowed
    sitemaps: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        return self.parser is None or self.parser.can_fetch(PRODUCT, url)

    @property
    def crawl_delay(self) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(PRODUCT)
        return float(delay) if delay is not None else None


def parse_robots(text: str) -> Robots:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return Robots(parser, list(parser.site_maps() or []))


def missing() -> Robots:
    """No robots.txt (HTTP 4xx): no rule."""
    return Robots()
