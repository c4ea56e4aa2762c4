"""Run the fake OGP site on its own: `python -m tests.fakeogp [--commitments N] [--port P]` prints "PORT <n>" and
serves until killed (the benchmark runs it in its own process, on another core). Without --commitments it serves
the fixture pages; with it, N synthetic commitments x 3 languages (pages.synthetic_pages)."""

from __future__ import annotations

import argparse
import asyncio

from .pages import fixture_pages, synthetic_pages
from .server import FakeOgpSite


async def serve(commitments: int | None, port: int) -> None:
    pages = synthetic_pages(commitments) if commitments else fixture_pages()
    site = await FakeOgpSite(pages, disallowed="").start(port=port)
    print(f"PORT {site.port} PAGES {len(pages)}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m tests.fakeogp")
    parser.add_argument("--commitments", type=int, default=None)
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    asyncio.run(serve(options.commitments, options.port))
