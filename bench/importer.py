"""Importer speed: OGP pages parsed per second (text -> canonical values), and pages folded into records
per second (the whole import without the database), on the dev pages repeated for a stable figure.
Target: at least 1,000 pages parsed per second on one core.

    python -m bench.importer
"""

from __future__ import annotations

import gc
import json
import time

from bot.common.paths import DATA_DIR
from bot.importing import values
from bot.importing.pipeline import assemble, parse_file
from bot.importing.sources import InputFile, expand, read_paths

PAGES = DATA_DIR / "sources" / "ogp_pages"
TARGET = 1000.0


def _pages() -> tuple[list[InputFile], dict]:  # type: ignore[type-arg]
    files, _ = read_paths([PAGES])
    expanded = expand(files, max_bytes=20 * 1024 * 1024)
    return expanded.files, expanded.metadata


def run(min_seconds: float = 1.0) -> dict[str, float]:
    """Parse the dev pages over and over for at least `min_seconds`; then fold them all into records."""
    files, metadata = _pages()
    for order, item in enumerate(files):  # warm the caches (vocabulary, labels) as a running bot has them
        parse_file(item, order=order, meta=metadata.get(item.name))
    gc.collect()
    parsed_count, rounds = 0, 0
    start = time.perf_counter()
    while True:
        # Fresh caches every round: the figure is for pages never seen before (labels still repeat).
        values.clear_caches()
        for order, item in enumerate(files):
            parse_file(item, order=order, meta=metadata.get(item.name))
        parsed_count += len(files)
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds and rounds >= 3:
            break
    parse_rate = parsed_count / elapsed
    parsed = [parse_file(item, order=order, meta=metadata.get(item.name)) for order, item in enumerate(files)]
    start = time.perf_counter()
    dataset = assemble(parsed).dataset
    fold_seconds = time.perf_counter() - start
    total_bytes = sum(len(f.data) for f in files)
    return {"pages": len(files), "rounds": rounds, "pages_parsed": parsed_count,
            "pages_per_second": round(parse_rate, 1), "ms_per_page": round(1000 / parse_rate, 3),
            "mb_per_second": round(total_bytes * rounds / elapsed / 1e6, 2),
            "fold_pages_per_second": round(len(files) / fold_seconds, 1),
            "commitments": len(dataset.commitments), "target_pages_per_second": TARGET,
            "meets_target": parse_rate >= TARGET}


if __name__ == "__main__":
    print(json.dumps(run(), indent=1))
