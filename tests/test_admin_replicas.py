"""Two Applications on one PostgreSQL database (two replicas): an admin's /import through one is answered by the
other within 5 seconds, and a refresh running on one is seen as running by the other."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from adminkit import ADMIN, NEW_PAGE, BotFactory, SourceServer, fixture_bytes, served_dataset, upload
from fakebotapi import FakeBotApi
from fakebotapi.running import make_assistant, visible

from bot.core.service import Assistant

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = [pytest.mark.postgres, pytest.mark.e2e]
PROPAGATION = 5.0


@pytest.fixture
def shared_url(pg_url: str) -> str:
    return pg_url


@pytest.fixture
async def second_api() -> AsyncIterator[FakeBotApi]:
    server = await FakeBotApi().start()
    yield server
    await server.stop()


async def _until(condition, deadline: float) -> None:  # type: ignore[no-untyped-def]
    """Until `condition()` holds, checked every 20 ms, failing at `deadline` (time.monotonic())."""
    while not condition():
        assert time.monotonic() < deadline, "not within the deadline"
        await asyncio.sleep(0.02)


async def test_an_import_through_one_replica_is_answered_by_the_other(
        shared_url: str, sources: SourceServer, make_bot: BotFactory, api: FakeBotApi, second_api: FakeBotApi) -> None:
    """(The database fixture comes first: it is dropped after both replicas have stopped.)"""
    first = make_assistant(shared_url)
    second = Assistant(first.engine)  # the other replica's own index, on the same database
    second.refresh_if_stale()
    settings = {"url": shared_url, "data_sources": sources.url("slow"), "fetch_timeout_seconds": 30}
    one = await make_bot(fake=api, on=first, **settings)
    two = await make_bot(fake=second_api, on=second, **settings)
    before = second.version
    unknown = visible(await two.person(7001).say("/commitment FR0901"))
    assert "Public register of lobbying meetings" not in unknown
    summary = await upload(one.person(ADMIN), fixture_bytes(NEW_PAGE), NEW_PAGE)
    applied_at = time.monotonic()
    assert "FR0901: added" in visible(summary)
    await _until(lambda: second.version > before, applied_at + PROPAGATION)
    delay = time.monotonic() - applied_at
    card = await two.person(7001).say("/commitment FR0901")
    assert "Public register of lobbying meetings" in visible(card)
    print(f"replica propagation: {delay:.2f} s")  # noqa: T201  (the figure of the closing note)

    # A refresh that runs on the second replica holds the lock for both.
    mark = second_api.mark()
    two.person(ADMIN).write("/refresh")
    await asyncio.wait_for(sources.slow_hit.wait(), 10)
    busy = visible(await one.person(ADMIN).say("/refresh"))
    assert busy.startswith("Another import, refresh or rollback is running (here or on another replica)")
    sources.slow_file = served_dataset(first)  # the data as it is: the refresh finds nothing to change
    sources.release.set()
    done = await second_api.wait_for("sendMessage", since=mark, chat_id=ADMIN, timeout=15)
    assert visible(done).startswith("Nothing to change")
