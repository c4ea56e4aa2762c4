"""Retries of Bot API calls that failed on the way, at the transport (python-telegram-bot's BaseRequest), so that
every reply still arrives, once, when Telegram or the network has a bad moment.

Telegram offers no idempotency key: a sendMessage sent twice is a message shown twice. So a call is retried
only when Telegram cannot have acted on it, or when acting twice does no harm:

| failure                                                    | Telegram acted? | retried                     |
| ---------------------------------------------------------- | --------------- | --------------------------- |
| 429 Too Many Requests                                      | no              | by the pacer, after         |
|                                                            |                 | `retry_after` (pacing.py)   |
| 500, 502, 503 answered                                     | no              | yes, with back-off          |
| no connection (refused, connect or pool timeout)           | no: not sent    | yes, with back-off          |
| connection closed before any answer                        | almost never    | yes, with back-off (*)      |
| 504, or no answer within the read timeout                  | maybe (slow)    | idempotent methods only     |

(*) In practice a dropped connection is a keep-alive connection that Telegram or a proxy closed while the request
was on its way, so it was never read. If Telegram did act before the connection dropped, the user sees the reply
twice: a rare duplicate rather than a lost answer. A timeout is the opposite case: the request arrived and
Telegram is slow, so the message is most likely delivered and a retry would most likely duplicate it.
Idempotent methods (reading, answering a query, editing, "typing…") are retried in every case.

getUpdates is retried here too (it is idempotent until its offset moves); python-telegram-bot's polling loop
retries on top with its own, slower back-off.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any

import aiohttp
import httpx
from telegram.error import NetworkError
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)

# Methods that do no harm when Telegram receives them twice: reads, settings, answers to a query (the second
# answer is refused as "query is too old"), edits (the second is "message is not modified"), chat actions.
IDEMPOTENT = frozenset({
    "getMe", "getUpdates", "getFile", "getChat", "getChatMember", "getMyCommands", "getWebhookInfo",
    "setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook", "setChatMenuButton",
    "answerCallbackQuery", "answerInlineQuery", "sendChatAction", "editMessageText", "editMessageReplyMarkup",
    "editMessageCaption", "deleteMessage", "close", "logOut",
})
ATTEMPTS, BACKOFF_BASE, BACKOFF_CAP = 5, 0.2, 5.0  # tries in all; seconds after the first failure, at most
RETRY_STATUSES = frozenset({500, 502, 503})  # Telegram (or its front end) failed before acting
MAYBE_ACTED_STATUSES = frozenset({504})  # a gateway gave up waiting: Telegram may have acted


class Failure(Enum):
    NOT_SENT = "not sent"  # the request never left: safe to repeat
    DROPPED = "dropped"  # the connection closed before any answer
    NO_ANSWER = "no answer"  # the request was sent; no answer within the timeout


_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError, httpx.ConnectError, httpx.ConnectTimeout,
             httpx.PoolTimeout)
_NO_ANSWER = (TimeoutError, httpx.ReadTimeout, httpx.WriteTimeout)


def failure_of(error: NetworkError) -> Failure:
    """What a transport error says about the request (the transports raise NetworkError from the library's own
    exception, which tells whether anything was sent)."""
    cause = error.__cause__
    if isinstance(cause, _NOT_SENT):  # before _NO_ANSWER: aiohttp's connect timeout is a TimeoutError too
        return Failure.NOT_SENT
    if isinstance(cause, _NO_ANSWER):
        return Failure.NO_ANSWER
    return Failure.DROPPED


def should_retry(method: str, *, status: int | None = None, failure: Failure | None = None) -> bool:
    """The policy of the module's table, for an answered status or a transport failure."""
    if status is not None:
        return status in RETRY_STATUSES or (status in MAYBE_ACTED_STATUSES and method in IDEMPOTENT)
    if failure is Failure.NO_ANSWER:
        return method in IDEMPOTENT
    return failure is not None


class RetryingRequest(BaseRequest):
    """Wraps a transport (AiohttpRequest, HTTPXRequest) and retries failed calls by the module's policy, with
    exponential back-off and jitter: `base` seconds, doubling, at most `cap`, `attempts` tries in all (defaults:
    the module's ATTEMPTS, BACKOFF_BASE, BACKOFF_CAP, read when the request is made)."""

    def __init__(self, inner: BaseRequest, *, attempts: int | None = None, base: float | None = None,
                 cap: float | None = None, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.inner, self._sleep = inner, sleep
        self.attempts = ATTEMPTS if attempts is None else attempts
        self.base = BACKOFF_BASE if base is None else base
        self.cap = BACKOFF_CAP if cap is None else cap

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the `attempt`-th failure (half to all of the exponential step: replicas and
        chats that failed together do not retry together)."""
        return min(self.cap, self.base * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]  # the URL holds the token: never log it, only the method
        for attempt in range(1, self.attempts + 1):
            try:
                status, payload = await self.inner.do_request(url, method, request_data, read_timeout=read_timeout,
                                                              write_timeout=write_timeout,
                                                              connect_timeout=connect_timeout,
                                                              pool_timeout=pool_timeout)
            except NetworkError as error:
                failure = failure_of(error)
                if attempt == self.attempts or not should_retry(api_method, failure=failure):
                    if failure is Failure.NO_ANSWER and api_method not in IDEMPOTENT:
                        log.warning("%s: no answer within the timeout; not repeated, Telegram may have acted",
                                    api_method)
                    raise
                why = f"{failure.value} ({error.message})"
            else:
                if attempt == self.attempts or not should_retry(api_method, status=status):
                    return status, payload
                why = f"answered {status}"
            pause = self.delay(attempt)
            log.info("%s %s: retrying in %.2f s (attempt %d of %d)", api_method, why, pause, attempt + 1,
                     self.attempts)
            await self._sleep(pause)
        raise AssertionError("unreachable")  # the last attempt returns or raises
