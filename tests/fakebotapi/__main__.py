"""Run the fake Bot API on its own: `python -m tests.fakebotapi [PORT]` prints "PORT <n>" and serves until
killed (benchmarks run it in its own process, on another core; see the /_control routes)."""

from __future__ import annotations

import asyncio
import sys

from .server import FakeBotApi


async def serve(port: int) -> None:
    api = await FakeBotApi().start(port=port)
    print(f"PORT {api.port}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0))
