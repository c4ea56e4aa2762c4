"""Item "one refusal as 33 messages": a zip of 1,000 bad pages is refused in one message (how many problems,
counted by reason, the first 10) and the whole list as a .txt document."""

from __future__ import annotations

import io
import zipfile

from adminkit import ADMIN, BotFactory, upload, version
from fakebotapi.running import visible

from bot.core.service import Assistant

pytest_plugins = ("fakebotapi.harness", "adminfixtures")


def bad_zip(members: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(members):
            archive.writestr(f"page{n:04d}.txt", f"Just some notes, number {n}\n")
    return buffer.getvalue()


async def test_a_thousand_bad_members_make_one_message_and_a_file(make_bot: BotFactory, assistant: Assistant) -> None:
    bot = await make_bot()
    api = bot.api
    before = version(assistant)
    mark = api.mark()
    reply = visible(await upload(bot.person(ADMIN), bad_zip(1000), "pages.zip"))
    document = await api.wait_for("sendDocument", since=mark, chat_id=ADMIN)
    await bot.application.bot.ledger.idle()
    assert len(api.calls_of("sendMessage", since=mark, chat_id=ADMIN)) == 1
    lines = reply.splitlines()
    assert lines[0] == f"Import refused, nothing was changed (the data stays at version {before}):"
    assert lines[1] == "1,000 problems. By reason:"
    assert lines[2].startswith("- 1,000 × this is not an OGP commitment page: no title line")
    assert "The first 10:" in lines
    first = lines.index("The first 10:")
    assert [line.split(":")[1] for line in lines[first + 1:first + 11]] == [f"page{n:04d}.txt" for n in range(10)]
    assert lines[-1] == "The full list is in the attached file."
    listed = document.files["document"].decode("utf-8").splitlines()
    assert len(listed) == 1000 and listed[999].startswith("pages.zip:page0999.txt: line 1: this is not")
    assert version(assistant) == before


async def test_a_short_refusal_stays_one_message_without_a_file(make_bot: BotFactory) -> None:
    bot = await make_bot()
    mark = bot.api.mark()
    reply = visible(await upload(bot.person(ADMIN), bad_zip(3), "few.zip"))
    await bot.application.bot.ledger.idle()
    assert reply.count("few.zip:page") == 3 and "attached" not in reply
    assert not bot.api.calls_of("sendDocument", since=mark)
