"""Set French translations in locales/fr/LC_MESSAGES/messages.po from a JSON object {msgid: msgstr}.

    .venv/bin/python tools/i18n_set.py translations.json     (or - for standard input)

Runs `make i18n` first (extract + update), then fills the given strings and recompiles; all under a
file lock, so that several people (or agents) editing catalogs at once never lose each other's work.
For plural messages give the msgid of the singular and a list of msgstr forms.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    source = sys.argv[1] if len(sys.argv) > 1 else "-"
    translations = json.load(sys.stdin if source == "-" else open(source, encoding="utf-8"))
    with open(ROOT / "locales" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["make", "-s", "i18n"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        with PO.open("rb") as fp:
            catalog = read_po(fp, locale="fr")
        unknown = []
        for msgid, msgstr in translations.items():
            message = next((m for m in catalog if m.id == msgid or (isinstance(m.id, tuple) and m.id[0] == msgid)),
                           None)
            if message is None:
                unknown.append(msgid)
                continue
            if isinstance(message.id, tuple):
                forms = list(msgstr) if isinstance(msgstr, list) else [msgstr]
                # French has three plural forms in CLDR (one, many, other): the last given fills the rest.
                forms += [forms[-1]] * (catalog.num_plurals - len(forms))
                message.string = tuple(forms[:catalog.num_plurals])
            else:
                message.string = msgstr
            message.flags.discard("fuzzy")
        with PO.open("wb") as fp:
            write_po(fp, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
        subprocess.run(["make", "-s", "catalogs"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"set {len(translations) - len(unknown)} translations; {len(missing)} messages still untranslated")
    for msgid in unknown:
        print(f"not in the catalog (not extracted from the code?): {msgid!r}", file=sys.stderr)
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
