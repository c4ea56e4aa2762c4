"""A hard crash (SIGKILL) between receiving an update and replying: the update is not lost. Polling confirms an
update to Telegram only once handled (bot.telegram.update_ledger), so the restarted bot fetches it again and answers it;
after a clean stop, handled updates are confirmed and nothing is answered twice."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from fakebotapi import FakeBotApi
from fakebotapi.crash import HeldReplies, killed_mid_reply, pending
from fakebotapi.running import RunningBot, bot_settings, visible

from bot.core.service import Assistant
from bot.telegram.update_ledger import Ledger

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, database_url
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
CHAT = 4401


async def test_an_update_fetched_but_not_answered_before_a_hard_crash_is_answered_after_the_restart(
        api: FakeBotApi, assistant: Assistant, database_url: str, tmp_path: Path) -> None:
    held = HeldReplies(CHAT, drop=True)  # the bot dies with its reply on the way: Telegram never carries it out
    api.add_hook("sendMessage", held)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_BASE_URL": api.base_url,
           "DATABASE_URL": database_url, "WEBHOOK_URL": "", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    update_id = await killed_mid_reply(api, held, env, tmp_path, ready="deleteWebhook")
    held.release.set()
    assert any(c.method == "getUpdates" and c.params.get("offset") == update_id for c in api.calls)  # polled on...
    assert pending(api) == 1  # ...without confirming the update being handled
    restarted = await RunningBot(api, bot_settings(api, database_url), assistant).start()
    try:
        reply = await api.wait_for("sendMessage", chat_id=CHAT, where=lambda c: c.ok, timeout=20)
        assert "Administrative Capacity-Building" in visible(reply)
    finally:
        await restarted.stop()  # a clean stop confirms what was handled
    assert pending(api) == 0
    again = await RunningBot(api, bot_settings(api, database_url), assistant).start()
    try:
        answered = await again.person(4402).say("FR0038")  # the bot runs, and has nothing old to answer
        assert answered.ok
    finally:
        await again.stop()
    assert [c.status for c in api.calls_of("sendMessage", chat_id=CHAT)] == [499, 200]


def test_the_ledger_confirms_handled_updates_only_and_holds_back_a_bounded_window() -> None:
    ledger = Ledger(window=5)
    ledger.fetched([1, 2, 3, 4, 5])
    for done in (2, 3):
        ledger.done(done)
    assert ledger.offset(6) == 1  # 1 is still being handled: nothing past it is confirmed
    ledger.done(1)
    assert ledger.offset(6) == 4
    for done in (4, 5):
        ledger.done(done)
    assert ledger.offset(6) == 6 and ledger.open == 0
    ledger.fetched(list(range(6, 16)))
    for done in range(7, 16):
        ledger.done(done)
    assert ledger.offset(16) == 16  # 6 is slow: past 5 held back it is confirmed anyway, and the rest with it
    ledger.done(99)  # unknown ids (webhook updates) are ignored
    assert ledger.open == 1


async def test_a_slow_update_holds_back_its_own_confirmation_not_the_other_answers(
        api: FakeBotApi, assistant: Assistant, database_url: str) -> None:
    release = asyncio.Event()

    async def slow_for_one_chat(call, request):  # type: ignore[no-untyped-def]
        if call.params.get("chat_id") == CHAT:
            await release.wait()
        return None

    api.add_hook("sendMessage", slow_for_one_chat)
    bot = await RunningBot(api, bot_settings(api, database_url), assistant).start()
    try:
        api.send_text("FR0038", user_id=CHAT)
        others = [await bot.person(4410 + n).say("who leads FR0038?") for n in range(3)]
        assert all(o.ok for o in others)  # answered while the first one waits
        assert pending(api) >= 1  # the waiting one is not confirmed: a crash now would not lose it
        release.set()
        await api.wait_for("sendMessage", chat_id=CHAT, where=lambda c: c.ok)
    finally:
        await bot.stop()
    assert pending(api) == 0
