"""Input files: from paths (files, folders), and out of .zip archives, with safety limits.

Archives are read in memory, never extracted to disk, and still checked like hostile input: names
that climb out of the archive ('../', absolute paths), archives inside archives, members over the
size cap, total expansion over a multiple of the cap, and compression ratios only zip bombs reach.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from bot.dataset.errors import DataError, Problem

INDEX_NAME = "index.jsonl"  # optional per folder: one JSON object per file (file, url, id, lang, retrieved)
READABLE = (".txt", ".text", ".html", ".htm", ".xhtml", ".json", ".csv", ".zip", ".jsonl")
MAX_MEMBERS = 5000
EXPANSION_FACTOR = 10  # an archive may hold at most this many times the size cap, all members together
MAX_RATIO = 200  # no real page compresses 200:1; zip bombs do
_NATURAL = re.compile(r"(\d+)")


@dataclass(frozen=True)
class InputFile:
    """One file of an import: its name (shown in every message about it) and its bytes."""

    name: str
    data: bytes


@dataclass
class Expanded:
    files: list[InputFile] = field(default_factory=list)
    metadata: dict[str, dict[str, Any]] = field(default_factory=dict)  # file name -> its index.jsonl row
    problems: list[Problem] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


def _natural(name: str) -> list[Any]:
    return [int(p) if p.isdigit() else p.lower() for p in _NATURAL.split(name)]


def read_paths(paths: list[Path]) -> tuple[list[InputFile], list[tuple[str, str]]]:
    """The files named (folders: every readable file inside, in natural order). Missing paths and
    unreadable files are DataErrors; files of other kinds inside folders are skipped and listed."""
    files: list[InputFile] = []
    skipped: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            for child in sorted((p for p in path.rglob("*") if p.is_file()), key=lambda p: _natural(str(p))):
                relative = child.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if child.suffix.lower() not in READABLE:
                    skipped.append((str(child), f"not a file the importer reads ({', '.join(READABLE)})"))
                    continue
                files.append(_read(child, problems))
        elif path.exists():
            files.append(_read(path, problems))
        else:
            problems.append(Problem(str(path), "", "no such file or folder"))
    if problems:
        raise DataError(problems)
    return files, skipped


def _read(path: Path, problems: list[Problem]) -> InputFile:
    try:
        return InputFile(str(path), path.read_bytes())
    except OSError as error:
        problems.append(Problem(str(path), "", f"cannot read the file: {error.strerror}"))
        return InputFile(str(path), b"")


def is_zip(item: InputFile) -> bool:
    return item.name.lower().endswith(".zip") or item.data[:4] == b"PK\x03\x04"


def expand(inputs: list[InputFile], *, max_bytes: int) -> Expanded:
    """Archives opened, size caps applied, index.jsonl files read as metadata of their folder."""
    out = Expanded()
    for item in inputs:
        if len(item.data) > max_bytes:
            out.problems.append(Problem(item.name, "", f"the file is {len(item.data):,} bytes, over the limit of "
                                                       f"{max_bytes:,} bytes"))
        elif is_zip(item):
            _unzip(item, max_bytes, out)
        else:
            out.files.append(item)
    kept = []
    for item in out.files:
        # "pages.zip:index.jsonl": the index at an archive's root is the archive's own.
        if PurePosixPath(item.name.replace("\\", "/").rsplit(":", 1)[-1]).name == INDEX_NAME:
            _read_index(item, out)
        else:
            kept.append(item)
    out.files = kept
    return out


def _unsafe(name: str) -> str | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "an absolute path"
    if ".." in path.parts:
        return "a path that leaves the archive ('..')"
    return None


def _unzip(item: InputFile, max_bytes: int, out: Expanded) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(item.data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as error:
        out.problems.append(Problem(item.name, "", f"not a readable zip archive ({error})"))
        return
    members = [i for i in infos if not i.is_dir() and not i.filename.startswith("__MACOSX/")
               and not PurePosixPath(i.filename.replace("\\", "/")).name.startswith(".")]
    if len(members) > MAX_MEMBERS:
        out.problems.append(Problem(item.name, "", f"the archive holds {len(members):,} files, over the limit of "
                                                   f"{MAX_MEMBERS:,}"))
        return
    budget = max_bytes * EXPANSION_FACTOR
    for info in sorted(members, key=lambda i: _natural(i.filename)):
        name = f"{item.name}:{info.filename}"
        unsafe = _unsafe(info.filename)
        if unsafe:
            out.problems.append(Problem(name, "", f"refused: {unsafe}"))
            continue
        if info.filename.lower().endswith(".zip"):
            out.problems.append(Problem(name, "", "refused: archives inside archives are not read"))
            continue
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
            out.problems.append(Problem(name, "", f"refused: compressed {info.file_size // info.compress_size}:1, "
                                                  "the mark of a zip bomb"))
            continue
        limit = min(max_bytes, budget)
        try:
            with archive.open(info) as stream:
                data = stream.read(limit + 1)  # never trust the sizes the archive declares
        # A damaged stream: zlib.error for bad deflate data, EOFError when it ends early.
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError, zlib.error,
                EOFError) as error:
            out.problems.append(Problem(name, "", f"cannot be read from the archive ({error})"))
            continue
        if len(data) > limit:
            what = "the size cap" if limit == max_bytes else "what the archive may expand to in all"
            out.problems.append(Problem(name, "", f"refused: larger than {what} ({limit:,} bytes)"))
            continue
        budget -= len(data)
        out.files.append(InputFile(name, data))
    if not members:
        out.problems.append(Problem(item.name, "", "the archive holds no files"))


def _read_index(item: InputFile, out: Expanded) -> None:
    """index.jsonl: one JSON object per line naming a file of its folder and its url, id, lang, retrieved."""
    folder = item.name[: -len(INDEX_NAME)]
    try:
        text = item.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        out.problems.append(Problem(item.name, "", "the index is not UTF-8 text"))
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            out.problems.append(Problem(item.name, f"line {number} column {error.colno}", f"invalid JSON: {error.msg}"))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            out.problems.append(Problem(item.name, f"line {number}", "each line must be an object with a \"file\""))
            continue
        out.metadata[folder + row["file"]] = row
