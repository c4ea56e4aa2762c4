"""pytest fixtures running the real bot against the fake Bot API. Test modules load them with
`pytest_plugins = ("fakebotapi.harness",)` and import helpers from fakebotapi.running."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.service import Assistant
from bot.telegram.app import TRANSPORTS

from .running import RunningBot, bot_settings, make_assistant
from .server import FakeBotApi


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    server = await FakeBotApi().start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the schema and the test data, made once: each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "bot.storage.db"
    make_assistant(f"sqlite:///{path}").engine.dispose()  # closing the last connection folds the WAL in
    return path


@pytest.fixture
def database_url(tmp_path: Path, template_database: Path) -> str:
    shutil.copyfile(template_database, tmp_path / "bot.storage.db")
    return f"sqlite:///{tmp_path / 'bot.storage.db'}"


@pytest.fixture
def assistant(database_url: str) -> Assistant:
    assistant = Assistant.from_url(database_url)
    assistant.refresh_if_stale()
    return assistant


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    """Each end-to-end test runs over both HTTP transports of the bot (see bot.botapi.transport.AiohttpRequest)."""
    return request.param


@pytest.fixture
async def bot(api: FakeBotApi, assistant: Assistant, database_url: str, transport: str) -> AsyncIterator[RunningBot]:
    """The bot running in polling mode against the fake API, on a database holding the test data."""
    running_bot = await RunningBot(api, bot_settings(api, database_url), assistant, transport=transport).start()
    yield running_bot
    await running_bot.stop()
