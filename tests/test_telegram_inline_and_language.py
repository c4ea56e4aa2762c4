"""End to end, polling mode: inline mode, the language choice, and what survives a restart."""

from __future__ import annotations

from fakebotapi import parse_html
from fakebotapi.running import RunningBot, visible
from telegramtext import shown

from bot.core.types import Context
from handlers.language import confirmation

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, bot, database_url


async def test_inline_query_lists_commitment_cards_with_a_link(bot: RunningBot) -> None:
    api = bot.api
    mark = api.mark()
    query_id = api.inline_query("FR0038", user_id=3001)
    answer = await api.wait_for("answerInlineQuery", since=mark, inline_query_id=query_id)
    assert answer.ok, answer.error
    results = answer.params["results"]
    first = results[0]
    assert first["id"] == "FR0038" and first["type"] == "article"
    assert "Administrative Capacity-Building" in first["title"]
    assert first["url"].startswith("https://www.opengovpartnership.org/")
    content = first["input_message_content"]
    assert content["parse_mode"] == "HTML" and "FR0038" in parse_html(content["message_text"])
    assert f'<a href="{first["url"]}">' in content["message_text"]
    link = first["reply_markup"]["inline_keyboard"][0][0]["url"]
    assert link == f"https://t.me/{api.bot_user['username']}?start=FR0038"
    assert answer.params["is_personal"] is True


async def test_inline_results_are_paginated_with_offsets(bot: RunningBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import handlers.inline

    monkeypatch.setattr(handlers.inline, "PAGE", 4)
    api, seen, offset = bot.api, [], ""
    for _ in range(5):
        mark = api.mark()
        query_id = api.inline_query("zorblax", user_id=3002, offset=offset)
        answer = await api.wait_for("answerInlineQuery", since=mark, inline_query_id=query_id)
        assert answer.ok and len(answer.params["results"]) <= 4
        seen += [r["id"] for r in answer.params["results"]]
        offset = answer.params.get("next_offset", "")
        if not offset:
            break
    assert len(seen) == len(set(seen)) == 12


async def test_an_empty_inline_query_offers_the_bot_instead_of_results(bot: RunningBot) -> None:
    mark = bot.api.mark()
    query_id = bot.api.inline_query("", user_id=3003)
    answer = await bot.api.wait_for("answerInlineQuery", since=mark, inline_query_id=query_id)
    assert answer.ok and answer.params["results"] == []
    assert answer.params["button"]["start_parameter"] == "help"


async def test_language_choice_is_stored_and_used_and_a_second_press_changes_nothing(bot: RunningBot) -> None:
    ada = bot.person(3004, language_code="en")
    keyboard = await ada.say("/language")
    assert {b["text"] for b in keyboard.buttons} >= {"Français"} and len(keyboard.buttons) == 3
    answered, edited = await ada.press(keyboard, "Français", then="editMessageText")
    assert answered.ok and edited.ok
    assert visible(edited) == confirmation("fr")
    assert bot.application.bot_data["services"].store.language(3004) == "fr"
    greeting = await ada.say("/start")
    assert visible(greeting) == bot.assistant.greeting(lang="fr").text
    card = await ada.say("FR0038")  # no language in the text: the user's choice
    assert visible(card) == shown(bot.assistant, bot.assistant.answer("FR0038", preferred_lang="fr"))
    # The same button again: Telegram refuses the identical edit; the user sees no error.
    mark = bot.api.mark()
    query_id = bot.api.press(keyboard, "Français", user_id=3004)
    await bot.api.wait_for("answerCallbackQuery", since=mark, callback_query_id=query_id)
    again = await bot.api.wait_for("editMessageText", since=mark)
    assert again.status == 400 and "not modified" in (again.error or "")
    after = await ada.say("/start")  # nothing was sent in between: no apology for the refused edit
    assert bot.api.calls_of("sendMessage", since=mark, chat_id=3004) == [after]


async def test_preferences_context_and_buttons_survive_a_restart(bot: RunningBot) -> None:
    ada = bot.person(3005, language_code="en")
    keyboard = await ada.say("/language")
    await ada.press(keyboard, "Français", then="editMessageText")
    await ada.say("who leads FR0038?")
    long_query = " ".join(["zorblax"] * 9)
    results = await ada.say(f"/search {long_query}")
    await bot.restart()
    greeting = await ada.say("/start")
    assert visible(greeting) == bot.assistant.greeting(lang="fr").text
    follow_up = await ada.say("and milestone 9.2?")
    context = bot.assistant.answer("who leads FR0038?", preferred_lang="fr").context
    expected = bot.assistant.answer("and milestone 9.2?", context=context, preferred_lang="fr")
    assert visible(follow_up) == shown(bot.assistant, expected) and expected.commitment == "FR0038"
    answered, edited = await ada.press(results, "»", then="editMessageText")  # "More", stored in the database
    assert answered.ok and not answered.params.get("show_alert") and edited.ok


async def test_a_user_who_blocked_the_bot_is_marked_and_not_retried(bot: RunningBot) -> None:
    api, store = bot.api, bot.application.bot_data["services"].store
    ada = bot.person(3006)
    api.blocked.add(3006)
    refused = await ada.say("FR0038")
    assert refused.status == 403
    await wait_until(lambda: store.is_blocked(3006))
    api.blocked.discard(3006)
    reply = await ada.say("FR0038")  # writing again means they unblocked the bot
    assert reply.ok
    assert [c.status for c in api.calls_of("sendMessage", chat_id=3006)] == [403, 200]
    assert not store.is_blocked(3006)


async def test_blocking_and_unblocking_updates_are_recorded(bot: RunningBot) -> None:
    api, store = bot.api, bot.application.bot_data["services"].store
    chat, user = api.chat(3007), api.user(3007)
    for status, blocked in (("kicked", True), ("member", False)):
        api.push_update({"my_chat_member": {
            "chat": chat, "from": user, "date": 0,
            "old_chat_member": {"status": "member", "user": api.bot_user},
            "new_chat_member": {"status": status, "user": api.bot_user, **({"until_date": 0} if blocked else {})}}})
        await wait_until(lambda b=blocked: store.is_blocked(3007) is b)


async def test_context_is_per_chat(bot: RunningBot) -> None:
    await bot.person(3008).say("who leads FR0038?")
    store = bot.application.bot_data["services"].store
    assert store.context(3008).commitment == "FR0038"
    assert store.context(3009) == Context()


async def wait_until(condition, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Wait for a state change made after the reply (the database write follows the refused send)."""
    import asyncio

    async def poll() -> None:
        while not await asyncio.to_thread(condition):
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), timeout)
