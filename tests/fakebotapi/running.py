"""Running the real bot (bot.telegram.app) against the fake Bot API: test data, the running bot, and people
who talk to it. The pytest fixtures are in fakebotapi.harness."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.common.config import Settings, load_settings
from bot.common.paths import BUNDLED_DATASET
from bot.core.service import Assistant
from bot.dataset.load import apply
from bot.dataset.reader import read_dataset_file, validate_dataset
from bot.telegram.app import build_application, running

from .server import Call, FakeBotApi, parse_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECTORS = ["health", "education", "public works", "defence", "transport", "energy", "water", "housing", "culture",
           "agriculture", "tourism", "justice"]


def zorblax_dataset() -> dict[str, Any]:
    """Twelve commitments of a test member whose titles differ by one word: "zorblax registry" is ambiguous,
    /search zorblax and "how many commitments in Testland?" have more than one page (a made-up word and
    member, so that no real commitment matches)."""
    commitments = [{
        "id": f"TL{n:04d}", "member": "testland", "action_plan": "testland-2020-2022", "number": str(n),
        "title": {"en": f"Zorblax registry in {sector}", "fr": f"Registre zorblax : {sector}"},
        "lead_institutions": [{"en": f"Ministry of {sector.title()}"}],
        "urls": {"en": f"https://www.opengovpartnership.org/members/testland/commitments/TL{n:04d}/"},
    } for n, sector in enumerate(SECTORS, start=1)]
    return {"format": "ogp-bot-dataset", "format_version": 1, "description": "zorblax test commitments",
            "members": [{"id": "testland", "name": {"en": "Testland", "fr": "Testland"}}],
            "action_plans": [{"id": "testland-2020-2022", "member": "testland",
                              "title": {"en": "Testland Action Plan 2020-2022"}, "start_year": 2020,
                              "end_year": 2022}],
            "policy_areas": [], "commitments": commitments}


def load_test_data(engine: Engine) -> None:
    """The bundled dataset when the repository has it (else the two-commitment fixture), plus the zorblax
    commitments."""
    if not BUNDLED_DATASET.exists():
        apply(engine, read_dataset_file(FIXTURES / "mini_dataset.json"), actor="tests", mode="replace")
    apply(engine, validate_dataset(zorblax_dataset(), "zorblax"), actor="tests", mode="merge")


def make_assistant(url: str) -> Assistant:
    assistant = Assistant.from_url(url)  # loads the bundled dataset into the empty database, when there is one
    load_test_data(assistant.engine)
    assistant.refresh_if_stale()
    return assistant


def bot_settings(api: FakeBotApi, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"telegram_bot_token": api.token, "telegram_base_url": api.base_url,
                              "telegram_base_file_url": api.base_file_url, "database_url": database_url,
                              "webhook_url": None, "webhook_secret": None, "default_language": "en",
                              "admin_ids": "", "_env_file": None}
    values.update(overrides)
    return load_settings(**values)


class Person:
    """Someone writing to the bot in a private chat."""

    def __init__(self, api: FakeBotApi, user_id: int, language_code: str | None = "en") -> None:
        self.api, self.id, self.language_code = api, user_id, language_code

    def write(self, text: str) -> int:
        return self.api.send_text(text, user_id=self.id, language_code=self.language_code)

    async def say(self, text: str, *, timeout: float = 10.0) -> Call:
        """Write `text`; the bot's first message in reply."""
        mark = self.api.mark()
        self.write(text)
        return await self.api.wait_for("sendMessage", since=mark, timeout=timeout, chat_id=self.id)

    async def say_until(self, text: str, done: Callable[[list[Call]], bool], *, timeout: float = 10.0) -> list[Call]:
        """Write `text`; the bot's messages in reply, once `done(messages)` holds."""
        mark = self.api.mark()
        self.write(text)
        await self.api.wait_for("sendMessage", since=mark, timeout=timeout, chat_id=self.id,
                                where=lambda _: done(self.api.calls_of("sendMessage", since=mark, chat_id=self.id)))
        return self.api.calls_of("sendMessage", since=mark, chat_id=self.id)

    async def press(self, sent: Call, label: str, *, then: str = "sendMessage", timeout: float = 10.0
                    ) -> tuple[Call, Call]:
        """Press a button under a message the bot sent: (the callback query's answer, the bot's next `then`)."""
        mark = self.api.mark()
        query_id = self.api.press(sent, label, user_id=self.id, language_code=self.language_code)
        answered = await self.api.wait_for("answerCallbackQuery", since=mark, timeout=timeout,
                                           callback_query_id=query_id)
        following = await self.api.wait_for(then, since=mark, timeout=timeout, chat_id=self.id)
        return answered, following


def visible(call: Call) -> str:
    """What the user reads: the message's HTML parsed like Telegram does."""
    return parse_html(call.text)


class RunningBot:
    """The real Application on the fake API; `restart()` builds a new one on the same database."""

    def __init__(self, api: FakeBotApi, settings: Settings, assistant: Assistant, **build: Any) -> None:
        self.api, self.settings, self.assistant, self.build = api, settings, assistant, build
        self.application: Any = None
        self._stack: contextlib.AsyncExitStack | None = None

    async def start(self) -> RunningBot:
        self.application = build_application(self.settings, self.assistant, **self.build)
        self._stack = contextlib.AsyncExitStack()
        await self._stack.enter_async_context(running(self.application, self.settings))
        return self

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None

    async def restart(self, assistant: Assistant | None = None) -> None:
        await self.stop()
        if assistant is not None:
            self.assistant = assistant
        await self.start()

    def person(self, user_id: int, language_code: str | None = "en") -> Person:
        return Person(self.api, user_id, language_code)
