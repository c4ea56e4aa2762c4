"""Helpers of the admin and follower tests: documents users send, what the database holds, a local HTTP server
of data sources (on 127.0.0.1). Their fixtures are in adminfixtures.py: test modules load them with
`pytest_plugins = ("fakebotapi.harness", "adminfixtures")`."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from fakebotapi import FakeBotApi
from fakebotapi.running import Person, RunningBot, visible
from fakebotapi.server import Call
from sqlmodel import Session

from bot.core.service import Assistant
from bot.dataset.store import current_version, read_dataset

ADMIN = 4242
FIXTURES = Path(__file__).parent / "fixtures" / "admin"
NEW_PAGE = "FR0901_en.txt"  # a commitment the test data does not have
NEWER_PAGE = "FR0045_en_newer.txt"  # FR0045 with its completion now "Substantial"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def zip_bomb() -> bytes:
    """A 60 kB archive of one 50 MB page of zeros: the importer must refuse it without expanding it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("page.txt", b"0" * 50_000_000)
    return buffer.getvalue()


def served_dataset(assistant: Assistant, *, completion: dict[str, str] | None = None,
                   drop: tuple[str, ...] = ()) -> bytes:
    """The stored data as canonical JSON (what a source would serve), with IRM completions changed and
    commitments left out."""
    with Session(assistant.engine) as session:
        dataset = read_dataset(session)
    dataset.commitments = [c for c in dataset.commitments if c.id not in drop]
    for commitment in dataset.commitments:
        if completion and commitment.id in completion:
            commitment.irm.completion = completion[commitment.id]
    return dataset.model_dump_json(exclude_none=True).encode()


def version(assistant: Assistant) -> int:
    with Session(assistant.engine) as session:
        return current_version(session)


def commitment_ids(assistant: Assistant) -> set[str]:
    with Session(assistant.engine) as session:
        return {c.id for c in read_dataset(session, with_source_text=False).commitments}


def send_document(api: FakeBotApi, user_id: int, content: bytes, file_name: str, *, caption: str | None = "/import",
                  language_code: str = "en") -> dict[str, Any]:
    """A user sends a file (with a caption, as Telegram shows it); returns the message."""
    file_id = api.add_file(content, file_name)
    message = api.message("x", user_id=user_id, language_code=language_code)
    message.pop("text")
    message.pop("entities", None)
    message["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name,
                           "file_size": len(content)}
    if caption:
        message["caption"] = caption
        if caption.startswith("/"):
            message["caption_entities"] = [{"type": "bot_command", "offset": 0,
                                            "length": len(caption.split()[0])}]
    api.push_update({"message": message})
    return message


def reply_to(api: FakeBotApi, user_id: int, text: str, replied: dict[str, Any]) -> None:
    """A user answers `replied` (e.g. "/import" in reply to a file)."""
    api.send_text(text, user_id=user_id, reply_to_message=replied)


async def next_reply(api: FakeBotApi, user_id: int, since: int, *, containing: str | None = None,
                     timeout: float = 15.0) -> Call:
    """The bot's next message to `user_id` after `since` (containing `containing`, when given)."""
    return await api.wait_for("sendMessage", since=since, chat_id=user_id, timeout=timeout,
                              where=(lambda c: containing in visible(c)) if containing else None)


async def upload(person: Person, content: bytes, file_name: str, *, caption: str = "/import",
                 containing: str | None = None) -> Call:
    mark = person.api.mark()
    send_document(person.api, person.id, content, file_name, caption=caption,
                  language_code=person.language_code or "en")
    return await next_reply(person.api, person.id, mark, containing=containing)



BotFactory = Callable[..., Awaitable[RunningBot]]


class SourceServer:
    """Data sources over HTTP on 127.0.0.1: files, a 500, a page that never answers, a redirect loop."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.hits: dict[str, int] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._hang = asyncio.Event()
        self.slow_hit = asyncio.Event()  # set when /slow is asked for
        self.release = asyncio.Event()  # /slow answers with slow_file once set (else only when the server stops)
        self.slow_file = b""

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    async def start(self) -> SourceServer:
        app = web.Application()
        app.router.add_get("/files/{name}", self._file)
        app.router.add_get("/chunked/{name}", self._chunked)
        app.router.add_get("/error", self._error)
        app.router.add_get("/slow", self._slow)
        app.router.add_get("/loop", self._loop)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._hang.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _file(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.hits[name] = self.hits.get(name, 0) + 1
        if name not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[name])

    async def _chunked(self, request: web.Request) -> web.StreamResponse:
        """The file without a Content-Length, in 1 kB chunks: only counting while reading can cap it."""
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        data = self.files.get(request.match_info["name"], b"")
        for start in range(0, len(data), 1024):
            await response.write(data[start:start + 1024])
        await response.write_eof()
        return response

    async def _error(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="boom")

    async def _loop(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound("/loop")

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        self.slow_hit.set()
        waits = [asyncio.ensure_future(self._hang.wait()), asyncio.ensure_future(self.release.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)  # the client's timeout ends it first
        for waiting in waits:
            waiting.cancel()
        body = self.slow_file if self.release.is_set() else b"too late"
        # No file extension in this URL: the refresh reads the content type (JSON -> the dataset reader).
        return web.Response(body=body, content_type="application/json" if body.startswith(b"{") else "text/plain")
