"""The crawler at scale: the fake OGP site (tests/fakeogp) in its own process serves N synthetic commitments x 3
languages (default 6,000: 18,000 pages, plus listings and sitemaps); this process crawls it with no delay into a
fresh SQLite database holding the bundled data, while the bot's core (bot.core.Assistant, as the running bot has
it: answers off the event loop, its index rebuilt when the data changes) answers questions. Then a second crawl,
nothing changed.

    python -m bench.crawl                      # 6,000 commitments
    python -m bench.crawl --commitments 200    # a quick run
    python -m bench.crawl --no-core            # the crawl alone: nobody asks questions, no index is built

Reported: pages per second (commitment pages fetched / the first crawl's whole time, applying included), the time
spent applying (the batches' lines of /history, start to end), peak memory of this process (ru_maxrss: the
crawler, the importer and the core; the site is another process), the second crawl's time, and the answer
latency p50/p99 during each crawl. Targets: >= 50 pages/s, <= 400 MB, second crawl <= 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.service import Assistant  # noqa: E402
from bot.core.types import Context  # noqa: E402
from bot.services.crawl import CrawlConfig, CrawlProgress, CrawlRequest, CrawlSummary, crawl  # noqa: E402
from bot.storage.db import session_scope  # noqa: E402
from bot.storage.models import DataRefresh  # noqa: E402
from tests.fakeogp.pages import synthetic_pages  # noqa: E402

TARGET_PAGES_PER_SECOND = 50.0
TARGET_PEAK_MB = 400.0
TARGET_RECRAWL_SECONDS = 60.0
QUESTIONS_PER_SECOND = 20.0
INDEX_CHECK_SECONDS = 2.0  # as bot.telegram.app: the running bot rebuilds its index when the data changed
BUNDLED_QUESTIONS = ["who leads FR0038?", "status of FR0038 milestone 9.2", "qui pilote l'engagement FR0038 ?",
                     "commitments about beneficial ownership", "how many commitments in France 2018-2020?", "hi"]


def _questions() -> list[str]:
    """Questions about the bundled data and about commitments the crawl brings (the first synthetic ones)."""
    ids = sorted({page.commitment for page in synthetic_pages(30)})[:10]
    return BUNDLED_QUESTIONS + [q for cid in ids for q in (f"who leads {cid}?", f"status of {cid}")]


class SiteProcess:
    """python -m tests.fakeogp in a child process."""

    def __init__(self, commitments: int) -> None:
        self.commitments = commitments

    async def __aenter__(self) -> SiteProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakeogp", "--commitments", str(self.commitments), cwd=ROOT,
            stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        words = (await asyncio.wait_for(self.process.stdout.readline(), 300)).split()
        self.base_url, self.pages = f"http://127.0.0.1:{int(words[1])}", int(words[3])
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.process.kill()
        await self.process.wait()


class Questions:
    """Asks the core a question every 1/QUESTIONS_PER_SECOND s, each off the event loop as the bot does, and
    keeps how long each answer took (from asking to the answer back in the loop)."""

    def __init__(self, assistant: Assistant, questions: list[str]) -> None:
        self.assistant, self.questions = assistant, questions
        self.times: list[float] = []

    async def ask(self, stop: asyncio.Event) -> None:
        n, context = 0, Context()
        while not stop.is_set():
            question = self.questions[n % len(self.questions)]
            started = time.perf_counter()
            answer = await asyncio.to_thread(self.assistant.answer, question, context=context)
            self.times.append(time.perf_counter() - started)
            context, n = answer.context, n + 1
            await asyncio.sleep(1 / QUESTIONS_PER_SECOND)

    async def watch_index(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.sleep(INDEX_CHECK_SECONDS)
            await asyncio.to_thread(self.assistant.refresh_if_stale)

    def percentiles(self, since: int) -> dict[str, float]:
        times = sorted(self.times[since:])
        if not times:
            return {}
        p99 = times[min(len(times) - 1, int(0.99 * (len(times) - 1) + 0.5))]
        return {"answers": len(times), "answer_p50_ms": round(1000 * statistics.median(times), 2),
                "answer_p99_ms": round(1000 * p99, 2), "answer_max_ms": round(1000 * times[-1], 2)}


def _apply_seconds(assistant: Assistant, lines: list[int]) -> float:
    with session_scope(assistant.engine) as session:
        rows = [session.get(DataRefresh, line) for line in lines]
        return sum((r.finished_at - r.started_at).total_seconds() for r in rows if r and r.finished_at)


async def _crawl(assistant: Assistant, config: CrawlConfig, questions: Questions | None
                 ) -> tuple[CrawlSummary, float, dict[str, float]]:
    stop = asyncio.Event()
    mark = len(questions.times) if questions else 0
    helpers = [asyncio.create_task(questions.ask(stop)), asyncio.create_task(questions.watch_index(stop))] \
        if questions else []
    started = time.perf_counter()

    async def show(progress: CrawlProgress) -> None:
        eta = f", about {progress.eta_seconds:.0f} s left" if progress.eta_seconds is not None else ""
        print(f"   {progress.fetched}/{progress.seen} pages, {progress.changed} changed, {progress.batches} batches "
              f"applied{eta}", file=sys.stderr, flush=True)

    summary = await crawl(assistant.engine, config, CrawlRequest(), actor="bench", on_progress=show)
    elapsed = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*helpers)
    return summary, elapsed, questions.percentiles(mark) if questions else {}


async def _run(commitments: int, core: bool) -> dict[str, Any]:
    async with SiteProcess(commitments) as site:
        with tempfile.TemporaryDirectory() as folder:
            assistant = await asyncio.to_thread(Assistant.from_url, f"sqlite:///{Path(folder) / 'bench.db'}")
            questions = None
            if core:
                await asyncio.to_thread(assistant.refresh_if_stale)
                questions = Questions(assistant, _questions())
            config = CrawlConfig(site.base_url, "bench@example.org", delay=0.0, progress_every=10.0)
            first, first_seconds, first_answers = await _crawl(assistant, config, questions)
            apply_seconds = await asyncio.to_thread(_apply_seconds, assistant, first.batches)
            second, second_seconds, second_answers = await _crawl(assistant, config, questions)
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            assistant.engine.dispose()
    rate = first.progress.fetched / first_seconds
    return {
        "commitments": commitments, "site_pages": site.pages, "database": "sqlite", "core_answering": core,
        "first_crawl": {"pages_fetched": first.progress.fetched, "failed": first.progress.failed,
                        "added": first.added, "updated": first.updated, "batches": len(first.batches),
                        "seconds": round(first_seconds, 1), "pages_per_second": round(rate, 1),
                        "apply_seconds": round(apply_seconds, 1), "requests": first.progress.requests,
                        **first_answers},
        "second_crawl": {"pages_fetched": second.progress.fetched, "unchanged": second.progress.unchanged,
                         "batches": len(second.batches), "seconds": round(second_seconds, 1), **second_answers},
        "peak_rss_mb": round(peak_mb, 1),
        "targets": {"pages_per_second": TARGET_PAGES_PER_SECOND, "peak_mb": TARGET_PEAK_MB,
                    "recrawl_seconds": TARGET_RECRAWL_SECONDS},
        "meets_targets": {"pages_per_second": rate >= TARGET_PAGES_PER_SECOND, "peak_mb": peak_mb <= TARGET_PEAK_MB,
                          "recrawl_seconds": second_seconds <= TARGET_RECRAWL_SECONDS},
    }


def run(commitments: int = 6000, core: bool = True) -> dict[str, Any]:
    return asyncio.run(_run(commitments, core))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.crawl", description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=6000, help="synthetic commitments (x 3 languages)")
    parser.add_argument("--no-core", action="store_true", help="crawl only: no questions answered meanwhile")
    options = parser.parse_args(argv)
    result = run(options.commitments, core=not options.no_core)
    print(json.dumps(result, indent=1))
    first, second = result["first_crawl"], result["second_crawl"]
    print(f"crawl of {result['commitments']} commitments x 3 languages: {first['pages_per_second']} pages/s "
          f"({first['pages_fetched']} pages in {first['seconds']} s, applying {first['apply_seconds']} s in "
          f"{first['batches']} batches), peak {result['peak_rss_mb']} MB, answer p99 {first.get('answer_p99_ms')} ms "
          f"during it; nothing changed: {second['seconds']} s (answer p99 {second.get('answer_p99_ms')} ms)")
    return 0 if first["pages_fetched"] and not first["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
