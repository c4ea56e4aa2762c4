"""Importer fuzzing, beyond the corpus of test_importer_inputs: truncated, nested-too-deep and huge JSON, HTML
full of scripts, wrong encodings, zip bombs, path traversal inside archives, and random damage to good files.
Every bad file is refused with a located error naming it, and nothing changes: the dataset version and the row
count of every table are as before."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from conftest import POSTGRES_ADMIN_URL
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from bot.common.paths import DATA_DIR
from bot.dataset.errors import DataError
from bot.dataset.store import current_version, read_dataset
from bot.importing.html import html_to_page
from bot.importing.pipeline import assemble, read_inputs, run_import
from bot.importing.sources import MAX_MEMBERS, InputFile
from bot.storage.db import make_engine, upgrade

FIXTURES = Path(__file__).parent / "fixtures"
PAGE = (DATA_DIR / "sources" / "ogp_pages" / "FR0037_en_1.txt").read_bytes()
HTML = (FIXTURES / "importer" / "html" / "FR0038_en_full.html").read_bytes()
MINI = (FIXTURES / "mini_dataset.json").read_bytes()
CSV = (FIXTURES / "importer" / "csv" / "export.csv").read_bytes()
MB = 1024 * 1024


def zipped(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def lying_sizes(data: bytes) -> bytes:
    """The archive with its one member's uncompressed size declared as 10 bytes (local header and directory)."""
    raw = bytearray(data)
    local = raw.find(b"PK\x03\x04")
    central = raw.find(b"PK\x01\x02")
    struct.pack_into("<I", raw, local + 22, 10)
    struct.pack_into("<I", raw, central + 24, 10)
    return bytes(raw)


def bad_stream(data: bytes) -> bytes:
    """The archive with its first member's deflate stream made invalid (a block of the reserved type)."""
    raw = bytearray(data)
    name_length = struct.unpack_from("<H", raw, 26)[0]
    raw[30 + name_length] = 0xFF
    return bytes(raw)


def nested(levels: int) -> bytes:
    return b'{"format": "ogp-bot-dataset", "format_version": 1, "description": ' + b"[" * levels + b"]" * levels \
        + b', "commitments": []}'


def shift(data: bytes, line: int, insert: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[line - 1] = lines[line - 1] + insert
    return b"\n".join(lines)


# (file name, content, the start of the expected problem)
CORPUS = [
    # truncated JSON
    ("cut_third.json", MINI[: len(MINI) // 3], "cut_third.json: line "),
    ("cut_last_byte.json", MINI[:-1].rstrip(b"}\n "), "cut_last_byte.json: line "),
    ("cut_in_escape.json", b'{"format": "ogp-bot-dataset", "description": "caf\\u00',
     "cut_in_escape.json: line 1 column"),
    ("only_brace.json", b"{", "only_brace.json: line 1 column 2: invalid JSON"),
    ("not_an_object.json", b"[1, 2, 3]", "not_an_object.json: a dataset is a JSON object"),
    # nested too deep
    ("deep65.json", nested(65), "deep65.json: JSON nested deeper than 64 levels"),
    ("deep100k.json", nested(100_000), "deep100k.json: JSON nested deeper than 64 levels"),
    # huge
    ("huge.json", b'{"commitments": [' + b'{"id": "FR0001"},' * 120_000 + b"{}]}", "huge.json: the file is "),
    ("long_number.json", b'{"format": "ogp-bot-dataset", "format_version": ' + b"7" * 5000 + b"}",
     "long_number.json: line 1 column 49: a number with thousands of digits"),
    ("infinite.json", b'{"format": "ogp-bot-dataset", "format_version": 1e999, "commitments": []}',
     "infinite.json: format_version: "),
    ("nan.json", b'{"format": "ogp-bot-dataset", "format_version": NaN, "commitments": []}',
     "nan.json: format_version"),
    # HTML that is all scripts
    ("scripts.html", b"<html><head><script>var page = 'Administrative Capacity-Building (FR0038)';</script>"
                     b"<style>body{}</style></head><body><script>document.write('Action Plan: x')</script>"
                     b"<noscript></noscript></body></html>", "scripts.html: this HTML page has no text"),
    # wrong encodings
    ("latin1.json", '{"format": "ogp-bot-dataset", "description": "données"}'.encode("latin-1"),
     "latin1.json: line 1: byte 50 is not UTF-8"),
    ("latin1.csv", "id,title\nFR0038,Intitulé\n".encode("latin-1"), "latin1.csv: line 2: byte 23 is not UTF-8"),
    ("stray_cr.csv", b"id,title\nFR0038,Admin\ristrative\n", "stray_cr.csv: line "),
    ("latin1_line_30.txt", shift(PAGE, 30, "é".encode("latin-1")), "latin1_line_30.txt: line 30: byte "),
    ("utf16le.txt", PAGE.decode().encode("utf-16-le"), "utf16le.txt: this looks like UTF-16 text without a byte-order"),
    ("utf16be.json", MINI.decode().encode("utf-16-be"), "utf16be.json: this looks like UTF-16 text without a byte"),
    ("utf16le.html", HTML.decode().encode("utf-16-le"), "utf16le.html: this looks like UTF-16 text without a byte"),
    ("utf16_bom.csv", CSV.decode().encode("utf-16"), "utf16_bom.csv: line 1: byte 0 is not UTF-8"),
    ("shift_jis.txt", "行動計画 (FR0038)".encode("shift_jis"), "shift_jis.txt: line 1: byte "),
    # zip bombs
    ("bomb.zip", zipped({"zeros.txt": b"\0" * (30 * MB)}), "bomb.zip:zeros.txt: refused: compressed "),
    ("members.zip", zipped({f"p{i}.txt": b"" for i in range(MAX_MEMBERS + 1)}, compression=zipfile.ZIP_STORED),
     f"members.zip: the archive holds {MAX_MEMBERS + 1:,} files, over the limit of {MAX_MEMBERS:,}"),
    ("nested.zip", zipped({"inner.zip": zipped({"zeros.txt": b"\0" * MB})}),
     "nested.zip:inner.zip: refused: archives inside archives are not read"),
    ("lying.zip", lying_sizes(zipped({"page.txt": PAGE})), "lying.zip:page.txt: cannot be read from the archive"),
    ("cut.zip", zipped({"page.txt": PAGE})[:300], "cut.zip: not a readable zip archive"),
    ("bad_stream.zip", bad_stream(zipped({"page.txt": PAGE})), "bad_stream.zip:page.txt: cannot be read from the "),
    # path traversal inside archives
    ("up.zip", zipped({"../evil.txt": PAGE}), "up.zip:../evil.txt: refused: a path that leaves the archive"),
    ("deep_up.zip", zipped({"pages/../../../etc/cron.d/x.txt": PAGE}),
     "deep_up.zip:pages/../../../etc/cron.d/x.txt: refused: a path that leaves the archive"),
    ("backslash.zip", zipped({"..\\..\\windows\\x.txt": PAGE}),
     "backslash.zip:..\\..\\windows\\x.txt: refused: a path that leaves the archive"),
    ("absolute.zip", zipped({"/etc/passwd.txt": PAGE}), "absolute.zip:/etc/passwd.txt: refused: an absolute path"),
    ("drive.zip", zipped({"C:\\Windows\\x.txt": PAGE}), "drive.zip:C:\\Windows\\x.txt: refused: an absolute path"),
    ("unc.zip", zipped({"\\\\server\\share\\x.txt": PAGE}), "unc.zip:\\\\server\\share\\x.txt: refused: an absolute"),
]


def counts(engine: Engine) -> tuple[int, dict[str, int]]:
    """The dataset version and the number of rows of every table."""
    with Session(engine) as session:
        rows = {table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables}
        return current_version(session), rows


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A database holding data (the bad imports below must leave it exactly so): one per module and backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    else:
        base, name = request.getfixturevalue("postgres_url").rsplit("/", 1)
        name = f"{name}_fuzz_import"
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{base}/{name}"
    engine = make_engine(url)
    upgrade(engine)
    run_import(engine, [InputFile("mini.json", MINI), InputFile("FR0037_en_1.txt", PAGE)], actor="test")
    yield engine
    engine.dispose()
    if request.param == "postgres":
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize(("name", "data", "message"), CORPUS, ids=[c[0] for c in CORPUS])
def test_bad_input_is_refused_with_its_place_and_changes_nothing(loaded: Engine, name: str, data: bytes,
                                                                 message: str) -> None:
    before = counts(loaded)
    with pytest.raises(DataError) as error:
        run_import(loaded, [InputFile("FR0036_en_1.txt", (DATA_DIR / "sources" / "ogp_pages" / "FR0036_en_1.txt")
                                      .read_bytes()), InputFile(name, data)], actor="test", max_bytes=MB)
    assert any(str(p).startswith(message) for p in error.value.problems), str(error.value)[:500]
    assert counts(loaded) == before  # not even the good page of the same run


def test_scripts_and_handlers_in_a_good_page_never_reach_the_data(sqlite_engine: Engine) -> None:
    hostile = HTML.replace(b"<body", b"<body onload=\"steal()\"", 1) \
        .replace(b"</h1>", b"<script>document.title='INJECTED-1'</script></h1>", 1) \
        .replace(b"</body>", b"<iframe srcdoc=\"<p>INJECTED-2</p>\"></iframe><style>p{content:'INJECTED-3'}</style>"
                             b"<template><p>INJECTED-4</p></template><noscript>INJECTED-5</noscript></body>", 1)
    report = run_import(sqlite_engine, [InputFile("FR0038_en_full.html", hostile)], actor="test")
    assert report.counts["added"] == 1
    with Session(sqlite_engine) as session:
        stored = read_dataset(session).model_dump_json()
    assert "INJECTED" not in stored and "steal()" not in stored and "<script" not in stored


def test_control_characters_in_html_attributes_are_ignored() -> None:
    page = html_to_page(HTML.replace(b'charset="UTF-8"', b'charset=\x12"UTF-8"').replace(b'lang="en-US"',
                                                                                       b'lang="en\x00-US"'), "x.html")
    assert "Administrative Capacity-Building (FR0038)" in page.text.splitlines()


# -- random damage to good files: refused (DataError) or imported, never another exception --------------------

GOOD = [("FR0037_en_1.txt", PAGE), ("FR0038_en_full.html", HTML), ("mini.json", MINI), ("export.csv", CSV),
        ("pages.zip", zipped({"FR0037_en_1.txt": PAGE, "mini.json": MINI}))]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))  # more for a longer hunt: FUZZ_EXAMPLES=10000
HOSTILE_BYTES = [b"\x00", b"\xff", b"\xc3", b"\xe2\x80\xae", b"<", b">", b"&", b'"', b"\\", b"\n", b"\r", b"{", b"[",
                 b"}", b",", b":", b"PK\x03\x04", b"<script>", b"(FR0038)", b"Action Plan:", b"\xef\xbb\xbf"]


@st.composite
def damaged(draw: st.DrawFn) -> InputFile:
    name, data = draw(st.sampled_from(GOOD))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["cut", "flip", "insert", "delete", "repeat"]))
        if kind == "cut":
            data = data[:at]
        elif kind == "flip" and at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
        elif kind == "insert":
            data = data[:at] + draw(st.sampled_from(HOSTILE_BYTES)) + data[at:]
        elif kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 200)):]
        else:
            data = data[:at] + data[at:at + 50] * draw(st.integers(2, 50)) + data[at:]
    return InputFile(name, data)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_files_are_refused_or_imported_never_a_crash(item: InputFile) -> None:
    try:
        parsed, _, _ = read_inputs([item], max_bytes=MB, partial=False)
        assemble(parsed)
    except DataError as error:
        assert error.problems and all(p.source.startswith(item.name) or p.source == "import" or "," in p.source
                                      for p in error.problems), str(error)

