"""End-to-end throughput of the Telegram bot: the real Application (polling, handlers, database, core) against
the fake Bot API on 127.0.0.1, which runs in its own process (on the other core) like Telegram would.

    python -m bench.e2e

Two runs over the same bot:
- burst: every update queued at once; updates/s = updates / (last reply - first queued). Its latencies are
  mostly queueing (later updates wait for earlier ones);
- paced: updates queued at a steady rate under capacity; latency p50/p99 from an update queued to its
  sendMessage received is what a user would feel.
Times are taken by the fake Bot API (one monotonic clock): queued, and sendMessage answered.

Telegram lets a bot send about 30 messages per second; the bench lifts the rate limiter's overall cap (it
stays in the path) to measure what the bot can do, not what Telegram allows.

Measured on the 2-core development machine (bundled data, SQLite, aiohttp transport): about 500 updates/s in a
burst; at 200/s, p50 about 12 ms and p99 about 50 ms. The bot process is then CPU-bound on one core (the fake
uses a fifth of the other): python-telegram-bot's parsing of each Update and each sendMessage result into
objects and its dispatch take about half of it, the database turn and the core the rest. On a slower VM of the
same kind (a Python loop 3-4 times slower) the same code gives about 130 updates/s. More than one core's worth
takes more processes: replicas behind the webhook (bench.replicas).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from telegram.ext import AIORateLimiter

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.telegram.app import MAX_CONCURRENT_UPDATES, build_application, default_transport, running  # noqa: E402
from tests.fakebotapi.running import make_assistant  # noqa: E402

TOKEN = "123456:TEST-token"  # the fake's default
# Each question gets exactly one message in reply: the n-th reply in a chat answers its n-th update.
QUESTIONS = ["FR0038", "who leads FR0038?", "qui pilote l'engagement FR0038 ?", "and milestone 9.2?", "/start",
             "status of FR0038 milestone 9.2", "open contracting", "/commitment FR0038", "hello",
             "/search contracting"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]


class FakeApiProcess:
    """The fake Bot API in a child process, driven over its /_control routes."""

    async def __aenter__(self) -> FakeApiProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakebotapi", cwd=ROOT, stdout=asyncio.subprocess.PIPE)
        assert self.process.stdout is not None
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"
        self.client = httpx.AsyncClient(base_url=self.base, timeout=600)
        self.sent = 0
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
        self.process.kill()
        await self.process.wait()

    async def write(self, messages: list[dict[str, Any]]) -> list[int]:
        return (await self.client.post("/_control/messages", json=messages)).json()

    async def replies(self, count: int) -> dict[str, Any]:
        """Once `count` more sendMessage calls were made: those calls and when each update was queued."""
        response = await self.client.get("/_control/calls", params={
            "method": "sendMessage", "count": self.sent + count, "timeout": 600})
        self.sent += count
        return response.json()


async def _drive(api: FakeApiProcess, chats: int, per_chat: int, first_chat: int, rate: float | None
                 ) -> dict[str, Any]:
    """chats × per_chat updates, queued all at once or `rate` per second; waits for every reply."""
    order = [(first_chat + c, n) for n in range(per_chat) for c in range(chats)]
    messages = [{"text": QUESTIONS[(chat_id + n) % len(QUESTIONS)], "user_id": chat_id,
                 "language_code": "fr" if chat_id % 3 == 0 else "en"} for chat_id, n in order]
    expected: dict[int, list[int]] = {}
    batch = len(messages) if not rate else max(1, int(rate / 100))  # paced: a batch every 10 ms
    started = time.monotonic()
    for start in range(0, len(messages), batch):
        if rate:
            await asyncio.sleep(max(0.0, started + start / rate - time.monotonic()))
        chunk = messages[start:start + batch]
        for message, update_id in zip(chunk, await api.write(chunk), strict=True):
            expected.setdefault(message["user_id"], []).append(update_id)
    seen = await api.replies(len(messages))
    queued_at = {int(k): v for k, v in seen["queued_at"].items()}
    replies: dict[int, list[float]] = {}
    failed = 0
    for _method, chat_id, status, at in seen["calls"]:
        if chat_id in expected:
            replies.setdefault(chat_id, []).append(at)
            failed += status != 200
    latencies = [at - queued_at[update_id] for chat_id, ids in expected.items()
                 for update_id, at in zip(ids, replies.get(chat_id, []), strict=False)]
    first = min(queued_at[u] for ids in expected.values() for u in ids)
    last = max(at for ats in replies.values() for at in ats)
    return {"updates": len(messages), "replies": sum(map(len, replies.values())), "failed": failed,
            "seconds": round(last - first, 3), "updates_per_second": round(len(messages) / (last - first), 1),
            "latency_p50_ms": round(1000 * statistics.median(latencies), 2),
            "latency_p99_ms": round(1000 * _percentile(latencies, 0.99), 2)}


async def _run(burst_chats: int, per_chat: int, paced_rate: float, paced_seconds: float, transport: str
               ) -> dict[str, Any]:
    from bot.common.config import load_settings

    async with FakeApiProcess() as api:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            assistant = await asyncio.to_thread(make_assistant, url)
            settings = load_settings(telegram_bot_token=TOKEN, telegram_base_url=f"{api.base}/bot",
                                     database_url=url, webhook_url=None, _env_file=None)
            limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0)  # in the path, without Telegram's cap
            application = build_application(settings, assistant, rate_limiter=limiter, transport=transport)
            async with running(application, settings):
                await _drive(api, 50, 2, 1, None)  # warm-up: connections, caches
                burst = await _drive(api, burst_chats, per_chat, 10_000, None)
                paced_total = int(paced_rate * paced_seconds)
                paced = await _drive(api, max(1, paced_total // per_chat), per_chat, 100_000, paced_rate)
    return {"database": "sqlite", "transport": transport, "max_concurrent_updates": MAX_CONCURRENT_UPDATES,
            "burst": burst,
            "paced": {"rate_per_second": paced_rate, **paced}}


def run(burst_chats: int = 500, per_chat: int = 10, paced_rate: float = 200.0, paced_seconds: float = 5.0,
        transport: str | None = None) -> dict[str, Any]:
    """Measure; returns {"burst": {... "updates_per_second" ...}, "paced": {... "latency_p50_ms", ...}}."""
    return asyncio.run(_run(burst_chats, per_chat, paced_rate, paced_seconds, transport or default_transport()))


def main() -> None:
    result = run(transport=sys.argv[1] if len(sys.argv) > 1 else None)  # python -m bench.e2e [aiohttp|httpx]
    print(json.dumps(result, indent=1))
    burst, paced = result["burst"], result["paced"]
    print(f"e2e (fake Bot API, {result['database']}, {result['transport']}): {burst['updates_per_second']} "
          f"updates/s in a burst of "
          f"{burst['updates']}; at {paced['rate_per_second']:.0f}/s: p50 {paced['latency_p50_ms']} ms, "
          f"p99 {paced['latency_p99_ms']} ms (update queued → sendMessage answered)")


if __name__ == "__main__":
    main()
