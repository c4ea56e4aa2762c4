"""End to end: messages without text (stickers, voice, photos, files, video, locations) get one short reply in the
user's language; a caption is asked like text; nothing is downloaded unless an admin sends /import."""

from __future__ import annotations

from typing import Any

import pytest
from adminkit import ADMIN, NEW_PAGE, BotFactory, fixture_bytes, send_document, upload
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, visible
from telegramtext import shown

from bot.common.i18n import translator

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = pytest.mark.e2e

NOTE = "I can only read text, not pictures, voice messages, stickers or files. Write your question, for example: " \
    "who leads FR0038?"
KINDS: dict[str, Any] = {
    "sticker": {"file_id": "st1", "file_unique_id": "ust1", "type": "regular", "width": 512, "height": 512,
                "is_animated": False, "is_video": False},
    "voice": {"file_id": "vo1", "file_unique_id": "uvo1", "duration": 3},
    "photo": [{"file_id": "ph1", "file_unique_id": "uph1", "width": 90, "height": 90}],
    "document": {"file_id": "do1", "file_unique_id": "udo1", "file_name": "notes.pdf"},
    "video": {"file_id": "vi1", "file_unique_id": "uvi1", "width": 64, "height": 64, "duration": 2},
    "location": {"latitude": 48.85, "longitude": 2.35},
}


def send_media(api: FakeBotApi, user_id: int, kind: str, *, caption: str | None = None, language_code: str = "en",
               **where: Any) -> dict[str, Any]:
    """A user sends a message of `kind` (no text), with an optional caption; returns the message."""
    message = api.message("x", user_id=user_id, language_code=language_code, **where)
    message.pop("text")
    message.pop("entities", None)
    message[kind] = KINDS[kind]
    if caption is not None:
        message["caption"] = caption
    api.push_update({"message": message})
    return message


async def replies_to(bot: RunningBot, user_id: int, mark: int, count: int) -> list[str]:
    """The bot's messages to the chat after `mark`, once there are `count` (then a text question, answered after
    every earlier update of the chat, shows nothing more came)."""
    api = bot.api
    await api.wait_until(lambda: len(api.calls_of("sendMessage", since=mark, chat_id=user_id)) >= count)
    barrier = await bot.person(user_id).say("FR0038")
    texts = [visible(c) for c in api.calls_of("sendMessage", since=mark, chat_id=user_id)]
    assert texts[-1] == visible(barrier)
    return texts[:-1]


async def test_each_kind_of_non_text_message_gets_one_short_reply_and_nothing_is_downloaded(bot: RunningBot) -> None:
    mark = bot.api.mark()
    for kind in KINDS:
        send_media(bot.api, 8001, kind)
    assert await replies_to(bot, 8001, mark, len(KINDS)) == [NOTE] * len(KINDS)
    assert not bot.api.calls_of("getFile", since=mark)


async def test_the_reply_is_in_the_users_language(bot: RunningBot) -> None:
    mark = bot.api.mark()
    send_media(bot.api, 8002, "sticker", language_code="fr")
    [reply] = await replies_to(bot, 8002, mark, 1)
    # French once the catalog has the new message ("Je ne lis que du texte…").
    assert reply == translator("fr")._(NOTE)


async def test_a_caption_is_asked_like_a_text_and_the_photo_is_not_downloaded(bot: RunningBot) -> None:
    mark = bot.api.mark()
    send_media(bot.api, 8003, "photo", caption="who leads FR0038?")
    reply = await bot.api.wait_for("sendMessage", since=mark, chat_id=8003)
    assert visible(reply) == shown(bot.assistant, bot.assistant.answer("who leads FR0038?"))
    send_media(bot.api, 8003, "document", caption="/frobnicate")  # a command in a caption is no question
    assert (await replies_to(bot, 8003, mark, 2))[1] == NOTE
    assert not bot.api.calls_of("getFile", since=mark)


async def test_service_messages_get_no_reply(bot: RunningBot) -> None:
    mark = bot.api.mark()
    message = bot.api.message("x", user_id=8004, chat_id=-8004, chat_type="group")
    message.pop("text")
    message["new_chat_members"] = [bot.api.user(8005)]
    bot.api.push_update({"message": message})
    addressed = bot.api.message("@ogp_test_bot FR0038", user_id=8004, chat_id=-8004, chat_type="group",
                                entities=[{"type": "mention", "offset": 0, "length": 13}])
    bot.api.push_update({"message": addressed})
    reply = await bot.api.wait_for("sendMessage", since=mark, chat_id=-8004)
    assert "FR0038" in visible(reply)  # the member joining, handled first, got nothing
    assert len(bot.api.calls_of("sendMessage", since=mark, chat_id=-8004)) == 1


async def test_only_an_admins_import_downloads_a_file(make_bot: BotFactory) -> None:
    bot = await make_bot()
    stranger, mark = 8006, bot.api.mark()
    send_document(bot.api, stranger, fixture_bytes(NEW_PAGE), NEW_PAGE)  # "/import" as the caption
    refusal = await bot.api.wait_for("sendMessage", since=mark, chat_id=stranger)
    assert visible(refusal) == "Sorry, /import is for the bot's administrators only."
    send_document(bot.api, stranger, fixture_bytes(NEW_PAGE), NEW_PAGE, caption=None)
    assert (await replies_to(bot, stranger, mark, 2))[1] == NOTE
    assert not bot.api.calls_of("getFile", since=mark)
    summary = await upload(bot.person(ADMIN), fixture_bytes(NEW_PAGE), NEW_PAGE)  # the admin's handler comes first
    assert visible(summary).startswith("Import applied: 1 added")
    assert bot.api.calls_of("getFile", since=mark)
