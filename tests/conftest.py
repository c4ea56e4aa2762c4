"""Shared fixtures: databases (SQLite and the PostgreSQL server of this machine) and datasets."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import Engine

from bot.dataset.reader import read_dataset_file
from bot.dataset.schema import Dataset
from bot.storage.db import make_engine, upgrade

FIXTURES = Path(__file__).parent / "fixtures"
# The server that CI and developers have on 127.0.0.1; each test session gets its own database on it.
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test session, dropped at the end."""
    name = f"ogpbot_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at {POSTGRES_ADMIN_URL} does not answer: {error}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


_pg_counter = iter(range(1_000_000))


@pytest.fixture
def pg_url(postgres_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (a database per test keeps tests independent;
    CREATE DATABASE is fast on an idle server), dropped afterwards (FORCE closes what is still connected)."""
    base, session_name = postgres_url.rsplit("/", 1)
    name = f"{session_name}_{next(_pg_counter)}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{base}/{name}"
    yield url
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using it runs on SQLite and on PostgreSQL (a fresh database each time)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


def _fresh_engine(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An upgraded, empty database on SQLite and on PostgreSQL."""
    yield from _fresh_engine(db_url)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    yield from _fresh_engine(sqlite_url)


@pytest.fixture(scope="session")
def mini_dataset() -> Dataset:
    return read_dataset_file(FIXTURES / "mini_dataset.json")


# -- Markers, by what a test uses rather than by hand ----------------------------------------------------------
# `pytest -m "not postgres"` runs without the PostgreSQL server; `-m "not e2e"` without the fake Bot API.
POSTGRES_FIXTURES = frozenset({"postgres_url", "pg_url"})
# Helper modules of the tests that start the fake Bot API (tests/fakebotapi) and a real Application on it.
FAKE_API_MODULES = ("fakebotapi", "adminkit", "adminfixtures")


def _uses_postgres(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    if callspec is not None and "postgres" in callspec.params.values():
        return True  # db_url's PostgreSQL run (a parametrized fixture names its param, not pg_url, up front)
    return bool(names & POSTGRES_FIXTURES)


def _uses_fake_api(module: object) -> bool:
    for value in vars(module).values():
        origin = getattr(value, "__module__", None) or getattr(value, "__name__", "")
        if isinstance(origin, str) and origin.split(".")[0] in FAKE_API_MODULES:
            return True
    return False


def _fixture_from_fake_api(item: pytest.Item) -> bool:
    """A fixture of the fake Bot API's harness (api, bot, ...) among those the test uses: the definition that
    applies is the last one (a module's own `assistant` overrides the harness's)."""
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info is not None else ()):
        if definitions and getattr(definitions[-1].func, "__module__", "").split(".")[0] in FAKE_API_MODULES \
                and definitions[-1].argname in ("api", "bot"):
            return True
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    fake_api: dict[object, bool] = {}
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and module not in fake_api:
            fake_api[module] = _uses_fake_api(module)
        if (fake_api.get(module) or _fixture_from_fake_api(item)) and item.get_closest_marker("e2e") is None:
            item.add_marker(pytest.mark.e2e)
        if _uses_postgres(item) and item.get_closest_marker("postgres") is None:
            item.add_marker(pytest.mark.postgres)
