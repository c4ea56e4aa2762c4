"""Item "admin commands in groups": in a group or supergroup, an admin's /stats, /history, /rollback,
/refresh and /import (and an admin button) are refused with a note to use a private chat; nothing about the
data (admin ids, sources, versions) is posted there, and nothing changes."""

from __future__ import annotations

import pytest
from adminkit import ADMIN, BotFactory, SourceServer, fixture_bytes, send_document, upload, version
from fakebotapi.running import visible

from bot.core.service import Assistant

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
GROUP = -100123


@pytest.mark.parametrize("kind", ["group", "supergroup"])
async def test_admin_commands_in_a_group_are_refused(make_bot: BotFactory, assistant: Assistant,
                                                     sources: SourceServer, kind: str) -> None:
    bot = await make_bot(data_sources=sources.url("files/secret-source.json"))
    api = bot.api
    await upload(bot.person(ADMIN), fixture_bytes("FR0045_en_newer.txt"), "FR0045_en_newer.txt")  # a history
    before = version(assistant)
    for command in ("/stats", "/history", "/rollback", "/refresh", "/import", "/history@ogp_test_bot 3"):
        mark = api.mark()
        api.push_update({"message": api.message(command, user_id=ADMIN, chat_id=GROUP, chat_type=kind)})
        reply = await api.wait_for("sendMessage", since=mark, chat_id=GROUP)
        name = command.split()[0].split("@")[0].lstrip("/")
        assert visible(reply) == f"/{name} works in a private chat with me only: write it to me there."
        assert not reply.buttons
        await bot.application.bot.ledger.idle()
        sent = api.calls_of("sendMessage", since=mark, chat_id=GROUP)
        assert len(sent) == 1
    mark = api.mark()
    message = send_document(api, ADMIN, fixture_bytes("FR0901_en.txt"), "FR0901_en.txt")  # private: reference
    await api.wait_for("sendMessage", since=mark, chat_id=ADMIN)
    group_file = api.message("x", user_id=ADMIN, chat_id=GROUP, chat_type=kind)
    group_file.pop("text"), group_file.pop("entities", None)
    group_file.update(document=message["document"], caption="/import",
                      caption_entities=[{"type": "bot_command", "offset": 0, "length": 7}])
    mark = api.mark()
    api.push_update({"message": group_file})
    reply = await api.wait_for("sendMessage", since=mark, chat_id=GROUP)
    assert "private chat" in visible(reply)
    everything = " ".join(visible(c) for c in api.calls_of("sendMessage", chat_id=GROUP))
    for leak in (str(ADMIN), "secret-source", "telegram:", "version", "France"):
        assert leak not in everything
    assert version(assistant) == before + 1  # only the private /import changed data


async def test_an_admin_button_pressed_in_a_group_is_refused(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    boss = bot.person(ADMIN)
    await upload(boss, fixture_bytes("FR0045_en_newer.txt"), "FR0045_en_newer.txt")
    question = await boss.say("/rollback")
    data = question.button("Yes, roll back")["callback_data"]
    before = version(assistant)
    message = {"message_id": 1, "date": question.result["date"], "chat": api.chat(GROUP, kind="supergroup"),
               "from": api.bot_user, "text": "x"}
    mark = api.mark()
    query = api.callback_query(message, data, user_id=ADMIN)
    api.push_update({"callback_query": query})
    answered = await api.wait_for("answerCallbackQuery", since=mark, callback_query_id=query["id"])
    assert "private chat" in answered.params["text"] and answered.params.get("show_alert") is True
    await bot.application.bot.ledger.idle()
    assert version(assistant) == before and not api.calls_of("sendMessage", since=mark, chat_id=GROUP)
