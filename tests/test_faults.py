"""Telegram or the network failing on the way: every reply still arrives, once (bot.botapi.retry, whose table
these tests follow), and polling loses nothing when getUpdates fails."""

from __future__ import annotations

import asyncio

import pytest
from fakebotapi import FakeBotApi, drop_after_processing, drop_connection, every, retry_after, server_error, slow
from fakebotapi.running import RunningBot, bot_settings, visible
from telegram import Bot
from telegram.error import TimedOut
from telegram.request import HTTPXRequest

from bot.botapi import retry
from bot.botapi.retry import IDEMPOTENT, Failure, RetryingRequest, should_retry
from bot.botapi.transport import AiohttpRequest
from bot.core.service import Assistant

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, bot, database_url, transport


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.02)  # the policy under test, not the waiting


async def idle(bot: RunningBot) -> None:
    """Every fetched update handled: whatever the bot was going to send for them is sent."""
    await asyncio.wait_for(bot.application.bot.ledger.idle(), 15)


def statuses(api: FakeBotApi, method: str, **params: object) -> list[int]:
    return [c.status for c in api.calls_of(method, **params)]


@pytest.mark.parametrize(("method", "status", "failure", "retried"), [
    ("sendMessage", 500, None, True), ("sendMessage", 502, None, True), ("sendMessage", 503, None, True),
    ("sendMessage", 504, None, False), ("editMessageText", 504, None, True), ("sendMessage", 400, None, False),
    ("sendMessage", 403, None, False), ("sendMessage", 429, None, False),  # 429: AIORateLimiter's, after retry_after
    ("sendMessage", None, Failure.NOT_SENT, True), ("sendMessage", None, Failure.DROPPED, True),
    ("sendMessage", None, Failure.NO_ANSWER, False), ("sendPhoto", None, Failure.NO_ANSWER, False),
    ("answerCallbackQuery", None, Failure.NO_ANSWER, True), ("getUpdates", None, Failure.NO_ANSWER, True),
])
def test_the_retry_policy(method: str, status: int | None, failure: Failure | None, retried: bool) -> None:
    assert should_retry(method, status=status, failure=failure) is retried


def test_sending_methods_are_not_idempotent() -> None:
    assert not {"sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"} & IDEMPOTENT


async def test_server_errors_and_dropped_connections_on_replies_are_retried_and_the_reply_arrives_once(
        bot: RunningBot) -> None:
    for hook in (server_error(times=2), drop_connection(times=1), server_error(times=1, status=502)):
        bot.api.add_hook("sendMessage", hook)
    reply = await bot.person(4201).say_until("FR0038", lambda calls: any(c.ok for c in calls))
    await idle(bot)
    assert statuses(bot.api, "sendMessage", chat_id=4201) == [500, 500, 499, 502, 200]
    assert "Administrative Capacity-Building" in visible(reply[-1])


async def test_too_many_requests_then_server_errors_still_one_reply(bot: RunningBot) -> None:
    bot.api.add_hook("sendMessage", retry_after(1))
    bot.api.add_hook("sendMessage", server_error(times=1))
    await bot.person(4202).say_until("who leads FR0038?", lambda calls: any(c.ok for c in calls), timeout=15)
    await idle(bot)
    assert statuses(bot.api, "sendMessage", chat_id=4202) == [429, 500, 200]


async def test_failing_and_slow_polls_lose_no_update_and_answer_none_twice(
        api: FakeBotApi, assistant: Assistant, database_url: str) -> None:
    bot = await RunningBot(api, bot_settings(api, database_url), assistant).start()  # one transport: PTB's loop
    try:
        await _polls_fail(bot)
    finally:
        await bot.stop()


async def _polls_fail(bot: RunningBot) -> None:
    for hook in (server_error(times=2), drop_connection(times=2), retry_after(1), every(3, slow(0.1))):
        bot.api.add_hook("getUpdates", hook)
    person = bot.person(4203)
    for question in ("FR0038", "who leads FR0038?", "/commitment FR0038 9.2"):
        person.write(question)
    await bot.api.wait_until(lambda: bot.api.ok_counts["sendMessage"] >= 3, timeout=20)
    await idle(bot)
    replies = bot.api.calls_of("sendMessage", chat_id=4203)
    assert [c.status for c in replies] == [200, 200, 200]
    assert "Administrative Capacity-Building" in visible(replies[0])  # in the order asked
    assert "9.2" in visible(replies[2])
    assert {500, 499, 429} <= set(statuses(bot.api, "getUpdates"))


async def test_a_connection_dropped_after_telegram_acted_is_repeated(bot: RunningBot) -> None:
    """The documented cost of retrying dropped connections: when Telegram had already acted (rare: a keep-alive
    connection closed mid-answer), the user reads the reply twice. At least once, never lost."""
    bot.api.add_hook("sendMessage", drop_after_processing(times=1))
    await bot.person(4204).say_until("FR0038", lambda calls: len(calls) == 2)
    await idle(bot)
    first, second = bot.api.calls_of("sendMessage", chat_id=4204)
    assert first.ok and first.error == "dropped after processing" and second.ok and second.error is None
    assert first.text == second.text


@pytest.fixture(params=["aiohttp", "httpx"])
def short_timeout_request(request: pytest.FixtureRequest) -> RetryingRequest:
    # aiohttp counts the write timeout into the read timeout (bot.botapi.transport.AiohttpRequest): none here.
    inner = AiohttpRequest(4, read_timeout=0.2, write_timeout=0.0) if request.param == "aiohttp" else \
        HTTPXRequest(connection_pool_size=4, read_timeout=0.2)
    return RetryingRequest(inner, base=0.01)


async def test_a_reply_without_an_answer_in_time_is_not_repeated_but_an_idempotent_call_is(
        api: FakeBotApi, short_timeout_request: RetryingRequest) -> None:
    api.chat(4205)
    release = asyncio.Event()
    arrived: dict[str, int] = {}

    async def first_one_held(call, request):  # type: ignore[no-untyped-def]
        arrived[call.method] = arrived.get(call.method, 0) + 1
        if arrived[call.method] == 1:
            await release.wait()  # carried out only after the bot has given up waiting for the answer
        return None

    api.add_hook("sendMessage", first_one_held)
    api.add_hook("sendChatAction", first_one_held)
    async with Bot(api.token, base_url=api.base_url, request=short_timeout_request) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(4205, "the answer")
        assert await bot.send_chat_action(4205, "typing")  # timed out once, repeated: no harm in two
        release.set()
        await api.wait_until(lambda: api.ok_counts["sendMessage"] == 1 and api.ok_counts["sendChatAction"] == 2)
    assert arrived == {"sendMessage": 1, "sendChatAction": 2}  # the message was not sent again
