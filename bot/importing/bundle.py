"""`python -m bot.importing.bundle` (`make data`): regenerate data/dataset.json.

The pages under data/sources (data/sources/sources.json lists the folders) are imported with the
project's own importer, then the hand-written records of data/editorial/*.json are laid over them:
hand-written facts win, field by field. The output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.common.paths import BUNDLED_DATASET, DATA_DIR
from bot.dataset.reader import read_dataset_file, validate_dataset
from bot.dataset.schema import Dataset
from bot.importing.pipeline import Parsed, assemble, read_inputs
from bot.importing.sources import read_paths

SOURCES_DIR = DATA_DIR / "sources"
EDITORIAL_DIR = DATA_DIR / "editorial"
DESCRIPTION = ("OGP commitments imported from opengovpartnership.org pages (Open Government Partnership, CC BY 4.0; "
               "each record keeps its source URLs and retrieval date), with hand-written records from "
               "data/editorial laid over them.")
MAX_BYTES = 20 * 1024 * 1024


def _sources(folder: Path) -> list[tuple[Path, datetime | None]]:
    manifest = json.loads((folder / "sources.json").read_text(encoding="utf-8"))
    out = []
    for key, entry in manifest.items():
        if key.startswith("_"):
            continue
        date = entry.get("retrieved")
        out.append((folder / entry["path"], datetime.fromisoformat(date).replace(tzinfo=UTC) if date else None))
    return out


def _display(path: Path) -> str:
    root = DATA_DIR.parent
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def build(sources_dir: Path = SOURCES_DIR, editorial_dir: Path = EDITORIAL_DIR) -> Dataset:
    parsed: list[Parsed] = []
    for path, retrieved in _sources(sources_dir):
        files, _ = read_paths([path])
        found, _, _ = read_inputs(files, max_bytes=MAX_BYTES, partial=False, retrieved_at=retrieved)
        parsed.extend(found)
    for path in sorted(editorial_dir.glob("*.json")) if editorial_dir.is_dir() else []:
        parsed.append(Parsed(_display(path), "dataset", dataset=read_dataset_file(path)))
    dataset = assemble(parsed).dataset
    dataset.description = DESCRIPTION
    # The bundle must load as any dataset would: validate it the way the loader does.
    return validate_dataset(json.loads(dataset.model_dump_json(exclude_none=True)), "data/dataset.json")


def render(dataset: Dataset) -> str:
    return json.dumps(dataset.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1) + "\n"


def describe(dataset: Dataset) -> str:
    """Commitments by member and by language of their title, for the log of `make data`."""
    by_member = Counter(c.member for c in dataset.commitments)
    by_lang = Counter(lang for c in dataset.commitments for lang in c.title)
    partial = sum(1 for c in dataset.commitments if c.partial)
    lines = [f"{len(dataset.commitments)} commitments, {len(dataset.members)} members, "
             f"{len(dataset.action_plans)} action plans, {partial} partial"]
    lines.append("by member: " + ", ".join(f"{m} {n}" for m, n in sorted(by_member.items())))
    lines.append("titles by language: " + ", ".join(f"{lang} {n}" for lang, n in sorted(by_lang.items())))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    output = Path(argv[0]) if argv else BUNDLED_DATASET
    dataset = build()
    output.write_text(render(dataset), encoding="utf-8")
    print(f"wrote {output}\n{describe(dataset)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
