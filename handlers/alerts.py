"""Sending followers' alerts (planned and queued by bot.services.alerts) through the Application's bot, so through its
rate limiter: each chat's own pace (bot.botapi.pacing.ChatPacer, about one message a second), and, alerts being bulk
sends, the overall limit ALERTS_MAX_PER_SECOND that replies to users do not have (`ChatPacer.bulk`).

A pass runs right after an admin's data change here (`kick`), and every ALERT_CHECK_SECONDS from the job queue:
that catches changes made by another replica or the CLI, digests that fell due, alerts whose send failed, and
whatever a restart interrupted. Passes of one process take turns; replicas are kept apart by the database
(see bot.services.alerts). The clock is `Alerts.clock`, replaced by tests.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.botapi.pacing import ChatPacer
from bot.services import alerts
from bot.storage.models import utcnow
from handlers import callbackdata
from handlers.replies import escape, keyboard
from handlers.services import BotApplication, Services, blocking

log = logging.getLogger(__name__)
ALERT_CHECK_SECONDS = 60.0
SEND_CONCURRENCY = 20  # sends in flight at once (the pacer spaces them; this bounds tasks and database turns)
BATCH = 500  # alerts claimed at a time


@dataclass
class Alerts:
    """The alert sender of one Application (in bot_data["alerts"])."""

    clock: Callable[[], datetime] = utcnow
    send_timeout: float | None = None  # None: the bot's own read timeout
    passes: int = 0  # completed passes, for tests and /stats
    _turn: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def deliver(self, application: BotApplication) -> dict[str, int]:
        """One pass: plan what is due now, then send everything queued. Returns the count of each outcome."""
        services: Services = application.bot_data["services"]
        engine = services.assistant.engine
        async with self._turn:
            await blocking(alerts.plan, engine, self.clock(), default_lang=services.settings.default_language)
            outcomes: dict[str, int] = {}
            limit = asyncio.Semaphore(SEND_CONCURRENCY)

            async def one(alert: alerts.Outgoing) -> str:
                async with limit:
                    return await self._send(application, services, alert)

            while batch := await blocking(alerts.take_pending, engine, BATCH):
                statuses = await asyncio.gather(*(one(a) for a in batch))
                for status in statuses:
                    outcomes[status] = outcomes.get(status, 0) + 1
                if "pending" in statuses or len(batch) < BATCH:
                    break  # retries wait for the next pass: Telegram or the network is in trouble now
            self.passes += 1
            return outcomes

    async def _send(self, application: BotApplication, services: Services, alert: alerts.Outgoing) -> str:
        store = services.store
        buttons = [[(label, await blocking(callbackdata.encode, store, "unfollow", (str(follow_id),), alert.lang))]
                   for follow_id, label in alert.buttons]
        await _bulk_turn(application)
        timeouts: dict[str, Any] = {"read_timeout": self.send_timeout, "write_timeout": self.send_timeout} \
            if self.send_timeout else {}
        try:
            message = await application.bot.send_message(alert.user_id, escape(alert.text),
                                                         reply_markup=keyboard(buttons), **timeouts)
        except Forbidden as error:  # blocked the bot: suspended (alerts skip blocked users), never retried
            await blocking(store.set_blocked, alert.user_id, True)
            return await blocking(alerts.finish, services.assistant.engine, alert.id, "blocked", error=str(error))
        except TelegramError as error:
            return await blocking(alerts.finish, services.assistant.engine, alert.id, _status_after(error),
                                  error=f"{type(error).__name__}: {error}")
        return await blocking(alerts.finish, services.assistant.engine, alert.id, "sent",
                              message_id=message.message_id)



async def _bulk_turn(application: BotApplication) -> None:
    """A turn of the overall limit of bulk sends; each chat's own pace is the rate limiter's, in send_message.
    (A bot built with another rate limiter, as some benchmarks do, has no overall limit for alerts.)"""
    limiter = application.bot.rate_limiter
    if isinstance(limiter, ChatPacer):
        await limiter.bulk()


def _status_after(error: TelegramError) -> str:
    """Whether a failed send may be tried again without risking a duplicate.

    Telegram answered with an error (no cause: BaseRequest raised it from the HTTP status), the request never
    left (no connection, or no free connection in the pool), or the rate limiter gave up on a 429: the message
    was not delivered, retry. A timeout or a dropped connection after the request left: it may have been
    delivered, so it is never sent again ("unconfirmed"). A bad request (chat not found, ...) will not get better.
    """
    if isinstance(error, RetryAfter):
        return "retry"
    if isinstance(error, BadRequest):
        return "failed"
    if isinstance(error, TimedOut):
        return "retry" if str(error).startswith("Pool timeout") else "unconfirmed"
    if isinstance(error, NetworkError):
        cause = error.__cause__
        if cause is None or "Connect" in type(cause).__name__:
            return "retry"
        return "unconfirmed"
    return "failed"


def of(application: BotApplication) -> Alerts:
    return application.bot_data.setdefault("alerts", Alerts())


async def start(application: BotApplication) -> None:
    """In post_init: the sender, and its pass every ALERT_CHECK_SECONDS (the first at once: a restart catches
    up on what it missed)."""
    sender = of(application)
    if application.job_queue is None:  # python-telegram-bot installed without its job-queue extra
        log.warning("no job queue: follower alerts are sent only after data changes made through this replica")
        return

    async def tick(_context: Any) -> None:
        try:
            await sender.deliver(application)
        except Exception:  # the database may be away for a moment: the next pass catches up
            log.exception("alert pass failed")

    # The catch-up pass may not be skipped for starting late: the scheduler starts after post_init, and APScheduler
    # drops a past run time beyond its grace period (an interval trigger would move it a whole interval on).
    application.job_queue.run_once(tick, when=0.0, name="follower-alerts-catch-up",
                                   job_kwargs={"misfire_grace_time": None})
    application.job_queue.run_repeating(tick, interval=ALERT_CHECK_SECONDS, first=ALERT_CHECK_SECONDS,
                                        name="follower-alerts")


def kick(application: BotApplication) -> None:
    """A pass now, in the background (after an admin's data change: the admin's reply does not wait for it)."""
    sender = of(application)

    async def run() -> None:
        try:
            await sender.deliver(application)
        except Exception:
            log.exception("alert pass failed")

    application.create_task(run(), name="follower-alerts-now")
