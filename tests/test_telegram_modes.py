"""The bot's modes: webhook (secret enforced), polling as `python -m bot run` with a graceful SIGTERM, and
retries after Telegram's "too many requests"."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
from fakebotapi import FakeBotApi, retry_after
from fakebotapi.running import RunningBot, bot_settings, visible

from bot.core.service import Assistant
from bot.telegram.app import run_bot

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, bot, database_url

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cret-Token_for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_mode_answers_updates_with_the_secret_and_refuses_the_others(
        api: FakeBotApi, assistant: Assistant, database_url: str, transport: str) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = bot_settings(api, database_url, webhook_url=url, webhook_secret=SECRET, webhook_listen="127.0.0.1",
                            webhook_port=port)
    running = await RunningBot(api, settings, assistant, transport=transport).start()
    try:
        assert api.webhook == {"url": url, "secret_token": SECRET}
        assert not api.calls_of("getUpdates")
        # Wrong or missing secret: 403, and never processed.
        bad = {"update_id": 900, "message": api.message("FR0038", user_id=4001)}
        async with httpx.AsyncClient() as client:
            wrong = await client.post(url, json=bad, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            missing = await client.post(url, json={**bad, "update_id": 901})
        assert wrong.status_code == missing.status_code == 403
        # Telegram's own delivery carries the secret. The same chat: had a refused update been queued, its
        # answer would come first (updates of one chat are handled in order).
        mark = api.mark()
        status = await api.deliver(api.make_update(message=api.message("FR0038", user_id=4001)))
        assert status == 200
        reply = await api.wait_for("sendMessage", since=mark, chat_id=4001)
        assert "Administrative Capacity-Building" in visible(reply)
        assert len(api.calls_of("sendMessage", chat_id=4001)) == 1
    finally:
        await running.stop()


def test_webhook_mode_without_a_secret_refuses_to_start(api: FakeBotApi, database_url: str) -> None:
    settings = bot_settings(api, database_url, webhook_url="https://bot.example.org/hook")
    assert run_bot(settings) == 2


async def test_too_many_requests_is_retried_and_the_reply_arrives_once(bot: RunningBot) -> None:
    bot.api.add_hook("sendMessage", retry_after(1))
    reply = await bot.person(4002).say("FR0038", timeout=15)
    statuses = [c.status for c in bot.api.calls_of("sendMessage", chat_id=4002)]
    if not reply.ok:  # the 429 is recorded first; wait for the retry
        await bot.api.wait_for("sendMessage", chat_id=4002, where=lambda c: c.ok, timeout=15)
        statuses = [c.status for c in bot.api.calls_of("sendMessage", chat_id=4002)]
    assert statuses == [429, 200]


async def test_run_polls_answers_and_stops_cleanly_on_sigterm(api: FakeBotApi, tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_BASE_URL": api.base_url,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "WEBHOOK_URL": "", "LOG_LEVEL": "INFO",
           "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await api.wait_for("deleteWebhook", timeout=60)  # started: commands set, polling begins
        mark = api.mark()
        update_id = api.send_text("/start", user_id=4003)
        reply = await api.wait_for("sendMessage", since=mark, chat_id=4003, timeout=20)
        assert reply.ok and visible(reply)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()[-2000:]
    # The handled update was confirmed before exiting (a last getUpdates without waiting), so a restart would
    # not answer it twice. (Calls are logged when answered: the cancelled long poll may come later.)
    assert any(c.params.get("offset") == update_id + 1 and c.params.get("timeout") == 0
               for c in api.calls_of("getUpdates"))
    assert api.token not in stderr.decode()  # the token is in every Bot API URL: never in the logs


async def test_files_are_fetched_from_the_configured_file_url(bot: RunningBot) -> None:
    """getFile and the download go to TELEGRAM_BASE_FILE_URL (a self-hosted Bot API server, here the fake)."""
    content = b'{"format": "ogp-bot-dataset"}' * 1000
    file_id = bot.api.add_file(content, "dataset.json")
    telegram_file = await bot.application.bot.get_file(file_id)
    assert telegram_file.file_path.startswith(bot.api.base_file_url)
    assert bytes(await telegram_file.download_as_bytearray()) == content
