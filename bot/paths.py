"""Where the bundled files live, whether the package runs from a checkout or an image."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
LOCALES_DIR = PROJECT_ROOT / "locales"
VOCABULARY_FILE = DATA_DIR / "vocabularies.json"
BUNDLED_DATASET = DATA_DIR / "dataset.json"
