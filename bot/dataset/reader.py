"""Read a canonical JSON dataset file and validate it completely, or say every problem with its place."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.common.vocab import Vocabulary, vocabulary
from bot.dataset.errors import DataError, Problem, json_path
from bot.dataset.schema import IRM_VOCABULARY, Dataset

MAX_JSON_DEPTH = 64
_LONG_NUMBER = re.compile(r"-?\d{4000,}")
_INNER_PATH = re.compile(r"^([a-z_]+\[\d+\](?:\.[a-z_]+)*): (.*)$", re.S)
# A field's own check names the place inside the field: ".en: ...", "[1].fr: ..." (bot/dataset/schema.py).
_IN_FIELD = re.compile(r"^((?:\.[a-z_]+|\[\d+\])+): (.*)$", re.S)


def not_text(raw: bytes) -> str | None:
    """Why `raw` is not text at all (NUL bytes near the start), or None."""
    head = raw[:4096]
    if b"\x00" not in head or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None
    # Text of the ASCII range in UTF-16: every other byte NUL, the others not.
    zeros = sorted((head[0::2].count(0), head[1::2].count(0)))
    if len(head) >= 16 and zeros[1] > 0.9 * (len(head) // 2) and zeros[0] < 0.1 * (len(head) // 2):
        return "this looks like UTF-16 text without a byte-order mark: save it as UTF-8"
    return "this is a binary file, not text"


def decode_text(raw: bytes, source: str) -> str:
    """UTF-8 text (a BOM is allowed), or a located error for empty or non-UTF-8 input."""
    if not raw.strip():
        raise DataError.one(source, "the file is empty")
    if (reason := not_text(raw)) is not None:
        raise DataError.one(source, reason)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise DataError.one(source, f"byte {err.start} is not UTF-8 (the file must be UTF-8 text)",
                            f"line {line}") from None


def _depth(value: Any, limit: int) -> int:
    """Nesting depth, stopping early past `limit` (iterative: deep input must not exhaust the stack)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _line_column(text: str, offset: int) -> str:
    line, line_start = text.count("\n", 0, offset) + 1, text.rfind("\n", 0, offset) + 1
    return f"line {line} column {offset - line_start + 1}"


def parse_json(text: str, source: str) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DataError.one(source, f"invalid JSON: {err.msg}", f"line {err.lineno} column {err.colno}") from None
    except RecursionError:
        raise DataError.one(source, f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
    except ValueError:  # an integer too long to convert (Python caps them at 4,300 digits: slow to parse)
        long = _LONG_NUMBER.search(text)
        where = "" if long is None else _line_column(text, long.start())
        raise DataError.one(source, "a number with thousands of digits: not a value of this format", where) from None
    if _depth(data, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise DataError.one(source, f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
    return data


def pydantic_problems(error: ValidationError, source: str) -> list[Problem]:
    """Located problems of a validation error (JSON paths, the places validators name themselves)."""
    problems = []
    for err in error.errors():
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        message = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] in {"string_type", "int_type", "int_parsing", "bool_type", "dict_type", "list_type",
                           "float_type", "float_parsing", "bool_parsing", "datetime_parsing",
                           "datetime_from_date_parsing"}:
            message = f"{json.dumps(err.get('input'), ensure_ascii=False)[:80]}: {message}"
        if err["type"] == "extra_forbidden":
            message = "unknown field"
        problems.append(Problem(source, *place(json_path(loc), message)))
    return problems


def place(where: str, message: str) -> tuple[str, str]:
    """(where, reason) of a validator's message that names the place itself: a cross-field check
    ("milestones[1].number: ...", inside the record) or a field's own check (".en: ...", inside the field)."""
    inner = _INNER_PATH.match(message)
    if inner:
        return (f"{where}.{inner.group(1)}" if where else inner.group(1)), inner.group(2)
    in_field = _IN_FIELD.match(message)
    if in_field:
        return f"{where}{in_field.group(1)}".lstrip("."), in_field.group(2)
    return where, message


def semantic_problems(dataset: Dataset, source: str, vocab: Vocabulary | None = None) -> list[Problem]:
    """References, duplicates and vocabulary keys: what the field types alone cannot check."""
    vocab = vocab or vocabulary()
    problems: list[Problem] = []

    def dupes(items: list[str], what: str, path: str) -> set[str]:
        seen: set[str] = set()
        for i, key in enumerate(items):
            if key in seen:
                problems.append(Problem(source, f"{path}[{i}]", f"duplicate {what} {key!r}"))
            seen.add(key)
        return seen

    members = dupes([m.id for m in dataset.members], "member id", "members")
    plans = dupes([p.id for p in dataset.action_plans], "action plan id", "action_plans")
    areas = set(vocab.keys("policy_area")) | dupes([a.key for a in dataset.policy_areas], "policy area",
                                                   "policy_areas")
    dupes([c.id for c in dataset.commitments], "commitment id", "commitments")
    plan_member = {p.id: p.member for p in dataset.action_plans}
    for i, plan in enumerate(dataset.action_plans):
        if plan.member not in members:
            problems.append(Problem(source, f"action_plans[{i}].member", f"unknown member {plan.member!r}"))
    irm_states = set(vocab.keys("irm_state"))
    for i, c in enumerate(dataset.commitments):
        here = f"commitments[{i}]"
        if c.member not in members:
            problems.append(Problem(source, f"{here}.member", f"unknown member {c.member!r}"))
        if c.action_plan is not None:
            if c.action_plan not in plans:
                problems.append(Problem(source, f"{here}.action_plan", f"unknown action plan {c.action_plan!r}"))
            elif plan_member[c.action_plan] != c.member:
                problems.append(Problem(source, f"{here}.action_plan",
                                        f"{c.action_plan!r} is a plan of {plan_member[c.action_plan]!r}, "
                                        f"not of {c.member!r}"))
        if c.status is not None and not vocab.has("status", c.status):
            problems.append(Problem(source, f"{here}.status", f"unknown status {c.status!r}"))
        for j, area in enumerate(c.policy_areas):
            if area not in areas:
                problems.append(Problem(source, f"{here}.policy_areas[{j}]", f"unknown policy area {area!r}"))
        for field, kind in IRM_VOCABULARY.items():
            value = getattr(c.irm, field)
            if value is not None and not vocab.has(kind, value) and value not in irm_states:
                problems.append(Problem(source, f"{here}.irm.{field}", f"unknown {kind} value {value!r}"))
        for j, value in enumerate(c.irm.relevance):
            if not vocab.has("relevance", value) and value not in irm_states:
                problems.append(Problem(source, f"{here}.irm.relevance[{j}]", f"unknown relevance value {value!r}"))
        for j, m in enumerate(c.milestones):
            if m.status is not None and not vocab.has("completion", m.status) and m.status not in irm_states:
                problems.append(Problem(source, f"{here}.milestones[{j}].status",
                                        f"unknown completion value {m.status!r}"))
    return problems


def validate_dataset(data: Any, source: str, vocab: Vocabulary | None = None) -> Dataset:
    """A Dataset from parsed JSON, or DataError listing every problem with its JSON path."""
    if not isinstance(data, dict):
        raise DataError.one(source, "a dataset is a JSON object with members, action_plans and commitments")
    try:
        dataset = Dataset.model_validate(data)
    except ValidationError as err:
        raise DataError(pydantic_problems(err, source)) from None
    problems = semantic_problems(dataset, source, vocab)
    if problems:
        raise DataError(problems)
    return dataset


def read_dataset_bytes(raw: bytes, source: str) -> Dataset:
    return validate_dataset(parse_json(decode_text(raw, source), source), source)


def read_dataset_file(path: Path) -> Dataset:
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise DataError.one(str(path), f"cannot read the file: {err.strerror}") from None
    return read_dataset_bytes(raw, str(path))
