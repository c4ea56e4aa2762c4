"""End to end: how answers look in Telegram. A bold first line naming the commitment, sources as short links (the
command line keeps the URLs), search pages in one layout, the last page for an offset past the end, Cancel on
/rollback, /following edited in place, chart captions that say what the figure shows, chat actions only before
what they announce, whole import errors, translated menus, the bot's descriptions, the follow wording, and the
language chosen with /language for messages too short to tell."""

from __future__ import annotations

import json

import pytest
from adminkit import ADMIN, NEWER_PAGE, BotFactory, fixture_bytes, upload, version
from aiohttp import web
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings, visible
from fakebotapi.server import Call
from telegramtext import shown

from bot.common.i18n import translator
from bot.core.service import Assistant
from handlers import callbackdata
from handlers.callbackdata import ButtonAction
from handlers.commands import description, short_description

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = pytest.mark.e2e
FR0038_PAGE = "https://www.opengovpartnership.org/members/france/commitments/FR0038/"


async def test_a_commitment_answer_opens_with_its_name_in_bold_and_links_its_source(bot: RunningBot) -> None:
    reply = await bot.person(9101).say("who leads FR0038?")
    assert reply.text.startswith("<b>FR0038 — Administrative Capacity-Building</b>\n")
    assert reply.text.endswith(f'Source: <a href="{FR0038_PAGE}">OGP page</a>')
    assert "https://" not in visible(reply)
    card = await bot.person(9101).say("FR0038")  # a card starts with its name: made bold, not repeated
    assert card.text.startswith("<b>FR0038 — Administrative Capacity-Building</b>\nCommitment 9 of")
    assert visible(card).count("FR0038 — Administrative Capacity-Building") == 1
    # The command line's answer (`ask --json`) keeps the full URL in its text and sources.
    data = bot.assistant.answer("who leads FR0038?").to_json()
    assert data["text"].endswith(f"Source: {FR0038_PAGE}") and data["sources"] == [FR0038_PAGE]


async def test_in_french_the_name_and_the_link_are_french(bot: RunningBot) -> None:
    reply = await bot.person(9102, language_code="fr").say("qui pilote FR0038 ?")
    assert reply.text.startswith("<b>FR0038 — Renforcement des capacités administratives</b>\n")
    french_page = FR0038_PAGE.replace(".org/", ".org/fr/")
    # "page OGP" once the catalog has the new message.
    assert reply.text.endswith(f'Source : <a href="{french_page}">{translator("fr")._("OGP page")}</a>')


async def test_several_sources_are_linked_by_commitment_id(bot: RunningBot) -> None:
    question = "Which commitments were starred by the IRM?"
    expected = bot.assistant.answer(question)
    assert len(expected.sources) > 1
    reply = await bot.person(9103).say(question)
    for url in expected.sources:
        commitment = url.rstrip("/").rsplit("/", 1)[1]
        assert f'<a href="{url}">{commitment}</a>' in reply.text
    assert visible(reply) == shown(bot.assistant, expected)


def cards(call: Call) -> list[str]:
    """The commitment ids of a results page, from its cards ("<b>TL0001</b> — …")."""
    return [line[3:line.index("</b>")] for line in call.text.split("\n") if line.startswith("<b>")]


async def test_every_page_of_a_free_text_search_has_the_same_layout(bot: RunningBot) -> None:
    ada = bot.person(9104)
    first = await ada.say("commitments about zorblax")
    assert visible(first).split("\n")[:2] == ["12 commitments about “zorblax”:", "Results 1 to 8:"]
    _, second = await ada.press(first, "More", then="editMessageText")
    assert visible(second).split("\n")[:2] == ["12 commitments about “zorblax”:", "Results 9 to 12:"]
    assert len(cards(first)) == 8 and len(cards(second)) == 4 and not set(cards(first)) & set(cards(second))
    _, back = await ada.press(second, "Previous", then="editMessageText")
    assert back.text == first.text
    searched = await ada.say("/search zorblax")  # the same cards as /search
    assert cards(searched) == cards(first)


async def test_an_offset_past_the_end_shows_the_last_page(bot: RunningBot) -> None:
    api, ada = bot.api, bot.person(9105)
    first = await ada.say("/search zorblax")
    forged = callbackdata.encode(bot.application.bot_data["services"].store, ButtonAction.SEARCH,
                                 ("zorblax", "4000"), "en")
    mark = api.mark()
    message = api._messages[(9105, first.result["message_id"])]
    api.push_update({"callback_query": api.callback_query(message, forged, user_id=9105)})
    last = await api.wait_for("editMessageText", since=mark, chat_id=9105)
    assert visible(last).split("\n")[:2] == ["12 commitments match “zorblax”:", "Results 9 to 12:"]
    assert len(cards(last)) == 4 and "Previous" in str(last.buttons) and "More" not in str(last.buttons)


async def test_rollback_can_be_cancelled(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    boss = bot.person(ADMIN)
    await upload(boss, fixture_bytes(NEWER_PAGE), NEWER_PAGE)
    before = version(assistant)
    question = await boss.say("/rollback")
    assert [b["text"] for b in question.buttons][1] == "Cancel"
    mark = bot.api.mark()
    _, cancelled = await boss.press(question, "Cancel")
    assert visible(cancelled) == "Cancelled: nothing was changed."
    assert version(assistant) == before
    removed = await bot.api.wait_for("editMessageReplyMarkup", since=mark, chat_id=ADMIN)
    assert removed.ok and not removed.params.get("reply_markup")


async def test_unfollowing_from_following_edits_the_list_in_place(bot: RunningBot) -> None:
    ada = bot.person(9106)
    await ada.say("/follow FR0038")
    await ada.say("/follow France daily")
    listing = await ada.say("/following")
    assert "• FR0038" in visible(listing) and len(listing.buttons) == 2
    _, edited = await ada.press(listing, "Unfollow FR0038", then="editMessageText")
    assert edited.params["message_id"] == listing.result["message_id"]
    assert "FR0038" not in visible(edited) and "France" in visible(edited)
    assert [b["text"] for b in edited.buttons] == ["Unfollow France"]
    _, empty = await ada.press(edited, "Unfollow France", then="editMessageText")
    assert visible(empty).startswith("You follow nothing yet.") and not empty.buttons


async def test_the_follow_wording_reads_well(bot: RunningBot) -> None:
    ada = bot.person(9107)
    await ada.say("/follow FR0038")
    again = await ada.say("/follow FR0038 weekly")
    assert visible(again) == "You already follow FR0038 — Administrative capacity-building (weekly digest)."


async def test_chart_captions_summarise_the_figure(bot: RunningBot) -> None:
    api, ada = bot.api, bot.person(9108)
    summary = "France Action Plan 2018-2020 (in my data): 15 commitments — "
    mark = api.mark()
    ada.write("/chart France 2018-2020")
    photo = await api.wait_for("sendPhoto", since=mark, chat_id=9108)
    caption = photo.params["caption"]
    assert caption.startswith(summary) and caption.endswith("Source: Open Government Partnership (CC BY 4.0).")
    action = api.calls_of("sendChatAction", since=mark, chat_id=9108)
    assert [a.params["action"] for a in action] == ["upload_photo"] and action[0].at <= photo.at
    mark = api.mark()
    ada.write("show me a chart of France 2018-2020")  # asked in words: the picture has the same caption
    free = await api.wait_for("sendPhoto", since=mark, chat_id=9108)
    assert free.params["caption"] == caption


async def test_no_upload_action_before_a_text_that_says_nothing_was_found(bot: RunningBot) -> None:
    api, ada = bot.api, bot.person(9109)
    mark = api.mark()
    assert "Atlantide" in visible(await ada.say("/chart Atlantide 3000"))
    assert "Atlantide" in visible(await ada.say("/export Atlantide 3000"))
    assert not api.calls_of("sendChatAction", since=mark, chat_id=9109)
    assert not api.calls_of("sendPhoto", since=mark, chat_id=9109)
    mark = api.mark()
    ada.write("/export France 2018-2020")
    document = await api.wait_for("sendDocument", since=mark, chat_id=9109)
    action = await api.wait_for("sendChatAction", since=mark, chat_id=9109)
    assert action.params["action"] == "upload_document" and action.at <= document.at


async def test_an_import_error_is_given_whole(make_bot: BotFactory) -> None:
    bot = await make_bot()
    reply = await upload(bot.person(ADMIN), b'{"format": "ogp-bot-dataset", "description": "unterminated',
                         "broken.json")
    assert visible(reply).endswith("broken.json: invalid JSON: Unterminated string starting at line 1 column 46")


async def test_the_french_menu_is_french_throughout(make_bot: BotFactory) -> None:
    bot = await make_bot()
    french = {c["command"]: c["description"] for c in bot.api.commands[("default", "fr")]}
    # "[quotidien|hebdo]" once the catalog has the new translation; /follow takes the French words.
    t = translator("fr")
    assert french["follow"] == t._("Be told when a commitment changes: /follow FR0038 [daily|weekly]")
    admin_menu = next(c.params["commands"] for c in bot.api.calls_of("setMyCommands")
                      if c.params.get("scope", {}).get("chat_id") == ADMIN and c.params.get("language_code") == "fr")
    descriptions = {c["command"]: c["description"] for c in admin_menu}
    assert descriptions["refresh"] == t._("Admin: pull DATA_SOURCES again (/refresh partial, /refresh ogp [member])")
    follow = await bot.person(9110, language_code="fr").say("/follow FR0038 hebdo")
    assert t._("weekly digest") in visible(follow)


async def test_the_descriptions_are_set_in_english_and_french_at_start(api: FakeBotApi, assistant: Assistant,
                                                                       database_url: str) -> None:
    async def accepted(call: Call, request: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True, "result": True})  # as Telegram answers both methods

    for method in ("setMyDescription", "setMyShortDescription"):
        api.add_hook(method, accepted)
    bot = await RunningBot(api, bot_settings(api, database_url, default_language="fr"), assistant).start()
    try:
        for method, text in (("setMyDescription", description), ("setMyShortDescription", short_description)):
            field = "description" if method == "setMyDescription" else "short_description"
            sent = {c.params.get("language_code"): c.params[field] for c in api.calls_of(method)}
            # None: any other language.
            assert sent == {"en": text("en"), "fr": text("fr"), "es": text("es"), None: text("fr")}
            assert "OGP" in sent["en"] or "Open Government Partnership" in sent["en"]
            assert all(len(t) <= (512 if field == "description" else 120) for t in sent.values())
    finally:
        await bot.stop()


async def test_the_chosen_language_wins_for_messages_too_short_to_tell(bot: RunningBot) -> None:
    ada = bot.person(9111, language_code="fr")
    choice = await ada.say("/language")
    await ada.press(choice, "English", then="editMessageText")
    french = await ada.say("qui pilote FR0038 ?")  # a French sentence: answered in French
    assert "institution pilote" in visible(french)
    for short in ("fr0038 9.2", "FR0038"):  # after a French answer, too short to tell: the choice, English
        reply = await ada.say(short)
        expected = bot.assistant.answer(short, preferred_lang="en")
        assert expected.lang == "en" and visible(reply) == shown(bot.assistant, expected)
    stored = bot.application.bot_data["services"].store.context(9111)
    assert stored.lang == "en"
    assert json.loads(json.dumps(stored.to_json()))["commitment"] == "FR0038"
