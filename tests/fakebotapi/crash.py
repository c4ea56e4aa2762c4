"""A bot killed (SIGKILL) in the middle of an update, deterministically: a sendMessage hook holds its reply to one
chat until the test has killed the process. Used by the polling and the webhook crash tests."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from fakebotapi.server import FakeBotApi


def pending(api: FakeBotApi) -> int:
    """Updates Telegram still holds for the bot (not confirmed by a getUpdates offset, nor acknowledged with a 200)."""
    return api._api_getWebhookInfo({}, {})["pending_update_count"]


class HeldReplies:
    """A sendMessage hook holding the bot's replies to one chat until the test releases them: the bot is then
    mid-update, deterministically. Released, a reply is carried out, or (dropped) never reaches Telegram."""

    def __init__(self, chat_id: int, *, drop: bool = False) -> None:
        self.chat_id, self.drop = chat_id, drop
        self.replying, self.release = asyncio.Event(), asyncio.Event()

    async def __call__(self, call: Any, request: web.Request) -> web.StreamResponse | None:
        if call.params.get("chat_id") != self.chat_id or self.release.is_set():
            return None
        self.replying.set()
        await self.release.wait()
        if not self.drop:
            return None
        if request.transport is not None:  # the bot died with its reply on the way: Telegram never acted
            request.transport.close()
        return web.Response(status=499)


async def killed_mid_reply(api: FakeBotApi, held: HeldReplies, env: dict[str, str], cwd: Path, *,
                           ready: str) -> int:
    """`python -m bot run` in a child process; once it has called `ready` (its start-up is done), "FR0038" is
    sent from held.chat_id, and the process is killed while its reply is held. Returns the update's id."""
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
                                                   stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    try:
        await api.wait_for(ready, timeout=60)
        update_id = api.send_text("FR0038", user_id=held.chat_id)
        await asyncio.wait_for(held.replying.wait(), 30)  # received, being handled, the reply on its way...
        process.send_signal(signal.SIGKILL)  # ...and the process is gone
        await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    return update_id
