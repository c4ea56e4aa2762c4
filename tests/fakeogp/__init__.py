"""A fake opengovpartnership.org for the crawler's tests and benchmark: server.py serves pages.py's pages."""

from .pages import PUBLIC_SITE, SitePage, commitment_path, fixture_pages, synthetic_pages, to_html
from .server import (
    FakeOgpSite,
    Fault,
    LoggedRequest,
    hang,
    not_html,
    oversized,
    redirect,
    retry_after,
    status,
)

__all__ = ["PUBLIC_SITE", "FakeOgpSite", "Fault", "LoggedRequest", "SitePage", "commitment_path", "fixture_pages",
           "hang", "not_html", "oversized", "redirect", "retry_after", "status", "synthetic_pages", "to_html"]
