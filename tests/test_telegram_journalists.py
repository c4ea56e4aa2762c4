"""End to end: /chart sends a PNG (sendPhoto), /export a CSV (sendDocument), free-text chart requests
come with their picture."""

from __future__ import annotations

import csv
import io

from fakebotapi.running import RunningBot, visible
from PIL import Image

from bot.core.export import COLUMNS, header

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, bot, database_url


def _file(bot: RunningBot, message: dict) -> bytes:  # type: ignore[type-arg]
    media = message.get("photo", [None])[-1] if "photo" in message else message["document"]
    return bot.api._files[media["file_id"]][1]


async def test_chart_command_sends_a_png(bot: RunningBot) -> None:
    ada = bot.person(7001)
    mark = bot.api.mark()
    ada.write("/chart France 2018-2020")
    photo = await bot.api.wait_for("sendPhoto", since=mark, chat_id=7001)
    png = _file(bot, photo.result)
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.size[0] >= 600
    assert "Open Government Partnership" in photo.result["caption"]


async def test_chart_of_nothing_says_what_to_name(bot: RunningBot) -> None:
    ada = bot.person(7002, language_code="fr")
    reply = await ada.say("/chart Atlantide 3000")
    assert "Atlantide 3000" in visible(reply)
    assert not bot.api.calls_of("sendPhoto", chat_id=7002)


async def test_free_text_chart_comes_with_the_picture(bot: RunningBot) -> None:
    ada = bot.person(7003)
    mark = bot.api.mark()
    ada.write("show me a chart of France 2018-2020")
    words = await bot.api.wait_for("sendMessage", since=mark, chat_id=7003)
    assert "France Action Plan 2018-2020" in visible(words)
    await bot.api.wait_for("sendPhoto", since=mark, chat_id=7003)


async def test_export_sends_a_csv_that_spreadsheets_read(bot: RunningBot) -> None:
    ada = bot.person(7004, language_code="fr")
    mark = bot.api.mark()
    ada.write("/export France 2018-2020")
    document = await bot.api.wait_for("sendDocument", since=mark, chat_id=7004)
    data = _file(bot, document.result)
    assert data.startswith("\ufeff".encode())
    # The header row is in the reader's language ("Engagement", "Titre", …): read the rows by column key.
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig")))
    assert next(reader) == header("fr") != header("en")
    table = [dict(zip(COLUMNS, row, strict=True)) for row in reader]
    ids = [row["id"] for row in table]
    assert "FR0038" in ids and all(i.startswith("FR") for i in ids)
    fr0038 = table[ids.index("FR0038")]
    assert fr0038["title"] == "Renforcement des capacités administratives"
    assert fr0038["completion"] == "Substantiel"
    assert document.result["document"]["file_name"].endswith(".csv")
    assert str(len(table)) in document.result["caption"]


async def test_export_without_words_explains(bot: RunningBot) -> None:
    reply = await bot.person(7005).say("/export")
    assert "/export France 2018-2020" in visible(reply)
