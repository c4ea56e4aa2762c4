"""Outbound pacing (bot.botapi.pacing): per chat, about one message a second in a private chat after a short burst
and 20 a minute in a group, no overall limit on replies, a 429 holding only its own chat, an overall limit for
followers' alerts only; and the fake Bot API enforcing Telegram's per-chat limits (fakebotapi.server.ChatLimits).

The pacer's own tests run on a clock of their own: no test waits for real seconds to pass, and none times
anything (speed is bench.surge's)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fakebotapi import ChatLimits, FakeBotApi
from fakebotapi.running import RunningBot, bot_settings
from telegram.error import RetryAfter

from bot.botapi.pacing import GROUP_MAX, GROUP_SECONDS, PRIVATE_BURST, ChatPacer, chat_key, is_message
from bot.common.config import ConfigError, load_settings
from bot.core.service import Assistant
from bot.telegram.app import build_application
from handlers import alerts

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, database_url


class Time:
    """A clock that only moves when a paced call sleeps: each sleep is recorded, then passes at once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


class Calls:
    """What reached "Telegram" through the pacer: (endpoint, chat, when)."""

    def __init__(self, time: Time) -> None:
        self.time, self.made = time, []  # type: ignore[var-annotated]
        self.refuse: dict[Any, list[int]] = {}  # chat -> retry_after of the next answers, in turn

    async def send(self, pacer: ChatPacer, endpoint: str = "sendMessage", chat_id: Any = 1) -> Any:
        data = {"chat_id": chat_id} if chat_id is not None else {}

        async def callback() -> bool:
            refusals = self.refuse.get(chat_id)
            if refusals:
                raise RetryAfter(refusals.pop(0))
            self.made.append((endpoint, chat_id, self.time.now))
            return True

        return await pacer.process_request(callback, (), {}, endpoint, data, None)


def pacer_on(time: Time, **limits: Any) -> ChatPacer:
    return ChatPacer(clock=time.clock, sleep=time.sleep, **limits)


async def test_a_private_chat_gets_a_burst_then_one_message_a_second() -> None:
    time = Time()
    calls, pacer = Calls(time), pacer_on(time)
    start = time.now
    for _ in range(PRIVATE_BURST + 3):
        await calls.send(pacer)
    moments = [at - start for _, _, at in calls.made]
    assert moments == [0.0] * PRIVATE_BURST + [1.0, 2.0, 3.0]
    time.now += 60  # a quiet minute refills the burst, no more
    before = len(time.sleeps)
    for _ in range(PRIVATE_BURST):
        await calls.send(pacer)
    assert len(time.sleeps) == before  # the burst again, without waiting


async def test_a_group_gets_twenty_a_minute_and_never_forty() -> None:
    time = Time()
    calls, pacer = Calls(time), pacer_on(time)
    start = time.now
    for _ in range(GROUP_MAX + 2):
        await calls.send(pacer, chat_id=-100123)
    moments = [at - start for _, _, at in calls.made]
    assert moments[:GROUP_MAX] == [0.0] * GROUP_MAX
    assert moments[GROUP_MAX:] == [GROUP_SECONDS, GROUP_SECONDS]  # a bucket of 20 would have let 20 more by now
    await calls.send(pacer, chat_id="@ogp_channel")  # a channel by name: a group's limits, its own window
    assert calls.made[-1][2] == time.now


async def test_chats_do_not_wait_for_each_other_and_replies_have_no_overall_limit() -> None:
    time = Time()
    calls, pacer = Calls(time), pacer_on(time)
    for chat in range(1, 1001):  # a surge: a thousand people, one reply each
        await calls.send(pacer, chat_id=chat)
    assert time.sleeps == [] and len(calls.made) == 1000


@pytest.mark.parametrize(("endpoint", "chat_id"), [
    ("answerCallbackQuery", None), ("answerInlineQuery", None), ("getUpdates", None), ("setMyCommands", None),
    ("sendChatAction", 1), ("editMessageText", 1), ("deleteMessage", 1)])
async def test_calls_that_are_not_new_messages_are_not_paced(endpoint: str, chat_id: int | None) -> None:
    time = Time()
    calls, pacer = Calls(time), pacer_on(time)
    for _ in range(10):
        await calls.send(pacer, endpoint, chat_id)
    assert time.sleeps == [] and len(calls.made) == 10


def test_what_counts_as_a_message_and_which_chat() -> None:
    assert all(is_message(m) for m in ("sendMessage", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"))
    assert not any(is_message(m) for m in ("sendChatAction", "editMessageText", "answerCallbackQuery", "getMe"))
    assert (chat_key(5), chat_key("5"), chat_key("-100"), chat_key("@c"), chat_key(None)) == (5, 5, -100, "@c", None)


async def test_a_429_holds_its_chat_only_then_the_call_is_retried() -> None:
    """Chat 1 is told to wait 5 s: its calls wait (a sleep the test releases), chat 2's go on meanwhile."""
    time = Time()
    calls = Calls(time)
    released, waits = asyncio.Event(), []

    async def held_sleep(seconds: float) -> None:
        waits.append(round(seconds, 6))
        await released.wait()

    pacer = ChatPacer(clock=time.clock, sleep=held_sleep)
    calls.refuse[1] = [5]
    first = asyncio.create_task(calls.send(pacer, chat_id=1))
    while not waits:  # the 429 came back: chat 1 is held
        await asyncio.sleep(0)
    second = asyncio.create_task(calls.send(pacer, chat_id=1))  # a later message of the held chat waits too
    for chat in (2, 3):
        assert await calls.send(pacer, chat_id=chat) is True  # other chats: at once, without sleeping
    assert [c for _, c, _ in calls.made] == [2, 3] and waits == [5.0] and not first.done()
    await asyncio.sleep(0)
    assert not second.done() and waits == [5.0, 5.0]  # held, for the same 5 s
    time.now += 5
    released.set()
    assert await first is True and await second is True
    assert [c for _, c, _ in calls.made] == [2, 3, 1, 1] and pacer.too_many_requests == 1


async def test_retries_after_429_are_bounded() -> None:
    time = Time()
    calls, pacer = Calls(time), pacer_on(time, max_retries=2)
    calls.refuse[1] = [1, 2, 3, 4]
    with pytest.raises(RetryAfter):
        await calls.send(pacer, chat_id=1)
    assert calls.made == [] and pacer.too_many_requests == 3  # the call and its 2 retries
    calls.refuse[None] = [7]  # a call without a chat waits alone, and is retried
    assert await calls.send(pacer, "answerInlineQuery", chat_id=None) is True
    assert time.sleeps[-1] == 7.0


async def test_bulk_sends_share_one_overall_limit() -> None:
    time = Time()
    pacer = pacer_on(time, bulk_per_second=25)
    start = time.now
    for _ in range(51):
        await pacer.bulk()
    assert time.now - start == pytest.approx(50 / 25)  # 25 a second, all chats together
    unlimited = pacer_on(Time(), bulk_per_second=0)
    await unlimited.bulk()


async def test_followers_alerts_take_a_turn_of_the_overall_limit() -> None:
    time = Time()
    pacer = pacer_on(time, bulk_per_second=2)
    application = build_application(load_settings(telegram_bot_token="1:x", _env_file=None), rate_limiter=pacer)
    start = time.now
    for _ in range(5):
        await alerts._bulk_turn(application)  # what each alert's send waits for first
    assert time.now - start == pytest.approx(2.0)  # 5 alerts at 2 a second


def test_alerts_max_per_second_is_a_setting_and_reaches_the_pacer() -> None:
    settings = load_settings(telegram_bot_token="1:x", alerts_max_per_second=7, _env_file=None)
    pacer = build_application(settings).bot.rate_limiter
    assert isinstance(pacer, ChatPacer) and pacer._bulk is not None and pacer._bulk.rate == 7
    assert load_settings(_env_file=None).alerts_max_per_second == 25
    with pytest.raises(ConfigError, match="ALERTS_MAX_PER_SECOND"):
        load_settings(alerts_max_per_second=0, _env_file=None)


# -- the fake Bot API enforces Telegram's per-chat limits -------------------------------------------------------


def test_the_fakes_limits_are_telegrams() -> None:
    limits = ChatLimits()
    assert [limits.check(7, 0.0) for _ in range(4)] == [None] * 4  # a short burst
    assert limits.check(7, 0.0) == 1  # then 429, retry after 1 s
    assert limits.check(7, 1.0) is None and limits.check(7, 1.0) == 1  # one a second
    assert limits.check(8, 0.0) is None  # another chat is not affected
    assert [limits.check(-5, float(n)) for n in range(20)] == [None] * 20
    assert limits.check(-5, 30.0) == 29  # the 21st message within the minute: retry when the first leaves it
    assert limits.check(-5, 59.5) is None


async def test_quick_replies_in_one_chat_are_paced_under_the_limits_and_all_arrive(
        api: FakeBotApi, assistant: Assistant, database_url: str) -> None:
    api.limits = ChatLimits()
    bot = await RunningBot(api, bot_settings(api, database_url), assistant).start()
    try:
        person = bot.person(4801)
        questions = ["FR0038", "who leads FR0038?", "FR0038 milestone 9.2", "hello", "/help", "FR0038"]
        for question in questions:  # written at once: the answers come as fast as the chat's pace allows
            person.write(question)
        await api.wait_until(lambda: api.ok_counts["sendMessage"] >= len(questions), timeout=30)
    finally:
        await bot.stop()
    assert api.too_many_requests == 0
    replies = api.calls_of("sendMessage", chat_id=4801)
    assert len(replies) >= len(questions) and all(c.ok for c in replies)


async def test_a_429_from_telegram_is_waited_out_and_each_reply_arrives_once(
        api: FakeBotApi, assistant: Assistant, database_url: str) -> None:
    """The fake stricter than the pacer (one message every 2 s, no burst): the second reply gets a 429; the bot
    waits retry_after for that chat and sends it again, once."""
    api.limits = ChatLimits(private_per_second=0.5, private_burst=1)
    bot = await RunningBot(api, bot_settings(api, database_url), assistant).start()
    try:
        person = bot.person(4802)
        person.write("FR0038")
        person.write("who leads FR0038?")
        await api.wait_until(lambda: api.ok_counts["sendMessage"] >= 2, timeout=30)
        pacer = bot.application.bot.rate_limiter
    finally:
        await bot.stop()
    statuses = [c.status for c in api.calls_of("sendMessage", chat_id=4802)]
    assert statuses.count(200) == 2 and set(statuses) <= {200, 429} and statuses[-1] == 200
    assert api.too_many_requests == statuses.count(429) == pacer.too_many_requests >= 1
