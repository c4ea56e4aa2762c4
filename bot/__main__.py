"""`python -m bot` and the `ogp-bot` console script."""

from __future__ import annotations

import sys

from bot.cli.commands import main as _main


def main() -> None:
    sys.exit(_main())


if __name__ == "__main__":
    main()
