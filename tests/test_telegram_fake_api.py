"""The fake Bot API refuses what Telegram refuses, so that the end-to-end tests catch what users would see."""

from __future__ import annotations

import pytest
from fakebotapi import FakeBotApi, server_error, slow
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api


@pytest.fixture
async def raw_bot(api: FakeBotApi):  # type: ignore[no-untyped-def]
    api.chat(1)
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as bot:
        yield bot


async def test_html_must_be_well_formed_and_text_short_enough(api: FakeBotApi, raw_bot: Bot) -> None:
    ok = await raw_bot.send_message(1, "<b>bold</b> &amp; &lt;tag&gt; &#128512; <a href=\"https://x.org/?a=1&amp;b=2\">link</a>",
                                    parse_mode=ParseMode.HTML)
    assert ok.message_id
    for text in ("a < b", "fish & chips", "<script>x</script>", "<b>open", "<b><i>x</b></i>", "x &nbsp; y"):
        with pytest.raises(BadRequest, match="(?i)parse entities"):
            await raw_bot.send_message(1, text, parse_mode=ParseMode.HTML)
    await raw_bot.send_message(1, "a < b & c")  # plain text: no markup to parse
    await raw_bot.send_message(1, "😀" * 2048)  # 4,096 UTF-16 units: the limit
    with pytest.raises(BadRequest, match="(?i)too long"):
        await raw_bot.send_message(1, "😀" * 2049)
    with pytest.raises(BadRequest, match="(?i)empty"):
        await raw_bot.send_message(1, "<b> </b>", parse_mode=ParseMode.HTML)


async def test_buttons_inline_results_and_edits_follow_telegrams_rules(api: FakeBotApi, raw_bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await raw_bot.send_message(1, "x", reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton("b", callback_data="é" * 33)]]))  # 66 bytes
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data="x" * 64)]])
    sent = await raw_bot.send_message(1, "x", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await raw_bot.edit_message_text("x", chat_id=1, message_id=sent.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await raw_bot.edit_message_reply_markup(chat_id=1, message_id=sent.message_id, reply_markup=markup)
    await raw_bot.edit_message_text("y", chat_id=1, message_id=sent.message_id)
    with pytest.raises(BadRequest, match="(?i)not found"):
        await raw_bot.edit_message_text("y", chat_id=1, message_id=999)
    query_id = api.inline_query("x", user_id=1)
    results = [InlineQueryResultArticle(str(n), "t", InputTextMessageContent("m")) for n in range(51)]
    with pytest.raises(BadRequest, match="(?i)RESULTS_TOO_MUCH"):
        await raw_bot.answer_inline_query(query_id, results)
    assert await raw_bot.answer_inline_query(query_id, results[:50])
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await raw_bot.answer_inline_query(query_id, results[:1])  # answered already


async def test_files_documents_blocked_users_and_faults(api: FakeBotApi, raw_bot: Bot) -> None:
    document = await raw_bot.send_document(1, b"id,title\nFR0038,x\n", filename="export.csv", caption="<b>CSV</b>",
                                           parse_mode=ParseMode.HTML)
    assert document.document is not None and document.document.file_size == 18
    assert api.calls_of("sendDocument")[-1].files["document"] == b"id,title\nFR0038,x\n"
    api.blocked.add(1)
    with pytest.raises(Forbidden, match="(?i)blocked"):
        await raw_bot.send_message(1, "x")
    api.blocked.clear()
    api.add_hook("sendMessage", server_error())
    with pytest.raises(NetworkError):
        await raw_bot.send_message(1, "x")
    api.clear_hooks()
    api.add_hook("sendChatAction", slow(0.05))
    assert await raw_bot.send_chat_action(1, "typing")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await raw_bot.send_message(424242, "x")
