"""Spanish wherever a Telegram user meets the bot, end to end against the fake Bot API: a conversation of a user
whose Telegram is in Spanish, /language with Español, the command menus and descriptions, a chart and a CSV export,
and a follower's alert.

Spanish is asserted on the words of the Spanish catalog's own templates (`es`): a template the catalog does not
translate yet fails with its msgid named, never a test that passes on English text.

`TELEGRAM_ES_TRANSCRIPT=path pytest tests/test_telegram_spanish.py -k conversation` also writes the conversation
(the user's lines and the bot's replies as sent to the Bot API) to that file.
"""

from __future__ import annotations

import csv
import io
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from adminkit import ADMIN, NEWER_PAGE, BotFactory, fixture_bytes
from fakebotapi.running import RunningBot, visible
from fakebotapi.server import Call
from PIL import Image
from telegram import CallbackQuery, Update, User
from telegram.ext import CallbackQueryHandler
from telegramtext import shown

from bot.common.i18n import SUPPORTED, translator
from bot.common.vocab import vocabulary
from bot.core.charts import chart_text
from bot.core.export import header
from bot.importing.pipeline import run_import
from bot.importing.sources import InputFile
from bot.importing.summary import field_label
from bot.services.followers import localized, parse_rhythm
from bot.telegram.app import MAIN
from handlers import alerts, callbackdata, callbacks
from handlers.callbackdata import ButtonAction
from handlers.commands import admin_menu, description, menu, short_description
from handlers.language import NAMES, confirmation
from handlers.replies import chart_caption
from handlers.services import client_language

pytest_plugins = ("fakebotapi.harness", "adminfixtures")  # fixtures: api, assistant, bot, make_bot, ...

ES, EN = translator("es"), translator("en")


def es(message: str, **params: Any) -> str:
    """The Spanish catalog's text of `message`; fails when the catalog does not translate it (yet)."""
    text = ES._(message, **params)
    assert text != EN._(message, **params), f"the Spanish catalog does not translate {message!r}"
    return text


def es_n(singular: str, plural: str, n: int, **params: Any) -> str:
    text = ES.ngettext(singular, plural, n, **params)
    assert text != EN.ngettext(singular, plural, n, **params), f"the Spanish catalog does not translate {plural!r}"
    return text


def template_words(message: str, singular: str | None = None, n: int = 1) -> list[str]:
    """The words of a template's Spanish translation, outside its {placeholders} ("Fuente", ...)."""
    template = (ES._catalog.ngettext(singular, message, n) if singular else ES._catalog.gettext(message))
    assert template != (singular if singular and n == 1 else message), \
        f"the Spanish catalog does not translate {message!r}"
    return [w for piece in re.split(r"\{[^{}]*\}", template) for w in re.findall(r"[^\W\d_]{3,}", piece)]


def person_es(bot: RunningBot, user_id: int, language_code: str = "es") -> Any:
    return bot.person(user_id, language_code=language_code)


# -- the language of a Telegram user ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["es", "es-AR", "es-419", "es-ES", "ES", "es_MX"])
def test_telegram_spanish_language_codes_mean_spanish(code: str) -> None:
    assert client_language(User(1, "Ana", False, language_code=code)) == "es"


@pytest.mark.parametrize("code", ["pt-BR", "", None, "eu", "esperanto"])
def test_other_language_codes_are_not_spanish(code: str | None) -> None:
    assert client_language(User(1, "Ana", False, language_code=code)) is None


def test_every_language_has_a_name_and_a_letter_that_never_changes() -> None:
    assert NAMES["es"] == "Español" and set(NAMES) == set(SUPPORTED)
    assert callbackdata.LANGS == {"en": "e", "fr": "f", "es": "s"}  # letters of buttons already sent never change


def pressed(data: str) -> Update:
    return Update(1, callback_query=CallbackQuery("q1", User(6100, "Ana", False), "chat-instance", data=data))


async def test_buttons_under_spanish_answers_carry_spanish_and_reach_their_handler(make_bot: BotFactory) -> None:
    bot = await make_bot()
    store = bot.application.bot_data["services"].store
    for action in ButtonAction:
        data = callbackdata.encode(store, action, ("FR0038", "9"), "es")
        assert data.startswith(action.letter + "s|")
        payload = callbackdata.decode(store, data)
        assert payload is not None and payload.lang == "es" and payload.action is action
        handler = next(h for h in bot.application.handlers[MAIN]
                       if isinstance(h, CallbackQueryHandler) and h.check_update(pressed(data)))
        assert handler.callback is callbacks.OWN_HANDLERS.get(action, callbacks.button), action
    stored = callbackdata.encode(store, ButtonAction.SEARCH, ("datos abiertos " * 6, "8"), "es")
    assert stored.startswith(callbackdata.STORED)
    assert (payload := callbackdata.decode(store, stored)) is not None and payload.lang == "es"


# -- (1) a conversation in Spanish ---------------------------------------------------------------------------------


def transcript(exchanges: list[tuple[str, list[Call]]], code: str) -> str:
    lines = [f"Telegram user with language_code {code!r}, private chat, the real Application against the fake Bot "
             "API.", ""]
    for question, replies in exchanges:
        lines.append(f"user> {question}")
        for reply in replies:
            lines.append("bot> " + visible(reply).replace("\n", "\n     "))
            if reply.buttons:
                lines.append("     [buttons: " + " | ".join(b["text"] for b in reply.buttons) + "]")
            lines.append("     (sent: sendMessage, parse_mode=HTML, text=" + repr(reply.text) + ")")
        lines.append("")
    return "\n".join(lines)


async def test_a_spanish_conversation_is_answered_in_spanish(bot: RunningBot) -> None:
    ana = person_es(bot, 9501)
    assistant = bot.assistant
    first_question, second_question = "¿quién lidera el compromiso FR0038?", "¿y el hito 9.2?"
    first = await ana.say(first_question)
    expected_first = assistant.answer(first_question, client_lang="es")
    second = await ana.say(second_question)
    expected_second = assistant.answer(second_question, context=expected_first.context, client_lang="es")
    if path := os.environ.get("TELEGRAM_ES_TRANSCRIPT"):
        Path(path).write_text(transcript([(first_question, [first]), (second_question, [second])], "es") + "\n",
                              encoding="utf-8")
    print(transcript([(first_question, [first]), (second_question, [second])], "es"))
    assert first.ok and second.ok, (first.error, second.error)
    # The core's Spanish answers, as Telegram shows them; the follow-up remembered FR0038.
    assert expected_first.lang == "es" and expected_first.commitment == "FR0038"
    assert visible(first) == shown(assistant, expected_first)
    assert expected_second.lang == "es" and (expected_second.commitment, expected_second.milestone) == ("FR0038", "9.2")
    assert visible(second) == shown(assistant, expected_second)
    stored = bot.application.bot_data["services"].store.context(9501)
    assert stored.lang == "es" and (stored.commitment, stored.milestone) == ("FR0038", "9.2")
    # In Spanish: the words of the Spanish templates the answers are made of.
    for reply in (first, second):
        text = visible(reply)
        assert "FR0038" in text
        assert all(word in text for word in template_words("Source: {urls}")), text
        assert es("OGP page") in text  # the source's link
    assert expected_first.intent == "lead_institution"  # "quién lidera": who leads it
    words = template_words("{id} ({title}) is led by {names}.", "{id} ({title}) is led by {names}.")
    assert all(word in visible(first) for word in words), visible(first)
    assert expected_second.intent == "milestone_status"
    assert all(word in visible(second) for word in template_words("Milestone {number} of {id}{title}: {status}."))
    assert vocabulary().label("completion", "complete", "es") in visible(second)  # 9.2's status, in Spanish


# -- (2) /language ----------------------------------------------------------------------------------------------


async def test_language_offers_espanol_and_choosing_it_stores_es_and_confirms_in_spanish(bot: RunningBot) -> None:
    ben = bot.person(9502, language_code="en")  # Telegram in English: the choice wins
    keyboard = await ben.say("/language")
    assert [b["text"] for b in keyboard.buttons] == ["✓ English", "Français", "Español"]
    answered, edited = await ben.press(keyboard, "Español", then="editMessageText")
    assert answered.ok and edited.ok
    assert visible(edited) == confirmation("es") == es(
        "Done: I will answer in Spanish. A question written in English or French still gets its answer in that "
        "language.")
    assert [b["text"] for b in edited.buttons] == ["English", "Français", "✓ Español"]
    assert all(b["callback_data"].startswith("gs|") for b in edited.buttons)  # the message is Spanish now
    assert bot.application.bot_data["services"].store.language(9502) == "es"
    greeting = await ben.say("/start")
    assert visible(greeting) == bot.assistant.greeting(lang="es").text
    card = await ben.say("FR0038")  # no language in the text: the choice, Spanish
    expected = bot.assistant.answer("FR0038", preferred_lang="es")
    assert expected.lang == "es" and visible(card) == shown(bot.assistant, expected)
    # Buttons under Spanish answers answer in Spanish.
    answered, milestones = await ben.press(card, es("Milestones"))
    assert answered.ok and milestones.ok
    assert all(word in visible(milestones)
               for word in template_words("{id} ({title}) has {n} milestones:", "{id} ({title}) has {n} milestone:", 3))
    answered, milestone = await ben.press(milestones, "9.2")
    assert answered.ok and milestone.ok
    assert all(word in visible(milestone) for word in template_words("Milestone {number} of {id}{title}: {status}."))
    help_text = visible(await ben.say("/help"))
    assert es("Commands:") in help_text and "/language — " + ES._("Choose English, French or Spanish") in help_text


async def test_a_french_choice_is_still_offered_and_confirmed_in_french(bot: RunningBot) -> None:
    chloe = person_es(bot, 9503)
    keyboard = await chloe.say("/language")
    assert [b["text"] for b in keyboard.buttons] == ["English", "Français", "✓ Español"]
    _, edited = await chloe.press(keyboard, "Français", then="editMessageText")
    assert visible(edited) == confirmation("fr") and bot.application.bot_data["services"].store.language(9503) == "fr"


# -- (3) command menus and descriptions ---------------------------------------------------------------------------


async def test_menus_and_descriptions_are_set_in_spanish_for_spanish_telegram(make_bot: BotFactory) -> None:
    bot = await make_bot()
    api = bot.api
    for lang in SUPPORTED:
        assert api.commands[("default", lang)] == [{"command": c.command, "description": c.description}
                                                   for c in menu(lang)], lang
    spanish = {c["command"]: c["description"] for c in api.commands[("default", "es")]}
    english = {c["command"]: c["description"] for c in api.commands[("default", "en")]}
    assert set(spanish) == set(english)
    untranslated = sorted(command for command in spanish if spanish[command] == english[command])
    assert not untranslated, f"menu entries not in Spanish: {untranslated}"
    assert spanish["language"] == es("Choose English, French or Spanish")
    admins = {c.params.get("language_code"): c.params["commands"] for c in api.calls_of("setMyCommands")
              if c.params.get("scope", {}).get("chat_id") == ADMIN}
    assert set(admins) == {*SUPPORTED, None}
    assert admins["es"] == [{"command": c.command, "description": c.description} for c in admin_menu("es")]
    assert {c["command"]: c["description"] for c in admins["es"]}["stats"] == es("Admin: dataset counts, version, "
                                                                                   "uptime")
    for name, text in (("description", description), ("short_description", short_description)):
        assert api.descriptions[(name, "es")] == text("es") != text("en"), name
    assert api.descriptions[("short_description", "es")] == es(
        "Answers about Open Government Partnership commitments, in English, French and Spanish.")
    assert len(api.descriptions[("short_description", "es")]) <= 120


# -- (4) charts and CSV exports ---------------------------------------------------------------------------------


def _file(bot: RunningBot, message: dict[str, Any]) -> bytes:
    media = message["photo"][-1] if "photo" in message else message["document"]
    return bot.api._files[media["file_id"]][1]


async def test_a_chart_for_a_spanish_user_is_titled_labelled_and_captioned_in_spanish(bot: RunningBot) -> None:
    assistant, api = bot.assistant, bot.api
    mark = api.mark()
    person_es(bot, 9504).write("/chart France 2018-2020")
    photo = await api.wait_for("sendPhoto", since=mark, chat_id=9504, timeout=30)
    answer = assistant.answer("chart France 2018-2020", lang="es")
    assert answer.chart is not None and answer.lang == "es"
    assert photo.params["caption"] == chart_caption(answer.text, "es")
    assert es("Source: Open Government Partnership (CC BY 4.0).") in photo.result["caption"]
    words = chart_text(assistant.index, answer.chart, "es")
    assert words.title.startswith(es("Completion of commitments — {scope}", scope=""))
    assert words.ylabel == es("Commitments")
    assert dict(words.legend) == {"substantial": vocabulary().label("completion", "substantial", "es"),
                                  "unassessed": es("not assessed")}
    credit = template_words("Source: Open Government Partnership, IRM assessments (CC BY 4.0). Data as of {date}.")
    assert all(word in words.credit for word in credit), words.credit
    image = Image.open(io.BytesIO(_file(bot, photo.result)))
    image.load()
    assert image.format == "PNG" and image.info["Title"] == words.title  # what the picture says it shows
    assert image.info["Source"] == words.credit


async def test_a_csv_export_for_a_spanish_user_has_spanish_headers_and_cells(bot: RunningBot) -> None:
    api = bot.api
    mark = api.mark()
    person_es(bot, 9505).write("/export France 2018-2020")
    document = await api.wait_for("sendDocument", since=mark, chat_id=9505)
    rows = list(csv.reader(io.StringIO(_file(bot, document.result).decode("utf-8-sig"))))
    count = len(rows) - 1
    assert document.result["caption"] == es_n("{n} commitment — source: Open Government Partnership (CC BY 4.0).",
                                               "{n} commitments — source: Open Government Partnership (CC BY 4.0).",
                                               count)
    cells = {row[0]: row for row in rows[1:]}
    assert cells["FR0038"][5] == vocabulary().label("completion", "substantial", "es")
    assert es("not assessed") in {row[5] for row in rows[1:]}
    assert rows[0] == header("es")
    assert rows[0] == [es(name) for name in ("Commitment", "Title", "Member", "Action plan", "Lead institutions",
                                             "Completion", "Ambition", "Link to the OGP page")]


# -- (5) followers' alerts ----------------------------------------------------------------------------------------


def test_stored_texts_are_chosen_spanish_then_english_then_any() -> None:
    assert localized({"en": "Kenya", "es": "Kenia"}, "es") == "Kenia"
    assert localized({"fr": "Kenya (fr)", "en": "Kenya"}, "es") == "Kenya"
    assert localized({"fr": "", "pt": "Quênia"}, "es") == "Quênia"
    assert localized({}, "es") == "" and localized(None, "es") == ""
    assert [parse_rhythm(w) for w in ("ahora", "diario", "día", "semanal")] == ["now", "daily", "daily", "weekly"]


async def test_an_alert_to_a_spanish_follower_is_in_spanish(make_bot: BotFactory) -> None:
    bot = await make_bot()
    api, assistant = bot.api, bot.assistant
    ana = person_es(bot, 9506)
    ben = bot.person(9507, language_code="en")  # Telegram in English, Spanish chosen with /language
    followed = await ana.say("/follow FR0045")
    name = "FR0045 — International Transparency and Citizen Participation"  # the record has no Spanish title
    assert visible(followed) == es("You follow {name} ({how}). I will tell you when its data changes.", name=name,
                                   how=es("at once"))
    assert followed.buttons[0]["text"] == es("Unfollow {name}", name="FR0045")
    choice = await ben.say("/language")
    await ben.press(choice, "Español", then="editMessageText")
    daily = await ben.say("/follow FR0045 diario")  # the rhythm in Spanish words
    assert visible(daily) == es("You follow {name} ({how}). I will tell you when its data changes.", name=name,
                                how=es("daily digest"))
    mark = api.mark()
    run_import(assistant.engine, [InputFile(NEWER_PAGE, fixture_bytes(NEWER_PAGE))], actor="cli", kind="import",
               retrieved_at=datetime(2031, 1, 1, tzinfo=UTC))  # newer than the stored page
    assert await alerts.of(bot.application).deliver(bot.application) == {"sent": 1}  # Ana's; Ben's digest is not due
    alert = await api.wait_for("sendMessage", since=mark, chat_id=9506)
    change = ES._("{field}: {before} → {after}", field=field_label("irm.completion", ES), before=ES._("(none)"),
                  after=vocabulary().label("completion", "substantial", "es").lower())
    assert visible(alert) == "\n\n".join([
        es("What changed in what you follow:"), f"{name}\n• {change}",
        es("/commitment ID gives the details; /following lists what you follow.")])
    assert [b["text"] for b in alert.buttons] == [es("Unfollow {name}", name="FR0045")]
    assert all(b["callback_data"].startswith("us|") for b in alert.buttons)
    answered, _ = await ana.press(alert, es("Unfollow {name}", name="FR0045"), then="editMessageReplyMarkup")
    assert answered.params["text"] == es("You no longer follow {name}.", name=name)
    listing = visible(await ben.say("/following"))
    assert listing.startswith(es("You follow:")) and es("daily digest") in listing
