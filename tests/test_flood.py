"""Flood control: over FLOOD_MAX_MESSAGES in FLOOD_WINDOW_SECONDS, a user is told once to slow down, in their
language, then ignored until the window has passed; other users are answered throughout."""

from __future__ import annotations

import pytest
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings, visible

from bot.common.i18n import translator
from bot.core.service import Assistant
from bot.services.flood import FloodControl, Verdict

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, database_url

LIMIT, WINDOW = 3, 60.0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def slow_down(lang: str, seconds: int = int(WINDOW)) -> str:
    return translator(lang).ngettext(
        "You are sending messages faster than I can answer. Please wait a second, then ask again.",
        "You are sending messages faster than I can answer. Please wait {n} seconds, then ask again.", seconds)


def test_over_the_limit_one_warning_then_silence_until_the_window_has_passed() -> None:
    clock = Clock()
    control = FloodControl(LIMIT, WINDOW, clock)
    assert [control.check(1) for _ in range(LIMIT)] == [Verdict.ALLOW] * LIMIT
    assert control.check(2) is Verdict.ALLOW  # someone else
    assert control.check(1) is Verdict.WARN
    clock.now += WINDOW - 0.1
    assert [control.check(1) for _ in range(5)] == [Verdict.IGNORE] * 5  # ignored, not warned again
    assert control.check(2) is Verdict.ALLOW
    clock.now += 0.1
    assert [control.check(1) for _ in range(LIMIT)] == [Verdict.ALLOW] * LIMIT  # a fresh start


def test_the_window_slides_and_quiet_users_are_forgotten() -> None:
    clock = Clock()
    control = FloodControl(LIMIT, WINDOW, clock)
    for _ in range(LIMIT):  # at the limit, spread over the window: never over it
        assert control.check(1) is Verdict.ALLOW
        clock.now += WINDOW / LIMIT
    assert control.check(1) is Verdict.ALLOW  # the oldest left the window just now
    for user in range(100, 1100):
        control.check(user)
    assert control.tracked == 1001
    clock.now += 2 * WINDOW
    control.check(1)
    assert control.tracked == 1  # memory follows the users active in the last window


@pytest.mark.parametrize(("limit", "window"), [(0, 10.0), (5, 0.0)])
def test_limits_must_make_sense(limit: int, window: float) -> None:
    with pytest.raises(ValueError):
        FloodControl(limit, window)


@pytest.fixture
async def bot(api: FakeBotApi, assistant: Assistant, database_url: str):  # type: ignore[no-untyped-def]
    settings = bot_settings(api, database_url, flood_max_messages=LIMIT, flood_window_seconds=WINDOW)
    running = await RunningBot(api, settings, assistant).start()
    running.clock = running.application.bot_data["flood"].clock = Clock()
    yield running
    await running.stop()


async def settled(bot: RunningBot, chat_id: int, messages: int) -> list:  # type: ignore[type-arg]
    await bot.api.wait_until(lambda: len(bot.api.calls_of("sendMessage", chat_id=chat_id)) >= messages)
    await bot.application.bot.ledger.idle()  # every update fetched so far handled: nothing more will come
    return bot.api.calls_of("sendMessage", chat_id=chat_id)


async def test_a_flooding_user_is_told_once_in_their_language_and_others_are_answered(bot: RunningBot) -> None:
    flooder, other = bot.person(4501, language_code="fr"), bot.person(4502)
    for n in range(LIMIT + 3):
        flooder.write("FR0038")
        if n == LIMIT + 1:
            other.write("who leads FR0038?")
    replies = await settled(bot, 4501, LIMIT + 1)
    assert len(replies) == LIMIT + 1  # LIMIT answers, one notice, the rest ignored
    assert all("FR0038" in visible(r) for r in replies[:LIMIT])
    assert visible(replies[-1]) == slow_down("fr") != slow_down("en")  # in the flooder's language
    assert "FR0038" in visible((await settled(bot, 4502, 1))[0])  # the other user never waited
    bot.clock.now += WINDOW  # type: ignore[attr-defined]
    after = await flooder.say("FR0038")
    assert "FR0038" in visible(after) and visible(after) != slow_down("fr")  # answered again


async def test_button_presses_count_and_a_muted_users_presses_are_answered_silently(bot: RunningBot) -> None:
    person = bot.person(4503)
    card = await person.say("FR0038")
    for _ in range(LIMIT - 1):
        await person.press(card, "Status")
    mark = bot.api.mark()
    notice = bot.api.press(card, "Status", user_id=4503)  # over the limit
    quiet = bot.api.press(card, "Status", user_id=4503)
    first = await bot.api.wait_for("answerCallbackQuery", since=mark, callback_query_id=notice)
    second = await bot.api.wait_for("answerCallbackQuery", since=mark, callback_query_id=quiet)
    await bot.application.bot.ledger.idle()
    assert first.params["text"] == slow_down("en") and first.params["show_alert"] is True
    assert "text" not in second.params  # the spinner stops; nothing said
    assert bot.api.calls_of("sendMessage", since=mark, chat_id=4503) == []
