"""Item "the token in a reply": no reply of the bot ever carries the bot token or the webhook secret.

The existing end-to-end scenarios of admins (tests/test_admin_import.py, tests/test_admin_refresh.py) and of
Telegram and network faults (tests/test_faults.py) run again here, with a webhook secret set, and after each
one every call the fake Bot API received (messages, edits, callback answers, documents and their files,
menus) is scanned for the token, the part of it after the colon, and the webhook secret. Then the scenarios
that leaked: a file download that fails (a redirect loop, a bad port) and a reply quoting a file name.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import test_admin_import
import test_admin_refresh
import test_faults
from adminkit import ADMIN, BotFactory, fixture_bytes, upload
from aiohttp import web
from fakebotapi import FakeBotApi
from fakebotapi.running import RunningBot, bot_settings, visible

from bot.common.logsafe import MASK, redact, redactor
from bot.core.service import Assistant
from handlers.services import Services

pytest_plugins = ("fakebotapi.harness", "adminfixtures")
pytestmark = pytest.mark.e2e
WEBHOOK_SECRET = "hook-Secret-0123456789abcdef"


def _rerun(module: Any) -> dict[str, Any]:
    """The module's end-to-end tests and module fixtures, to be collected again in this module (where the
    fixtures below apply)."""
    def talks_to_the_fake_api(test: Any) -> bool:
        return bool({"make_bot", "bot", "api"} & set(inspect.signature(test).parameters))

    return {name: value for name, value in vars(module).items()
            if (name.startswith("test_") and callable(value) and talks_to_the_fake_api(value))
            or type(value).__name__ == "FixtureFunctionDefinition" or hasattr(value, "_pytestfixturefunction")}


globals().update(_rerun(test_admin_import))
globals().update(_rerun(test_admin_refresh))
globals().update(_rerun(test_faults))


def secrets_of(api: FakeBotApi) -> list[str]:
    return [api.token, api.token.split(":", 1)[1], WEBHOOK_SECRET]


def leaks(api: FakeBotApi) -> list[str]:
    """Every call of the bot (but setWebhook, which must carry the secret) that quotes a secret."""
    found = []
    for call in api.calls:
        if call.method == "setWebhook":
            continue
        blob = json.dumps(call.params, ensure_ascii=False) + "".join(
            f.decode("utf-8", "replace") for f in call.files.values())
        found += [f"{call.method}: {s!r} in {blob[:300]!r}" for s in secrets_of(api) if s in blob]
    return found


@pytest.fixture(autouse=True)
def no_secret_in_any_reply(api: FakeBotApi) -> Iterator[None]:
    yield
    assert leaks(api) == []


@pytest.fixture
async def make_bot(api: FakeBotApi, assistant: Assistant, database_url: str) -> AsyncIterator[BotFactory]:
    """adminfixtures.make_bot, with a webhook secret in the settings (polling all the same)."""
    started: list[RunningBot] = []

    async def start(*, fake: FakeBotApi | None = None, on: Assistant | None = None, url: str | None = None,
                    **overrides: Any) -> RunningBot:
        values: dict[str, Any] = {"admin_ids": str(ADMIN), "webhook_secret": WEBHOOK_SECRET}
        values.update(overrides)
        running = await RunningBot(fake or api, bot_settings(fake or api, url or database_url, **values),
                                   on or assistant, transport="aiohttp").start()
        started.append(running)
        return running

    yield start
    for running in reversed(started):
        await running.stop()


@pytest.fixture
async def bot(api: FakeBotApi, assistant: Assistant, database_url: str, transport: str) -> AsyncIterator[RunningBot]:
    settings = bot_settings(api, database_url, webhook_secret=WEBHOOK_SECRET)
    running_bot = await RunningBot(api, settings, assistant, transport=transport).start()
    yield running_bot
    await running_bot.stop()


@pytest.fixture
async def redirect_loop() -> AsyncIterator[str]:
    """A file server whose every address redirects to itself: the base of Telegram's file URLs."""
    async def loop(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(str(request.rel_url))

    app = web.Application()
    app.router.add_get("/{tail:.*}", loop)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/file/bot"
    await runner.cleanup()


async def test_a_download_in_a_redirect_loop_is_told_in_the_bots_words(make_bot: BotFactory, redirect_loop: str,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    bot = await make_bot(telegram_base_file_url=redirect_loop)
    reply = visible(await upload(bot.person(ADMIN), fixture_bytes("FR0901_en.txt"), "FR0901_en.txt", caption="/import"))
    assert reply == ("I could not download FR0901_en.txt: the download failed: too many redirects. "
                     "Nothing was changed.")
    # What the bot no longer sends: the error's own text quotes the file's URL, token included.
    assert any(bot.api.token in str(r.exc_info[1] if r.exc_info else r.args) or bot.api.token in repr(r.args)
               for r in caplog.records if "download of" in r.msg)


async def test_a_download_from_a_port_nobody_listens_on(make_bot: BotFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.botapi import retry

    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.01)
    bot = await make_bot(telegram_base_file_url="http://127.0.0.1:1/file/bot")
    reply = visible(await upload(bot.person(ADMIN), b"{}", "data.json", caption="/import", containing="download"))
    assert reply == "I could not download data.json: the download failed: the server did not answer. " \
                    "Nothing was changed."


async def test_a_reply_quoting_external_text_masks_the_secrets(make_bot: BotFactory, api: FakeBotApi) -> None:
    """A refusal quotes the file's name: a name holding the token is quoted masked."""
    bot = await make_bot()
    name = f"dump-{api.token}-{WEBHOOK_SECRET}.json"
    reply = visible(await upload(bot.person(ADMIN), b"{", name))
    assert reply.startswith("Import refused") and f"dump-{MASK}-{MASK}.json" in reply


def test_one_masking_function_for_logs_and_replies(api: FakeBotApi, database_url: str) -> None:
    settings = bot_settings(api, database_url, webhook_secret=WEBHOOK_SECRET)
    text = f"GET https://x/file/bot{api.token}/a and {api.token.split(':')[1]} and {WEBHOOK_SECRET}"
    masked = redactor(settings).clean(text)
    assert masked == f"GET https://x/file/bot{MASK}/a and {MASK} and {MASK}"
    assert masked == redact(text, redactor(settings).secrets)
    services = Services(settings, None, None)  # type: ignore[arg-type]
    assert services.redact(text) == masked
