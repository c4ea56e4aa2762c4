"""The Telegram front end's building blocks: chat state on SQLite and PostgreSQL, button payloads, reply
splitting, per-chat ordering."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from telegram import Chat, Message, Update, User

from bot.core.types import Context
from bot.services.chatstate import ChatStore
from bot.telegram.processor import PerChatUpdateProcessor
from handlers import callbackdata
from handlers.replies import escape, split_paragraphs, utf16_len


def test_chat_state_round_trips_on_both_databases(engine: Engine) -> None:
    store = ChatStore(engine)
    assert store.load(1, 1).context == Context() and store.language(1) is None
    context = Context(commitment="FR0038", milestone="9.2", lang="fr", intent="milestone_status",
                      candidates=["FR0038", "FR0039"])
    store.save_context(-100123456789, context)  # group ids are large negative numbers
    store.set_language(7_000_000_000, "fr")  # user ids go past 32 bits
    turn = store.load(-100123456789, 7_000_000_000)
    assert turn.context == context and turn.language == "fr" and not turn.was_blocked
    store.save_context(-100123456789, Context(commitment="UK0063"))
    assert store.context(-100123456789).commitment == "UK0063"
    store.set_language(7_000_000_000, "en")
    assert store.language(7_000_000_000) == "en"


def test_a_blocked_user_who_writes_again_is_unblocked(engine: Engine) -> None:
    store = ChatStore(engine)
    store.set_language(5, "fr")
    store.set_blocked(5, True)
    assert store.is_blocked(5) and store.language(5) == "fr"
    turn = store.load(5, 5)
    assert turn.was_blocked and turn.language == "fr"
    assert not store.is_blocked(5)


def test_button_payloads_fit_telegram_and_come_back(engine: Engine) -> None:
    store = ChatStore(engine)
    cases = [("overview", ("FR0038",), "en"), ("intent", ("lead_institution", "FR0038"), "fr"),
             ("milestone", ("FR0038", "9.2"), None), ("search", ("lanceurs d'alerte | données", "8"), "fr"),
             ("list", ("how many commitments in France 2018-2020 were starred or substantially completed?", "10"),
              "en"), ("search", ("é" * 40, "16"), "fr")]
    for name, args, lang in cases:
        data = callbackdata.encode(store, name, args, lang)
        assert 1 <= len(data.encode()) <= 64
        assert callbackdata.decode(store, data) == callbackdata.Payload(name, args, lang)
    long = callbackdata.encode(store, *cases[4][:2], "en")
    assert long.startswith("#") and long == callbackdata.encode(store, *cases[4][:2], "en")  # one row per payload
    assert callbackdata.decode(store, "#nosuchcode") is None and callbackdata.decode(store, "??|x") is None


@given(st.lists(st.text(min_size=0, max_size=3000), min_size=1, max_size=8))
def test_split_parts_fit_and_lose_nothing(paragraphs: list[str]) -> None:
    text = "\n\n".join(paragraphs)
    parts = split_paragraphs(text)
    assert all(0 < utf16_len(p) <= 4000 for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())


def test_split_prefers_paragraph_boundaries() -> None:
    paragraphs = [f"{n} " + "word " * 300 for n in range(10)]  # ~1,500 characters each
    parts = split_paragraphs("\n\n".join(paragraphs))
    assert len(parts) == 5
    assert all(p.split("\n\n")[0].split()[0].isdigit() for p in parts)


def test_escape_makes_any_text_safe_html() -> None:
    from fakebotapi import parse_html

    text = "<b>x</b> & y > z &amp; 😀 \"quoted\" 'single'"
    assert parse_html(escape(text)) == text


async def test_updates_of_one_chat_run_in_order_and_chats_run_side_by_side() -> None:
    processor = PerChatUpdateProcessor(16)
    log: list[tuple[int, int]] = []
    release = asyncio.Event()

    def update(update_id: int, chat_id: int) -> Update:
        chat, user = Chat(chat_id, "private"), User(chat_id, "x", False)
        return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="hi"))  # type: ignore[arg-type]

    async def work(update_id: int, chat_id: int, wait: bool) -> None:
        if wait:
            await release.wait()
        log.append((chat_id, update_id))

    tasks = [asyncio.create_task(processor.process_update(update(1, 10), work(1, 10, True))),
             asyncio.create_task(processor.process_update(update(2, 10), work(2, 10, False))),
             asyncio.create_task(processor.process_update(update(3, 20), work(3, 20, False)))]
    await asyncio.wait_for(_until(lambda: (20, 3) in log), 5)
    assert log == [(20, 3)]  # chat 20 was not held up by chat 10
    release.set()
    await asyncio.gather(*tasks)
    assert log == [(20, 3), (10, 1), (10, 2)]
    assert not processor._locks


async def _until(condition) -> None:  # type: ignore[no-untyped-def]
    while not condition():
        await asyncio.sleep(0)
