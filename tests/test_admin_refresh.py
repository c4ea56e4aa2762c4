"""/refresh against data sources served over HTTP on 127.0.0.1, some of them failing (an HTTP 500, a server that
never answers, a redirect loop); refreshes serialised across processes and replicas by bot.storage.datalock."""

from __future__ import annotations

import asyncio
import threading

import pytest
from adminkit import (
    ADMIN,
    NEW_PAGE,
    BotFactory,
    SourceServer,
    commitment_ids,
    fixture_bytes,
    served_dataset,
    version,
)
from fakebotapi.running import visible
from sqlalchemy.engine import Engine
from telegramtext import shown

from bot.core.service import Assistant
from bot.services import admin
from bot.services.refresh import fetch_sources
from bot.storage import datalock

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = pytest.mark.e2e
TIMEOUT = 0.5  # FETCH_TIMEOUT_SECONDS of these tests: the page that never answers fails after it


def _serve(sources: SourceServer, assistant: Assistant, **changes) -> list[str]:  # type: ignore[no-untyped-def]
    sources.files["dataset.json"] = served_dataset(assistant, **changes)
    sources.files[NEW_PAGE] = fixture_bytes(NEW_PAGE)
    return [sources.url("files/dataset.json"), sources.url(f"files/{NEW_PAGE}")]


async def test_one_failing_source_aborts_the_refresh_and_each_is_named(make_bot: BotFactory, assistant: Assistant,
                                                                       sources: SourceServer) -> None:
    good = _serve(sources, assistant, completion={"FR0045": "substantial"})
    bad = [sources.url("error"), sources.url("slow"), sources.url("loop")]
    bot = await make_bot(data_sources=",".join(good + bad), fetch_timeout_seconds=TIMEOUT)
    before, answer = version(assistant), shown(assistant, assistant.overview("FR0045", lang="en"))
    reply = visible(await bot.person(ADMIN).say("/refresh", timeout=15))
    lines = reply.splitlines()
    assert lines[0] == "Refresh aborted, nothing was changed: 3 of 5 sources failed."
    assert f"- {bad[0]}: the server answered HTTP 500 Internal Server Error" in lines
    assert f"- {bad[1]}: no complete answer within 0.5 s" in lines
    assert f"- {bad[2]}: more than 5 redirects (a redirect loop?)" in lines
    assert "/refresh partial applies the sources that worked" in reply
    assert version(assistant) == before
    assert visible(await bot.person(6101).say("/commitment FR0045")) == answer
    last = admin.history(assistant.engine, 1)[0]
    assert (last.kind, last.outcome, last.actor) == ("refresh", "failed", f"telegram:{ADMIN}")
    assert bad[0] in (last.error or "") and last.sources == good + bad


async def test_partial_applies_the_sources_that_worked_and_removes_nothing(make_bot: BotFactory, assistant: Assistant,
                                                                           sources: SourceServer) -> None:
    good = _serve(sources, assistant, completion={"FR0045": "substantial"}, drop=("TL0012",))
    bot = await make_bot(data_sources=",".join([*good, sources.url("error"), sources.url("loop")]),
                         fetch_timeout_seconds=TIMEOUT)
    before = version(assistant)
    reply = visible(await bot.person(ADMIN).say("/refresh partial", timeout=15))
    assert reply.startswith("Import applied: 1 added, 1 updated,")
    assert "FR0045 completion: (none) → substantial" in reply and "FR0901: added" in reply
    assert "Sources that failed (what they hold was kept as it was):" in reply
    assert f"- {sources.url('error')}: the server answered HTTP 500" in reply
    assert "commitments missing from the sources were not removed" in reply
    assert version(assistant) == before + 1 and "TL0012" in commitment_ids(assistant)
    card = await bot.person(6102).say("/commitment FR0901")
    assert "Public register of lobbying meetings" in visible(card)


async def test_a_full_refresh_replaces_the_data_and_reports_removals(make_bot: BotFactory, assistant: Assistant,
                                                                     sources: SourceServer) -> None:
    good = _serve(sources, assistant, drop=("TL0012",))
    bot = await make_bot(data_sources=",".join(good), fetch_timeout_seconds=TIMEOUT)
    reply = visible(await bot.person(ADMIN).say("/refresh", timeout=15))
    assert reply.startswith("Import applied: 1 added, 0 updated,") and "1 removed." in reply
    assert "TL0012: removed" in reply and "FR0901: added" in reply
    assert "TL0012" not in commitment_ids(assistant)
    again = visible(await bot.person(ADMIN).say("/refresh", timeout=15))  # the same sources: nothing to change
    assert again.startswith("Nothing to change")


async def test_a_second_refresh_while_one_runs_is_told_so(make_bot: BotFactory, assistant: Assistant,
                                                          sources: SourceServer) -> None:
    sources.slow_file = fixture_bytes(NEW_PAGE)
    # The one page replaces the whole dataset: allowed here (the shrink guard is tests/security/test_refresh_*).
    bot = await make_bot(admin_ids=f"{ADMIN},4343", data_sources=sources.url("slow"), fetch_timeout_seconds=30,
                         refresh_max_removed_share=1.0, refresh_min_commitments=0)
    api = bot.api
    first = api.mark()
    bot.person(ADMIN).write("/refresh")
    await asyncio.wait_for(sources.slow_hit.wait(), 10)  # the first refresh holds the lock, downloading
    busy = visible(await bot.person(4343).say("/refresh"))
    assert busy.startswith("Another import, refresh or rollback is running")
    sources.release.set()
    done = await api.wait_for("sendMessage", since=first, chat_id=ADMIN, timeout=15)
    assert visible(done).startswith("Import applied: 1 added") and "FR0901" in commitment_ids(assistant)


async def test_refresh_without_sources_says_so(make_bot: BotFactory) -> None:
    bot = await make_bot()
    assert "DATA_SOURCES is empty" in visible(await bot.person(ADMIN).say("/refresh"))


async def test_fetch_caps_size_and_reads_local_files(sources: SourceServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sources.files["big.txt"] = b"x" * 5000
    page = tmp_path / "page.txt"
    page.write_bytes(fixture_bytes(NEW_PAGE))
    fetched = await fetch_sources([sources.url("files/big.txt"), sources.url("chunked/big.txt"), str(page),
                                   str(tmp_path / "missing.txt"), sources.url("files/nothing.txt")], timeout=2,
                                  max_bytes=1000)
    assert [f.name for f in fetched.files] == [str(page)] and fetched.worked == [str(page)]
    assert [str(f) for f in fetched.failures] == [
        f"{sources.url('files/big.txt')}: 5000 bytes, over the limit of 1000 bytes",  # said by Content-Length
        f"{sources.url('chunked/big.txt')}: more than 1000 bytes, the limit",  # counted while streaming
        f"{tmp_path / 'missing.txt'}: no such file or folder",
        f"{sources.url('files/nothing.txt')}: the server answered HTTP 404 Not Found"]


def test_the_data_lock_is_exclusive_across_connections(engine: Engine) -> None:
    """On SQLite (a lock file) and PostgreSQL (an advisory lock): a holder excludes everyone else, even in another
    thread with its own connection, and releases on exit."""
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with datalock.exclusive(engine):
            entered.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(10)
    with pytest.raises(datalock.Busy), datalock.exclusive(engine):
        pass
    release.set()
    holder.join(10)
    with datalock.exclusive(engine):  # free again
        pass
