"""`make load`: the real bot (polling, handlers, database, core) against the fake Bot API in its own process, with
10,000 updates from 1,000 users queued in one burst: questions in French and English, commands, button presses
(callback queries) and inline queries. Twice: on a healthy Telegram, then on one that answers 429 (retry after),
500, drops connections and answers slowly, on sendMessage and on getUpdates.

    python -m bench.load                          # both runs, 10,000 updates each
    python -m bench.load --updates 300 --users 30 --faults-only --json     # the smoke run of the tests

Checked, for every update: answered exactly once (a reply lost or repeated is a failure), and a chat's replies
in the order its messages were sent (each reply names the commitment its question was about). Printed: updates/s,
p50/p99 from an update queued to its reply (times taken by the fake, on one clock), the bot process's resident
memory before and after the burst, and the faults the fake injected. Exit status 1 when any update was not
answered exactly once.

Like bench.e2e, the run lifts AIORateLimiter's overall cap of about 30 messages/s (it stays in the path, and
retries 429s): it measures what the bot can do, not what Telegram allows. The fake injects faults Telegram
cannot have acted on (bot.botapi.retry says why the bot repeats those calls and not the others).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.e2e import FakeApiProcess  # noqa: E402
from bot.common.config import load_settings  # noqa: E402
from bot.core.service import Assistant  # noqa: E402
from bot.telegram.app import build_application, default_transport, running  # noqa: E402
from handlers.replies import split_paragraphs  # noqa: E402
from tests.fakebotapi.running import make_assistant  # noqa: E402

TOKEN = "123456:TEST-token"  # the fake's default
# Questions about one commitment (its id is in every reply, so the order of a chat's replies can be checked).
ASK = {"en": ["{id}", "who leads {id}?", "status of {id}", "/commitment {id}"],
       "fr": ["qui pilote l'engagement {id} ?", "où en est l'engagement {id} ?", "c'est quoi l'engagement {id} ?",
              "/commitment {id}"]}
# Commands and greetings, with a piece of their reply.
OTHERS = {"en": [("/start", "Hello!"), ("/help", "/commitment"), ("/search zorblax", "zorblax"), ("hello", "Hello!")],
          "fr": [("/start", "Bonjour"), ("/help", "/commitment"), ("/search zorblax", "zorblax"),
                 ("bonjour", "Bonjour")]}
BUTTONS = ["o{lang}|{id}", "i{lang}|lead_institution|{id}", "i{lang}|commitment_status|{id}"]
INLINE = ["zorblax", "{id}", "open data", "lanceurs d'alerte"]
PER_USER = {"message": 6, "callback": 2, "inline": 2}  # ten updates a user, below the flood limit
# Faults on the Telegram side: (method, fault, every n-th call, arguments).
FAULTS = [
    ("sendMessage", "server_error", 97, {}), ("sendMessage", "server_error", 89, {"status": 502}),
    ("sendMessage", "drop_connection", 101, {}), ("sendMessage", "slow", 53, {"seconds": 0.2}),
    ("sendMessage", "retry_after", 2500, {"seconds": 1}),
    ("getUpdates", "server_error", 11, {}), ("getUpdates", "drop_connection", 13, {}),
    ("getUpdates", "slow", 7, {"seconds": 0.3}), ("getUpdates", "retry_after", 61, {"seconds": 1}),
]
SMOKE_FAULTS = [  # the same kinds, denser: a 300-update run meets each a few times
    ("sendMessage", "server_error", 23, {}), ("sendMessage", "server_error", 29, {"status": 503}),
    ("sendMessage", "drop_connection", 19, {}), ("sendMessage", "slow", 17, {"seconds": 0.1}),
    ("sendMessage", "retry_after", 150, {"seconds": 1}),
    ("getUpdates", "server_error", 5, {}), ("getUpdates", "drop_connection", 7, {}),
    ("getUpdates", "slow", 3, {"seconds": 0.1}), ("getUpdates", "retry_after", 1000, {"seconds": 1}),
]


@dataclass
class Action:
    kind: str  # message | callback | inline
    user_id: int
    lang: str
    payload: str  # the text, the button's data, or the inline query
    marker: str | None  # a piece of the reply (messages and buttons)
    update_id: int = 0
    query_id: str | None = None


def one_message_ids(assistant: Assistant, wanted: int) -> list[str]:
    """Commitments whose every answer used here fits in one message, in both languages."""
    chosen = []
    for cid in sorted(assistant.index.commitments):
        answers = [assistant.overview(cid, lang=lang) for lang in ("en", "fr")] + \
                  [assistant.ask_intent(intent, cid, lang=lang) for intent in ("lead_institution", "commitment_status")
                   for lang in ("en", "fr")]
        if all(len(split_paragraphs(a.text)) == 1 and a.chart is None for a in answers):
            chosen.append(cid)
        if len(chosen) == wanted:
            break
    return chosen


def plan(users: int, ids: list[str], first_user: int, seed: int = 8) -> list[Action]:
    """Ten actions a user, interleaved user by user as a burst would arrive."""
    rng = random.Random(seed)
    per_user: list[list[Action]] = []
    for n in range(users):
        user_id, lang = first_user + n, "fr" if n % 3 == 0 else "en"
        picked = rng.sample(ids, PER_USER["message"] + PER_USER["callback"])
        actions = []
        for i in range(PER_USER["message"]):
            if i == 0:
                text, marker = rng.choice(OTHERS[lang])
            else:
                text, marker = rng.choice(ASK[lang]).format(id=picked[i]), picked[i]
            actions.append(Action("message", user_id, lang, text, marker))
        for i in range(PER_USER["callback"]):
            cid = picked[PER_USER["message"] + i]
            actions.append(Action("callback", user_id, lang, rng.choice(BUTTONS).format(lang=lang[0], id=cid), cid))
        for _ in range(PER_USER["inline"]):
            actions.append(Action("inline", user_id, lang, rng.choice(INLINE).format(id=rng.choice(ids)), None))
        rng.shuffle(actions)
        per_user.append(actions)
    return [user[i] for i in range(sum(PER_USER.values())) for user in per_user]


class LoadFake(FakeApiProcess):
    async def act(self, actions: list[Action]) -> None:
        for start in range(0, len(actions), 2000):
            chunk = actions[start:start + 2000]
            body = [{"kind": a.kind, "user_id": a.user_id, "language_code": a.lang, "text": a.payload,
                     "data": a.payload, "query": a.payload} for a in chunk]
            for action, done in zip(chunk, (await self.client.post("/_control/actions", json=body)).json(),
                                    strict=True):
                action.update_id, action.query_id = done["update_id"], done.get("query_id")

    async def faults(self, faults: list[tuple[str, str, int, dict[str, Any]]]) -> None:
        await self.client.post("/_control/faults", json=[{"method": m, "fault": f, "every": n, **args}
                                                         for m, f, n, args in faults])

    async def calls(self, method: str, fields: str, *, ok: int = 0, since: int = 0) -> dict[str, Any]:
        """Once `ok` calls of `method` were carried out in all: those after position `since`."""
        response = await self.client.get("/_control/calls", params={
            "method": method, "count": ok, "ok": 1, "since": since, "fields": fields, "timeout": 900})
        return response.json()


def rss_mb() -> float:
    """Resident memory of this process now (the bot runs in it; the fake does not)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))] if ordered else 0.0


def check(actions: list[Action], sent: list[dict[str, Any]], callbacks: list[dict[str, Any]],
          inline: list[dict[str, Any]], queued_at: dict[str, float]) -> dict[str, Any]:
    """Which updates were answered exactly once (and in their chat's order); latencies."""
    replies: dict[int, list[dict[str, Any]]] = {}
    for call in sent:
        if call["status"] == 200:
            replies.setdefault(call["chat_id"], []).append(call)
    by_chat: dict[int, list[Action]] = {}
    for action in actions:
        if action.kind != "inline":
            by_chat.setdefault(action.user_id, []).append(action)
    answers = Counter(c["callback_query_id"] for c in callbacks if c["status"] == 200)
    inline_at: dict[str, list[float]] = {}
    for call in inline:
        if call["status"] == 200:
            inline_at.setdefault(call["inline_query_id"], []).append(call["at"])
    exact, problems, latencies, last = 0, [], [], 0.0
    for chat, asked in by_chat.items():
        got = replies.get(chat, [])
        if len(got) != len(asked):
            problems.append(f"chat {chat}: {len(asked)} updates, {len(got)} replies")
        for action, reply in zip(asked, got, strict=False):
            in_order = action.marker is None or action.marker.lower() in reply["text"].lower()
            once = len(got) == len(asked) and (action.kind != "callback" or answers[action.query_id] == 1)
            if in_order and once:
                exact += 1
                latencies.append(reply["at"] - queued_at[str(action.update_id)])
                last = max(last, reply["at"])
            elif not in_order:
                problems.append(f"chat {chat}: update {action.update_id} ({action.payload!r}) got "
                                f"{reply['text'][:60]!r}")
    for action in actions:
        if action.kind == "inline":
            times = inline_at.get(action.query_id or "", [])
            if len(times) == 1:
                exact += 1
                latencies.append(times[0] - queued_at[str(action.update_id)])
                last = max(last, times[0])
            else:
                problems.append(f"inline query {action.query_id}: answered {len(times)} times")
    first = min(queued_at[str(a.update_id)] for a in actions)
    return {"exactly_once": exact, "problems": problems,
            "updates_per_second": round(len(actions) / (last - first), 1) if last > first else 0.0,
            "latency_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "latency_p99_ms": round(1000 * _percentile(latencies, 0.99), 1) if latencies else None,
            "seconds": round(last - first, 2)}


async def _burst(api: LoadFake, application: Any, actions: list[Action],
                 faults: list[tuple[str, str, int, dict[str, Any]]] | None) -> dict[str, Any]:
    """Queue every action at once; wait until each has its answer and the bot is idle; check."""
    mark = (await api.calls("sendMessage", "chat_id"))["position"]
    done = {kind: (await api.calls(method, field))["calls"] for kind, method, field in
            (("message", "sendMessage", "chat_id"), ("inline", "answerInlineQuery", "inline_query_id"))}
    sent_before = sum(c["status"] == 200 for c in done["message"])
    inline_before = sum(c["status"] == 200 for c in done["inline"])
    gc.collect()
    before = rss_mb()
    if faults:
        await api.faults(faults)
    wanted = Counter(a.kind for a in actions)
    started = time.perf_counter()
    await api.act(actions)
    await api.calls("sendMessage", "chat_id", ok=sent_before + wanted["message"] + wanted["callback"])
    await api.calls("answerInlineQuery", "inline_query_id", ok=inline_before + wanted["inline"])
    await application.bot.ledger.idle()  # every update handled: nothing more will be sent for them
    wall = time.perf_counter() - started
    gc.collect()
    after = rss_mb()  # before the checks below fill this process with the calls' records
    if faults:
        await api.client.delete("/_control/faults")
    sent = await api.calls("sendMessage", "chat_id,text", since=mark)
    callbacks = await api.calls("answerCallbackQuery", "callback_query_id", since=mark)
    inline = await api.calls("answerInlineQuery", "inline_query_id", since=mark)
    polls = await api.calls("getUpdates", "offset", since=mark)
    result = check(actions, sent["calls"], callbacks["calls"], inline["calls"], sent["queued_at"])
    return {"updates": len(actions), "faults": bool(faults), **result, "wall_seconds": round(wall, 2),
            "rss_mb_before": round(before, 1), "rss_mb_after": round(after, 1),
            "injected": {method: dict(Counter(str(c["status"]) for c in calls["calls"] if c["status"] != 200))
                         for method, calls in (("sendMessage", sent), ("getUpdates", polls))},
            "kinds": dict(Counter(a.kind for a in actions))}


async def run(users: int, faults: list[tuple[str, str, int, dict[str, Any]]] | None, transport: str,
              bursts: int = 1) -> list[dict[str, Any]]:
    """One bot on a fresh database and a fresh fake; `bursts` bursts of `users` new users each."""
    async with LoadFake() as api:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'load.db'}"
            assistant = await asyncio.to_thread(make_assistant, url)
            ids = await asyncio.to_thread(one_message_ids, assistant, 40)
            settings = load_settings(telegram_bot_token=TOKEN, telegram_base_url=f"{api.base}/bot",
                                     database_url=url, webhook_url=None, _env_file=None)
            limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)
            application = build_application(settings, assistant, rate_limiter=limiter, transport=transport)
            results = []
            async with running(application, settings):
                warm = plan(50, ids, 1, seed=1)[:100]  # connections, caches, threads
                await api.act(warm)
                await api.calls("sendMessage", "chat_id", ok=sum(a.kind != "inline" for a in warm))
                await application.bot.ledger.idle()
                for burst in range(bursts):
                    actions = plan(users, ids, 100_000 * (burst + 1), seed=8 + burst)
                    result = await _burst(api, application, actions, faults)
                    results.append({**result, "burst": burst + 1, "transport": transport,
                                    "flood_users_tracked": application.bot_data["flood"].tracked})
    return results


def describe(result: dict[str, Any]) -> str:
    label = "with faults" if result["faults"] else "no faults"
    lines = [f"load burst {result['burst']} ({label}, {result['transport']}): {result['exactly_once']}/"
             f"{result['updates']} answered exactly once",
             f"  {result['updates_per_second']} updates/s ({result['seconds']} s from the first queued to the last "
             f"answer); update → reply p50 {result['latency_p50_ms']} ms, p99 {result['latency_p99_ms']} ms "
             f"(all queued at once: mostly waiting in line)",
             f"  resident memory {result['rss_mb_before']} MB before, {result['rss_mb_after']} MB after",
             f"  mix: {result['kinds']}; faults injected (status: calls): sendMessage "
             f"{result['injected']['sendMessage'] or 'none'}, getUpdates {result['injected']['getUpdates'] or 'none'}"]
    lines += [f"  PROBLEM {p}" for p in result["problems"][:20]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=1000, help="users, ten updates each (default 1000)")
    parser.add_argument("--faults-only", action="store_true", help="only the run with injected faults")
    parser.add_argument("--smoke", action="store_true", help="the denser fault schedule of the test suite")
    parser.add_argument("--transport", choices=("aiohttp", "httpx"), default=default_transport())
    parser.add_argument("--json", action="store_true", help="one JSON object per run")
    args = parser.parse_args(argv)
    plans = [(SMOKE_FAULTS if args.smoke else FAULTS, 1)] if args.faults_only else [(None, 2), (FAULTS, 1)]
    failed = False
    for faults, bursts in plans:  # without faults: a second burst on the same bot shows whether memory grows
        for result in asyncio.run(run(args.users, faults, args.transport, bursts)):
            print(json.dumps(result) if args.json else describe(result), flush=True)
            failed = failed or result["exactly_once"] != result["updates"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
