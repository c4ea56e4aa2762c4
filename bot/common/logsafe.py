"""Secrets never reach the logs nor the chats: `redact` is the one masking function, used by a logging filter
that masks the bot token, the webhook secret and the database password in every record (message, arguments,
exception text, stack), whatever logger emitted it.

Needed because libraries log what they send: python-telegram-bot logs every Bot API call's parameters at DEBUG
(setWebhook's secret_token among them), httpx logs request URLs (which hold the token), and error messages
may quote a URL. Installed on the handlers of the root logger (a filter on a logger would miss records that
propagate from its children). The same function masks every text the bot sends (handlers.replies), since
replies may quote external text: file names, URLs, importer messages.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.common.config import Settings

MASK = "[redacted]"
MIN_SECRET = 6  # shorter values would mask ordinary words


def maskable(secrets: Iterable[str | None]) -> list[str]:
    """The secrets worth masking, longest first (the token before the part of it after the colon)."""
    return sorted({s for s in secrets if s and len(s) >= MIN_SECRET}, key=len, reverse=True)


def redact(text: str, secrets: Sequence[str]) -> str:
    """`text` with every secret of `secrets` (as maskable() orders them) replaced by [redacted]."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self.secrets = maskable(secrets)

    def clean(self, text: str) -> str:
        return redact(text, self.secrets)

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


def redactor(settings: Settings) -> RedactSecrets:
    """The masking of the settings' secrets, for texts that are not log records (replies, documents)."""
    return RedactSecrets(secrets_of(settings))


def install(settings: Settings, logger: logging.Logger | None = None) -> RedactSecrets:
    """Mask the settings' secrets in everything the handlers of `logger` (default: the root logger) write."""
    masking = redactor(settings)
    for handler in (logger or logging.getLogger()).handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactSecrets)]:
            handler.removeFilter(old)
        handler.addFilter(masking)
    return masking
