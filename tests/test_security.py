"""Security: the webhook secret is enforced; the token and secrets never reach the logs nor exception messages;
SQL is built only by the ORM or with bound parameters; downloads are capped in size and in time."""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import signal
import socket
import sys
import traceback
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from fakebotapi import FakeBotApi, drop_connection, every, retry_after, server_error, slow
from fakebotapi.running import RunningBot, bot_settings

from bot.botapi import retry
from bot.common.config import load_settings
from bot.common.logsafe import MASK, RedactSecrets
from bot.core.service import Assistant
from bot.services.refresh import fetch_sources

pytest_plugins = ("fakebotapi.harness",)  # fixtures: api, assistant, database_url, transport

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654:AAH-secret_Token-part-for-tests"
SECRET = "webhook-Secret_value-42"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def leaks(text: str) -> list[str]:
    return [s for s in (TOKEN, TOKEN.split(":")[1], SECRET) if s in text]


# -- the webhook secret ----------------------------------------------------------------------------------------


async def test_updates_without_the_exact_secret_are_refused_and_never_handled(
        assistant: Assistant, database_url: str) -> None:
    api = await FakeBotApi(token=TOKEN).start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    settings = bot_settings(api, database_url, webhook_url=url, webhook_secret=SECRET, webhook_listen="127.0.0.1",
                            webhook_port=port)
    bot = await RunningBot(api, settings, assistant).start()
    try:
        forged = [{"X-Telegram-Bot-Api-Secret-Token": value} for value in
                  ("", SECRET.upper(), SECRET.lower(), SECRET[:-1], SECRET + "x", TOKEN)] + [{}]
        async with httpx.AsyncClient() as client:
            for number, headers in enumerate(forged):
                update = api.make_update(message=api.message("FR0038", user_id=4601))
                response = await client.post(url, json=update, headers=headers)
                assert response.status_code == 403, (number, headers)
            query = await client.post(f"{url}?secret_token={SECRET}", json=api.make_update(
                message=api.message("FR0038", user_id=4601)))
            assert query.status_code == 403  # only the header counts
        mark = api.mark()
        assert await api.deliver(api.make_update(message=api.message("FR0038", user_id=4601))) == 200
        await api.wait_for("sendMessage", since=mark, chat_id=4601)
        await bot.application.update_queue.join()  # everything queued has been handled
        assert len(api.calls_of("sendMessage", chat_id=4601)) == 1  # the forged ones never were
    finally:
        await bot.stop()
        await api.stop()


# -- secrets in logs and errors --------------------------------------------------------------------------------


def test_the_filter_masks_messages_arguments_and_tracebacks() -> None:
    redact = RedactSecrets([TOKEN, TOKEN.split(":")[1], SECRET, "abc"])
    try:
        raise ValueError(f"cannot reach https://api.telegram.org/bot{TOKEN}/getMe")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "secret %s and %s", (SECRET, "abc"),
                                   sys.exc_info())
    assert redact.filter(record)
    formatted = logging.Formatter().format(record)
    assert leaks(formatted) == [] and formatted.count(MASK) == 2
    assert "abc" in formatted  # too short to be a secret: ordinary text is left alone


def test_the_settings_never_show_their_secrets() -> None:
    settings = load_settings(telegram_bot_token=TOKEN, webhook_secret=SECRET, _env_file=None)
    assert leaks(repr(settings) + str(settings)) == []
    assert settings.telegram_bot_token == TOKEN  # still there for the bot


async def _run_and_collect_stderr(api: FakeBotApi, database_url: str, tmp_path: Path, **env: str) -> str:
    """`python -m bot run` at DEBUG until SIGTERM, once it has answered; its whole log output."""
    variables = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_BASE_URL": api.base_url,
                 "DATABASE_URL": database_url, "WEBHOOK_URL": "", "LOG_LEVEL": "DEBUG", "PYTHONPATH": str(ROOT),
                 **env}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path,
                                                   env=variables, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        await api.wait_for("setMyCommands", timeout=60)
        if env.get("WEBHOOK_URL"):
            await api.wait_for("setWebhook", timeout=30)
            mark = api.mark()
            async with httpx.AsyncClient() as client:  # a forged update, then Telegram's
                await client.post(env["WEBHOOK_URL"], json=api.make_update(message=api.message("x", user_id=4602)))
            await api.deliver(api.make_update(message=api.message("FR0038", user_id=4602)))
        else:
            mark = api.mark()
            api.send_text("FR0038", user_id=4602)
        await api.wait_for("sendMessage", since=mark, chat_id=4602, where=lambda c: c.ok, timeout=30)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return stderr.decode()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_token_and_webhook_secret_never_reach_the_logs_even_at_debug_with_errors(
        mode: str, database_url: str, tmp_path: Path) -> None:
    api = await FakeBotApi(token=TOKEN).start()
    for method in ("sendMessage", "getUpdates", "setMyCommands"):
        for hook in (server_error(times=1), drop_connection(times=1), every(3, slow(0.05))):
            api.add_hook(method, hook)
    api.add_hook("sendMessage", retry_after(1))
    api.add_hook("sendMessage", server_error(times=1, status=400))  # not retried: the handler fails, logged
    env = {}
    if mode == "webhook":
        port = free_port()
        env = {"WEBHOOK_URL": f"http://127.0.0.1:{port}/tg", "WEBHOOK_SECRET": SECRET,
               "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port)}
    try:
        log = await _run_and_collect_stderr(api, database_url, tmp_path, **env)
    finally:
        await api.stop()
    assert "DEBUG" in log and "Traceback" in log  # the most talkative level, errors with their tracebacks
    if mode == "webhook":
        assert MASK in log  # python-telegram-bot logged setWebhook's parameters: the secret was masked
    assert leaks(log) == [], [line for line in log.splitlines() if leaks(line)][:5]


async def test_errors_raised_on_network_faults_do_not_quote_the_token(
        assistant: Assistant, database_url: str, transport: str, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Raw, before any filter: every exception the bot raised or logged, and what its own loggers and
    python-telegram-bot's wrote (httpx's request lines are silenced by run_bot; the test above runs that)."""
    monkeypatch.setattr(retry, "BACKOFF_BASE", 0.01)
    api = await FakeBotApi(token=TOKEN).start()
    bot = await RunningBot(api, bot_settings(api, database_url), assistant, transport=transport).start()
    errors: list[BaseException] = []

    async def collect(update: object, context) -> None:  # type: ignore[no-untyped-def]
        errors.append(context.error)

    bot.application.add_error_handler(collect)
    caplog.set_level(logging.DEBUG)
    try:
        # Each message's reply fails beyond the retries, and so does the apology that follows.
        api.add_hook("sendMessage", server_error(times=10))
        api.add_hook("sendMessage", drop_connection(times=10))
        api.add_hook("getUpdates", every(2, drop_connection(times=3)))
        person = bot.person(4604)
        for question in ("FR0038", "who leads FR0038?", "FR0038"):
            person.write(question)
        await api.wait_until(lambda: len(errors) >= 2, timeout=30)
        await bot.application.bot.ledger.idle()
    finally:
        await bot.stop()
        await api.stop()
    raised = errors + [r.exc_info[1] for r in caplog.records if r.exc_info and r.exc_info[1]]
    texts = ["".join(traceback.format_exception(error)) + repr(error) for error in raised]
    texts += [r.getMessage() for r in caplog.records if r.name.split(".")[0] in ("bot", "handlers", "telegram")]
    assert len(raised) >= 4  # network errors from handlers, the error handler, the polling loop
    assert [t for t in texts if leaks(t)] == []


# -- SQL -------------------------------------------------------------------------------------------------------

SQL_CALLS = {"execute", "exec_driver_sql", "executemany", "executescript", "exec", "text"}


def _built_string(node: ast.AST) -> bool:
    """A string assembled at run time: an f-string with values, "..." % x, "...".format(x), "..." + x."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return any(isinstance(side, (ast.Constant, ast.JoinedStr)) and not isinstance(getattr(side, "value", ""),
                                                                                    (int, float))
                   for side in (node.left, node.right)) or _built_string(node.left) or _built_string(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return isinstance(node.func.value, ast.Constant)
    return False


def sql_built_from_strings(source: str) -> list[int]:
    """Lines where SQL text built from strings is given to execute()/text() and friends."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in SQL_CALLS and _built_string(node.args[0]):
            lines.append(node.lineno)
    return sorted(lines)


def test_the_sql_check_sees_strings_built_in_every_way() -> None:
    bad = ('conn.execute(f"SELECT * FROM t WHERE id = {x}")\nsession.exec(text("DELETE FROM t WHERE a = " + a))\n'
           'cursor.execute("SELECT %s" % x)\nconn.exec_driver_sql("DROP {}".format(t))\ntext(f"x {y}")\n')
    good = ('conn.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": 1})\ncursor.execute("PRAGMA x=ON")\n'
            'session.execute(select(T).where(T.id == x))\nconn.execute(text("SELECT " "1"))\nlog.info(f"{x}")\n')
    assert sql_built_from_strings(bad) == [1, 2, 3, 4, 5]
    assert sql_built_from_strings(good) == []


def test_sql_is_built_only_by_the_orm_or_with_bound_parameters() -> None:
    found = {str(path.relative_to(ROOT)): lines for folder in ("bot", "handlers")
             for path in sorted((ROOT / folder).rglob("*.py"))
             if (lines := sql_built_from_strings(path.read_text(encoding="utf-8")))}
    assert found == {}


# -- downloads -------------------------------------------------------------------------------------------------


async def test_a_download_that_drips_is_cut_at_the_time_limit() -> None:
    """Every byte comes within any read timeout, the whole never: the limit is on the whole download."""
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        while True:
            await response.write(b"x")
            await asyncio.sleep(0.02)

    app = web.Application()
    app.router.add_get("/page.txt", drip)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        started = asyncio.get_running_loop().time()
        fetched = await fetch_sources([f"http://127.0.0.1:{port}/page.txt"], timeout=0.5, max_bytes=10_000_000)
        took = asyncio.get_running_loop().time() - started
    finally:
        await runner.cleanup()
    assert not fetched.files and "no complete answer within 0.5 s" in str(fetched.failures[0])
    assert took < 5  # cut at the limit, not when the server stops

