"""Question latency of the core on one core: p50/p99 per question and questions per second, on the bundled
data and on a synthetic dataset of 10,000 commitments / 40,000 milestones."""

from __future__ import annotations

import gc
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from bot.common.paths import BUNDLED_DATASET
from bot.core.service import Assistant
from bot.core.types import Context
from bot.dataset.load import apply
from bot.dataset.reader import read_dataset_file
from bot.storage.db import engine_for

BUNDLED_QUESTIONS = [
    "what is the status of FR0038 milestone 9.2?", "Quel est l'état d'avancement du jalon 9.2 de FR0038 ?",
    "who leads FR0038", "qui pilote l'engagement FR0038 ?", "policy areas of FR0038", "FR 38",
    "statut de l'engagement renforcement des capacites administratives", "commitments about open innovation",
    "engagements sur les lanceurs d'alerte", "how many commitments in France 2018-2020?",
    "combien d'engagements de la France ont été réalisés ?", "whats the status of FR0038 milstone 9.2",
    "who won the football world cup?", "hi", "aide", "did the UK beneficial ownership commitment open government?",
    "and 9.3?", "et qui le pilote ?",
]
SYNTHETIC_QUESTIONS = [
    "who leads KE0012?", "status of FR0150 milestone 6.2", "qui pilote l'engagement UK0101 ?",
    "commitments about whistleblower protection in Kenya", "engagements sur les marchés publics au Sénégal",
    "how many commitments of Kenya 2019-2021?", "combien d'engagements de la France sont étoilés ?",
    "what is the ambition of US0007", "early results of BR0044", "when does CA0033 end?",
    "policy areas of DE0100", "FR0190", "who won the football world cup?", "and milestone 6.3?",
    "tell me about the commitment to open data on public procurement in Ghana",
]


def _measure(assistant: Assistant, questions: list[str], rounds: int) -> dict[str, float]:
    context = Context()
    for q in questions:  # warm caches
        context = assistant.answer(q, context=context).context
    times = []
    gc.collect()
    start_all = time.perf_counter()
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            context = assistant.answer(q, context=context).context
            times.append(time.perf_counter() - start)
    total = time.perf_counter() - start_all
    times.sort()
    return {"questions": len(times), "p50_ms": 1000 * statistics.median(times),
            "p99_ms": 1000 * times[int(0.99 * (len(times) - 1))], "max_ms": 1000 * times[-1],
            "per_second": len(times) / total}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(sizes: tuple[int, ...] = (10_000,), rounds: int = 50) -> dict[str, dict[str, float]]:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        bundled = Assistant.from_url(f"sqlite:///{Path(tmp) / 'bundled.db'}")
        bundled.refresh_if_stale()
        ready = time.perf_counter() - start
        results["bundled"] = {"cold_start_s": ready, **_measure(bundled, BUNDLED_QUESTIONS, rounds)}
        for size in sizes:
            from bench.synthetic import generate

            engine = engine_for(f"sqlite:///{Path(tmp) / f'synthetic{size}.db'}")
            apply(engine, generate(size), mode="replace", actor="bench")
            start = time.perf_counter()
            assistant = Assistant(engine)
            assistant.refresh_if_stale()
            build = time.perf_counter() - start
            results[f"synthetic_{size}"] = {"index_build_s": build,
                                            **_measure(assistant, SYNTHETIC_QUESTIONS, rounds),
                                            "rss_mb": _rss_mb()}
    return results


def main() -> None:
    if not BUNDLED_DATASET.exists():
        raise SystemExit("no bundled dataset: run `make data` first")
    read_dataset_file(BUNDLED_DATASET)
    for name, figures in run().items():
        print(f"core {name:18s} " + "  ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                               for k, v in figures.items()))


if __name__ == "__main__":
    main()
