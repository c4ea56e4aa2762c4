"""Catalogs: every message has a French translation, not fuzzy, with the same placeholders;
formatting follows the reader's locale."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from bot.common.i18n import translator

LOCALES = Path(__file__).resolve().parent.parent / "locales"
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*\}")


def _catalog(lang: str):  # type: ignore[no-untyped-def]
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as fp:
        return read_po(fp, locale=lang)


def test_template_is_up_to_date(tmp_path: Path) -> None:
    """messages.pot lists exactly the messages in the code (run `make i18n` after changing strings)."""
    fresh = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "--no-location", "--sort-output", "-k", "N_", "-o", str(fresh), "."],
                   cwd=LOCALES.parent, check=True, capture_output=True)
    with fresh.open("rb") as fp:
        in_code = {m.id for m in read_po(fp) if m.id}
    with (LOCALES / "messages.pot").open("rb") as fp:
        in_template = {m.id for m in read_po(fp) if m.id}
    assert in_code == in_template, "run `make i18n`: the template differs from the code"


def test_french_catalog_is_complete() -> None:
    with (LOCALES / "messages.pot").open("rb") as fp:
        template = {m.id for m in read_po(fp) if m.id}
    french = _catalog("fr")
    problems = []
    for msgid in sorted(template, key=str):
        message = french.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if message is None or not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            problems.append(f"missing: {msgid!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        else:
            ids = msgid if isinstance(msgid, tuple) else (msgid,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(PLACEHOLDER.findall(ids[-1]))
            for number, s in enumerate(strings):
                used = set(PLACEHOLDER.findall(s))
                # The singular form may leave the count out ("the other one"); every other form uses them all.
                if used != wanted and not (len(ids) > 1 and number == 0 and used <= wanted):
                    problems.append(f"placeholders differ: {msgid!r} -> {s!r}")
    assert problems == []


def test_formatting_follows_the_locale() -> None:
    en, fr = translator("en"), translator("fr")
    assert en.join(["A", "B", "C"]) == "A, B, and C"
    assert fr.join(["A", "B", "C"]) == "A, B et C"
    assert en.number(12345.5) == "12,345.5"
    assert fr.number(12345.5).replace("\u202f", " ") == "12 345,5"
    assert en.partial_date("2018-09") == "September 2018"
    assert fr.partial_date("2020-12-31") == "31 décembre 2020"
    assert fr.partial_date("2019") == "2019"
