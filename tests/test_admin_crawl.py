"""/refresh ogp [member…] end to end: the real bot on the fake Bot API crawls the fake OGP site (tests/fakeogp).
One message edited in place shows the progress, a second one the summary; the crawl runs in the background while
the bot answers everyone; /history and /rollback know its batches; bad requests are told why."""

from __future__ import annotations

import threading

from adminkit import ADMIN, BotFactory
from fakebotapi.running import visible
from fakebotapi.server import Call
from fakeogp import FakeOgpSite, hang
from fakeogp.kit import CONTACT, stored
from sqlalchemy.engine import Engine

from bot.core.service import Assistant
from bot.storage import datalock

pytest_plugins = ("fakebotapi.harness", "adminfixtures", "fakeogp.fixtures")
FR0045 = "/members/france/commitments/FR0045/"
FINISHED = "OGP crawl finished."


async def start_bot(make_bot: BotFactory, site: FakeOgpSite, **overrides: object):  # type: ignore[no-untyped-def]
    settings = {"ogp_base_url": site.base_url, "crawl_contact": CONTACT, "crawl_delay_seconds": 0,
                "crawl_progress_seconds": 0, **overrides}
    return await make_bot(**settings)


def completion(engine: Engine, commitment: str) -> str | None:
    return stored(engine)[commitment].irm.completion


async def summary_of(bot, since: int) -> Call:  # type: ignore[no-untyped-def]
    return await bot.api.wait_for("sendMessage", since=since, chat_id=ADMIN, timeout=60,
                                  where=lambda c: visible(c).startswith(FINISHED))


async def test_progress_in_one_message_then_the_summary_and_its_batches_roll_back(
        make_bot: BotFactory, assistant: Assistant, ogp_site: FakeOgpSite) -> None:
    text = ogp_site.page_text(FR0045)
    ogp_site.update_page(FR0045, text.replace("Completion: Pending IRM Review", "Completion: Substantial"))
    before = completion(assistant.engine, "FR0045")
    bot = await start_bot(make_bot, ogp_site)
    boss, api = bot.person(ADMIN), bot.api
    mark = api.mark()
    started = await boss.say("/refresh ogp France")
    assert visible(started) == "OGP crawl starting…"
    summary = await summary_of(bot, mark)

    edits = api.calls_of("editMessageText", since=mark, chat_id=ADMIN)
    assert edits and {c.params["message_id"] for c in edits} == {started.result["message_id"]}  # one message
    assert [visible(c) for c in api.calls_of("sendMessage", since=mark, chat_id=ADMIN)] == \
        [visible(started), visible(summary)]
    running = visible(edits[0]).splitlines()
    assert running[0] == "OGP crawl running…" and running[1].startswith("Pages seen: ")
    assert running[2].startswith("Unchanged ") and running[-1].startswith("Time left: ")
    last = visible(edits[-1]).splitlines()
    assert last[0] == "OGP crawl over: the summary follows." and last[2].endswith("failed 0")

    lines = visible(summary).splitlines()
    french = [p for p in ogp_site.allowed_pages if p.member == "france"]
    assert lines[1] == f"Pages seen: {len(french)} — fetched: {len(french)}"
    assert any(line.startswith("Data applied in ") for line in lines)
    assert any(line.startswith("FR0045 completion: ") and line.endswith(" → substantial") for line in lines)
    assert not any(line.startswith("Failed") for line in lines)
    assert all("/members/france/" in r.path for r in ogp_site.requests if "/commitments/F" in r.path)
    assert completion(assistant.engine, "FR0045") == "substantial"
    assert "Substantial" in visible(await bot.person(6301).say("/commitment FR0045"))  # the new data answers

    history = visible(await boss.say("/history 5"))
    assert f"crawl by telegram:{ADMIN}\n  applied, version " in history  # a batch that changed something
    question = await boss.say("/rollback")
    assert f"crawl by telegram:{ADMIN}" in visible(question)
    _, done = await boss.press(question, "Yes, roll back")
    assert visible(done).startswith("Rolled back #")
    assert completion(assistant.engine, "FR0045") == before


async def test_the_crawl_runs_in_the_background_while_the_bot_answers(
        make_bot: BotFactory, assistant: Assistant, ogp_site: FakeOgpSite) -> None:
    ogp_site.faults[FR0045] = hang()
    bot = await start_bot(make_bot, ogp_site)
    boss, api = bot.person(ADMIN), bot.api
    mark = api.mark()
    await boss.say("/refresh ogp france")
    await ogp_site.wait_hung()  # the crawl is held on a page
    assert "FR0038" in visible(await bot.person(6302).say("/commitment FR0038"))
    assert "FR0038" in visible(await boss.say("who leads FR0038?"))  # the admin's own chat too
    assert visible(await boss.say("/refresh ogp")) == \
        "An OGP crawl is running already: its message above shows how far it is."
    ogp_site.release.set()
    summary = visible(await summary_of(bot, mark))
    assert "Failed" not in summary


async def test_a_crawl_while_another_data_change_runs_is_told_so(
        make_bot: BotFactory, assistant: Assistant, ogp_site: FakeOgpSite) -> None:
    bot = await start_bot(make_bot, ogp_site)
    holding, release = threading.Event(), threading.Event()

    def refresh_elsewhere() -> None:  # another replica's /refresh holds the data lock
        with datalock.exclusive(assistant.engine):
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=refresh_elsewhere)
    thread.start()
    try:
        assert holding.wait(10)
        mark = bot.api.mark()
        await bot.person(ADMIN).say("/refresh ogp")
        told = await bot.api.wait_for("editMessageText", since=mark, chat_id=ADMIN, timeout=30)
        assert visible(told).startswith("Another import, refresh or rollback is running")
    finally:
        release.set()
        thread.join(10)
    assert ogp_site.requests == []


async def test_bad_requests_are_told_why_and_nothing_is_crawled(
        make_bot: BotFactory, assistant: Assistant, ogp_site: FakeOgpSite) -> None:
    bot = await start_bot(make_bot, ogp_site)
    boss = bot.person(ADMIN)
    assert visible(await boss.say("/refresh ogp Atlantis")).startswith("I do not know these members: Atlantis.")
    assert visible(await bot.person(6303).say("/refresh ogp")) == \
        "Sorry, /refresh is for the bot's administrators only."
    await bot.stop()
    unconfigured = await start_bot(make_bot, ogp_site, crawl_contact="")
    assert visible(await unconfigured.person(ADMIN).say("/refresh ogp")).startswith(
        "The crawler cannot run: CRAWL_CONTACT is empty.")
    assert ogp_site.requests == []
