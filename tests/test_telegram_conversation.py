"""End to end, polling mode: people ask questions in English and French and get the core's answers, escaped,
split when long, with follow-ups that remember the conversation."""

from __future__ import annotations

import logging

from fakebotapi.running import RunningBot, bot_settings, visible
from telegramtext import shown

from bot.common.i18n import translator
from bot.core.types import Answer, Context

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, bot, database_url


async def test_a_commitment_id_gets_its_card_in_english(bot: RunningBot) -> None:
    reply = await bot.person(1001).say("FR0038")
    assert reply.ok
    assert "Administrative Capacity-Building" in visible(reply)
    assert reply.params["parse_mode"] == "HTML"
    assert reply.params["link_preview_options"] == {"is_disabled": True}


async def test_a_french_question_gets_a_french_answer(bot: RunningBot) -> None:
    question = "c'est quoi l'engagement FR0038 ?"
    reply = await bot.person(1002, language_code="en").say(question)
    assert "Renforcement des capacités administratives" in visible(reply)
    assert visible(reply) == shown(bot.assistant, bot.assistant.answer(question))


async def test_answers_are_the_cores_words_in_the_users_language(bot: RunningBot) -> None:
    for user_id, code, question in [(1003, "en", "who leads FR0038?"), (1004, "fr", "qui pilote FR0038 ?")]:
        reply = await bot.person(user_id, language_code=code).say(question)
        expected = bot.assistant.answer(question, client_lang=code)
        assert visible(reply) == shown(bot.assistant, expected)
        assert expected.commitment == "FR0038"


async def test_a_follow_up_uses_the_chat_context_kept_in_the_database(bot: RunningBot) -> None:
    ada = bot.person(1005)
    first = await ada.say("who leads FR0038?")
    follow_up = await ada.say("and milestone 9.2?")
    context = bot.assistant.answer("who leads FR0038?").context
    expected = bot.assistant.answer("and milestone 9.2?", context=context)
    assert expected.commitment == "FR0038" and expected.milestone == "9.2"
    assert visible(follow_up) == shown(bot.assistant, expected) != visible(first)
    stored = bot.application.bot_data["services"].store.context(1005)
    assert stored.commitment == "FR0038" and stored.milestone == "9.2"


async def test_text_full_of_markup_characters_and_emoji_is_escaped(bot: RunningBot) -> None:
    question = "<b>FR0038</b> & <script>alert(1)</script> a > b && c < d 🇫🇷😀 &amp; &#1;"
    reply = await bot.person(1006).say(question)
    assert reply.ok, reply.error  # the fake refuses HTML Telegram would refuse
    assert visible(reply) == shown(bot.assistant, bot.assistant.answer(question))
    search = await bot.person(1006).say("/search <i>zorblax</i> & co")
    assert search.ok, search.error


class LongWinded:
    """An assistant whose answer to "long" is far over Telegram's limit (the bundled data has no such answer)."""

    def __init__(self, real) -> None:  # type: ignore[no-untyped-def]
        self.real = real

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self.real, name)

    def answer(self, question: str, **kwargs) -> Answer:  # type: ignore[no-untyped-def]
        if question != "long":
            return self.real.answer(question, **kwargs)
        paragraphs = [f"Paragraph {n}: " + " ".join(["<tag> & words"] * 60) for n in range(30)]
        return Answer(question, "en", "search", "\n\n".join(paragraphs), context=Context(lang="en"),
                      buttons=self.real.answer("FR0038").buttons)


async def test_a_very_long_answer_is_split_at_paragraphs_with_buttons_under_the_last_part(bot: RunningBot) -> None:
    await bot.restart(LongWinded(bot.assistant))  # type: ignore[arg-type]
    expected = shown(bot.assistant, bot.assistant.answer("long"))
    parts = await bot.person(1007).say_until("long", lambda calls: len(calls) >= 2 and bool(calls[-1].buttons))
    assert all(p.ok for p in parts) and len(parts) >= 2
    texts = [visible(p) for p in parts]
    assert all(len(t) <= 4096 for t in texts)
    assert all(t.startswith("Paragraph") for t in texts)  # cut between paragraphs, never inside one
    assert "\n\n".join(texts) == expected
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_slow_work_shows_typing_first(api, assistant, database_url, transport) -> None:  # type: ignore[no-untyped-def]
    running = await RunningBot(api, bot_settings(api, database_url), assistant, typing_after=0,
                               transport=transport).start()
    try:
        mark = api.mark()
        reply = await running.person(1008).say("FR0038")
        typing = await api.wait_for("sendChatAction", since=mark, chat_id=1008)
        assert typing.params["action"] == "typing" and typing.at <= reply.at
    finally:
        await running.stop()


class Broken(LongWinded):
    def answer(self, question: str, **kwargs) -> Answer:  # type: ignore[no-untyped-def]
        if question == "break":
            raise RuntimeError("the core failed")
        return self.real.answer(question, **kwargs)


async def test_an_error_is_logged_and_the_user_told_politely(bot: RunningBot, caplog) -> None:  # type: ignore[no-untyped-def]
    await bot.restart(Broken(bot.assistant))  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, logger="handlers.errors"):
        reply = await bot.person(1009, language_code="fr").say("break")
    assert visible(reply) == translator("fr")._("Sorry, something went wrong on my side. Please try again in a "
                                                 "moment.")
    assert any("the core failed" in r.getMessage() or "the core failed" in str(r.exc_info) for r in caplog.records)
    after = await bot.person(1009).say("FR0038")  # and the bot keeps answering
    assert "FR0038" in visible(after)


async def test_an_answer_with_a_chart_comes_with_the_picture(bot: RunningBot) -> None:
    question = "show me a chart of France 2018-2020"
    expected = bot.assistant.answer(question)
    assert expected.chart is not None
    mark = bot.api.mark()
    words = await bot.person(1010).say(question)
    photo = await bot.api.wait_for("sendPhoto", since=mark, chat_id=1010, timeout=30)
    assert visible(words) == shown(bot.assistant, expected)
    assert photo.ok and photo.files["photo"].startswith(b"\x89PNG") and photo.at >= words.at
