"""Two bot replicas in webhook mode on one PostgreSQL database, as docker-compose.yml runs them, with a load
generator in front posting Telegram updates to both webhook ports in turn (like the reverse proxy's round robin),
with the secret, on 127.0.0.1. The fake Bot API runs in its own process and receives the replies.

    python -m bench.replicas [SIZE]      # SIZE: synthetic commitments instead of the bundled data

Each replica is its own process running the real Application (post_init, health server, webhook server,
handlers, PostgreSQL); the only change from `ogp-bot run` is the rate limiter's overall cap lifted (it stays in
the path), as in bench.e2e: the figures are what the replicas can do, not the ~30 messages/s Telegram allows one
bot. One update per chat, so a reply is matched to its update exactly.
- burst: every update posted at once (at most 40 connections per replica, Telegram's default max_connections);
  updates/s = updates / (last reply - first post);
- paced: a steady rate under capacity; p50/p99 from an update posted to its sendMessage answered;
- propagation: a refresh written to the database (the stored data again, as a new version), then the time
  until both replicas' /healthz report an index of that version (they check every 2 s, then rebuild).
The generator stamps each post and the fake each reply with time.monotonic(), one clock for every process.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.e2e import TOKEN, FakeApiProcess  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-replicas-secret"
CONNECTIONS = 40  # per replica: Telegram's default max_connections for a webhook
START_TIMEOUT = 120.0
# Questions answered with exactly one message each.
QUESTIONS = ["FR0038", "who leads FR0038?", "qui pilote l'engagement FR0038 ?", "status of FR0038 milestone 9.2",
             "/commitment FR0038", "hello", "open contracting", "policy areas of FR0038"]
SYNTHETIC_QUESTIONS = ["who leads KE0012?", "status of FR0150 milestone 6.2", "qui pilote l'engagement UK0101 ?",
                       "commitments about whistleblower protection in Kenya", "what is the ambition of US0007",
                       "FR0190", "hello", "when does CA0033 end?"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- one replica (child process) --------------------------------------------------------------------------------


def replica() -> int:
    """`ogp-bot run` in webhook mode (settings from the environment): replies are paced per chat only, so the
    figures are the replicas' own."""
    from bot.common.config import load_settings
    from bot.telegram.app import run_bot

    settings = load_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_bot(settings)


class Replica:
    def __init__(self, api_base: str, database_url: str, folder: Path, name: str) -> None:
        self.port, self.metrics_port = _free_port(), _free_port()
        self.webhook = f"http://127.0.0.1:{self.port}/telegram"
        self.env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": f"{api_base}/bot",
                    "DATABASE_URL": database_url, "WEBHOOK_URL": self.webhook, "WEBHOOK_SECRET": SECRET,
                    "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(self.port),
                    "METRICS_PORT": str(self.metrics_port), "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
        self.folder = folder / name
        self.folder.mkdir()
        self.log = self.folder / "replica.log"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("wb") as output:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.replicas", "replica", cwd=self.folder, env=self.env,
                stdout=output, stderr=output)

    async def ready(self, session: aiohttp.ClientSession) -> None:
        """/healthz 200 and the webhook port open (it opens after the index is built)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.returncode is None, self.log.read_text()[-3000:]
            try:
                async with session.get(f"http://127.0.0.1:{self.metrics_port}/healthz") as response:
                    if response.status == 200:
                        _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                        writer.close()
                        return
            except (aiohttp.ClientError, OSError):
                pass  # not listening yet
            await asyncio.sleep(0.1)
        raise RuntimeError(f"replica not ready within {START_TIMEOUT} s: {self.log.read_text()[-3000:]}")

    async def rss_mb(self) -> float:
        assert self.process is not None
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    async def stop(self) -> None:
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()  # SIGTERM: PTB stops cleanly
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


# -- the load ---------------------------------------------------------------------------------------------------


async def _made(api: FakeApiProcess, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = await api.client.post("/_control/made", json=messages)
    return response.json()


async def drive(api: FakeApiProcess, replicas: list[Replica], session: aiohttp.ClientSession, questions: list[str],
                first_chat: int, count: int, rate: float | None) -> dict[str, Any]:
    """`count` updates, one per chat, posted round robin to the replicas, all at once or `rate` per second."""
    messages = [{"text": questions[n % len(questions)], "user_id": first_chat + n,
                 "language_code": "fr" if n % 3 == 0 else "en"} for n in range(count)]
    updates = await _made(api, messages)
    posted: dict[int, float] = {}
    limits = [asyncio.Semaphore(CONNECTIONS) for _ in replicas]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    failed = 0

    async def post(n: int, update: dict[str, Any]) -> None:
        nonlocal failed
        target = n % len(replicas)
        async with limits[target]:
            posted[update["message"]["chat"]["id"]] = time.monotonic()
            async with session.post(replicas[target].webhook, json=update, headers=headers) as response:
                failed += response.status != 200

    tasks = []
    started = time.monotonic()
    batch = count if not rate else max(1, int(rate / 100))  # paced: a batch every 10 ms
    for start in range(0, count, batch):
        if rate:
            await asyncio.sleep(max(0.0, started + start / rate - time.monotonic()))
        tasks += [asyncio.create_task(post(n, updates[n])) for n in range(start, min(count, start + batch))]
    await asyncio.gather(*tasks)
    seen = await api.replies(count)
    replied = {chat_id: at for _method, chat_id, status, at in seen["calls"] if chat_id in posted and status == 200}
    latencies = [replied[chat] - at for chat, at in posted.items() if chat in replied]
    seconds = max(replied.values()) - min(posted.values())
    return {"updates": count, "answered": len(replied), "rejected_posts": failed, "seconds": round(seconds, 3),
            "updates_per_second": round(count / seconds, 1),
            "latency_p50_ms": round(1000 * statistics.median(latencies), 2),
            "latency_p99_ms": round(1000 * _percentile(latencies, 0.99), 2)}


async def propagate(url: str, replicas: list[Replica], session: aiohttp.ClientSession) -> float:
    """Seconds from a refresh committed to every replica answering from it."""
    from bot.dataset.load import apply
    from bot.storage.db import engine_for

    result = await asyncio.to_thread(apply, engine_for(url), lambda stored: stored, mode="replace", actor="bench",
                                     kind="refresh")
    committed = time.monotonic()
    for replica in replicas:
        while True:
            async with session.get(f"http://127.0.0.1:{replica.metrics_port}/healthz") as response:
                if (await response.json())["index_version"] == result.version_after:
                    break
            if time.monotonic() > committed + START_TIMEOUT:
                raise RuntimeError("the refresh did not reach every replica")
            await asyncio.sleep(0.02)
    return round(time.monotonic() - committed, 2)


@asynccontextmanager
async def database(size: int | None):  # type: ignore[no-untyped-def]
    """A PostgreSQL database with the schema and the bundled (or synthetic) data, dropped afterwards."""
    name = f"ogpbot_bench_replicas_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        from bot.dataset.load import apply, ensure_data
        from bot.storage.db import engine_for

        engine = engine_for(url)  # what the compose `migrate` service does
        if size:
            from bench.synthetic import generate

            await asyncio.to_thread(apply, engine, generate(size), mode="replace", actor="bench")
        else:
            await asyncio.to_thread(ensure_data, engine)
        engine.dispose()
        yield url
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _run(size: int | None, burst: int, paced_rate: float, paced_seconds: float) -> dict[str, Any]:
    questions = SYNTHETIC_QUESTIONS if size else QUESTIONS
    async with FakeApiProcess() as api, database(size) as url:
        with tempfile.TemporaryDirectory() as folder:
            replicas = [Replica(api.base, url, Path(folder), f"replica{n}") for n in (1, 2)]
            connector = aiohttp.TCPConnector(limit=CONNECTIONS * len(replicas), limit_per_host=0)
            async with aiohttp.ClientSession(connector=connector) as session:
                try:
                    await asyncio.gather(*(r.start() for r in replicas))
                    await asyncio.gather(*(r.ready(session) for r in replicas))
                    await drive(api, replicas, session, questions, 1, 200, None)  # warm-up: connections, caches
                    burst_result = await drive(api, replicas, session, questions, 10_000, burst, None)
                    paced = await drive(api, replicas, session, questions, 100_000,
                                        int(paced_rate * paced_seconds), paced_rate)
                    rss = [round(await r.rss_mb()) for r in replicas]
                    propagation = await propagate(url, replicas, session)
                finally:
                    await asyncio.gather(*(r.stop() for r in replicas))
    return {"database": "postgresql", "dataset": f"synthetic {size}" if size else "bundled", "replicas": 2,
            "burst": burst_result, "paced": {"rate_per_second": paced_rate, **paced}, "replica_rss_mb": rss,
            "refresh_propagation_s": propagation}


def run(size: int | None = None, burst: int = 4000, paced_rate: float = 200.0, paced_seconds: float = 5.0
        ) -> dict[str, Any]:
    return asyncio.run(_run(size, burst, paced_rate, paced_seconds))


def main(argv: list[str]) -> int:
    if argv and argv[0] == "replica":
        return replica()
    result = run(int(argv[0]) if argv else None)
    print(json.dumps(result, indent=1))
    burst, paced = result["burst"], result["paced"]
    print(f"replicas (2 x webhook, PostgreSQL, {result['dataset']} data): {burst['updates_per_second']} updates/s "
          f"in a burst of {burst['updates']}; at {paced['rate_per_second']:.0f}/s: p50 {paced['latency_p50_ms']} ms, "
          f"p99 {paced['latency_p99_ms']} ms (update posted → sendMessage answered); "
          f"answered {burst['answered'] + paced['answered']}/{burst['updates'] + paced['updates']}; a refresh "
          f"reached both replicas in {result['refresh_propagation_s']} s; replica RSS {result['replica_rss_mb']} MB")
    lost = burst["updates"] - burst["answered"] + paced["updates"] - paced["answered"]
    return 1 if lost or burst["rejected_posts"] or paced["rejected_posts"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
