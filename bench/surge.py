"""A surge: 1,000 people each ask one question at the same moment (a link shared in a big channel). The real
Application in polling mode with its own rate limiter (what build_application gives it: nothing lifted), SQLite,
and the fake Bot API in its own process enforcing Telegram's per-chat flood limits (429 with retry_after).

    python -m bench.surge [USERS]

Reported: reply latency p50/p99 from the update handed to the bot (getUpdates) to its sendMessage received, and
from the update queued at Telegram (what the person feels, the bot's fetching included); the total time from
the first update queued to the last reply; the 429s the fake answered. Target on one process: p99 ≤ 2 s, no 429.

Measured on the 2-core development machine (bundled data, aiohttp transport), before and after per-chat pacing
(bot.botapi.pacing) replaced python-telegram-bot's AIORateLimiter, whose overall cap of 30 messages a second
applied to replies: see the README's benchmark section.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.e2e import TOKEN, FakeApiProcess, _percentile  # noqa: E402
from bot.telegram.app import build_application, default_transport, running  # noqa: E402
from tests.fakebotapi.running import make_assistant  # noqa: E402

FIRST_USER = 200_000
# One message in reply each (so the n-th reply of a chat answers its n-th update), in both languages.
QUESTIONS = ["FR0038", "who leads FR0038?", "qui pilote l'engagement FR0038 ?", "status of FR0038 milestone 9.2",
             "open contracting", "/commitment FR0038", "/search contracting", "hello"]


async def _surge(api: FakeApiProcess, users: int) -> dict[str, Any]:
    messages = [{"text": QUESTIONS[n % len(QUESTIONS)], "user_id": FIRST_USER + n,
                 "language_code": "fr" if n % 3 == 0 else "en"} for n in range(users)]
    update_of = dict(zip((m["user_id"] for m in messages), await api.write(messages), strict=True))
    response = await api.client.get("/_control/calls", params={
        "method": "sendMessage", "count": api.sent + users, "ok": 1, "timeout": 600, "delivered": 1})
    api.sent += users
    seen = response.json()
    queued_at = {int(k): v for k, v in seen["queued_at"].items()}
    delivered_at = {int(k): v for k, v in seen["delivered_at"].items()}
    replied: dict[int, float] = {}
    for _method, chat_id, status, at in seen["calls"]:
        if status == 200 and chat_id in update_of:
            replied.setdefault(chat_id, at)
    from_delivered = [at - delivered_at[update_of[chat]] for chat, at in replied.items()]
    from_queued = [at - queued_at[update_of[chat]] for chat, at in replied.items()]
    first = min(queued_at[u] for u in update_of.values())

    def ms(values: list[float], q: float) -> float:
        return round(1000 * (statistics.median(values) if q == 0.5 else _percentile(values, q)), 1)

    return {"users": users, "replies": len(replied), "too_many_requests": seen["too_many_requests"],
            "total_seconds": round(max(replied.values()) - first, 2),
            "delivered_to_reply_p50_ms": ms(from_delivered, 0.5), "delivered_to_reply_p99_ms": ms(from_delivered, 0.99),
            "queued_to_reply_p50_ms": ms(from_queued, 0.5), "queued_to_reply_p99_ms": ms(from_queued, 0.99)}


async def _run(users: int, transport: str) -> dict[str, Any]:
    from bot.common.config import load_settings

    async with FakeApiProcess() as api:
        await api.client.post("/_control/limits", json={"enforce": True})
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.db'}"
            assistant = await asyncio.to_thread(make_assistant, url)
            settings = load_settings(telegram_bot_token=TOKEN, telegram_base_url=f"{api.base}/bot",
                                     database_url=url, webhook_url=None, _env_file=None)
            application = build_application(settings, assistant, transport=transport)  # its own rate limiter
            limiter = type(application.bot.rate_limiter).__name__
            async with running(application, settings):
                surge = await _surge(api, users)
    return {"database": "sqlite", "transport": transport, "rate_limiter": limiter, **surge}


def run(users: int = 1000, transport: str | None = None) -> dict[str, Any]:
    return asyncio.run(_run(users, transport or default_transport()))


def main() -> None:
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
    print(json.dumps(result, indent=1))
    print(f"surge ({result['rate_limiter']}, fake Bot API enforcing per-chat limits): {result['users']} users × 1 "
          f"question: reply p50 {result['delivered_to_reply_p50_ms']} ms, p99 {result['delivered_to_reply_p99_ms']} "
          f"ms from the update handed over (from queued: p50 {result['queued_to_reply_p50_ms']} ms, p99 "
          f"{result['queued_to_reply_p99_ms']} ms); all answered in {result['total_seconds']} s; "
          f"{result['too_many_requests']} × 429")


if __name__ == "__main__":
    main()
