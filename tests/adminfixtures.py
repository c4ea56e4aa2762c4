"""Fixtures of the admin and follower tests: the real bot with an admin, started with settings of the test's
choosing, and a local HTTP server of data sources."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from adminkit import ADMIN, BotFactory, SourceServer
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings

from bot.core.service import Assistant


@pytest.fixture
async def make_bot(api: FakeBotApi, assistant: Assistant, database_url: str) -> AsyncIterator[BotFactory]:
    """Start the real bot with admin ADMIN and settings overrides (one transport: aiohttp, the default)."""
    started: list[RunningBot] = []

    async def start(*, fake: FakeBotApi | None = None, on: Assistant | None = None, url: str | None = None,
                    **overrides: Any) -> RunningBot:
        values: dict[str, Any] = {"admin_ids": str(ADMIN)}
        values.update(overrides)
        running = await RunningBot(fake or api, bot_settings(fake or api, url or database_url, **values),
                                   on or assistant, transport="aiohttp").start()
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        await running.stop()


@pytest.fixture
async def sources() -> AsyncIterator[SourceServer]:
    server = await SourceServer().start()
    yield server
    await server.stop()
