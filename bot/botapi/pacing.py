"""Outbound pacing of Bot API calls per chat, the way Telegram limits them (python-telegram-bot's BaseRateLimiter,
its documented extension point; AIORateLimiter is its reference implementation).

Telegram limits a bot per chat: about one message a second in a private chat, short bursts allowed, and 20 a
minute in a group, supergroup or channel (negative ids, or "@name"); going over gets 429 Too Many Requests with
`retry_after`. Its overall figure, about 30 messages a second, is for bulk notifications. So:

- messages (`send*` but sendChatAction, `copyMessage(s)`, `forwardMessage(s)`) to a private chat take a token
  from that chat's bucket (PRIVATE_BURST tokens, refilled at PRIVATE_PER_SECOND); to a group, a place in that
  chat's sliding window (GROUP_MAX in GROUP_SECONDS). Replies have no overall limit: a surge of 1,000 users
  gets 1,000 replies at once, each within its own chat's pace;
- a 429 holds that chat only, for `retry_after` seconds (any method with its chat_id waits), then the call is
  tried again, at most `max_retries` times; other chats keep flowing. A 429 on a call without a chat (an
  inline query's answer, setMyCommands...) waits and retries that call only;
- calls without a chat_id (answerCallbackQuery, answerInlineQuery, getUpdates, setMyCommands...), edits
  (one per tap on a button) and chat actions are not paced;
- bulk sends (followers' alerts and digests) also take a turn of the overall bucket, `bulk()`, at
  ALERTS_MAX_PER_SECOND (handlers.alerts calls it before each send).

Waiting is by reservation: each call reserves the next free moment of its chat and sleeps until then, so
calls of one chat go out in the order they asked, without a lock or a task per chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import time
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

PRIVATE_PER_SECOND = 1.0  # sustained messages a second to one private chat
PRIVATE_BURST = 3  # messages a private chat may get at once after a quiet moment
GROUP_MAX, GROUP_SECONDS = 20, 60.0  # messages to one group, supergroup or channel within any GROUP_SECONDS
MAX_RETRIES = 3  # tries after a 429, per call
MAX_LANES = 10_000  # chats tracked before idle ones are forgotten (a forgotten chat is idle: nothing is lost)

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[Any]]
JSON = bool | dict[str, Any] | list[dict[str, Any]]


class Pace(Protocol):
    def reserve(self) -> float:
        """Take the next free moment; seconds to wait until it (0: now)."""

    def idle(self) -> bool:
        """Whether forgetting this pace would change nothing (the next call may go at once)."""


class TokenBucket:
    """`capacity` tokens, refilled at `rate` a second. Tokens may go below zero: a reservation for later."""

    def __init__(self, rate: float, capacity: float, clock: Clock) -> None:
        self.rate, self.capacity, self._clock = rate, capacity, clock
        self._tokens, self._at = capacity, clock()

    def _refill(self) -> float:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
        self._at = now
        return self._tokens

    def reserve(self) -> float:
        self._tokens = self._refill() - 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def idle(self) -> bool:
        return self._refill() >= self.capacity


class SlidingWindow:
    """At most `limit` calls within any `period` seconds (Telegram's "20 messages a minute" in a group: a bucket
    of 20 would allow 40 in the first minute)."""

    def __init__(self, limit: int, period: float, clock: Clock) -> None:
        self.limit, self.period, self._clock = limit, period, clock
        self._times: deque[float] = deque()  # reserved moments, in order

    def reserve(self) -> float:
        now = self._clock()
        while self._times and self._times[0] <= now - self.period:
            self._times.popleft()
        at = now if len(self._times) < self.limit else max(now, self._times[-self.limit] + self.period)
        self._times.append(at)
        return at - now

    def idle(self) -> bool:
        now = self._clock()
        return not self._times or self._times[-1] <= now - self.period


@dataclass
class Lane:
    """One chat: its pace, and until when a 429 holds it."""

    pace: Pace
    held_until: float = 0.0
    waiting: int = field(default=0)  # calls of this chat in process_request now: the lane is in use


def is_message(endpoint: str) -> bool:
    """Whether a method posts a message in a chat (what Telegram's per-chat limits count)."""
    return (endpoint.startswith("send") and endpoint != "sendChatAction") or endpoint in {
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages"}


def chat_key(chat_id: object) -> int | str | None:
    """The chat a call is for: an int id, or an "@name" (a channel or supergroup); None without one."""
    if chat_id is None or isinstance(chat_id, bool):
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(chat_id)  # type: ignore[call-overload]
    return str(chat_id)


def is_group(key: int | str) -> bool:
    return isinstance(key, str) or key < 0


def retry_after_seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds (python-telegram-bot 22 gives an int or a timedelta, and warns on reading it as
    an int unless PTB_TIMEDELTA is set)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


class ChatPacer(BaseRateLimiter[None]):
    """Per-chat pacing and per-chat 429 handling (see the module doc). `clock` and `sleep` are replaced by
    tests; `bulk_per_second` 0 lifts the overall limit of bulk sends."""

    def __init__(self, *, private_per_second: float = PRIVATE_PER_SECOND, private_burst: int = PRIVATE_BURST,
                 group_max: int = GROUP_MAX, group_seconds: float = GROUP_SECONDS, bulk_per_second: float = 25.0,
                 max_retries: int = MAX_RETRIES, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
                 ) -> None:
        if private_per_second <= 0 or private_burst < 1 or group_max < 1 or group_seconds <= 0 or max_retries < 0:
            raise ValueError("pacing limits must be positive")
        self.private_per_second, self.private_burst = private_per_second, private_burst
        self.group_max, self.group_seconds, self.max_retries = group_max, group_seconds, max_retries
        self._clock, self._sleep = clock, sleep
        self._bulk = TokenBucket(bulk_per_second, 1, clock) if bulk_per_second > 0 else None
        self._lanes: dict[int | str, Lane] = {}
        self.too_many_requests = 0  # 429s received (benchmarks and tests report them)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def bulk(self) -> None:
        """A turn of the overall limit of bulk sends (alerts, digests), before their own chat's pace."""
        if self._bulk is not None:
            await self._wait(self._bulk.reserve())

    def _lane(self, key: int | str) -> Lane:
        lane = self._lanes.get(key)
        if lane is None:
            if len(self._lanes) >= MAX_LANES:
                self._forget_idle()
            pace: Pace = SlidingWindow(self.group_max, self.group_seconds, self._clock) if is_group(key) \
                else TokenBucket(self.private_per_second, self.private_burst, self._clock)
            lane = self._lanes[key] = Lane(pace)
        return lane

    def _forget_idle(self) -> None:
        now = self._clock()
        for key in [k for k, lane in self._lanes.items()
                    if not lane.waiting and lane.held_until <= now and lane.pace.idle()]:
            del self._lanes[key]

    async def _wait(self, seconds: float) -> None:
        if seconds > 0:  # no sleep(0): a call that may go at once does not give its turn away
            await self._sleep(seconds)

    async def _turn(self, lane: Lane, paced: bool) -> None:
        """Until the chat is not held by a 429, then until its pace lets a message through."""
        while (held := lane.held_until - self._clock()) > 0:
            await self._sleep(held)  # the hold may be extended meanwhile: look again
        if paced:
            await self._wait(lane.pace.reserve())

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, JSON]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: None) -> JSON:
        key = chat_key(data.get("chat_id"))
        lane = self._lane(key) if key is not None else None
        if lane is not None:
            lane.waiting += 1
        try:
            for attempt in range(self.max_retries + 1):
                if lane is not None:
                    await self._turn(lane, is_message(endpoint))
                try:
                    return await callback(*args, **kwargs)
                except RetryAfter as error:
                    self.too_many_requests += 1
                    seconds = retry_after_seconds(error)
                    if attempt == self.max_retries:
                        log.warning("%s: still 429 after %d retries; giving up", endpoint, self.max_retries)
                        raise
                    log.info("%s: 429, retrying in %.1f s (%s)", endpoint, seconds,
                             "that chat held" if lane is not None else "no chat")
                    if lane is not None:  # every call of this chat waits; other chats go on
                        lane.held_until = max(lane.held_until, self._clock() + seconds)
                    else:
                        await self._wait(seconds)
            raise AssertionError("unreachable")  # the last attempt returns or raises
        finally:
            if lane is not None:
                lane.waiting -= 1
