"""Flood control: a user who sends more than `max_messages` in `window` seconds is told once to slow down, then
ignored until `window` seconds have passed since. Other users are never affected.

Kept in memory, per process: with several replicas behind a webhook each counts the messages it receives (a
user spread over R replicas may send up to R times the limit). Sharing the counts through the database would
cost a write per message, as much as answering it; a flood is a nuisance, not a threat to data, so it is not
worth it. No Telegram here (handlers/flood.py applies it to updates); the clock is injectable for tests.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the message over the limit: say "slow down", once
    IGNORE = "ignore"  # while the user is muted


class FloodControl:
    """A sliding window of message times per user (at most `max_messages` kept per user)."""

    def __init__(self, max_messages: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        if max_messages < 1 or window <= 0:
            raise ValueError("flood control needs max_messages >= 1 and window > 0")
        self.max_messages, self.window, self.clock = max_messages, window, clock
        self._recent: dict[int, deque[float]] = {}
        self._muted_until: dict[int, float] = {}
        self._next_sweep = 0.0

    def check(self, user_id: int) -> Verdict:
        """Count one message of `user_id` now, and say what to do with it."""
        now = self.clock()
        self._sweep(now)
        until = self._muted_until.get(user_id)
        if until is not None:
            if now < until:
                return Verdict.IGNORE
            del self._muted_until[user_id]  # the window passed: a fresh start
        recent = self._recent.get(user_id)
        if recent is None:
            recent = self._recent[user_id] = deque(maxlen=self.max_messages)
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        if len(recent) >= self.max_messages:
            self._muted_until[user_id] = now + self.window
            del self._recent[user_id]
            return Verdict.WARN
        recent.append(now)
        return Verdict.ALLOW

    @property
    def tracked(self) -> int:
        """Users currently remembered (counted or muted): bounded by those active in the last window."""
        return len(self._recent.keys() | self._muted_until.keys())

    def _sweep(self, now: float) -> None:
        """Forget users quiet for a whole window, once per window: memory follows active users only."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + self.window
        horizon = now - self.window
        for user_id in [u for u, times in self._recent.items() if not times or times[-1] <= horizon]:
            del self._recent[user_id]
        for user_id in [u for u, until in self._muted_until.items() if until <= now]:
            del self._muted_until[user_id]
