"""A small run of `make load` (bench/load.py) in the test suite: 300 updates from 30 users (questions in French
and English, commands, buttons, inline queries) through the real bot while the fake Bot API answers 429, 500,
503, drops connections and answers slowly: every update answered exactly once, in its chat's order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


def test_300_updates_with_faults_are_each_answered_exactly_once() -> None:
    run = subprocess.run([sys.executable, "-m", "bench.load", "--users", "30", "--faults-only", "--smoke", "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    [result] = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert result["problems"] == []
    assert result["exactly_once"] == result["updates"] == 300
    assert result["kinds"] == {"message": 180, "callback": 60, "inline": 60}
    injected = result["injected"]
    assert {"429", "500", "503", "499"} <= set(injected["sendMessage"])  # 499: a dropped connection
    assert set(injected["getUpdates"]) & {"500", "499"}
