"""Admins change the data from the chat, end to end through the fake Bot API: /import of an uploaded file
(getFile + download), /import dry, bad files, /rollback, /history, /stats; and nobody else can."""

from __future__ import annotations

import pytest
from adminkit import (
    ADMIN,
    NEW_PAGE,
    NEWER_PAGE,
    BotFactory,
    commitment_ids,
    fixture_bytes,
    next_reply,
    reply_to,
    send_document,
    upload,
    version,
    zip_bomb,
)
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings, visible
from telegramtext import shown

from bot.core.service import Assistant
from bot.services import admin

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = pytest.mark.e2e
STRANGER = 5151


async def test_an_admin_uploads_a_page_and_the_new_commitment_is_answered(api: FakeBotApi, assistant: Assistant,
                                                                          database_url: str, transport: str) -> None:
    """Over both HTTP transports: the download of the file goes through the bot's own request class."""
    settings = bot_settings(api, database_url, admin_ids=str(ADMIN))
    bot = await RunningBot(api, settings, assistant, transport=transport).start()
    try:
        boss = bot.person(ADMIN)
        before = version(assistant)
        assert "FR0901" not in commitment_ids(assistant)
        summary = await upload(boss, fixture_bytes(NEW_PAGE), NEW_PAGE)
        text = visible(summary)
        assert text.startswith("Import applied: 1 added, 0 updated, 0 unchanged, 0 partial, 0 removed.")
        assert f"Data version {before} → {before + 1}." in text and "FR0901: added" in text
        assert api.calls_of("getFile") and version(assistant) == before + 1
        card = await bot.person(6001).say("/commitment FR0901")  # answered at once, without waiting for a poll
        assert "Public register of lobbying meetings with ministers" in visible(card)
    finally:
        await bot.stop()


async def test_a_changed_field_is_summarised_and_reply_to_a_file_works(make_bot: BotFactory) -> None:
    bot = await make_bot()
    boss = bot.person(ADMIN)
    mark = bot.api.mark()
    document = send_document(bot.api, ADMIN, fixture_bytes(NEWER_PAGE), NEWER_PAGE, caption=None)
    reply_to(bot.api, ADMIN, "/import", document)
    summary = visible(await next_reply(bot.api, ADMIN, mark, containing="Import"))
    assert "Import applied: 0 added, 1 updated" in summary
    assert "FR0045 completion: (none) → substantial" in summary
    status = await boss.say("/commitment FR0045")
    assert "FR0045" in visible(status)


async def test_import_dry_changes_nothing(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    before, answer = version(assistant), shown(assistant, assistant.overview("FR0045", lang="en"))
    summary = visible(await upload(bot.person(ADMIN), fixture_bytes(NEWER_PAGE), NEWER_PAGE, caption="/import dry"))
    assert summary.startswith("Dry run, nothing was changed: 0 would be added, 1 updated")
    assert "FR0045 completion: (none) → substantial" in summary
    assert version(assistant) == before
    assert visible(await bot.person(6002).say("/commitment FR0045")) == answer


async def test_a_non_admin_is_refused_politely_logged_and_nothing_changes(make_bot: BotFactory,
                                                                          assistant: Assistant) -> None:
    bot = await make_bot()
    before = version(assistant)
    refusal = visible(await upload(bot.person(STRANGER), fixture_bytes(NEW_PAGE), NEW_PAGE))
    assert refusal == "Sorry, /import is for the bot's administrators only."
    for command in ("/refresh", "/history", "/rollback", "/stats", "/import"):
        assert "administrators only" in visible(await bot.person(STRANGER).say(command))
    assert not bot.api.calls_of("getFile")  # the file was not even downloaded
    assert version(assistant) == before and "FR0901" not in commitment_ids(assistant)
    refused = admin.refusals(assistant.engine)
    assert [(r.user_id, r.command) for r in reversed(refused)] == [
        (STRANGER, "import"), (STRANGER, "refresh"), (STRANGER, "history"), (STRANGER, "rollback"),
        (STRANGER, "stats"), (STRANGER, "import")]
    assert all(r.at is not None and r.outcome == "refused" for r in refused)


BAD_FILES = [
    ("broken.json", b'{"format": "ogp-bot-dataset", "commitments": [', "broken.json: line 1 column"),
    ("news.html", b"<html><head><title>OGP news</title></head><body><h1>Open government week</h1>"
                  b"<p>Events all over the world.</p></body></html>",
     "news.html: line 1: this is not an OGP commitment"),
    ("empty.txt", b"", "empty.txt: the file is empty"),
    ("big.txt", b"Public register (FR0901)\n" + b"x" * 300_000, "big.txt is 300,025 bytes, over the limit of 200,000"),
    ("pages.zip", None, "pages.zip:page.txt: refused: compressed"),
]


@pytest.mark.parametrize(("name", "content", "error"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
async def test_a_bad_file_is_refused_with_its_place_and_the_old_data_keeps_answering(
        make_bot: BotFactory, assistant: Assistant, name: str, content: bytes | None, error: str) -> None:
    bot = await make_bot(import_max_bytes=200_000)
    before, answer = version(assistant), shown(assistant, assistant.overview("FR0038", lang="en"))
    reply = visible(await upload(bot.person(ADMIN), zip_bomb() if content is None else content, name))
    assert reply.startswith("Import refused, nothing was changed")
    assert error in reply
    assert version(assistant) == before
    assert visible(await bot.person(6003).say("/commitment FR0038")) == answer
    last = admin.history(assistant.engine, 1)[0]  # recorded all the same
    assert (last.outcome, last.sources, last.version_after) == ("failed", [name], before)


async def test_rollback_restores_the_data_before_the_last_change(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    boss = bot.person(ADMIN)
    old_answer = shown(assistant, assistant.overview("FR0045", lang="en"))
    await upload(boss, fixture_bytes(NEWER_PAGE), NEWER_PAGE)
    changed = version(assistant)
    assert shown(assistant, assistant.overview("FR0045", lang="en")) != old_answer
    question = await boss.say("/rollback")
    assert "Roll back #" in visible(question) and "import by telegram:4242" in visible(question)
    _, done = await boss.press(question, "Yes, roll back")
    text = visible(done)
    assert text.startswith("Rolled back #") and f"Data version {changed} → {changed + 1}" in text
    assert "FR0045 completion: substantial → (none)" in text
    assert version(assistant) == changed + 1
    assert visible(await bot.person(6004).say("/commitment FR0045")) == old_answer
    history = visible(await boss.say("/history 3"))
    lines = history.splitlines()
    assert lines[0] == "The last 3 data changes, newest first:"
    assert "rollback by telegram:4242" in lines[1] and "import by telegram:4242" in history


async def test_a_stale_rollback_button_changes_nothing(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    boss = bot.person(ADMIN)
    await upload(boss, fixture_bytes(NEWER_PAGE), NEWER_PAGE)
    question = await boss.say("/rollback")
    await upload(boss, fixture_bytes(NEW_PAGE), NEW_PAGE)  # the data changed after the question
    before = version(assistant)
    _, answer = await boss.press(question, "Yes, roll back")
    assert "nothing was rolled back" in visible(answer) and version(assistant) == before


async def test_a_forged_admin_button_from_a_non_admin_is_refused(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    await upload(bot.person(ADMIN), fixture_bytes(NEWER_PAGE), NEWER_PAGE)
    target = admin.rollback_target(assistant.engine)
    assert target is not None
    before = version(assistant)
    reply = await bot.person(STRANGER).say("hello")  # a message of the bot in the stranger's chat, to hang it on
    message = {"message_id": reply.result["message_id"], "date": reply.result["date"], "chat": reply.result["chat"],
               "from": api.bot_user, "text": "x"}
    mark = api.mark()
    query = api.callback_query(message, f"ae|rollback|{target.id}", user_id=STRANGER)
    api.push_update({"callback_query": query})
    answered = await api.wait_for("answerCallbackQuery", since=mark, callback_query_id=query["id"])
    assert answered.params.get("show_alert") is True and "administrators only" in answered.params["text"]
    assert version(assistant) == before
    assert admin.refusals(assistant.engine, 1)[0].user_id == STRANGER


async def test_stats_and_history(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    boss = bot.person(ADMIN)
    await upload(boss, fixture_bytes(NEW_PAGE), NEW_PAGE)
    stats = visible(await boss.say("/stats"))
    assert f"Dataset version {version(assistant)}" in stats
    total = len(commitment_ids(assistant))
    assert f"{total} commitments" in stats and "• France:" in stats and "france-2018-2020:" in stats
    assert "Last data change: #" in stats and "import by telegram:4242" in stats and "Uptime of this replica" in stats
    await upload(boss, b"{", "broken.json")
    history = visible(await boss.say("/history"))
    assert "import by telegram:4242\n  failed, nothing changed: broken.json: line 1 column 2" in history
    assert "applied, version" in history and "sources: FR0901_en.txt" in history


async def test_admins_get_their_own_menu_and_others_the_users_menu(make_bot: BotFactory) -> None:
    bot = await make_bot(admin_ids=f"{ADMIN},4343")
    scoped = [c for c in bot.api.calls_of("setMyCommands") if c.params.get("scope", {}).get("type") == "chat"]
    assert {c.params["scope"]["chat_id"] for c in scoped} == {ADMIN, 4343}
    for call in scoped:
        names = {c["command"] for c in call.params["commands"]}
        assert {"import", "refresh", "history", "rollback", "stats", "follow", "search"} <= names
    mine = {c.params.get("language_code"): c.params["commands"] for c in scoped
            if c.params["scope"]["chat_id"] == ADMIN}
    # Translated, and a default for the rest.
    assert set(mine) == {"en", "fr", "es", None} and mine["en"] != mine["fr"] != mine["es"]
    everyone = bot.api.commands[("default", "en")]
    assert not {"import", "refresh", "rollback"} & {c["command"] for c in everyone}


async def test_import_without_a_file_explains_itself(make_bot: BotFactory) -> None:
    bot = await make_bot()
    usage = visible(await bot.person(ADMIN).say("/import"))
    assert "/import as its caption" in usage and "/import dry" in usage
