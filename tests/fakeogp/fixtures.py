"""pytest fixtures of the crawler's tests: the fake OGP site and empty databases. Test modules load them with
`pytest_plugins = ("fakeogp.fixtures",)`; helpers are in fakeogp.kit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.storage.db import make_engine, upgrade

from .pages import fixture_pages
from .server import FakeOgpSite


@pytest.fixture
async def ogp_site() -> AsyncIterator[FakeOgpSite]:
    site = await FakeOgpSite(fixture_pages()).start()
    yield site
    await site.stop()


def _engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def crawl_engine(tmp_path: Path) -> Iterator[Engine]:
    """An upgraded, empty SQLite database: every page the crawl imports is an addition."""
    yield from _engine(f"sqlite:///{tmp_path / 'crawl.db'}")


@pytest.fixture
def crawl_pg_engine(pg_url: str) -> Iterator[Engine]:
    """The same on PostgreSQL."""
    yield from _engine(pg_url)
