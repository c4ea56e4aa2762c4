"""The one way numbers written by people or carried by buttons are read: ASCII digits only, bounded.

`str.isdigit` is true for '²', '١' or '𝟗', and `int()` then fails on some ('²') and silently accepts others
('١' is 1): command arguments, callback data, inline offsets and HTTP headers go through `parse_number` instead.
"""

from __future__ import annotations

import re

MAX_DIGITS = 18  # far beyond any count, offset or id the bot reads; keeps int() cheap on hostile input
_ASCII_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def parse_number(text: str | None, *, minimum: int = 0, maximum: int = 10**MAX_DIGITS - 1) -> int | None:
    """The number `text` writes in ASCII digits (no sign, no spaces), if it lies in [minimum, maximum];
    else None."""
    if text is None or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None
