"""`python -m bot import PATH...`: files, folders and .zip archives into the database.

Exit status 0 when the import was applied (with --partial: when at least one file was), 1 when the
input was refused (nothing changed; the message names the file and the place), 2 for a path that
does not exist.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.common.config import Settings
from bot.dataset.errors import DataError
from bot.dataset.load import ensure_data
from bot.importing.pipeline import run_import
from bot.importing.sources import read_paths
from bot.importing.summary import render_summary
from bot.storage.db import engine_for


def import_paths(settings: Settings, paths: list[Path], *, partial: bool = False, dry_run: bool = False,
                 replace: bool = False) -> int:
    missing = [p for p in paths if not p.exists()]
    if missing:
        for path in missing:
            print(f"{path}: no such file or folder", file=sys.stderr)
        return 2
    try:
        files, skipped = read_paths(paths)
    except DataError as error:
        print(f"import refused, nothing changed:\n{error}", file=sys.stderr)
        return 1
    for name, why in skipped:
        print(f"skipped {name}: {why}", file=sys.stderr)
    engine = engine_for(settings.sqlalchemy_url)
    if not (dry_run or replace):
        ensure_data(engine)  # a fresh install starts from the bundled data, and the import goes over it
    try:
        report = run_import(engine, files, actor="cli", kind="import", dry_run=dry_run, partial=partial,
                            replace=replace, max_bytes=settings.import_max_bytes)
    except DataError as error:
        print(f"import refused, nothing changed:\n{error}", file=sys.stderr)
        return 1
    print(render_summary(report, "en"))
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
