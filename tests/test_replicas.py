"""Two replicas of `python -m bot run` in webhook mode on one PostgreSQL database, as docker-compose.yml runs
them: updates spread over both (round robin, like the reverse proxy) are each answered exactly once, by the
replica that received them; a dataset change written through the shared database is answered by both within
5 seconds."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fakebotapi import FakeBotApi
from fakebotapi.running import make_assistant, visible
from prometheus_client.parser import text_string_to_metric_families

from bot.dataset.load import apply
from bot.dataset.reader import validate_dataset
from bot.storage.db import engine_for

pytest_plugins = ("fakebotapi.harness",)  # fixture: api
pytestmark = [pytest.mark.postgres, pytest.mark.e2e]

ROOT = Path(__file__).resolve().parent.parent
SECRET = "replica-secret_1"
START_TIMEOUT = 60.0  # a replica's start: interpreter, imports, schema check, index build
PROPAGATION = 5.0  # the most a refresh may take to be answered by every replica
# Questions for the core (counted by ogp_bot_updates_total), each answered with exactly one message.
QUESTIONS = ["FR0038", "who leads FR0038?", "qui pilote l'engagement FR0038 ?", "status of FR0038 milestone 9.2",
             "/commitment FR0038", "hello", "open contracting", "and milestone 9.2?"]
CHATS, PER_CHAT = 40, 5  # 200 updates; a chat writes fewer messages than the flood limit allows


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def shared_database(pg_url: str) -> str:
    """A PostgreSQL database with the schema and the test data, as the compose `migrate` service leaves it."""
    make_assistant(pg_url).engine.dispose()
    return pg_url


@dataclass
class Replica:
    process: asyncio.subprocess.Process
    webhook: str
    health: str
    log: Path

    def failure(self, what: str) -> str:
        return f"{what}; replica log:\n{self.log.read_text()[-3000:]}"


async def start_replica(api: FakeBotApi, database_url: str, folder: Path) -> Replica:
    folder.mkdir()
    port, metrics_port = free_port(), free_port()
    webhook = f"http://127.0.0.1:{port}/telegram"
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_BASE_URL": api.base_url,
           "DATABASE_URL": database_url, "WEBHOOK_URL": webhook, "WEBHOOK_SECRET": SECRET,
           "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port), "METRICS_PORT": str(metrics_port),
           "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}
    log = folder / "replica.log"
    with log.open("wb") as output:  # a file, not a pipe: nobody has to keep reading it
        process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=folder, env=env,
                                                       stdout=output, stderr=output)
    return Replica(process, webhook, f"http://127.0.0.1:{metrics_port}", log)


async def until_ready(replica: Replica, client: httpx.AsyncClient) -> None:
    """Until /healthz is 200 and the webhook port accepts connections (it opens after the index is built)."""
    deadline = time.monotonic() + START_TIMEOUT
    port = int(replica.webhook.split(":")[2].split("/")[0])
    while time.monotonic() < deadline:
        assert replica.process.returncode is None, replica.failure("the replica exited")
        try:
            if (await client.get(f"{replica.health}/healthz")).status_code == 200:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                return
        except (httpx.TransportError, OSError):
            pass  # not listening yet
        await asyncio.sleep(0.05)
    raise AssertionError(replica.failure(f"not ready within {START_TIMEOUT} s"))


async def updates_answered(replica: Replica, client: httpx.AsyncClient) -> float:
    text = (await client.get(f"{replica.health}/metrics")).text
    return sum(s.value for family in text_string_to_metric_families(text) for s in family.samples
               if s.name == "ogp_bot_updates_total")


async def index_version(replica: Replica, client: httpx.AsyncClient) -> int | None:
    return (await client.get(f"{replica.health}/healthz")).json()["index_version"]


@pytest.fixture
async def replicas(api: FakeBotApi, shared_database: str, tmp_path: Path) -> AsyncIterator[list[Replica]]:
    started = await asyncio.gather(*(start_replica(api, shared_database, tmp_path / f"replica{n}") for n in (1, 2)))
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            await asyncio.gather(*(until_ready(r, client) for r in started))
        yield started
    finally:
        for replica in started:
            if replica.process.returncode is None:
                replica.process.terminate()
        for replica in started:
            try:
                await asyncio.wait_for(replica.process.wait(), 20)
            except TimeoutError:
                replica.process.kill()
                await replica.process.wait()


def flumgrot_dataset() -> dict[str, object]:
    """A new commitment of the test member (fakebotapi.running.zorblax_dataset), with a made-up word."""
    return {"format": "ogp-bot-dataset", "format_version": 1,
            "members": [{"id": "testland", "name": {"en": "Testland", "fr": "Testland"}}],
            "action_plans": [{"id": "testland-2020-2022", "member": "testland",
                              "title": {"en": "Testland Action Plan 2020-2022"}, "start_year": 2020,
                              "end_year": 2022}],
            "policy_areas": [],
            "commitments": [{"id": "TL0042", "member": "testland", "action_plan": "testland-2020-2022",
                             "number": "42", "title": {"en": "Flumgrot ledger of fisheries"},
                             "lead_institutions": [{"en": "Ministry of Fisheries"}]}]}


async def test_two_webhook_replicas_answer_every_update_once_and_share_refreshes(
        api: FakeBotApi, replicas: list[Replica], shared_database: str) -> None:
    assert {c.params["url"] for c in api.calls_of("setWebhook")} == {r.webhook for r in replicas}
    # Users write; the proxy hands the updates to the replicas in turn.
    updates = [api.make_update(message=api.message(QUESTIONS[(chat + n) % len(QUESTIONS)], user_id=5000 + chat,
                                                   language_code="fr" if chat % 3 == 0 else "en"))
               for n in range(PER_CHAT) for chat in range(CHATS)]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with httpx.AsyncClient(timeout=30) as client:
        statuses = await asyncio.gather(*(client.post(replicas[i % 2].webhook, json=update, headers=headers)
                                          for i, update in enumerate(updates)))
        assert {s.status_code for s in statuses} == {200}
        await api.wait_until(lambda: api.counts["sendMessage"] >= len(updates), timeout=60)
        # Each replica answered exactly the updates it received (counted once the reply is sent).
        deadline = time.monotonic() + 10
        while [await updates_answered(r, client) for r in replicas] != [len(updates) / 2] * 2:
            assert time.monotonic() < deadline, [await updates_answered(r, client) for r in replicas]
            await asyncio.sleep(0.05)

        # An admin's refresh lands in the shared database (what /refresh on either replica does).
        result = await asyncio.to_thread(apply, engine_for(shared_database),
                                         validate_dataset(flumgrot_dataset(), "refresh"), actor="admin",
                                         kind="refresh", mode="merge")
        applied = time.monotonic()
        for replica in replicas:
            while await index_version(replica, client) != result.version_after:
                assert time.monotonic() < applied + PROPAGATION, replica.failure("the refresh did not propagate")
                await asyncio.sleep(0.05)
        for replica, chat in zip(replicas, (6001, 6002), strict=True):
            mark = api.mark()
            question = api.make_update(message=api.message("/commitment TL0042", user_id=chat))
            assert (await client.post(replica.webhook, json=question, headers=headers)).status_code == 200
            reply = await api.wait_for("sendMessage", since=mark, chat_id=chat,
                                       timeout=max(0.1, applied + PROPAGATION - time.monotonic()))
            assert "Flumgrot ledger of fisheries" in visible(reply)

    # Exactly once, checked again after the later traffic: no update was answered twice, none was lost.
    answered = api.calls_of("sendMessage")
    per_chat = {5000 + chat: 0 for chat in range(CHATS)}
    for call in answered:
        if call.params["chat_id"] in per_chat:
            per_chat[call.params["chat_id"]] += 1
            assert call.ok, call.error
    assert set(per_chat.values()) == {PER_CHAT}
    assert not api.calls_of("getUpdates")  # webhook mode only: nothing else could deliver an update twice
