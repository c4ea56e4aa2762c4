"""The bot's HTTP transport to the Bot API over aiohttp (python-telegram-bot's own is HTTPXRequest); calls that
failed on the way are retried above it (bot.botapi.retry)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's request interface (BaseRequest, its documented extension point) over aiohttp.

    Why: on a 2-core machine, with the fake Bot API in another process, a bare echo bot answers about 560
    updates/s through PTB's default HTTPXRequest with 16 concurrent updates (httpcore's pool bookkeeping
    grows with concurrency) and about 2,300/s through this class. Used when aiohttp is installed
    (bot.telegram.app.default_transport); PTB's HTTPXRequest otherwise. Status codes and errors are mapped by
    BaseRequest exactly as for HTTPXRequest.
    """

    def __init__(self, connection_pool_size: int, *, read_timeout: float | None = 5.0, write_timeout: float = 5.0,
                 connect_timeout: float = 5.0, pool_timeout: float = 10.0, media_write_timeout: float = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout,
                          "pool": pool_timeout, "media_write": media_write_timeout}
        self._session: Any = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        import aiohttp

        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, raise_for_status=False)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        import aiohttp

        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None

        def given(value: Any, name: str) -> Any:
            return self._timeouts[name] if isinstance(value, type(BaseRequest.DEFAULT_NONE)) else value

        read, connect = given(read_timeout, "read"), given(connect_timeout, "connect")
        pool, write = given(pool_timeout, "pool"), given(write_timeout, "media_write" if files else "write")
        # aiohttp has no separate write timeout: the time to send counts against the read timeout instead.
        timeout = aiohttp.ClientTimeout(total=None, connect=None if pool is None or connect is None else pool + connect,
                                        sock_connect=connect,
                                        sock_read=None if read is None else read + (write or 0))
        data: Any = request_data.json_parameters if request_data else None
        headers = None
        if data is not None and not files:
            # The form PTB's HTTPXRequest sends, encoded here: aiohttp's FormData would draw a multipart boundary
            # from os.urandom for every message (a system call a reply, a visible share of the bot's time).
            data, headers = urlencode(data).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        if files:
            form = aiohttp.FormData()
            for name, value in (data or {}).items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
