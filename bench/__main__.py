"""`make bench`: every benchmark, each in its own process (so that memory figures are its own).

    python -m bench            # all
    python -m bench core e2e   # some
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS = {
    "core": "question latency on the bundled data and on 10,000 synthetic commitments (one core)",
    "importer": "OGP pages parsed per second",
    "e2e": "updates per second through the real Application and the fake Bot API",
    "surge": "1,000 users asking at once through a fake Bot API enforcing per-chat limits: reply latency, 429s",
    "hostile": "the core's time per answer on hostile input (control characters, bidi marks, 10,000-char words)",
    "scale": "10k-commitment import, cold start and memory on SQLite and PostgreSQL",
    "replicas": "two webhook replicas on one PostgreSQL: updates per second",
    "crawl": "the OGP crawler on a local fake site, 6,000 commitments x 3 languages: pages/s, memory, re-crawl",
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    failed = []
    for name in chosen:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; known: {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        try:
            __import__(f"bench.{name}")
        except ModuleNotFoundError:
            continue
        print(f"== {name}: {BENCHMARKS[name]}", flush=True)
        start = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"])
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
