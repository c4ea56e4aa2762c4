"""`python -m bot crawl`: progress lines and the summary on standard output, the exit status, bad options."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fakeogp import FakeOgpSite
from fakeogp.kit import CONTACT

from bot.cli.commands import main
from bot.storage import datalock
from bot.storage.db import engine_for

pytest_plugins = ("fakeogp.fixtures",)


@pytest.fixture
def crawl_env(ogp_site: FakeOgpSite, monkeypatch: pytest.MonkeyPatch) -> FakeOgpSite:
    for name, value in {"OGP_BASE_URL": ogp_site.base_url, "CRAWL_CONTACT": CONTACT, "CRAWL_DELAY_SECONDS": "0",
                        "TELEGRAM_BOT_TOKEN": ""}.items():
        monkeypatch.setenv(name, value)
    return ogp_site


async def run(*argv: str) -> int:
    """The command in a thread: the fake site answers from this test's event loop."""
    return await asyncio.to_thread(main, ["crawl", *argv])


async def test_crawl_prints_progress_and_the_summary(crawl_env: FakeOgpSite, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert await run("--db", db, "--member", "France", "--lang", "en,fr") == 0
    out = capsys.readouterr().out.splitlines()
    progress = [line for line in out if line.startswith("crawl: ")]
    assert progress and progress[-1].startswith("crawl: ") and " fetched (" in progress[-1]
    summary = out[len(progress):]
    assert summary[0] == "OGP crawl finished."
    assert any(line.startswith("Data applied in ") for line in summary)  # over the bundled data
    requested = {r.path for r in crawl_env.requests if "/commitments/" in r.path}
    assert requested and all("/members/france/" in p and not p.startswith("/es/") for p in requested)

    assert await run("--db", db, "--member", "france", "--lang", "en,fr") == 0  # nothing changed since
    assert "Nothing to change in the data." in capsys.readouterr().out


async def test_bad_options_and_settings_stop_it_before_any_request(crawl_env: FakeOgpSite, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert await run("--db", db, "--member", "Atlantis", "--lang", "en,de") == 2
    assert capsys.readouterr().err.strip() == ("crawl not run: unknown member 'Atlantis' (a slug or a name of "
                                               "data/members.json); unknown language 'de' (en, fr, es)")
    monkeypatch.setenv("CRAWL_CONTACT", "")
    assert await run("--db", db) == 2
    assert "CRAWL_CONTACT is empty" in capsys.readouterr().err
    monkeypatch.setenv("CRAWL_CONTACT", "nobody")
    assert await run("--db", db) == 2
    assert "configuration error: CRAWL_CONTACT:" in capsys.readouterr().err
    assert crawl_env.requests == []


async def test_a_crawl_while_another_data_change_runs_exits_1(crawl_env: FakeOgpSite, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    with datalock.exclusive(engine_for(db)):
        assert await run("--db", db) == 1
    assert "another crawl, import, refresh or rollback is running" in capsys.readouterr().err
    assert crawl_env.requests == []
