"""Followers end to end through the fake Bot API: /follow, /following, /unfollow and the unfollow button; one
alert per changed commitment after an admin's import; no duplicate and no gap across a send that timed out, a
send Telegram refused with a 500, a restart; blocked users suspended; digests on an injected clock."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from adminkit import ADMIN, NEW_PAGE, NEWER_PAGE, BotFactory, fixture_bytes, served_dataset, upload
from aiohttp import web
from fakebotapi.running import RunningBot, visible
from fakebotapi.server import Call

from bot.core.service import Assistant
from bot.importing.pipeline import run_import
from bot.importing.sources import InputFile
from bot.services import alerts as outbox
from handlers import alerts

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = pytest.mark.e2e
ANA, BEN, CHLOE = 8001, 8002, 8003


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


_retrieved = iter(datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=n) for n in range(1000))


def change(assistant: Assistant, name: str, data: bytes) -> None:
    """A data change made elsewhere (the CLI, another replica): nothing here is told of it. Each page is dated
    after the last (a page retrieved at the same second as the stored one would not be newer)."""
    run_import(assistant.engine, [InputFile(name, data)], actor="cli", kind="import", retrieved_at=next(_retrieved))


def set_completion(assistant: Assistant, value: str) -> None:
    """FR0045's IRM completion set to `value` by a canonical dataset (canonical records are laid over pages)."""
    change(assistant, "dataset.json", served_dataset(assistant, completion={"FR0045": value}))


async def deliver(bot: RunningBot) -> dict[str, int]:
    return await alerts.of(bot.application).deliver(bot.application)


async def test_following_and_one_alert_per_changed_commitment_with_an_unfollow_button(make_bot: BotFactory) -> None:
    bot = await make_bot()
    api = bot.api
    ana, ben = bot.person(ANA), bot.person(BEN, language_code="fr")
    confirmation = await ana.say("/follow FR0045")
    assert visible(confirmation) == ("You follow FR0045 — International Transparency and Citizen Participation (at "
                                     "once). I will tell you when its data changes.")
    assert confirmation.buttons[0]["text"] == "Unfollow FR0045"
    assert "You follow France" in visible(await ana.say("/follow France daily"))
    assert "Vous suivez" in visible(await ben.say("/follow fr0045"))
    listing = visible(await ana.say("/following"))
    assert "• France — daily digest" in listing and "• FR0045 — International" in listing
    mark = api.mark()
    await upload(bot.person(ADMIN), fixture_bytes(NEWER_PAGE), NEWER_PAGE)  # FR0045's completion changes
    alert = await api.wait_for("sendMessage", since=mark, chat_id=ANA, timeout=10)
    assert visible(alert) == ("What changed in what you follow:\n\nFR0045 — International Transparency and Citizen "
                              "Participation\n• completion: (none) → substantial\n\n/commitment ID gives the details; "
                              "/following lists what you follow.")
    assert [b["text"] for b in alert.buttons] == ["Unfollow FR0045"]
    french = await api.wait_for("sendMessage", since=mark, chat_id=BEN, timeout=10)
    assert visible(french).startswith("Ce qui a changé") and "achèvement" in visible(french)
    await deliver(bot)  # a pass more (as the job queue runs them): nothing is sent twice
    assert len(api.calls_of("sendMessage", since=mark, chat_id=ANA)) == 1
    answered, edited = await ana.press(alert, "Unfollow FR0045", then="editMessageReplyMarkup")
    assert answered.params["text"].startswith("You no longer follow FR0045") and not edited.buttons
    assert "• FR0045" not in visible(await ana.say("/following"))
    mark = api.mark()
    set_completion(bot.assistant, "complete")
    assert await deliver(bot) == {"sent": 1}  # Ben's: he still follows FR0045
    assert api.calls_of("sendMessage", since=mark, chat_id=ANA) == []  # Ana's daily France digest is not due


async def test_a_send_that_timed_out_is_never_repeated_and_a_refused_one_is_retried(
        make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    for user in (ANA, BEN):
        await bot.person(user).say("/follow FR0045")
    slow_once, failing = [ANA], {BEN}

    async def trouble(call: Call, request: web.Request) -> web.StreamResponse | None:
        chat = call.params.get("chat_id")
        if chat in slow_once:  # Telegram gets the message, but answers after the bot stopped waiting
            slow_once.clear()
            await asyncio.sleep(1.0)
        elif chat in failing:  # Telegram fails (through every retry of the transport): nothing is delivered
            return web.json_response({"ok": False, "error_code": 500, "description": "Internal Server Error"},
                                     status=500)
        return None

    api.add_hook("sendMessage", trouble)
    alerts.of(bot.application).send_timeout = 0.3
    mark = api.mark()
    change(assistant, NEWER_PAGE, fixture_bytes(NEWER_PAGE))
    assert await deliver(bot) == {"unconfirmed": 1, "pending": 1}
    failing.clear()
    await api.wait_for("sendMessage", since=mark, chat_id=ANA, timeout=5)  # it did arrive, late
    assert await deliver(bot) == {"sent": 1}  # Ben's, retried; Ana's is not sent again
    set_completion(assistant, "complete")
    assert await deliver(bot) == {"sent": 2}
    for user in (ANA, BEN):
        delivered = [visible(c) for c in api.calls_of("sendMessage", since=mark, chat_id=user) if c.ok]
        assert len(delivered) == 2, user  # one per change: no duplicate, no gap
        assert "(none) → substantial" in delivered[0] and "substantial → complete" in delivered[1]
    assert [a.status for a in outbox.alerts_of(assistant.engine, ANA)] == ["unconfirmed", "sent"]


async def test_a_restart_catches_up_without_sending_twice(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    await bot.person(ANA).say("/follow FR0045")
    await bot.stop()
    mark = api.mark()
    change(assistant, NEWER_PAGE, fixture_bytes(NEWER_PAGE))  # while the bot is down
    await bot.start()  # its first pass catches up
    alert = await api.wait_for("sendMessage", since=mark, chat_id=ANA, timeout=10)
    assert "(none) → substantial" in visible(alert)
    await bot.restart()
    sender = alerts.of(bot.application)
    deadline = time.monotonic() + 10
    while sender.passes < 1:  # the restarted bot's own first pass is over
        assert time.monotonic() < deadline
        await asyncio.sleep(0.02)
    assert len(api.calls_of("sendMessage", since=mark, chat_id=ANA)) == 1


async def test_users_who_blocked_the_bot_are_suspended_not_retried(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    await bot.person(CHLOE).say("/follow FR0045")
    api.blocked.add(CHLOE)
    mark = api.mark()
    change(assistant, NEWER_PAGE, fixture_bytes(NEWER_PAGE))
    assert await deliver(bot) == {"blocked": 1}
    assert bot.application.bot_data["services"].store.is_blocked(CHLOE)
    set_completion(assistant, "complete")
    assert await deliver(bot) == {}
    assert len(api.calls_of("sendMessage", since=mark, chat_id=CHLOE)) == 1  # the refused one only


async def test_digests_come_on_their_day_with_everything_since_and_never_empty(make_bot: BotFactory,
                                                                             assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    clock = Clock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    alerts.of(bot.application).clock = clock
    await bot.person(ANA).say("/follow France daily")
    mark = api.mark()
    change(assistant, NEWER_PAGE, fixture_bytes(NEWER_PAGE))
    change(assistant, NEW_PAGE, fixture_bytes(NEW_PAGE))
    assert await deliver(bot) == {}  # not due before tomorrow 08:00
    clock.now += timedelta(hours=23, minutes=59)
    assert await deliver(bot) == {}
    clock.now += timedelta(minutes=1)
    assert await deliver(bot) == {"sent": 1}
    digest = visible(api.calls_of("sendMessage", since=mark, chat_id=ANA)[0])
    assert digest.startswith("Your daily digest: what changed in what you follow.")
    assert "FR0045 — International" in digest and "FR0901 — Public register" in digest and "• new in the data" in digest
    clock.now += timedelta(days=1)
    assert await deliver(bot) == {}  # a day without changes: no empty digest
    assert len(api.calls_of("sendMessage", since=mark, chat_id=ANA)) == 1


async def test_follow_explains_what_it_needs(make_bot: BotFactory) -> None:
    bot = await make_bot()
    ana = bot.person(ANA)
    assert "/follow FR0038" in visible(await ana.say("/follow"))
    assert visible(await ana.say("/follow zzqx")).startswith("I don't know “zzqx”")
    assert visible(await ana.say("/unfollow FR0038")).startswith("You were not following FR0038")
    assert "open data" in visible(await ana.say("/follow open data weekly")).lower()
    assert visible(await ana.say("/unfollow open data")).startswith("You no longer follow")
    assert visible(await ana.say("/following")).startswith("You follow nothing yet")
