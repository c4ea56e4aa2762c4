"""Item "/refresh can wipe the data": a change that would remove more than REFRESH_MAX_REMOVED_SHARE of the
commitments, or leave fewer than REFRESH_MIN_COMMITMENTS, stops and asks (Confirm / Cancel) in the chat; the
command line refuses it in one line without --allow-shrink."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from adminkit import ADMIN, NEW_PAGE, BotFactory, SourceServer, commitment_ids, fixture_bytes, served_dataset, version
from fakebotapi.running import visible
from sqlalchemy.engine import Engine

from bot.cli.commands import main
from bot.core.service import Assistant
from bot.dataset.load import ShrinkGuard, ShrinkRefused, apply, guarded
from bot.dataset.reader import validate_dataset
from bot.services import admin

pytest_plugins = ("fakebotapi.harness", "adminfixtures")


async def test_a_refresh_from_one_row_stops_and_asks(make_bot: BotFactory, assistant: Assistant,
                                                     sources: SourceServer) -> None:
    sources.files[NEW_PAGE] = fixture_bytes(NEW_PAGE)
    bot = await make_bot(data_sources=sources.url(f"files/{NEW_PAGE}"))
    boss, before, ids = bot.person(ADMIN), version(assistant), commitment_ids(assistant)
    question = await boss.say("/refresh", timeout=15)
    text = visible(question)
    assert text.startswith(f"Refresh stopped, nothing was changed: it would remove {len(ids)} of the {len(ids)} "
                           "commitments and leave 1.")
    assert "more than the 10% allowed without a confirmation (REFRESH_MAX_REMOVED_SHARE)" in text
    assert "These would go: " in text and "… and " in text and text.endswith("Apply this refresh all the same?")
    assert [b["text"] for b in question.buttons] == ["Confirm: remove them", "Cancel"]
    assert version(assistant) == before and commitment_ids(assistant) == ids
    line = admin.history(assistant.engine, 1)[0]
    assert (line.kind, line.outcome) == ("refresh", "failed") and (line.error or "").startswith("stopped: it would")
    _, cancelled = await boss.press(question, "Cancel")
    assert visible(cancelled) == "Cancelled: nothing was changed." and version(assistant) == before
    question = await boss.say("/refresh", timeout=15)
    _, done = await boss.press(question, "Confirm", timeout=15)
    assert visible(done).startswith("Import applied: 1 added") and commitment_ids(assistant) == {"FR0901"}
    assert version(assistant) == before + 1


async def test_a_confirmation_after_the_data_changed_applies_nothing(make_bot: BotFactory, assistant: Assistant,
                                                                     sources: SourceServer) -> None:
    sources.files[NEW_PAGE] = fixture_bytes(NEW_PAGE)
    bot = await make_bot(data_sources=sources.url(f"files/{NEW_PAGE}"))
    boss = bot.person(ADMIN)
    question = await boss.say("/refresh", timeout=15)
    with guarded(ShrinkGuard(allow=True)):  # someone else changes the data meanwhile
        apply(assistant.engine, validate_dataset(json.loads(served_dataset(assistant, drop=("TL0001",))), "x"),
              mode="replace")
    changed = version(assistant)
    _, answer = await boss.press(question, "Confirm", timeout=15)
    assert "The data changed since this question: nothing was applied" in visible(answer)
    assert version(assistant) == changed


async def test_a_small_removal_is_applied_without_asking(make_bot: BotFactory, assistant: Assistant,
                                                         sources: SourceServer) -> None:
    sources.files["dataset.json"] = served_dataset(assistant, drop=("TL0012",))
    bot = await make_bot(data_sources=sources.url("files/dataset.json"))
    reply = visible(await bot.person(ADMIN).say("/refresh", timeout=15))
    assert reply.startswith("Import applied:") and "1 removed" in reply


def test_the_guard_in_apply(engine: Engine, mini_dataset) -> None:  # type: ignore[no-untyped-def]
    apply(engine, mini_dataset, mode="replace")
    total = len(mini_dataset.commitments)
    empty = mini_dataset.model_copy(update={"commitments": []})
    with guarded(ShrinkGuard(0.10, 1)), pytest.raises(ShrinkRefused) as stopped:
        apply(engine, empty, mode="replace")
    assert (stopped.value.before, stopped.value.after, len(stopped.value.removed)) == (total, 0, total)
    with guarded(ShrinkGuard(1.0, 0, allow=False)):  # everything may go, nothing must remain: passes
        assert apply(engine, empty, mode="replace", dry_run=True).counts["removed"] == total
    apply(engine, empty, mode="replace")  # no guard (tests, rollback, the bundled data): not checked


def test_the_command_line_refuses_to_shrink_without_allow_shrink(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                 mini_dataset) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    full, empty = tmp_path / "full.json", tmp_path / "empty.json"
    full.write_text(mini_dataset.model_dump_json(exclude_none=True), encoding="utf-8")
    empty.write_text(mini_dataset.model_copy(update={"commitments": []}).model_dump_json(exclude_none=True),
                     encoding="utf-8")
    assert main(["import", "--db", url, "--replace", str(full)]) == 0
    capsys.readouterr()
    assert main(["import", "--db", url, "--replace", str(empty)]) == 1
    error = capsys.readouterr().err.strip()
    assert "\n" not in error and error.startswith("import refused, nothing changed: it would remove")
    assert "--allow-shrink" in error
    assert main(["import", "--db", url, "--replace", str(empty), "--allow-shrink"]) == 0
