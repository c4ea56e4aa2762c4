"""Health and metrics: /healthz says whether a replica can answer (database reachable, index built), /metrics
counts answers by intent, their latency, dataset refreshes and errors, in Prometheus' text format."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from aiohttp import web
from fakebotapi import Call, FakeBotApi
from fakebotapi.running import RunningBot, bot_settings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.common.config import Settings, load_settings
from bot.core.service import Assistant
from bot.dataset.errors import DataError
from bot.dataset.load import apply
from bot.dataset.schema import Dataset
from bot.storage.db import make_engine
from bot.telegram.health import DEFAULT_PORT, HealthServer, health_port

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, database_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in a Prometheus text exposition (0 when absent)."""
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return 0.0


def refuse_once() -> Callable[[Call, web.Request], Awaitable[web.StreamResponse | None]]:
    """A fake Bot API hook: the next call gets a 400 (an error no layer of the bot retries)."""
    left = [1]

    async def hook(call: Call, request: web.Request) -> web.StreamResponse | None:
        if not left[0]:
            return None
        left[0] = 0
        return web.json_response({"ok": False, "error_code": 400, "description": "Bad Request: refused"}, status=400)
    return hook


@pytest.fixture
async def metered_bot(api: FakeBotApi, assistant: Assistant, database_url: str) -> AsyncIterator[RunningBot]:
    """The bot in polling mode with METRICS_PORT set."""
    settings = bot_settings(api, database_url, metrics_port=free_port(), webhook_listen="127.0.0.1")
    running = await RunningBot(api, settings, assistant).start()
    yield running
    await running.stop()


async def test_healthz_reports_the_database_the_dataset_and_the_index(metered_bot: RunningBot) -> None:
    port = metered_bot.settings.metrics_port
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        response = await client.get("/healthz")
    version = metered_bot.assistant.stored_version()
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "dataset_version": version, "index_version": version,
                               "index_ready": True}


async def test_metrics_count_answers_by_intent_with_their_latency_and_errors(metered_bot: RunningBot) -> None:
    url = f"http://127.0.0.1:{metered_bot.settings.metrics_port}/metrics"
    async with httpx.AsyncClient() as client:
        before = (await client.get(url)).text
        await metered_bot.person(4101).say("who leads FR0038?")
        metered_bot.api.add_hook("sendMessage", refuse_once())  # the next answer fails to send
        await metered_bot.person(4102).say_until("FR0038", lambda calls: any(c.ok for c in calls))
        response = await client.get(url)
    after = response.text
    assert response.headers["content-type"].startswith("text/plain")
    assert sample(after, "ogp_bot_updates_total", intent="lead_institution") \
        == sample(before, "ogp_bot_updates_total", intent="lead_institution") + 1
    assert sample(after, "ogp_bot_answer_seconds_count") == sample(before, "ogp_bot_answer_seconds_count") + 1
    assert sample(after, "ogp_bot_errors_total", error="BadRequest") \
        == sample(before, "ogp_bot_errors_total", error="BadRequest") + 1
    assert sample(after, "ogp_bot_index_version") == metered_bot.assistant.version
    assert sample(after, "process_resident_memory_bytes") > 0  # prometheus_client's process collector


async def test_healthz_is_503_until_the_index_is_built_and_when_the_database_is_away(database_url: str) -> None:
    waiting = Assistant.from_url(database_url)  # the index is built on first use: not yet
    away = Assistant.from_url(database_url)
    away.refresh_if_stale()
    built = away.version
    # Then its database goes away (nothing listens on a port once its probe socket is closed).
    away.engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/ogp")
    current: list[Assistant | None] = [None]
    server = await HealthServer(lambda: current[0]).start("127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as client:
            starting = await client.get("/healthz")
            current[0] = waiting
            building = await client.get("/healthz")
            waiting.refresh_if_stale()
            ready = await client.get("/healthz")
            current[0] = away
            unreachable = await client.get("/healthz")
    finally:
        await server.stop()
    assert starting.status_code == 503 and starting.json()["index_ready"] is False
    assert building.status_code == 503
    assert building.json() == {"database": "ok", "dataset_version": waiting.stored_version(), "index_version": None,
                               "index_ready": False}
    assert ready.status_code == 200 and ready.json()["index_ready"] is True
    assert unreachable.status_code == 503
    assert unreachable.json() == {"database": "unavailable", "dataset_version": None, "index_version": built,
                                  "index_ready": True}


def test_refreshes_are_counted_by_outcome(assistant: Assistant, mini_dataset: Dataset) -> None:
    def count(outcome: str) -> float:
        return REGISTRY.get_sample_value("ogp_bot_refreshes_total", {"kind": "import", "outcome": outcome}) or 0.0

    applied, failed = count("applied"), count("failed")
    apply(assistant.engine, mini_dataset, mode="merge")
    broken = mini_dataset.model_copy(update={"commitments": [c.model_copy(update={"member": "nowhere"})
                                                             for c in mini_dataset.commitments]})
    with pytest.raises(DataError):
        apply(assistant.engine, broken, mode="merge")
    assert (count("applied"), count("failed")) == (applied + 1, failed + 1)


def test_the_health_server_runs_in_webhook_mode_and_where_metrics_port_asks() -> None:
    def settings(**values: object) -> Settings:
        return load_settings(**{"telegram_bot_token": "1:x", "webhook_url": None, "metrics_port": None,
                                "_env_file": None, **values})

    assert health_port(settings(webhook_url="https://bot.example.org/telegram")) == DEFAULT_PORT
    assert health_port(settings()) is None  # polling without METRICS_PORT
    assert health_port(settings(metrics_port=9100)) == 9100
