"""The console front ends over the core: `ask` (one question, or each line of stdin) and `chat`."""

from __future__ import annotations

import json
import sys

from bot.common.config import Settings
from bot.core.service import Assistant
from bot.core.types import Answer, Context


def _assistant(settings: Settings) -> Assistant:
    return Assistant.from_url(settings.sqlalchemy_url, default_language=settings.default_language,
                              ogp_base_url=settings.ogp_base_url)


def _print(answer: Answer, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(answer.text + "\n\n")
    sys.stdout.flush()


def ask(settings: Settings, *, question: str | None, lang: str, as_json: bool, conversation: bool) -> int:
    assistant = _assistant(settings)
    forced = None if lang == "auto" else lang
    if question is not None:
        _print(assistant.answer(question, lang=forced), as_json)
        return 0
    context = Context()
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        answer = assistant.answer(line, context=context if conversation else Context(), lang=forced)
        if conversation:
            context = answer.context
        _print(answer, as_json)
    return 0


def chat(settings: Settings, *, lang: str) -> int:
    assistant = _assistant(settings)
    forced = None if lang == "auto" else lang
    interactive = sys.stdin.isatty()
    if interactive:
        print(assistant.greeting(lang=forced or settings.default_language).text)
        print("(/quit to leave)\n")
    context = Context()
    while True:
        if interactive:
            sys.stdout.write("you> ")
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            break
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit", "/q"):
            break
        answer = assistant.answer(line, context=context, lang=forced)
        context = answer.context
        prefix = "bot> " if interactive else ""
        sys.stdout.write(prefix + answer.text.replace("\n", "\n" + " " * len(prefix)) + "\n\n")
        sys.stdout.flush()
    return 0
