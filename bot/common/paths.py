"""Where the bundled files live (data/ and locales/), whether the package runs from a checkout or an image.

A checkout (editable install) finds them beside the package; an installed package (the Docker image)
is told where they are by OGP_BOT_HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("OGP_BOT_HOME") or Path(__file__).resolve().parents[2])  # the project
DATA_DIR = PROJECT_ROOT / "data"
LOCALES_DIR = PROJECT_ROOT / "locales"
VOCABULARY_FILE = DATA_DIR / "vocabularies.json"
BUNDLED_DATASET = DATA_DIR / "dataset.json"
