"""Polling confirms an update to Telegram only once it has been handled, so that a hard crash (kill -9, power
loss, out of memory) between fetching an update and answering it does not lose the question: the restarted bot
fetches it again and answers it.

Telegram keeps an update until a getUpdates call asks for an offset above its id. python-telegram-bot's polling
loop asks for the next batch (offset = last fetched + 1) as soon as it has queued the previous one, which
confirms updates still being handled. `LedgerBot.get_updates` sends the lowest offset not yet handled instead,
and drops what comes back that was fetched before. Costs and limits:

- at least once, not exactly once: updates handled after the last confirmation and before a crash are
  answered again after it (at most `WINDOW` of them, usually a handful);
- a slow update (an admin's import) holds its confirmation, not the others: after `WINDOW` later updates, its
  offset is confirmed anyway (it is logged), so that new updates keep flowing;
- back-pressure: the bot fetches more only when fewer than `LOW_WATER` fetched updates wait (python-telegram-bot
  would otherwise pull a whole burst into memory);
- webhooks do not need the ledger: bot.telegram.webhook answers each POST once its update is handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Update
from telegram.ext import ExtBot

from bot.telegram.processor import PerChatUpdateProcessor

log = logging.getLogger(__name__)

WINDOW = 50  # fetched updates at most held unconfirmed (Telegram returns at most 100 a call)
LOW_WATER = 25  # fetch again once fewer than this many fetched updates are still being handled
HOLD = 0.5  # seconds a poll waits for handling to catch up (LOW_WATER) before fetching anyway
REPOLL = 0.01  # seconds between polls while only updates fetched before come back (Telegram answers at once)


class Ledger:
    """Fetched update ids: which are handled, and the offset that confirms only handled ones."""

    def __init__(self, window: int = WINDOW, low_water: int = LOW_WATER, hold: float = HOLD,
                 repoll: float = REPOLL) -> None:
        self.window, self.low_water, self.hold, self.repoll = window, low_water, hold, repoll
        self._fetched: deque[int] = deque()  # not yet confirmed to Telegram, in fetch order
        self._open: set[int] = set()  # fetched, not yet handled
        self._changed = asyncio.Event()

    @property
    def open(self) -> int:
        return len(self._open)

    @property
    def unconfirmed(self) -> bool:
        return bool(self._fetched)

    def fetched(self, ids: Sequence[int]) -> None:
        self._fetched.extend(ids)
        self._open.update(ids)

    def done(self, update_id: int) -> None:
        if update_id in self._open:
            self._open.discard(update_id)
            self._changed.set()

    def offset(self, requested: int | None = None) -> int:
        """The offset to send: `requested` (default: past every fetched update), unless a fetched update below
        it is still being handled."""
        if requested is None:
            requested = self._fetched[-1] + 1 if self._fetched else 0
        while self._fetched and (self._fetched[0] not in self._open or len(self._fetched) > self.window):
            skipped = self._fetched.popleft()
            if skipped in self._open:  # held back too many others
                log.info("update %s still being handled: confirmed to Telegram anyway (a crash now would lose it)",
                         skipped)
        return min(requested, self._fetched[0]) if self._fetched else requested

    async def idle(self) -> None:
        """Until every fetched update has been handled (tests and benchmarks: nothing left to answer)."""
        while self._open:
            self._changed.clear()
            await self._changed.wait()

    async def wait_until(self, ready: Callable[[], bool], seconds: float) -> None:
        """Until `ready()` (checked whenever an update is handled), or `seconds` passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not ready():
            left = deadline - loop.time()
            if left <= 0:
                return
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)


class LedgerBot(ExtBot[None]):
    """ExtBot whose get_updates confirms only handled updates (see the module doc)."""

    __slots__ = ("_ledger", "_known_below")

    def __init__(self, *args: Any, ledger: Ledger, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ledger = ledger
        self._known_below = 0  # getUpdates results below this id were fetched before: not parsed again

    async def _do_post(self, endpoint: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """Drop the updates fetched before from a getUpdates result before python-telegram-bot parses them: in a
        burst, most of each result is updates still being handled (parsing them again took a tenth of the
        bot's time). `_do_post` is the override point PTB documents (ExtBot's rate limiter uses it)."""
        result = await super()._do_post(endpoint, data, **kwargs)
        below = self._known_below
        if below and endpoint == "getUpdates" and isinstance(result, list):
            result = [u for u in result if not isinstance(u, dict) or u.get("update_id", below) >= below]
        return result

    @property
    def ledger(self) -> Ledger:
        return self._ledger

    async def get_updates(self, offset: int | None = None, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        ledger = self._ledger
        if not offset:  # the first poll: everything Telegram still holds
            updates = await super().get_updates(offset, *args, **kwargs)
            ledger.fetched([u.update_id for u in updates])
            return updates
        if ledger.open and ledger.offset(offset) < offset:  # let handling catch up before fetching more
            await ledger.wait_until(lambda: ledger.open < ledger.low_water, ledger.hold)
        sent = ledger.offset(offset)
        self._known_below = offset
        try:
            updates = await super().get_updates(sent, *args, **kwargs)
        finally:
            self._known_below = 0
        new = tuple(u for u in updates if u.update_id >= offset)
        if sent < offset and not new:
            # Only updates fetched before came back (Telegram answers at once while it holds some): wait for one
            # to finish, or a moment, rather than poll in a tight loop; never long, since new updates wait too.
            still_open = ledger.open
            await ledger.wait_until(lambda: ledger.open < still_open, ledger.repoll)
        ledger.fetched([u.update_id for u in new])
        return new

    async def confirm_handled(self) -> None:
        """Confirm every handled update (after the Application stopped: nothing is being handled any more)."""
        ledger = self._ledger
        if ledger.open:
            log.warning("%d fetched updates were not handled: Telegram keeps them for the next start", ledger.open)
        if ledger.unconfirmed:
            await super().get_updates(ledger.offset(), limit=1, timeout=0)


class LedgerUpdateProcessor(PerChatUpdateProcessor):
    """The per-chat processor, telling the ledger when each update has been handled (error handlers included)."""

    def __init__(self, max_concurrent_updates: int, ledger: Ledger) -> None:
        super().__init__(max_concurrent_updates)
        self.ledger = ledger

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            await super().do_process_update(update, coroutine)
        finally:
            if isinstance(update, Update):
                self.ledger.done(update.update_id)
