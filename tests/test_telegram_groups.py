"""End to end: in groups and supergroups the bot answers commands, mentions of it and replies to its messages,
and ignores the rest of the chatter (which does not count toward the flood limit either)."""

from __future__ import annotations

from typing import Any

import pytest
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings, visible
from fakebotapi.server import Call
from telegramtext import shown

from bot.core.service import Assistant

pytest_plugins = ("fakebotapi.harness",)
pytestmark = pytest.mark.e2e
BOT = "@ogp_test_bot"


class Group:
    """Someone writing in a group (negative chat id) where the bot is a member."""

    def __init__(self, api: FakeBotApi, chat_id: int, user_id: int, kind: str = "supergroup") -> None:
        self.api, self.chat_id, self.user_id, self.kind = api, chat_id, user_id, kind

    def write(self, text: str, **extra: Any) -> None:
        self.api.push_update({"message": self.api.message(text, user_id=self.user_id, chat_id=self.chat_id,
                                                          chat_type=self.kind, **extra)})

    def mention(self, text: str) -> None:
        """`text` starting with the bot's @username, with the entity Telegram adds."""
        self.write(f"{BOT} {text}", entities=[{"type": "mention", "offset": 0, "length": len(BOT)}])

    async def answer(self, since: int) -> Call:
        return await self.api.wait_for("sendMessage", since=since, chat_id=self.chat_id)

    def replies(self, since: int) -> list[Call]:
        return self.api.calls_of("sendMessage", since=since, chat_id=self.chat_id)


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_chatter_is_ignored_and_a_mention_is_answered_without_it(bot: RunningBot, kind: str) -> None:
    group, mark = Group(bot.api, -9001, 9001, kind), bot.api.mark()
    group.write("FR0038 is late again")  # chatter, even about a commitment
    group.write("@someone_else who leads FR0038?", entities=[{"type": "mention", "offset": 0, "length": 13}])
    group.write("/commitment@other_bot FR0038", entities=[{"type": "bot_command", "offset": 0, "length": 21}])
    group.mention("who leads FR0038?")
    reply = await group.answer(mark)  # the chat's updates are handled in order: the chatter came first
    assert visible(reply) == shown(bot.assistant, bot.assistant.answer("who leads FR0038?"))
    assert len(group.replies(mark)) == 1


async def test_a_reply_to_the_bot_and_a_text_mention_are_answered(bot: RunningBot) -> None:
    group, mark = Group(bot.api, -9002, 9002), bot.api.mark()
    group.mention("FR0038")
    card = await group.answer(mark)
    mark = bot.api.mark()
    replied = bot.api._messages[(-9002, card.result["message_id"])]
    group.write("and milestone 9.2?", reply_to_message=replied)  # a follow-up, in reply to the bot's card
    follow_up = await group.answer(mark)
    assert "Milestone 9.2 of FR0038" in visible(follow_up)
    mark = bot.api.mark()
    name = "OGP test bot"  # a text mention: the bot's name linked to its user (no @username)
    group.write(f"{name}, who leads FR0038?",
                entities=[{"type": "text_mention", "offset": 0, "length": len(name), "user": bot.api.bot_user}])
    lead = await group.answer(mark)
    assert visible(lead) == shown(bot.assistant, bot.assistant.answer("who leads FR0038?"))


async def test_commands_are_answered_in_a_group(bot: RunningBot) -> None:
    group, mark = Group(bot.api, -9003, 9003), bot.api.mark()
    group.write("/commitment FR0038")
    card = await group.answer(mark)
    assert visible(card) == shown(bot.assistant, bot.assistant.overview("FR0038", lang="en"))
    mark = bot.api.mark()
    group.write(f"/search{BOT} zorblax", entities=[{"type": "bot_command", "offset": 0, "length": 20}])
    assert "TL0001" in visible(await group.answer(mark))


async def test_a_sticker_in_reply_to_the_bot_gets_the_note_and_other_stickers_nothing(bot: RunningBot) -> None:
    group, mark = Group(bot.api, -9004, 9004), bot.api.mark()
    group.mention("FR0038")
    card = await group.answer(mark)
    mark = bot.api.mark()
    sticker = {"file_id": "st9", "file_unique_id": "ust9", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False}
    for extra in ({}, {"reply_to_message": bot.api._messages[(-9004, card.result["message_id"])]}):
        message = bot.api.message("x", user_id=9004, chat_id=-9004, chat_type="supergroup", sticker=sticker, **extra)
        message.pop("text")
        bot.api.push_update({"message": message})
    note = await group.answer(mark)
    assert visible(note).startswith("I can only read text")
    group.mention("FR0038")  # handled after both stickers
    await bot.api.wait_until(lambda: len(group.replies(mark)) == 2)
    assert "FR0038" in visible(group.replies(mark)[1])


async def test_group_chatter_does_not_count_toward_the_flood_limit(api: FakeBotApi, assistant: Assistant,
                                                                   database_url: str) -> None:
    settings = bot_settings(api, database_url, flood_max_messages=3, flood_window_seconds=600)
    bot = await RunningBot(api, settings, assistant, transport="aiohttp").start()
    try:
        group, mark = Group(api, -9005, 9005), api.mark()
        for number in range(6):
            group.write(f"chatter {number}")
        group.mention("FR0038")
        reply = await group.answer(mark)
        assert visible(reply) == shown(assistant, assistant.answer("FR0038"))
        assert len(group.replies(mark)) == 1
    finally:
        await bot.stop()
