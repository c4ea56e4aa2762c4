"""Item "a crash on '²'": numbers in commands, buttons and inline offsets are read by one strict function
(bot.common.numbers.parse_number: ASCII digits only, bounded); a malformed button is answered "this button
has expired" and logged at INFO, never a traceback nor "Sorry, something went wrong"."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from adminkit import ADMIN, BotFactory, fixture_bytes, upload
from fakebotapi.running import RunningBot, visible

from bot.common.numbers import parse_number
from bot.services import admin

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
ROOT = Path(__file__).resolve().parents[2]
SORRY = "Sorry, something went wrong"


@pytest.mark.parametrize(("text", "expected"), [
    ("0", 0), ("7", 7), ("0012", 12), ("²", None), ("١٢", None), ("𝟗", None), ("-1", None), ("+1", None),
    (" 1", None), ("1 ", None), ("1_000", None), ("1e3", None), ("", None), (None, None), ("9" * 19, None),
    ("٣", None), ("Ⅻ", None),
])
def test_parse_number_reads_ascii_digits_only(text: str | None, expected: int | None) -> None:
    assert parse_number(text) == expected


def test_parse_number_is_bounded() -> None:
    assert parse_number("5", minimum=1, maximum=5) == 5
    assert parse_number("6", minimum=1, maximum=5) is None and parse_number("0", minimum=1) is None


def test_no_isdigit_nor_bare_int_of_text_left_in_handlers_and_services() -> None:
    """The one function is used everywhere: no str.isdigit() test guarding an int() remains."""
    offenders = [f"{path.relative_to(ROOT)}:{n}" for folder in ("handlers", "bot/services")
                 for path in sorted((ROOT / folder).glob("*.py"))
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if ".isdigit()" in line or ".isdecimal()" in line or ".isnumeric()" in line]
    assert offenders == []


async def test_history_with_a_superscript_two_is_answered(make_bot: BotFactory,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    bot = await make_bot()
    boss = bot.person(ADMIN)
    await upload(boss, fixture_bytes("FR0901_en.txt"), "FR0901_en.txt")
    for argument in ("²", "١", "𝟗", "99999999999999999999999", "-3", "0"):
        reply = visible(await boss.say(f"/history {argument}"))
        assert reply.startswith("The last ") and SORRY not in reply
    assert visible(await boss.say("/history 1")).startswith("The last 1 data changes")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


FORGED = ["le|zorblax|²", "le|zorblax|١", "se|open data|²", "se|open data|-1", "se|open data", "le|x|1|2",
          "ae|rollback|²", "ae|rollback|", "ae|rollback|١٢", "ae|refresh|²", "ae|bogus|1", "ae|rollback",
          "ue|²", "ue|", "ue|1|2", "oe", "qe|x", "#nosuchcode", "", "|", "e"]


@pytest.mark.parametrize("data", FORGED)
async def test_a_malformed_button_says_it_has_expired(make_bot: BotFactory, data: str,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    bot = await make_bot()
    api = bot.api
    for presser in (ADMIN, 5353):  # an admin (admin buttons are checked first) and anyone
        hello = await bot.person(presser).say("hello")
        message = {"message_id": hello.result["message_id"], "date": hello.result["date"],
                   "chat": hello.result["chat"], "from": api.bot_user, "text": "x"}
        mark = api.mark()
        query = api.callback_query(message, data, user_id=presser)
        api.push_update({"callback_query": query})
        answered = await api.wait_for("answerCallbackQuery", since=mark, callback_query_id=query["id"])
        text = answered.params.get("text", "")
        if presser == ADMIN or not data.startswith("a"):
            assert text == "This button has expired. Ask your question again.", (presser, data, text)
            assert answered.params.get("show_alert") is True
        else:  # a non-admin pressing an admin button: refused before anything is read
            assert "administrators only" in text
        await bot.application.bot.ledger.idle()
        assert not [c for c in api.calls_of("sendMessage", since=mark) if SORRY in visible(c)]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "refused to user" not in r.getMessage()]
    assert not [r for r in caplog.records if r.exc_info]
    assert any(r.levelno == logging.INFO and "malformed" in r.getMessage() for r in caplog.records)


async def test_an_inline_query_with_a_forged_offset_gets_the_first_page(bot: RunningBot) -> None:
    api = bot.api
    mark = api.mark()
    query_id = api.inline_query("zorblax", user_id=5454, offset="²")
    answered = await api.wait_for("answerInlineQuery", since=mark, inline_query_id=query_id)
    assert answered.ok and answered.params["results"]


def test_history_limit_uses_the_strict_parser() -> None:
    assert admin.HISTORY_MAX == 30  # /history 99 shows at most this many (the parser bounds, the command caps)
