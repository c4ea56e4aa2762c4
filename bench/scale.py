"""OGP scale on SQLite and PostgreSQL: the 10,000-commitment / 40,000-milestone synthetic dataset imported,
a fresh process started on it (and on the bundled data), its memory, and question latency.

    python -m bench.scale [SIZE]

Every figure comes from a fresh child process (`python -m bench.scale import|start ...`), so that memory is
the process's own and a cold start is really cold (interpreter, imports, schema check, index build):
- import: bot.dataset.load.apply(mode="replace") of the synthetic dataset into an empty database (what
  `ogp-bot import --replace` does), then again over it (a refresh that replaces everything: diff and snapshot);
- cold start: from the child's spawn to Assistant.from_url + refresh_if_stale done (the bot's post_init);
  "first" on an empty database (schema created, bundled data loaded), "restart" on a loaded one (median of 3);
- RSS: VmRSS once ready (steady: the heap of the build is handed back), after the questions, and VmHWM (peak);
- latency: the core's answer alone, and a whole turn as a Telegram replica runs it (chat state read from the
  database, answer, context written back), p50/p99 over the synthetic questions of bench.core.

Targets (issue 9): import of 10k <= 10 s, cold start on bundled data <= 1.5 s, RSS at 10k <= 250 MB.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGETS = {"import_s": 10.0, "bundled_restart_s": 1.5, "rss_mb": 250.0}
RESTARTS = 3


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


# -- children ---------------------------------------------------------------------------------------------------


def child_import(url: str, size: int) -> dict[str, Any]:
    from bench.synthetic import generate
    from bot.dataset.load import apply
    from bot.storage.db import engine_for

    start = time.perf_counter()
    dataset = generate(size)
    generated = time.perf_counter() - start
    engine = engine_for(url)  # schema created: not part of the import
    start = time.perf_counter()
    apply(engine, dataset, mode="replace", actor="bench", kind="import")
    imported = time.perf_counter() - start
    start = time.perf_counter()
    apply(engine, dataset, mode="replace", actor="bench", kind="import")
    reimported = time.perf_counter() - start
    return {"generate_s": generated, "import_s": imported, "reimport_s": reimported,
            "import_peak_mb": _status_mb("VmHWM")}


def child_start(url: str, spawned: float, questions: str) -> dict[str, Any]:
    started = time.monotonic()
    from bot.core.service import Assistant

    assistant = Assistant.from_url(url)
    assistant.refresh_if_stale()
    ready = time.monotonic()
    figures: dict[str, Any] = {"cold_start_s": ready - spawned, "in_process_s": ready - started,
                               "commitments": len(assistant.index.commitments), "rss_ready_mb": _status_mb("VmRSS")}
    if questions != "none":
        figures.update(_latency(assistant, questions))
    figures["rss_after_questions_mb"] = _status_mb("VmRSS")
    figures["rss_peak_mb"] = _status_mb("VmHWM")
    return figures


def _latency(assistant: Any, which: str, rounds: int = 40) -> dict[str, float]:
    from bench.core import BUNDLED_QUESTIONS, SYNTHETIC_QUESTIONS
    from bot.services.chatstate import ChatStore

    questions = SYNTHETIC_QUESTIONS if which == "synthetic" else BUNDLED_QUESTIONS
    store = ChatStore(assistant.engine)
    answers, turns = [], []
    for n in range(rounds + 1):  # the first round warms caches and connections
        for i, question in enumerate(questions):
            chat = 1000 + (n * 7 + i) % 50  # 50 chats: their contexts carry follow-ups across rounds
            start = time.perf_counter()
            turn = store.load(chat, chat)
            begin = time.perf_counter()
            answer = assistant.answer(question, context=turn.context, preferred_lang=turn.language)
            answered = time.perf_counter()
            store.save_context(chat, answer.context, turn.context)
            end = time.perf_counter()
            if n:
                answers.append(answered - begin)
                turns.append(end - start)
    return {"questions": len(answers),
            "answer_p50_ms": 1000 * statistics.median(answers), "answer_p99_ms": 1000 * _percentile(answers, 0.99),
            "turn_p50_ms": 1000 * statistics.median(turns), "turn_p99_ms": 1000 * _percentile(turns, 0.99)}


def _spawn(*args: str) -> dict[str, Any]:
    """Run a child; its figures (the last line it prints, JSON)."""
    command = [sys.executable, "-m", "bench.scale", *args]
    if args[0] == "start":
        command.append(str(time.monotonic()))  # CLOCK_MONOTONIC is one clock for every process of the machine
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- databases --------------------------------------------------------------------------------------------------


@contextmanager
def sqlite_database(folder: Path, name: str) -> Iterator[str]:
    yield f"sqlite:///{folder / f'{name}.db'}"


@contextmanager
def postgres_database(folder: Path, name: str) -> Iterator[str]:
    database = f"ogpbot_bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{database}"
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def measure(database: Any, folder: Path, size: int) -> dict[str, Any]:
    result: dict[str, Any] = {}
    with database(folder, "bundled") as url:
        result["bundled_first"] = _spawn("start", url, "none")  # empty database: schema and bundled data
        restarts = [_spawn("start", url, "none" if n < RESTARTS - 1 else "bundled") for n in range(RESTARTS)]
        result["bundled_restart"] = {**restarts[-1], "cold_start_s": statistics.median(
            r["cold_start_s"] for r in restarts)}
    with database(folder, "synthetic") as url:
        result["import"] = _spawn("import", url, str(size))
        restarts = [_spawn("start", url, "none" if n < RESTARTS - 1 else "synthetic") for n in range(RESTARTS)]
        result["synthetic_restart"] = {**restarts[-1], "cold_start_s": statistics.median(
            r["cold_start_s"] for r in restarts)}
    return result


def table(results: dict[str, dict[str, Any]], size: int) -> str:
    def row(label: str, cells: list[str], target: str = "") -> str:
        return f"| {label} | " + " | ".join(cells) + f" | {target} |"

    names = list(results)
    get = [results[n] for n in names]
    lines = [f"| {size:,} commitments / {4 * size:,} milestones | " + " | ".join(
        {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[n] for n in names) + " | target |",
        "| --- | " + " | ".join("---:" for _ in names) + " | --- |",
        row("import (apply, replace, empty database)", [f"{r['import']['import_s']:.1f} s" for r in get], "≤ 10 s"),
        row("re-import over it (replace: diff + snapshot)", [f"{r['import']['reimport_s']:.1f} s" for r in get]),
        row("importing process, peak RSS", [f"{r['import']['import_peak_mb']:.0f} MB" for r in get]),
        row("cold start, bundled data, first (empty database)",
            [f"{r['bundled_first']['cold_start_s']:.2f} s" for r in get]),
        row("cold start, bundled data, restart", [f"{r['bundled_restart']['cold_start_s']:.2f} s" for r in get],
            "≤ 1.5 s"),
        row(f"cold start, {size // 1000}k, restart", [f"{r['synthetic_restart']['cold_start_s']:.2f} s" for r in get]),
        row("RSS bundled: ready / after questions / peak",
            [f"{r['bundled_restart']['rss_ready_mb']:.0f} / {r['bundled_restart']['rss_after_questions_mb']:.0f}"
             f" / {r['bundled_restart']['rss_peak_mb']:.0f} MB" for r in get]),
        row(f"RSS {size // 1000}k: ready / after questions / peak",
            [f"{r['synthetic_restart']['rss_ready_mb']:.0f} / {r['synthetic_restart']['rss_after_questions_mb']:.0f}"
             f" / {r['synthetic_restart']['rss_peak_mb']:.0f} MB" for r in get], "≤ 250 MB"),
        row(f"answer p50 / p99 at {size // 1000}k (core)",
            [f"{r['synthetic_restart']['answer_p50_ms']:.2f} / {r['synthetic_restart']['answer_p99_ms']:.2f} ms"
             for r in get]),
        row(f"turn p50 / p99 at {size // 1000}k (chat state + answer)",
            [f"{r['synthetic_restart']['turn_p50_ms']:.2f} / {r['synthetic_restart']['turn_p99_ms']:.2f} ms"
             for r in get]),
    ]
    return "\n".join(lines)


def verdict(results: dict[str, dict[str, Any]]) -> list[str]:
    missed = []
    for name, r in results.items():
        if r["import"]["import_s"] > TARGETS["import_s"]:
            missed.append(f"{name}: import {r['import']['import_s']:.1f} s > {TARGETS['import_s']} s")
        if r["bundled_restart"]["cold_start_s"] > TARGETS["bundled_restart_s"]:
            missed.append(f"{name}: cold start {r['bundled_restart']['cold_start_s']:.2f} s > 1.5 s")
        rss = max(r["synthetic_restart"]["rss_after_questions_mb"], r["synthetic_restart"]["rss_ready_mb"])
        if rss > TARGETS["rss_mb"]:
            missed.append(f"{name}: RSS {rss:.0f} MB > {TARGETS['rss_mb']:.0f} MB")
        elif r["synthetic_restart"]["rss_peak_mb"] > TARGETS["rss_mb"]:  # steady is within; say so about the peak
            missed.append(f"{name}: RSS steady {rss:.0f} MB, but peak {r['synthetic_restart']['rss_peak_mb']:.0f} MB "
                          f"> {TARGETS['rss_mb']:.0f} MB (while the index is built)")
    return missed


def main(argv: list[str]) -> int:
    if argv and argv[0] == "import":
        print(json.dumps(child_import(argv[1], int(argv[2]))))
        return 0
    if argv and argv[0] == "start":
        print(json.dumps(child_start(argv[1], float(argv[3]), argv[2])))
        return 0
    size = int(argv[0]) if argv else 10_000
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, database in (("sqlite", sqlite_database), ("postgresql", postgres_database)):
            results[name] = measure(database, Path(folder), size)
    print(json.dumps(results, indent=1))
    print(table(results, size))
    missed = verdict(results)
    print("targets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
