"""A fake Telegram Bot API server on 127.0.0.1, for running the real Application end to end.

It speaks the Bot API over HTTP the way python-telegram-bot calls it (form or multipart bodies, JSON
answers), keeps the state Telegram would keep (pending updates, sent messages, answered queries,
command menus, descriptions, webhook, files) and validates like Telegram: text length, HTML entities,
callback data size, number of inline results, identical edits, blocked users, per-chat flood limits. Every
call is recorded so that tests can await "the next sendMessage to chat X" instead of sleeping.

Faults: `api.add_hook(method, hook)` runs `hook(call)` before a method; a hook may return an aiohttp
response (a 429, a 500, ...) to answer instead of the method, sleep, or close the connection. See
`retry_after`, `server_error`, `slow` and `drop_connection` for ready-made ones.

Flood limits: messages (`send*` but sendChatAction, copies, forwards) over Telegram's per-chat limits are
answered 429 with `parameters.retry_after`, as Telegram does: a private chat more than about one a second
beyond a burst of PRIVATE_BURST, a group (negative id) more than GROUP_MAX within GROUP_SECONDS (ChatLimits).
On by default, so that every end-to-end test checks the bot keeps to them; `FakeBotApi(limits=False)` or
`api.limits = None` lifts them, `api.limits = ChatLimits(...)` changes them. The process of benchmarks
(`python -m tests.fakebotapi`) enforces them only with `--limits` or POST /_control/limits, since bench.e2e
and bench.load lift the bot's own pacing to measure throughput. `api.too_many_requests` counts the 429s
sent (hooks' included).

Webhooks: once the bot has set one, updates queued with `push_update` (`send_text`, ...) are POSTed to it,
as Telegram does, up to MAX_CONNECTIONS at a time; an update is dropped from the queue only when its POST is
answered 200, so one whose POST failed or was never answered (the bot crashed) is delivered again, after
REDELIVER_SECONDS, doubling up to REDELIVER_CAP. `deliver(update)` POSTs one update once, outside the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html import unescape
from typing import Any

import httpx
from aiohttp import web

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_INLINE_RESULTS = 50
# Bot API parameters sent as plain strings (everything else is JSON-encoded by the client).
STRING_PARAMS = {"text", "caption", "callback_query_id", "inline_query_id", "next_offset", "parse_mode", "url",
                 "secret_token", "language_code", "action", "file_id", "query", "description", "short_description",
                 "name", "ip_address", "switch_pm_text", "switch_pm_parameter"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code", "pre",
                "blockquote", "tg-emoji"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=(?:\"[^\"<]*\"|'[^'<]*'|[^\s>]+))?)*)\s*>")
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
COMMAND = re.compile(r"^/[a-z0-9_]{1,32}$")
# Telegram's flood limits per chat, as the fake enforces them when asked (ChatLimits). The burst is one more than
# the bot's pacer allows (bot.botapi.pacing): network and event-loop jitter may bring two paced messages closer.
PRIVATE_PER_SECOND, PRIVATE_BURST = 1.0, 4
GROUP_MAX, GROUP_SECONDS = 20, 59.0  # 20 a minute, less a second of jitter
MAX_CONNECTIONS = 40  # webhook deliveries in flight at once (Telegram's default max_connections)
REDELIVER_SECONDS, REDELIVER_CAP = 0.1, 2.0  # a failed webhook delivery is tried again after these (doubling)
CHAT_ACTIONS = {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note"}


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": status, "description": ...}."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def utf16_len(text: str) -> int:
    """Telegram counts text in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The visible text of a message in HTML parse mode; raises like Telegram on malformed markup."""
    visible, stack, pos = [], [], 0
    for match in re.finditer(r"[<>&]", text):
        start = match.start()
        if start < pos:
            continue
        visible.append(text[pos:start])
        char = text[start]
        if char == "<":
            tag = TAG.match(text, start)
            if tag is None or tag.group(2).lower() not in ALLOWED_TAGS:
                raise bad_request(f"can't parse entities: Unsupported start tag at byte offset "
                                  f"{len(text[:start].encode())}")
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if closing:
                if not stack or stack[-1] != name:
                    raise bad_request(f"can't parse entities: Unexpected end tag at byte offset "
                                      f"{len(text[:start].encode())}")
                stack.pop()
            else:
                stack.append(name)
            pos = tag.end()
        elif char == "&":
            entity = ENTITY.match(text, start)
            if entity is None:
                raise bad_request(f"can't parse entities: Character '&' is reserved and must be escaped at byte "
                                  f"offset {len(text[:start].encode())}")
            visible.append(unescape(entity.group()))
            pos = entity.end()
        else:
            raise bad_request(f"can't parse entities: Character '>' is reserved and must be escaped at byte offset "
                              f"{len(text[:start].encode())}")
    if stack:
        raise bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
    visible.append(text[pos:])
    return "".join(visible)


def is_message(method: str) -> bool:
    """Whether a method posts a message in a chat (what Telegram's per-chat limits count)."""
    return (method.startswith("send") and method != "sendChatAction") or method in {
        "copyMessage", "copyMessages", "forwardMessage", "forwardMessages"}


class ChatLimits:
    """Telegram's per-chat flood limits: a token bucket per private chat, a sliding window per group. Messages
    refused do not count."""

    def __init__(self, private_per_second: float = PRIVATE_PER_SECOND, private_burst: int = PRIVATE_BURST,
                 group_max: int = GROUP_MAX, group_seconds: float = GROUP_SECONDS) -> None:
        self.private_per_second, self.private_burst = private_per_second, private_burst
        self.group_max, self.group_seconds = group_max, group_seconds
        self._buckets: dict[Any, tuple[float, float]] = {}  # chat -> (tokens, when)
        self._windows: dict[Any, deque[float]] = {}  # group -> times of its accepted messages

    def check(self, chat_id: Any, now: float, *, count: bool = True) -> int | None:
        """None if a message to `chat_id` may go now (counted, unless `count` is false: the fake counts only the
        messages it carries out, not those it refuses as bad requests), else the seconds to retry after
        (Telegram's integer)."""
        if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0):
            window = self._windows.setdefault(chat_id, deque())
            while window and window[0] <= now - self.group_seconds:
                window.popleft()
            if len(window) >= self.group_max:
                return max(1, math.ceil(window[0] + self.group_seconds - now))
            if count:
                window.append(now)
            return None
        tokens, at = self._buckets.get(chat_id, (float(self.private_burst), now))
        tokens = min(float(self.private_burst), tokens + (now - at) * self.private_per_second)
        if tokens < 1:
            self._buckets[chat_id] = (tokens, now)
            return max(1, math.ceil((1 - tokens) / self.private_per_second))
        self._buckets[chat_id] = (tokens - 1 if count else tokens, now)
        return None


@dataclass
class Call:
    """One request the bot made, with what the fake answered."""

    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    error: str | None = None
    at: float = field(default_factory=time.monotonic)

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [button for row in markup.get("inline_keyboard", []) for button in row]

    def button(self, label: str) -> dict[str, Any]:
        """The inline button whose text contains `label`."""
        found = [b for b in self.buttons if label in b["text"]]
        if not found:
            raise AssertionError(f"no button {label!r} in {[b['text'] for b in self.buttons]}")
        return found[0]


Hook = Callable[["Call", web.Request], Awaitable[web.StreamResponse | None]]


class FakeBotApi:
    def __init__(self, token: str = "123456:TEST-token", username: str = "ogp_test_bot", *,
                 limits: bool = True) -> None:
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "OGP test bot",
                         "username": username, "can_join_groups": True, "can_read_all_group_messages": False,
                         "supports_inline_queries": True}
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()  # calls per method, for cheap waiting on large numbers of calls
        self.ok_counts: Counter[str] = Counter()  # calls per method that the fake carried out (status 200)
        self.hooks: dict[str, list[Hook]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.descriptions: dict[tuple[str, str], str] = {}  # (description|short_description, language) -> text
        self.webhook: dict[str, Any] = {}
        self.blocked: set[int] = set()
        self.queued_at: dict[int, float] = {}  # update id -> when it was queued (latency measurements)
        self.delivered_at: dict[int, float] = {}  # update id -> when getUpdates or the webhook first handed it over
        self.limits: ChatLimits | None = ChatLimits() if limits else None
        self.too_many_requests = 0  # 429 answers sent, by the limits or by hooks
        self.webhook_posts: list[tuple[int, int | None]] = []  # (update id, status; None: no answer) per POST
        self._delivering: set[int] = set()  # update ids whose webhook POST is on its way
        self._delivery: asyncio.Task[None] | None = None
        self._pending: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}  # (chat id, message id) -> message
        self._chats: dict[int, dict[str, Any]] = {}
        self._open_queries: set[str] = set()  # callback and inline queries not answered yet
        self._files: dict[str, tuple[str, bytes]] = {}  # file id -> (file path, content)
        self._query_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server ----------------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> FakeBotApi:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_post("/_control/updates", self._control_push)
        app.router.add_post("/_control/messages", self._control_messages)
        app.router.add_post("/_control/made", self._control_made)
        app.router.add_get("/_control/calls", self._control_calls)
        app.router.add_post("/_control/actions", self._control_actions)
        app.router.add_post("/_control/faults", self._control_faults)
        app.router.add_delete("/_control/faults", self._control_clear_faults)
        app.router.add_post("/_control/limits", self._control_limits)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing = True
        await self._notify()  # open long polls return at once
        if self._delivery is not None:
            self._delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._delivery
            self._delivery = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error_response(ApiError(401, "Unauthorized"))
        params, files = await _read_params(request)
        call = Call(method, params, files)
        drop_after = False
        for hook in self.hooks.get(method, []) + self.hooks.get("*", []):
            response = await hook(call, request)
            if isinstance(response, ProcessThenDrop):
                drop_after = True
            elif response is not None:
                call.status = response.status
                call.error = "injected fault"
                await self._record(call)
                return response
        handler = getattr(self, f"_api_{method}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            limits = self.limits if is_message(method) else None
            if limits is not None and (wait := limits.check(params.get("chat_id"), time.monotonic(), count=False)):
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            result = handler(params, files)
            if asyncio.iscoroutine(result):
                result = await result
            if limits is not None:  # carried out: it counts (message methods do not wait: nothing came between)
                limits.check(params.get("chat_id"), time.monotonic())
        except ApiError as error:
            call.status, call.error = error.status, error.description
            await self._record(call)
            return _error_response(error)
        call.result = result
        if drop_after:  # Telegram acted, and its answer never reached the bot
            call.error = "dropped after processing"
        await self._record(call)
        if drop_after:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=499)
        return web.json_response({"ok": True, "result": result})

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for path, content in self._files.values():
            if path == request.match_info["path"]:
                return web.Response(body=content)
        return web.Response(status=404)

    # -- control from another process (benchmarks run the fake in its own process, on the other core) ---------

    async def _control_push(self, request: web.Request) -> web.StreamResponse:
        """POST a JSON list of updates (without update_id); answers their ids."""
        return web.json_response([self.push_update(update) for update in await request.json()])

    async def _control_messages(self, request: web.Request) -> web.StreamResponse:
        """POST a JSON list of {"text", "user_id", "language_code"}: users write; answers the update ids."""
        return web.json_response([self.send_text(m["text"], user_id=m["user_id"],
                                                 language_code=m.get("language_code", "en"))
                                  for m in await request.json()])

    async def _control_made(self, request: web.Request) -> web.StreamResponse:
        """POST a JSON list of {"text", "user_id", "language_code"}: the updates users writing them make, not
        queued (a load generator delivers them to webhooks); answers the updates."""
        return web.json_response([
            self.make_update(message=self.message(m["text"], user_id=m["user_id"],
                                                  language_code=m.get("language_code", "en")))
            for m in await request.json()])

    async def _control_calls(self, request: web.Request) -> web.StreamResponse:
        """GET ?method=sendMessage&count=N&since=I: once there are N such calls, those after position I, as
        [method, chat_id, status, at]; queued_at gives when each update was queued (time.monotonic), and with
        delivered=1, delivered_at when each was handed to the bot; too_many_requests, the 429s sent."""
        method, count = request.query["method"], int(request.query.get("count", 0))
        counts = self.ok_counts if request.query.get("ok") else self.counts  # ok=1: count carried-out calls only
        await self.wait_until(lambda: counts[method] >= count, float(request.query.get("timeout", 60)))
        since = int(request.query.get("since", 0))
        fields = request.query.get("fields")  # e.g. "chat_id,text": objects with those parameters, status, at
        if fields:
            names = fields.split(",")
            calls: list[Any] = [{**{n: c.params.get(n) for n in names}, "status": c.status, "at": c.at,
                                 "error": c.error} for c in self.calls[since:] if c.method == method]
        else:
            calls = [[c.method, c.params.get("chat_id"), c.status, c.at] for c in self.calls[since:]
                     if c.method == method]
        return web.json_response({"calls": calls, "queued_at": self.queued_at, "position": len(self.calls),
                                  "delivered_at": self.delivered_at if request.query.get("delivered") else {},
                                  "too_many_requests": self.too_many_requests})

    async def _control_actions(self, request: web.Request) -> web.StreamResponse:
        """POST a JSON list of what users do, queued in that order: {"kind": "message", "text"}, {"kind":
        "callback", "data"} (a button pressed under a message of the bot) or {"kind": "inline", "query"}, each
        with "user_id" and "language_code"; answers [{"update_id", "query_id"}] (query_id: callbacks, inline)."""
        done = []
        for action in await request.json():
            user_id, lang = action["user_id"], action.get("language_code", "en")
            if action["kind"] == "message":
                done.append({"update_id": self.send_text(action["text"], user_id=user_id, language_code=lang)})
            elif action["kind"] == "callback":
                shown = self._new_message(self.chat(user_id), {"text": "buttons"})
                query = self.callback_query(shown, action["data"], user_id=user_id, language_code=lang)
                done.append({"update_id": self.push_update({"callback_query": query}), "query_id": query["id"]})
            else:
                query_id = self.inline_query(action["query"], user_id=user_id, language_code=lang)
                done.append({"update_id": self._pending[-1]["update_id"], "query_id": query_id})
        return web.json_response(done)

    async def _control_faults(self, request: web.Request) -> web.StreamResponse:
        """POST a JSON list of {"method", "fault", "every", ...}: `fault` (a name of FAULTS, with its arguments
        as keys, e.g. "seconds") on every `every`-th call of `method`."""
        for spec in await request.json():
            arguments = {k: v for k, v in spec.items() if k not in ("method", "fault", "every")}
            self.add_hook(spec["method"], every(int(spec.get("every", 1)), FAULTS[spec["fault"]](**arguments)))
        return web.json_response(True)

    async def _control_clear_faults(self, request: web.Request) -> web.StreamResponse:
        self.clear_hooks()
        return web.json_response(True)

    async def _control_limits(self, request: web.Request) -> web.StreamResponse:
        """POST {"enforce": true|false}: Telegram's per-chat flood limits on or off (see ChatLimits)."""
        self.limits = ChatLimits() if (await request.json()).get("enforce") else None
        return web.json_response(True)

    async def _record(self, call: Call) -> None:
        if call.status == 429:
            self.too_many_requests += 1
        self.calls.append(call)
        self.counts[call.method] += 1
        if call.ok:
            self.ok_counts[call.method] += 1
        async with self._changed:
            self._changed.notify_all()

    # -- faults ----------------------------------------------------------------------------------------------

    def add_hook(self, method: str, hook: Hook) -> None:
        """Run `hook` before every call of `method` ("*": every method)."""
        self.hooks.setdefault(method, []).append(hook)

    def clear_hooks(self) -> None:
        self.hooks.clear()

    # -- what tests wait for ---------------------------------------------------------------------------------

    def mark(self) -> int:
        """A position in the call log: wait for calls made after it."""
        return len(self.calls)

    async def wait_for(self, method: str, *, since: int = 0, timeout: float = 10.0,
                       where: Callable[[Call], bool] | None = None, **params: Any) -> Call:
        """The first call of `method` after `since` whose parameters equal `params` (and `where` holds)."""
        def find() -> Call | None:
            for call in self.calls[since:]:
                if call.method == method and all(call.params.get(k) == v for k, v in params.items()) \
                        and (where is None or where(call)):
                    return call
            return None

        async def waiting() -> Call:
            async with self._changed:
                while (found := find()) is None:
                    await self._changed.wait()
                return found

        try:
            return await asyncio.wait_for(waiting(), timeout)
        except TimeoutError:
            seen = [(c.method, c.params.get("chat_id"), c.status) for c in self.calls[since:]]
            raise AssertionError(f"no {method} {params} within {timeout} s; calls since: {seen}") from None

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until `condition()` holds; it is checked after every call, so keep it cheap (see `counts`)."""
        async def waiting() -> None:
            async with self._changed:
                await self._changed.wait_for(condition)

        try:
            await asyncio.wait_for(waiting(), timeout)
        except TimeoutError:
            raise AssertionError(f"condition not met within {timeout} s; calls: {dict(self.counts)}") from None

    def calls_of(self, method: str, *, since: int = 0, **params: Any) -> list[Call]:
        return [c for c in self.calls[since:]
                if c.method == method and all(c.params.get(k) == v for k, v in params.items())]

    # -- updates (what users do) -----------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its id."""
        update_id = next(self._update_ids)
        update = {"update_id": update_id, **update}
        for content in update.values():  # the bot may write to the chats updates come from
            chat = content.get("chat") or (content.get("message") or {}).get("chat") \
                if isinstance(content, dict) else None
            if chat:
                self._chats.setdefault(chat["id"], chat)
        self._pending.append(update)
        self.queued_at[update_id] = time.monotonic()
        asyncio.get_running_loop().create_task(self._notify())
        return update_id

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def make_update(self, **content: Any) -> dict[str, Any]:
        """An update with the next id, not queued (for webhooks)."""
        update_id = next(self._update_ids)
        self.queued_at[update_id] = time.monotonic()
        return {"update_id": update_id, **content}

    def user(self, user_id: int, *, language_code: str | None = "en", first_name: str = "Ada") -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int, *, kind: str = "private", title: str = "OGP watchers") -> dict[str, Any]:
        chat = {"id": chat_id, "type": kind, **({"first_name": "Ada"} if kind == "private" else {"title": title})}
        self._chats[chat_id] = chat
        return chat

    def message(self, text: str, *, user_id: int = 1001, chat_id: int | None = None, language_code: str | None = "en",
                chat_type: str = "private", **extra: Any) -> dict[str, Any]:
        """A user's text message (commands get their bot_command entity, as Telegram adds it)."""
        chat_id = chat_id if chat_id is not None else user_id
        message_id = next(self._message_ids.setdefault(chat_id, itertools.count(1)))
        message = {"message_id": message_id, "date": int(time.time()), "chat": self.chat(chat_id, kind=chat_type),
                   "from": self.user(user_id, language_code=language_code), "text": text, **extra}
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}]
        self._messages[(chat_id, message_id)] = message
        return message

    def send_text(self, text: str, **kwargs: Any) -> int:
        """A user writes `text`; returns the update id."""
        return self.push_update({"message": self.message(text, **kwargs)})

    def callback_query(self, message: dict[str, Any], data: str, *, user_id: int, language_code: str | None = "en"
                       ) -> dict[str, Any]:
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        return {"id": query_id, "from": self.user(user_id, language_code=language_code),
                "chat_instance": f"ci{message['chat']['id']}", "message": message, "data": data}

    def press(self, sent: Call, label: str, *, user_id: int, language_code: str | None = "en") -> str:
        """The user presses the button labelled `label` under the message the bot sent in `sent`;
        returns the callback query id."""
        button = sent.button(label)
        message = self._messages[(sent.result["chat"]["id"], sent.result["message_id"])]
        query = self.callback_query(message, button["callback_data"], user_id=user_id, language_code=language_code)
        self.push_update({"callback_query": query})
        return query["id"]

    def inline_query(self, query: str, *, user_id: int, offset: str = "", language_code: str | None = "en") -> str:
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        self.push_update({"inline_query": {"id": query_id, "from": self.user(user_id, language_code=language_code),
                                           "query": query, "offset": offset, "chat_type": "sender"}})
        return query_id

    def add_file(self, content: bytes, file_name: str = "file.json") -> str:
        """A file a user uploaded; returns its file_id (for getFile and the download URL)."""
        file_id = f"file{len(self._files) + 1}"
        self._files[file_id] = (f"documents/{file_id}_{file_name}", content)
        return file_id

    # -- webhook delivery (Telegram's side) --------------------------------------------------------------------

    def _start_delivery(self) -> None:
        if self.webhook.get("url") and (self._delivery is None or self._delivery.done()):
            self._delivery = asyncio.get_running_loop().create_task(self._deliver_pending(), name="fake-webhook")

    async def _deliver_pending(self) -> None:
        """POST queued updates to the webhook until it is deleted: an update leaves the queue only once its POST
        is answered 200. One update of a chat at a time, so that a chat's updates arrive in order (the next one
        waits while an earlier one is on its way or waits to be delivered again)."""
        retry_at: dict[int, float] = {}  # update id -> when a failed delivery may be tried again
        backoff: dict[int, float] = {}
        posts: set[asyncio.Task[None]] = set()

        async def post(client: httpx.AsyncClient, update: dict[str, Any]) -> None:
            update_id = update["update_id"]
            status: int | None = None
            self.delivered_at.setdefault(update_id, time.monotonic())
            try:
                status = (await client.post(self.webhook["url"], json=update, headers=self._secret_header())
                          ).status_code
            except httpx.HTTPError:
                pass  # refused, reset, or closed without an answer (the bot died): delivered again later
            self.webhook_posts.append((update_id, status))
            self._delivering.discard(update_id)
            if status == 200:
                self._pending = [u for u in self._pending if u["update_id"] != update_id]
                retry_at.pop(update_id, None)
                backoff.pop(update_id, None)
            else:
                backoff[update_id] = min(REDELIVER_CAP, backoff.get(update_id, REDELIVER_SECONDS / 2) * 2)
                retry_at[update_id] = time.monotonic() + backoff[update_id]
            await self._notify()

        try:
            async with httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=5.0)) as client:
                while self.webhook.get("url") and not self._closing:
                    now, busy = time.monotonic(), set()
                    for update in self._pending:
                        chat, update_id = _chat_of(update), update["update_id"]
                        if chat in busy:
                            continue
                        busy.add(chat)
                        if update_id in self._delivering or retry_at.get(update_id, 0.0) > now \
                                or len(self._delivering) >= MAX_CONNECTIONS:
                            continue
                        self._delivering.add(update_id)
                        task = asyncio.create_task(post(client, update))
                        posts.add(task)
                        task.add_done_callback(posts.discard)
                    waits = [at - now for uid, at in retry_at.items() if uid not in self._delivering]
                    async with self._changed:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._changed.wait(), max(0.0, min(waits)) if waits else None)
        finally:
            for task in posts:
                task.cancel()
            self._delivering.clear()

    def _secret_header(self) -> dict[str, str]:
        secret = self.webhook.get("secret_token")
        return {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}

    async def deliver(self, update: dict[str, Any]) -> int:
        """POST `update` to the webhook set by the bot, as Telegram does; returns the HTTP status."""
        async with httpx.AsyncClient() as client:
            response = await client.post(self.webhook["url"], json=update, headers=self._secret_header())
        return response.status_code

    # -- Bot API methods -------------------------------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return self.bot_user

    async def _api_getUpdates(self, params: dict[str, Any], files: dict[str, bytes]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                                "to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if offset:  # confirms every update before it, as Telegram does
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self._pending and time.monotonic() < deadline and not self._closing:
                try:
                    await asyncio.wait_for(self._changed.wait(), deadline - time.monotonic())
                except TimeoutError:
                    break
        now = time.monotonic()
        for update in self._pending[:limit]:
            self.delivered_at.setdefault(update["update_id"], now)
        return self._pending[:limit]

    def _api_deleteWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._pending.clear()
        return True

    def _api_setWebhook(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        url = str(params.get("url", ""))
        if url and not url.startswith(("https://", "http://127.0.0.1")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret} if url else {}
        self._start_delivery()
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        return {"url": self.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._pending)}

    def _api_setMyCommands(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not COMMAND.match("/" + command.get("command", "")) or not 1 <= len(command.get("description", "")) \
                    <= 256:
                raise bad_request("BOT_COMMAND_INVALID")
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[(scope, params.get("language_code") or "")] = commands
        return True

    def _api_getMyCommands(self, params: dict[str, Any], files: dict[str, bytes]) -> list[dict[str, str]]:
        scope = (params.get("scope") or {"type": "default"})["type"]
        return self.commands.get((scope, params.get("language_code") or ""), [])

    def _api_setMyDescription(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        return self._set_description(params, "description", 512)

    def _api_setMyShortDescription(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        return self._set_description(params, "short_description", 120)

    def _set_description(self, params: dict[str, Any], name: str, limit: int) -> bool:
        text = str(params.get(name) or "")
        if len(text) > limit:
            raise bad_request(f"{name.upper()}_INVALID")
        self.descriptions[(name, params.get("language_code") or "")] = text
        return True

    def _api_getMyDescription(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, str]:
        return {"description": self.descriptions.get(("description", params.get("language_code") or ""), "")}

    def _api_getMyShortDescription(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, str]:
        return {"short_description": self.descriptions.get(("short_description", params.get("language_code") or ""),
                                                           "")}

    def _chat_for(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id not in self._chats:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return self._chats[chat_id]

    def _new_message(self, chat: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        message_id = next(self._message_ids.setdefault(chat["id"], itertools.count(1)))
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat, "from": self.bot_user,
                   **content}
        self._messages[(chat["id"], message_id)] = message
        return message

    def _api_sendMessage(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat_for(params)
        text = _check_text(params, "text", MAX_TEXT)
        content = {"text": text}
        if params.get("reply_markup"):
            content["reply_markup"] = _check_markup(params["reply_markup"])
        return self._new_message(chat, content)

    def _edited(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat_for(params)
        message = self._messages.get((chat["id"], params.get("message_id")))
        if message is None or message.get("from", {}).get("id") != self.bot_user["id"]:
            raise bad_request("message to edit not found")
        return message

    def _api_editMessageText(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        message = self._edited(params)
        text = _check_text(params, "text", MAX_TEXT)
        markup = _check_markup(params["reply_markup"]) if params.get("reply_markup") else None
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        message["text"] = text
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return message

    def _api_editMessageReplyMarkup(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        message = self._edited(params)
        markup = _check_markup(params["reply_markup"]) if params.get("reply_markup") else None
        if markup == message.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        return message

    def _api_answerCallbackQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text", ""))) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._open_queries.discard(query_id)
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        query_id = params.get("inline_query_id")
        if query_id not in self._open_queries:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        results = params.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [r.get("id", "") for r in results]
        if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise bad_request("RESULT_ID_INVALID")
        if len(str(params.get("next_offset", "")).encode()) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        for result in results:
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                text = content["message_text"]
                plain = parse_html(text) if content.get("parse_mode") == "HTML" else text
                if not plain.strip() or utf16_len(plain) > MAX_TEXT:
                    raise bad_request("MESSAGE_TEXT_INVALID")
            if result.get("reply_markup"):
                _check_markup(result["reply_markup"])
        self._open_queries.discard(query_id)
        return True

    def _api_sendChatAction(self, params: dict[str, Any], files: dict[str, bytes]) -> bool:
        self._chat_for(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _api_getFile(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        file_id = params.get("file_id")
        if file_id not in self._files:
            raise bad_request("invalid file_id")
        path, content = self._files[file_id]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(content), "file_path": path}

    def _media(self, params: dict[str, Any], files: dict[str, bytes], field_name: str) -> tuple[str, int]:
        if field_name in files:
            content = files[field_name]
        elif isinstance(params.get(field_name), str) and params[field_name] in self._files:
            content = self._files[params[field_name]][1]
        else:
            raise bad_request(f"there is no {field_name} in the request")
        if not content:
            raise bad_request("file must be non-empty")
        file_id = self.add_file(content, field_name)
        return file_id, len(content)

    def _api_sendPhoto(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat_for(params)
        file_id, size = self._media(params, files, "photo")
        content: dict[str, Any] = {"photo": [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800,
                                              "height": 600, "file_size": size}]}
        if params.get("caption"):
            content["caption"] = _check_text(params, "caption", MAX_CAPTION)
        return self._new_message(chat, content)

    def _api_sendDocument(self, params: dict[str, Any], files: dict[str, bytes]) -> dict[str, Any]:
        chat = self._chat_for(params)
        file_id, size = self._media(params, files, "document")
        content: dict[str, Any] = {"document": {"file_id": file_id, "file_unique_id": f"u{file_id}",
                                                "file_name": params.get("_filename", "document"), "file_size": size}}
        if params.get("caption"):
            content["caption"] = _check_text(params, "caption", MAX_CAPTION)
        return self._new_message(chat, content)


def _chat_of(update: dict[str, Any]) -> Any:
    """The chat an update belongs to (its sender for inline queries), for delivering a chat's updates in order."""
    for content in update.values():
        if isinstance(content, dict):
            chat = content.get("chat") or (content.get("message") or {}).get("chat")
            if chat:
                return chat["id"]
            if "from" in content:
                return content["from"]["id"]
    return None


def _check_text(params: dict[str, Any], name: str, limit: int) -> str:
    text = str(params.get(name, ""))
    plain = parse_html(text) if params.get("parse_mode") == "HTML" else text
    if not plain.strip():
        raise bad_request(f"{'message text' if name == 'text' else name} is empty")
    if utf16_len(plain) > limit:
        raise bad_request("message is too long" if name == "text" else "message caption is too long")
    return text


def _check_markup(markup: dict[str, Any]) -> dict[str, Any]:
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    for row in rows:
        for button in row:
            if not button.get("text"):
                raise bad_request("BUTTON_TEXT_INVALID")
            kinds = [k for k in ("url", "callback_data", "switch_inline_query", "switch_inline_query_current_chat",
                                 "switch_inline_query_chosen_chat", "login_url", "pay", "web_app", "copy_text")
                     if k in button]
            if len(kinds) != 1:
                raise bad_request("BUTTON_TYPE_INVALID")
            if "callback_data" in button and not 1 <= len(button["callback_data"].encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not re.match(r"(https?|tg)://", button["url"]):
                raise bad_request("BUTTON_URL_INVALID")
    return markup


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
    params: dict[str, Any] = dict(request.query)
    files: dict[str, bytes] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            params.update(await request.json())
            return params, files
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                files[name] = value.file.read()
                params["_filename"] = value.filename
            else:
                params[name] = value
    for name, value in list(params.items()):
        if name in STRING_PARAMS or not isinstance(value, str):
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            pass  # e.g. a chat_id given as "@channel"
    return params, files


def _error_response(error: ApiError) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": error.status, "description": error.description}
    if error.parameters:
        body["parameters"] = error.parameters
    return web.json_response(body, status=error.status)


# -- ready-made faults ------------------------------------------------------------------------------------------


def retry_after(seconds: int, times: int = 1) -> Hook:
    """Answer the next `times` calls with 429 Too Many Requests (retry_after)."""
    left = [times]

    async def hook(call: Call, request: web.Request) -> web.StreamResponse | None:
        if left[0] <= 0:
            return None
        left[0] -= 1
        return _error_response(ApiError(429, f"Too Many Requests: retry after {seconds}",
                                        {"retry_after": seconds}))
    return hook


def server_error(times: int = 1, status: int = 500) -> Hook:
    left = [times]

    async def hook(call: Call, request: web.Request) -> web.StreamResponse | None:
        if left[0] <= 0:
            return None
        left[0] -= 1
        return _error_response(ApiError(status, "Internal Server Error"))
    return hook


def slow(seconds: float) -> Hook:
    """Delay every call by `seconds` before answering it normally."""
    async def hook(call: Call, request: web.Request) -> web.StreamResponse | None:
        await asyncio.sleep(seconds)
        return None
    return hook


class ProcessThenDrop(web.Response):
    """What a hook returns to have the call carried out (Telegram acted), then the connection closed before the
    answer: the bot cannot tell it from a connection dropped before (see drop_connection)."""

    def __init__(self) -> None:
        super().__init__(status=499)


def every(n: int, hook: Hook) -> Hook:
    """`hook` on every `n`-th call only (faults spread through a long run)."""
    calls = itertools.count(1)

    async def sometimes(call: Call, request: web.Request) -> web.StreamResponse | None:
        return await hook(call, request) if next(calls) % n == 0 else None
    return sometimes


def drop_after_processing(times: int = 1) -> Hook:
    """Carry the call out, then close the connection without answering."""
    left = [times]

    async def hook(call: Call, request: web.Request) -> web.StreamResponse | None:
        if left[0] <= 0:
            return None
        left[0] -= 1
        return ProcessThenDrop()
    return hook


def drop_connection(times: int = 1) -> Hook:
    """Close the connection without answering (and without carrying the call out)."""
    left = [times]

    async def hook(call: Call, request: web.Request) -> web.StreamResponse | None:
        if left[0] <= 0:
            return None
        left[0] -= 1
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=499)
    return hook



# Faults by name, for /_control/faults (a fault repeats on every call it is given; `every` spaces it out).
FAULTS: dict[str, Callable[..., Hook]] = {
    "retry_after": lambda seconds=1: retry_after(seconds, times=1 << 62),
    "server_error": lambda status=500: server_error(1 << 62, status),
    "slow": lambda seconds=0.2: slow(seconds),
    "drop_connection": lambda: drop_connection(1 << 62),
    "drop_after_processing": lambda: drop_after_processing(1 << 62),
}
