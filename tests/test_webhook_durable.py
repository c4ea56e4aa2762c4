"""Webhook mode acknowledges an update only once it has been handled (bot.telegram.webhook): a replica killed
(SIGKILL) while handling one has not answered Telegram's POST, so the fake, like Telegram, delivers it again, and
the new replica answers it, once."""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import FakeBotApi
from fakebotapi.crash import HeldReplies, killed_mid_reply, pending
from fakebotapi.running import RunningBot, bot_settings, visible

from bot.core.service import Assistant

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, database_url
pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SECRET = "durable-Webhook_secret-7"
CHAT = 4901


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def posts_of(api: FakeBotApi, update_id: int) -> list[int | None]:
    """The statuses the webhook answered each delivery of `update_id` with (None: no answer)."""
    return [status for posted, status in api.webhook_posts if posted == update_id]


def webhook_settings(api: FakeBotApi, database_url: str, port: int) -> Any:
    return bot_settings(api, database_url, webhook_url=f"http://127.0.0.1:{port}/telegram", webhook_secret=SECRET,
                        webhook_listen="127.0.0.1", webhook_port=port, metrics_port=free_port())


async def test_a_replica_killed_mid_update_gets_it_delivered_again_and_it_is_answered_once(
        api: FakeBotApi, assistant: Assistant, database_url: str, tmp_path: Path) -> None:
    port = free_port()
    held = HeldReplies(CHAT, drop=True)
    api.add_hook("sendMessage", held)
    settings = webhook_settings(api, database_url, port)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_BASE_URL": api.base_url,
           "DATABASE_URL": database_url, "WEBHOOK_URL": settings.webhook_url, "WEBHOOK_SECRET": SECRET,
           "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port), "METRICS_PORT": str(free_port()),
           "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    # Listening once it has set its webhook: the fake then POSTs queued updates to it.
    update_id = await killed_mid_reply(api, held, env, tmp_path, ready="setWebhook")
    held.release.set()
    await api.wait_until(lambda: bool(posts_of(api, update_id)), timeout=10)  # the POST ended, unanswered
    assert 200 not in posts_of(api, update_id) and pending(api) == 1  # Telegram still holds the update
    replica = await RunningBot(api, settings, assistant).start()  # a new replica on the same address
    try:
        reply = await api.wait_for("sendMessage", chat_id=CHAT, where=lambda c: c.ok, timeout=30)
        await api.wait_until(lambda: pending(api) == 0, timeout=30)  # acknowledged, now that it is answered
    finally:
        await replica.stop()
    assert "FR0038" in visible(reply)
    assert posts_of(api, update_id)[-1] == 200 and posts_of(api, update_id).count(200) == 1
    # Answered exactly once: the killed replica's reply never reached Telegram, the new replica's did.
    assert [c.status for c in api.calls_of("sendMessage", chat_id=CHAT)] == [499, 200]


async def test_the_post_is_answered_only_once_the_update_is_handled(
        api: FakeBotApi, assistant: Assistant, database_url: str) -> None:
    held = HeldReplies(CHAT + 1)
    api.add_hook("sendMessage", held)
    bot = await RunningBot(api, webhook_settings(api, database_url, free_port()), assistant).start()
    try:
        update = api.make_update(message=api.message("FR0038", user_id=CHAT + 1))
        delivery = asyncio.create_task(api.deliver(update))
        await asyncio.wait_for(held.replying.wait(), 30)  # mid-update: the reply is being sent
        await asyncio.sleep(0)
        assert not delivery.done()  # Telegram has no answer yet: a crash now and it delivers the update again
        # Telegram delivers it again meanwhile (it gave up waiting): the same handling, not a second one.
        again = asyncio.create_task(api.deliver(update))
        held.release.set()
        assert await delivery == 200 and await again == 200
        assert await api.deliver(update) == 200  # delivered after it was handled: acknowledged at once
    finally:
        await bot.stop()
    assert len(api.calls_of("sendMessage", chat_id=CHAT + 1)) == 1


async def test_updates_queued_at_telegram_are_delivered_to_the_webhook_in_order_and_answered(
        api: FakeBotApi, assistant: Assistant, database_url: str) -> None:
    """The fake's side of webhooks: queued updates are POSTed once the webhook is set, a chat's in order."""
    bot = await RunningBot(api, webhook_settings(api, database_url, free_port()), assistant).start()
    try:
        person = bot.person(CHAT + 2)
        first = await person.say("FR0038")
        second = await person.say("who leads FR0038?")
        await api.wait_until(lambda: pending(api) == 0)
    finally:
        await bot.stop()
    assert "FR0038" in visible(first) and "FR0038" in visible(second)
    assert not api.calls_of("getUpdates") and [s for _, s in api.webhook_posts] == [200, 200]
