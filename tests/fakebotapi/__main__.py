"""Run the fake Bot API on its own: `python -m tests.fakebotapi [PORT] [--limits]` prints "PORT <n>" and serves
until killed (benchmarks run it in its own process, on another core; see the /_control routes). `--limits`
enforces Telegram's per-chat flood limits (server.ChatLimits)."""

from __future__ import annotations

import asyncio
import sys

from .server import FakeBotApi


async def serve(port: int, limits: bool) -> None:
    api = await FakeBotApi(limits=limits).start(port=port)
    print(f"PORT {api.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--limits"]
    asyncio.run(serve(int(arguments[0]) if arguments else 0, "--limits" in sys.argv[1:]))
