"""Secrets never reach the logs: a logging filter that masks the bot token, the webhook secret and the database
password in every record (message, arguments, exception text, stack), whatever logger emitted it.

Needed because libraries log what they send: python-telegram-bot logs every Bot API call's parameters at DEBUG
(setWebhook's secret_token among them), httpx logs request URLs (which hold the token), and error messages
may quote a URL. Installed on the handlers of the root logger (a filter on a logger would miss records that
propagate from its children).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.common.config import Settings

MASK = "[redacted]"
MIN_SECRET = 6  # shorter values would mask ordinary words


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        # Longest first: the token before the part of it after the colon.
        self.secrets = sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True)

    def clean(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


def secrets_of(settings: Settings) -> list[str]:
    token = settings.telegram_bot_token or ""
    found = [token, token.partition(":")[2], settings.webhook_secret or ""]
    try:
        found.append(make_url(settings.database_url).password or "")
    except ArgumentError:
        pass
    return found


def install(settings: Settings, logger: logging.Logger | None = None) -> RedactSecrets:
    """Mask the settings' secrets in everything the handlers of `logger` (default: the root logger) write."""
    redact = RedactSecrets(secrets_of(settings))
    for handler in (logger or logging.getLogger()).handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(redact)
    return redact
