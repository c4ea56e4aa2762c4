"""PostgreSQL drops the bot's connections (pg_terminate_backend, as a restart or a failover does): the question
whose query was running is answered "please try again" in the asker's language, the bot keeps running, and the
next questions are answered from fresh connections (the engine's pool_pre_ping)."""

from __future__ import annotations

import asyncio
import threading
import time

import psycopg
import pytest
from conftest import POSTGRES_ADMIN_URL
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings, make_assistant, visible
from sqlalchemy import text

from bot.common.i18n import translator
from bot.services.chatstate import ChatStore, Turn

pytest_plugins = ("fakebotapi.harness",)  # fixture: api
pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

SLOW_CHAT = 4301


@pytest.fixture
def pg_database(pg_url: str) -> str:
    return pg_url


class StoreWithAQueryInFlight(ChatStore):
    """The chat store, except that SLOW_CHAT's next turn first runs a long query (in flight on the server)."""

    def __init__(self, store: ChatStore) -> None:
        super().__init__(store.engine)
        self.slow_next, self.in_flight = True, threading.Event()

    def load(self, chat_id: int, user_id: int | None) -> Turn:
        if chat_id == SLOW_CHAT and self.slow_next:
            self.slow_next = False
            with self.engine.connect() as conn:
                self.in_flight.set()
                conn.execute(text("SELECT pg_sleep(60)"))
        return super().load(chat_id, user_id)


def _terminate(admin_url: str, database: str, *, once_sleeping: bool = False) -> int:
    """End every connection of the bot's database (`once_sleeping`: once its pg_sleep runs); how many ended."""
    with psycopg.connect(admin_url, autocommit=True) as admin:
        deadline = time.monotonic() + 10
        while once_sleeping and not admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
                "AND query LIKE 'SELECT pg_sleep%%'", (database,)).fetchone()[0]:
            assert time.monotonic() < deadline, "the query never started"
            time.sleep(0.01)  # a query's start is not announced: look again
        return admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s "
                             "AND pid <> pg_backend_pid()", (database,)).fetchone()[0]


async def test_connections_killed_mid_run_the_bot_recovers_and_the_question_in_flight_is_told_to_retry(
        api: FakeBotApi, pg_database: str) -> None:
    assistant = await asyncio.to_thread(make_assistant, pg_database)
    bot = await RunningBot(api, bot_settings(api, pg_database), assistant).start()
    try:
        services = bot.application.bot_data["services"]
        store = services.store = StoreWithAQueryInFlight(services.store)
        name = pg_database.rsplit("/", 1)[1]
        before = await bot.person(4302).say("who leads FR0038?")  # the pool holds a live connection now
        assert before.ok and "FR0038" in visible(before)
        assert await asyncio.to_thread(_terminate, POSTGRES_ADMIN_URL, name) >= 1  # idle in the pool: ended
        answered = await bot.person(4302).say("FR0038")
        assert "Administrative Capacity-Building" in visible(answered)  # pre-ping found it dead and reconnected
        asker = bot.person(SLOW_CHAT, language_code="fr")
        mark = api.mark()
        asker.write("qui pilote l'engagement FR0038 ?")
        assert await asyncio.to_thread(store.in_flight.wait, 10)
        assert await asyncio.to_thread(_terminate, POSTGRES_ADMIN_URL, name, once_sleeping=True) >= 1
        sorry = await api.wait_for("sendMessage", since=mark, chat_id=SLOW_CHAT, timeout=20)
        assert visible(sorry) == translator("fr")._("Sorry, something went wrong on my side. Please try again in a "
                                                    "moment.")
        # No restart: the next questions, the same user's included, get their answers.
        after = await bot.person(4303).say("FR0038")
        again = await asker.say("qui pilote l'engagement FR0038 ?")
        assert "Administrative Capacity-Building" in visible(after)
        assert "FR0038" in visible(again) and visible(again) != visible(sorry)
        assert [c.status for c in api.calls_of("sendMessage", chat_id=SLOW_CHAT)] == [200, 200]
    finally:
        await bot.stop()
