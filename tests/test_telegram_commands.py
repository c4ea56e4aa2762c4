"""End to end, polling mode: every command, deep links, the command menus, buttons and their payloads."""

from __future__ import annotations

from fakebotapi.running import RunningBot, visible
from telegramtext import shown

from handlers.start import decode_payload, encode_payload

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, bot, database_url


async def test_command_menus_are_set_in_english_and_french(bot: RunningBot) -> None:
    english, french = bot.api.commands[("default", "en")], bot.api.commands[("default", "fr")]
    names = {"start", "help", "language", "commitment", "search", "chart", "export", "follow", "unfollow",
             "following"}
    assert {c["command"] for c in english} == {c["command"] for c in french} == names
    assert bot.api.commands[("default", "")] == english  # the default language for everyone else
    assert all(c["description"] for c in english + french)
    assert [c["description"] for c in english] != [c["description"] for c in french]  # translated


async def test_start_greets_in_the_users_telegram_language(bot: RunningBot) -> None:
    for user_id, code in [(2001, "en"), (2002, "fr"), (2003, "fr-CA"), (2004, None)]:
        reply = await bot.person(user_id, language_code=code).say("/start")
        lang = "fr" if code and code.startswith("fr") else "en"
        assert visible(reply) == bot.assistant.greeting(lang=lang).text


async def test_help_gives_the_cores_help_and_the_commands(bot: RunningBot) -> None:
    reply = await bot.person(2005, language_code="fr").say("/help")
    text = visible(reply)
    assert text.startswith(bot.assistant.help(lang="fr").text)
    assert all(f"/{name}" in text for name in ("start", "help", "language", "commitment", "search"))


def test_deep_link_payloads_use_only_the_characters_telegram_allows() -> None:
    for commitment, milestone in [("FR0038", None), ("FR0038", "9.2"), ("UK0063", "1.2.3"), ("AR-L 12", "a b"),
                                  ("BÉ0001", "2.1")]:
        payload = encode_payload(commitment, milestone)
        assert len(payload) <= 64 and all(c.isascii() and (c.isalnum() or c in "_-") for c in payload)
        assert decode_payload(payload) == (commitment, milestone)
    assert encode_payload("FR0038", "9.2") == "FR0038_9-2"
    assert decode_payload("x-%%%") is None


async def test_deep_links_open_a_commitment_or_a_milestone(bot: RunningBot) -> None:
    ada = bot.person(2006)
    card = await ada.say("/start FR0038")
    assert "Administrative Capacity-Building" in visible(card)
    assert visible(card) == shown(bot.assistant, bot.assistant.overview("FR0038", lang="en"))
    milestone = await ada.say(f"/start {encode_payload('FR0038', '9.2')}")
    assert visible(milestone) == shown(bot.assistant,
                                       bot.assistant.ask_intent("milestone_status", "FR0038", "9.2", lang="en"))
    plain = await ada.say("/start not_a-commitment_payload!")  # not a payload: the greeting
    assert visible(plain) == bot.assistant.greeting(lang="en").text


async def test_commitment_command(bot: RunningBot) -> None:
    ada = bot.person(2007, language_code="fr")
    assert visible(await ada.say("/commitment FR0038")) == shown(bot.assistant,
                                                                 bot.assistant.overview("FR0038", lang="fr"))
    assert visible(await ada.say("/commitment fr0038 9.2")) == \
        shown(bot.assistant, bot.assistant.ask_intent("milestone_status", "FR0038", "9.2", lang="fr"))
    usage = await ada.say("/commitment")
    assert usage.ok and "/commitment FR0038" in visible(usage)


async def test_search_lists_results_and_pages_through_them_in_place(bot: RunningBot) -> None:
    ada = bot.person(2008)
    first = await ada.say("/search zorblax")
    total = bot.assistant.search("zorblax", lang="en", limit=50).total
    assert total == 12
    ids = [b["text"].split(" ")[0] for b in first.buttons if b["text"].startswith("TL")]
    assert len(ids) == 8
    answered, edited = await ada.press(first, "More", then="editMessageText")
    assert answered.ok and edited.ok and edited.params["message_id"] == first.result["message_id"]
    second_ids = [b["text"].split(" ")[0] for b in edited.buttons if b["text"].startswith("TL")]
    assert len(second_ids) == 4 and not set(second_ids) & set(ids)
    assert "Previous" in str(edited.buttons)
    nothing = await ada.say("/search zzzzqqq")
    assert nothing.ok and not nothing.buttons
    usage = await ada.say("/search")
    assert "/search" in visible(usage)


async def test_disambiguation_buttons_open_the_chosen_commitment(bot: RunningBot) -> None:
    ada = bot.person(2009)
    question = "zorblax registry"
    expected = bot.assistant.answer(question)
    assert len(expected.candidates) >= 2
    offer = await ada.say(question)
    assert visible(offer) == shown(bot.assistant, expected)
    chosen = expected.candidates[1].id
    answered, card = await ada.press(offer, chosen)
    assert answered.ok
    assert visible(card) == shown(bot.assistant, bot.assistant.overview(chosen, lang="en"))
    follow_up = await ada.say("who leads it?")  # the choice became the conversation's commitment
    assert chosen in visible(follow_up)


async def test_milestone_and_intent_buttons(bot: RunningBot) -> None:
    ada = bot.person(2010, language_code="fr")
    card = await ada.say("/commitment FR0038")
    assert card.buttons
    _, milestones = await ada.press(card, card.buttons[0]["text"])
    assert milestones.ok and milestones.buttons
    number_button = next(b for b in milestones.buttons if b["text"][0].isdigit())
    _, status = await ada.press(milestones, number_button["text"])
    assert visible(status) == shown(bot.assistant, bot.assistant.ask_intent(
        "milestone_status", "FR0038", number_button["text"], lang="fr"))


async def test_every_callback_query_is_answered_even_expired_or_garbage(bot: RunningBot) -> None:
    api = bot.api
    card = await bot.person(2011).say("FR0038")
    message = {"message_id": card.result["message_id"], "date": card.result["date"], "chat": card.result["chat"],
               "from": api.bot_user, "text": "old"}
    for data in ("#unknowncode0000000000", "zz|what", "o"):
        mark = api.mark()
        query = api.callback_query(message, data, user_id=2011)
        api.push_update({"callback_query": query})
        answered = await api.wait_for("answerCallbackQuery", since=mark, callback_query_id=query["id"])
        assert answered.ok
    assert answered.params.get("show_alert") is True and answered.params.get("text")


async def test_long_button_payloads_are_stored_and_fit_in_64_bytes(bot: RunningBot) -> None:
    ada = bot.person(2012)
    words = " ".join(["zorblax"] * 9)  # a query too long to travel in the button itself
    first = await ada.say(f"/search {words}")
    more = first.button("More")
    assert more["callback_data"].startswith("#") and len(more["callback_data"].encode()) <= 64
    answered, edited = await ada.press(first, "More", then="editMessageText")
    assert answered.ok and edited.ok


async def test_an_unknown_command_gets_the_cores_answer(bot: RunningBot) -> None:
    reply = await bot.person(2013).say("/frobnicate FR0038")
    assert reply.ok and visible(reply) == shown(bot.assistant, bot.assistant.answer("/frobnicate FR0038"))


async def test_more_under_a_count_shows_the_next_page_in_place(bot: RunningBot) -> None:
    question = "how many commitments in Testland?"
    expected = bot.assistant.answer(question)
    assert expected.intent == "count" and any(b.action == "list" for b in expected.buttons)
    ada = bot.person(2014)
    first = await ada.say(question)
    assert visible(first) == shown(bot.assistant, expected)
    more = next(b for b in expected.buttons if b.action == "list")
    answered, edited = await ada.press(first, more.label, then="editMessageText")
    assert answered.ok and edited.params["message_id"] == first.result["message_id"]
    assert visible(edited) == shown(bot.assistant,
                                    bot.assistant.list_page(more.args[0], int(more.args[1]), lang="en"))


async def test_the_help_payload_of_the_inline_button_opens_the_help(bot: RunningBot) -> None:
    reply = await bot.person(2015).say("/start help")
    assert visible(reply).startswith(bot.assistant.help(lang="en").text)
