"""A fake Telegram Bot API server on 127.0.0.1 (server.py) and the harness that runs the real bot on it."""

from .server import (
    ApiError,
    Call,
    ChatLimits,
    FakeBotApi,
    drop_after_processing,
    drop_connection,
    every,
    parse_html,
    retry_after,
    server_error,
    slow,
)

__all__ = ["ApiError", "Call", "ChatLimits", "FakeBotApi", "drop_after_processing", "drop_connection", "every",
           "parse_html", "retry_after", "server_error", "slow"]
