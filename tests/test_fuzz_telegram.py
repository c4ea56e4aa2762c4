"""Hostile input through the whole Telegram path (the core alone: test_core_robustness): any Unicode up to
Telegram's 4,096 characters, control characters, bidi marks, zero-width joiners, 4,096-character words, markup,
as messages, command arguments, inline queries and button data. Never an exception, and every reply accepted by
the fake Bot API, which parses HTML as Telegram does (an echoed "<b>" or "&" unescaped would be refused)."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.common.i18n import SUPPORTED, translator
from bot.core.service import Assistant
from handlers.replies import utf16_len

pytest_plugins = ("fakebotapi.harness",)  # fixture: template_database
pytestmark = pytest.mark.e2e

SORRY = {translator(lang)._("Sorry, something went wrong on my side. Please try again in a moment.")
         for lang in SUPPORTED}
# Methods whose parameters the fake validates like Telegram (HTML entities, lengths, button data, results).
REPLIES = ("sendMessage", "editMessageText", "answerCallbackQuery", "answerInlineQuery", "sendPhoto",
           "sendDocument")
PIECES = ["FR0038", "9.2", "who leads", "qui pilote", "jalon", "<b>", "</i>", "<a href='x'>", "&", "&amp;", "&#",
          "<script>alert(1)</script>", "\u200d", "\u200b", "\u2060", "\ufeff", "\u202e", "\u202d", "\u200f",
          "\u2067", "\x00", "\x07", "\x1b[31m", "\x7f", "\u0085", "\n", "\t", "\r\n", "é", "e\u0301" * 20,
          "🇫🇷", "👩‍👩‍👧", "ＦＲ００３８", "ФР0038", "مرحبا", "שלום", "x" * 300, "/", "@", "#", "|", "%s", "{n}",
          "{0}", "\\", "\"", "'"]


class BotThread:
    """The bot and the fake Bot API on an event loop of their own, so that hypothesis drives them from plain
    (synchronous) test functions."""

    def __init__(self, database_url: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.errors: list[BaseException] = []
        self.chats = itertools.count(700_000)

        async def start() -> tuple[FakeBotApi, RunningBot]:
            api = await FakeBotApi().start()
            assistant = Assistant.from_url(database_url)
            assistant.refresh_if_stale()
            bot = await RunningBot(api, bot_settings(api, database_url), assistant).start()

            async def collect(update: object, context) -> None:  # type: ignore[no-untyped-def]
                self.errors.append(context.error)

            bot.application.add_error_handler(collect)
            return api, bot

        self.api, self.bot = self.run(start())

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def exchange(self, push: Any) -> list[Any]:
        """Do what `push(api, chat)` does as a new user; once the bot is idle, every call it made since."""
        chat = next(self.chats)
        self.errors.clear()

        async def go() -> list[Any]:
            mark = self.api.mark()
            push(self.api, chat)
            await self.api.wait_until(lambda: any(c.method in REPLIES for c in self.api.calls[mark:]), 15)
            await self.bot.application.bot.ledger.idle()
            return self.api.calls[mark:]

        return self.run(go())

    def close(self) -> None:
        async def stop() -> None:
            await self.bot.stop()
            await self.api.stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, template_database: Path) -> Iterator[BotThread]:
    copy = tmp_path_factory.mktemp("fuzz") / "bot.storage.db"
    shutil.copyfile(template_database, copy)
    running = BotThread(f"sqlite:///{copy}")
    yield running
    running.close()



def accepted(running: BotThread, calls: list[Any]) -> None:
    replies = [c for c in calls if c.method in REPLIES]
    assert replies, "no reply at all"
    assert [(c.method, c.status, c.error) for c in replies if not c.ok] == []
    assert not any(c.text in SORRY for c in replies if c.method == "sendMessage")
    assert running.errors == []


def telegram_text(text: str) -> bool:
    """What Telegram would deliver as a message: not empty, within 4,096 UTF-16 units."""
    return bool(text) and utf16_len(text) <= 4096


ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=4096).filter(telegram_text)
SALAD = st.lists(st.sampled_from(PIECES), min_size=1, max_size=60).map("".join).filter(telegram_text)
LONG_WORD = st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "x", "8", "\u200d", "Ж", "<", "&"]),
                      st.integers(1000, 4096))
HOSTILE = st.one_of(ANY_TEXT, SALAD, LONG_WORD)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(text=HOSTILE, lang=st.sampled_from(["en", "fr", None, "ar"]))
def test_any_message_is_answered_and_every_reply_is_valid_html(hostile: BotThread, text: str,
                                                                lang: str | None) -> None:
    calls = hostile.exchange(lambda api, chat: api.send_text(text, user_id=chat, language_code=lang))
    accepted(hostile, calls)


@FUZZ
@given(command=st.sampled_from(["/commitment", "/search", "/start", "/help", "/language", "/unknown_cmd"]),
       argument=HOSTILE)
def test_hostile_command_arguments(hostile: BotThread, command: str, argument: str) -> None:
    text = f"{command} {argument}"
    if not telegram_text(text):
        text = text[:4000]
    calls = hostile.exchange(lambda api, chat: api.send_text(text, user_id=chat))
    accepted(hostile, calls)


@FUZZ
@given(query=st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=256),
                       st.lists(st.sampled_from(PIECES), max_size=8).map("".join).map(lambda q: q[:256])),
       offset=st.sampled_from(["", "20", "-1", "abc", "99999999999999999999"]))
def test_hostile_inline_queries(hostile: BotThread, query: str, offset: str) -> None:
    calls = hostile.exchange(lambda api, chat: api.inline_query(query, user_id=chat, offset=offset))
    accepted(hostile, calls)


@FUZZ
@given(data=st.one_of(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=64),
                      st.sampled_from(["oe|", "ie|milestones|", "me|FR0038|", "se|x|99", "le||", "ge|xx", "#", "#x",
                                       "oe|FR0038|<b>", "ie|dates|FR0038", "se|<i>&|0"]).flatmap(
                          lambda head: st.text(max_size=20).map(lambda tail: head + tail)))
       .filter(lambda d: 1 <= len(d.encode()) <= 64))
def test_forged_or_garbled_button_data(hostile: BotThread, data: str) -> None:
    def press(api: FakeBotApi, chat: int) -> None:
        shown = api._new_message(api.chat(chat), {"text": "buttons"})
        api.push_update({"callback_query": api.callback_query(shown, data, user_id=chat)})

    calls = hostile.exchange(press)
    accepted(hostile, calls)
    assert len([c for c in calls if c.method == "answerCallbackQuery" and c.ok]) == 1  # always answered, once
