"""/healthz and /metrics on a port of their own, served by aiohttp from the bot's event loop.

Started with the Application when METRICS_PORT is set, and always in webhook mode (port 9090 unless
METRICS_PORT says otherwise): the reverse proxy and Docker's HEALTHCHECK send no traffic to a replica whose
/healthz is not 200. It listens on WEBHOOK_LISTEN, the address the bot serves on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from prometheus_client import REGISTRY
from prometheus_client.exposition import choose_encoder

from bot.common import metrics
from bot.common.config import Settings
from bot.core.service import Assistant

log = logging.getLogger(__name__)

DEFAULT_PORT = 9090
# Under the HEALTHCHECK timeout of the Dockerfile (5 s): a database that hangs gives a 503, not a timeout.
DATABASE_TIMEOUT = 3.0


def health_port(settings: Settings) -> int | None:
    """The port to serve on, or None for no server (polling mode without METRICS_PORT)."""
    if settings.metrics_port:
        return settings.metrics_port
    return DEFAULT_PORT if settings.webhook_url else None


async def check(assistant: Assistant | None) -> tuple[bool, dict[str, Any]]:
    """(healthy, details): healthy when the database answers and the index is built."""
    status: dict[str, Any] = {"database": "starting", "dataset_version": None, "index_version": None,
                              "index_ready": False}
    if assistant is None:  # services are created while the bot starts
        return False, status
    try:
        status["dataset_version"] = await asyncio.wait_for(asyncio.to_thread(assistant.stored_version),
                                                           DATABASE_TIMEOUT)
        status["database"] = "ok"
    except Exception as error:  # any failure to read one row means the database is not usable
        log.warning("health check: the database does not answer: %r", error)
        status["database"] = "unavailable"
    ready = assistant.version >= 0
    status["index_version"], status["index_ready"] = (assistant.version if ready else None), ready
    return status["database"] == "ok" and ready, status


class HealthServer:
    def __init__(self, assistant: Callable[[], Assistant | None]) -> None:
        self._assistant = assistant
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> HealthServer:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = runner.addresses[0][1]  # the port bound (port 0: one the system chose)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, request: web.Request) -> web.Response:
        healthy, status = await check(self._assistant())
        return web.json_response(status, status=200 if healthy else 503)

    async def _metrics(self, request: web.Request) -> web.Response:
        assistant = self._assistant()
        metrics.INDEX_VERSION.set(assistant.version if assistant is not None else -1)
        # The format the scraper asks for (Prometheus text or OpenMetrics), as prometheus_client's own server does.
        encode, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encode(REGISTRY), headers={"Content-Type": content_type})


async def start(settings: Settings, assistant: Callable[[], Assistant | None]) -> HealthServer | None:
    """The server for these settings, started; None when there is none to run.

    A port that cannot be bound stops start-up when METRICS_PORT asked for it; the implicit default of
    webhook mode only logs the error (the bot still answers; the health check will say what is missing)."""
    port = health_port(settings)
    if port is None:
        return None
    try:
        server = await HealthServer(assistant).start(settings.webhook_listen, port)
    except OSError as error:
        if settings.metrics_port:
            raise
        log.error("no health server: cannot listen on %s:%s (%s); set METRICS_PORT", settings.webhook_listen,
                  port, error)
        return None
    log.info("health and metrics on http://%s:%s/healthz and /metrics", settings.webhook_listen, server.port)
    return server
