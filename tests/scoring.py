"""The semantics of ../shared/tools/score_questions.py, applied in-process to Answer objects: an item is
right when its intent is one of the expected ones, its commitment and milestone equal the expected ones
(for `search`, the expected ids must appear in the text instead), its language is the expected one, and
each `expect` group has one alternative in the text (lower-cased, without accents)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

QUESTIONS = Path(__file__).parent / "questions"


def norm(s: str | None) -> str:
    s = unicodedata.normalize("NFKD", s or "")
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace("\u00a0", " ").lower()
    return " ".join(s.split())


def judge(exp: dict[str, Any], ans: dict[str, Any] | None) -> list[str]:
    if ans is None:
        return ["no answer"]
    why = []
    intents = exp.get("intent") or []
    if intents and ans.get("intent") not in intents:
        why.append(f"intent {ans.get('intent')!r} not in {intents}")
    text = norm(ans.get("text"))
    if exp.get("lang") and ans.get("lang") != exp["lang"]:
        why.append(f"lang {ans.get('lang')!r} != {exp['lang']!r}")
    if "search" in intents and not exp.get("commitment"):
        pass
    elif "commitment" in exp:
        got, want = ans.get("commitment") or None, exp.get("commitment")
        if (got or "").upper() != (want or "").upper():
            why.append(f"commitment {got!r} != {want!r}")
    if "milestone" in exp:
        got = ans.get("milestone") or None
        if str(got or "") != str(exp.get("milestone") or ""):
            why.append(f"milestone {got!r} != {exp.get('milestone')!r}")
    for group in exp.get("expect", []):
        if not any(norm(alt) in text for alt in group):
            why.append(f"text lacks any of {group}")
    return why


def load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (QUESTIONS / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def score(assistant, items: list[dict[str, Any]]) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    """(number right, descriptions of the wrong ones)."""
    from bot.core.types import Context

    right, failures = 0, []
    for item in items:
        if "q" in item:
            reasons = judge(item, assistant.answer(item["q"]).to_json())
            label = item["q"]
        else:
            context, answers = Context(), []
            for line in item["conversation"]:
                answer = assistant.answer(line, context=context)
                context = answer.context
                answers.append(answer.to_json())
            reasons = judge(item["expect_second"], answers[1]) if "expect_second" in item else []
            reasons += judge(item["expect_last"], answers[-1])
            label = " / ".join(item["conversation"])
        if reasons:
            failures.append(f"{label}: {'; '.join(reasons)}")
        else:
            right += 1
    return right, failures
