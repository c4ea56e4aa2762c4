"""Item "/history and restarts": every attempt is in /history (recorded as running before the work, finished
after); one cut by a lost database connection shows as failed, one left running by a dead process as
interrupted; a /refresh that a crashed bot was running is announced when the restarted bot runs it again."""

from __future__ import annotations

import pytest
from adminkit import ADMIN, NEW_PAGE, BotFactory, SourceServer, fixture_bytes
from fakebotapi.running import visible
from sqlalchemy.exc import OperationalError

from bot.core.service import Assistant
from bot.dataset import load
from bot.dataset.load import start_attempt
from bot.services import admin
from bot.services.refresh import refresh
from bot.storage import datalock

pytest_plugins = ("fakebotapi.harness", "adminfixtures")


async def test_a_refresh_whose_database_fails_is_in_the_history(assistant: Assistant, tmp_path,  # type: ignore[no-untyped-def]
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / NEW_PAGE
    page.write_bytes(fixture_bytes(NEW_PAGE))

    def connection_killed(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE ...", {}, Exception("terminating connection due to administrator command"))

    monkeypatch.setattr(load, "write_dataset", connection_killed)
    with pytest.raises(OperationalError):
        await refresh(assistant.engine, [str(page)], actor="telegram:1", partial=True, max_bytes=10**6)
    line = admin.history(assistant.engine, 1)[0]
    assert (line.kind, line.outcome, line.actor) == ("refresh", "failed", "telegram:1")
    assert line.error == "the database failed during the change (connection lost?); nothing was changed"
    assert "failed, nothing changed: the database failed" in admin.render_history([line], "en")


def test_an_attempt_left_running_by_a_dead_process_shows_as_interrupted(assistant: Assistant) -> None:
    engine = assistant.engine
    with datalock.exclusive(engine):  # a live change: its line says "running now"
        start_attempt(engine, actor="telegram:7", kind="refresh", sources=["x"])
        assert "running now" in admin.render_history(admin.history(engine, 1), "en")
    # the lock is free and the line still running: its process is gone
    line = admin.history(engine, 1)[0]
    assert line.outcome == "interrupted"
    assert "refresh by telegram:7\n  interrupted (the bot stopped before it finished), nothing changed" in \
        admin.render_history([line], "en")


async def test_every_attempt_gets_one_line(make_bot: BotFactory, assistant: Assistant,
                                           sources: SourceServer) -> None:
    bot = await make_bot(data_sources=sources.url("error"))
    before = admin.history(assistant.engine, 30)
    await bot.person(ADMIN).say("/refresh", timeout=15)
    after = admin.history(assistant.engine, 30)
    assert len(after) == len(before) + 1 and after[0].outcome == "failed"


async def test_a_refresh_rerun_after_a_restart_is_announced(make_bot: BotFactory, assistant: Assistant,
                                                            sources: SourceServer) -> None:
    sources.files[NEW_PAGE] = fixture_bytes(NEW_PAGE)
    bot = await make_bot(data_sources=sources.url(f"files/{NEW_PAGE}"))
    api = bot.api
    message = api.message("/refresh partial", user_id=ADMIN)
    # What a crashed bot leaves: the attempt recorded as running for this very message (the lock died with it).
    crashed = start_attempt(assistant.engine, actor=f"telegram:{ADMIN}", kind="refresh", sources=["x"],
                            request={"chat": ADMIN, "message": message["message_id"]})
    mark = api.mark()
    api.push_update({"message": message})  # Telegram gives the unconfirmed update to the restarted bot
    first = await api.wait_for("sendMessage", since=mark, chat_id=ADMIN, timeout=15)
    assert visible(first) == "The bot restarted during your /refresh; running it again."
    done = await api.wait_for("sendMessage", since=first.at and mark, chat_id=ADMIN, timeout=15,
                              where=lambda c: "Import applied" in visible(c))
    assert "FR0901: added" in visible(done)
    lines = {line.id: line for line in admin.history(assistant.engine, 5)}
    assert lines[crashed].outcome == "interrupted" and lines[max(lines)].outcome == "applied"
    # another /refresh (a new message) is not announced
    again = await bot.person(ADMIN).say("/refresh partial", timeout=15)
    assert "restarted" not in visible(again)
