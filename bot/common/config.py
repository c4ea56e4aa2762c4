"""Configuration, read once from the environment (and an optional `.env`) with pydantic-settings.

Bad values stop start-up with one clear line: see `load_settings`.
"""

from __future__ import annotations

import functools
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATABASE_URL = "sqlite:///ogp_bot.db"
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_OGP_BASE_URL = "https://www.opengovpartnership.org"
_CONTACT = re.compile(r"^(?:[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+|https?://[^\s<>()]+)$")


class ConfigError(Exception):
    """A configuration value is wrong; the message is one line meant for the operator."""


def _split_csv(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: str | None = Field(default=None, repr=False)  # secrets stay out of reprs (and logs)
    telegram_base_url: str = DEFAULT_BASE_URL
    telegram_base_file_url: str | None = None
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_secret: str | None = Field(default=None, repr=False)
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    data_sources: Annotated[tuple[str, ...], NoDecode] = ()
    default_language: Literal["en", "fr", "es"] = "en"
    log_level: str = "INFO"
    # Limits that admins may want to tune.
    import_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1)
    fetch_timeout_seconds: float = Field(default=20.0, gt=0)
    flood_max_messages: int = Field(default=20, ge=1)
    flood_window_seconds: float = Field(default=10.0, gt=0)
    metrics_port: int | None = Field(default=None, ge=1, le=65535)
    # Followers' alerts and digests sent per second at most, all chats together (replies are paced per chat only).
    alerts_max_per_second: float = Field(default=25.0, gt=0, le=1000)
    # A replacing refresh or import that would remove more than this share of the stored commitments, or leave
    # fewer than REFRESH_MIN_COMMITMENTS, stops and asks an admin to confirm (CLI: --allow-shrink).
    refresh_max_removed_share: float = Field(default=0.10, ge=0, le=1)
    refresh_min_commitments: int = Field(default=1, ge=0)
    # The crawler of the OGP website (`ogp-bot crawl`, /refresh ogp): where, how politely, who to contact.
    ogp_base_url: str = DEFAULT_OGP_BASE_URL
    crawl_delay_seconds: float = Field(default=1.0, ge=0, le=3600)
    crawl_contact: str = ""
    crawl_max_page_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    crawl_batch_pages: int = Field(default=50, ge=1, le=10_000)
    crawl_max_retry_after_seconds: float = Field(default=120.0, ge=0, le=86_400)
    crawl_progress_seconds: float = Field(default=5.0, ge=0, le=3600)  # the admin's progress message, edited

    @field_validator("telegram_bot_token", "webhook_url", "webhook_secret", "telegram_base_file_url",
                     mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> frozenset[int]:
        ids = set()
        for part in _split_csv(value):
            if not re.fullmatch(r"-?\d+", part):
                raise ValueError(f"{part!r} is not a numeric Telegram user id")
            ids.add(int(part))
        return frozenset(ids)

    @field_validator("data_sources", mode="before")
    @classmethod
    def _parse_sources(cls, value: object) -> tuple[str, ...]:
        return tuple(_split_csv(value))

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"{value!r} is not a SQLAlchemy database URL "
                             "(e.g. sqlite:///ogp_bot.db or postgresql://user@host/db)") from None
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError(f"unsupported database {url.get_backend_name()!r}: use sqlite or postgresql")
        return value

    @field_validator("ogp_base_url")
    @classmethod
    def _check_ogp_base_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) address (e.g. {DEFAULT_OGP_BASE_URL})")
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError(f"{value!r} must be the site's address alone, without path, query or user name "
                             f"(e.g. {DEFAULT_OGP_BASE_URL})")
        return f"{parts.scheme}://{parts.netloc}"

    @field_validator("crawl_contact")
    @classmethod
    def _check_crawl_contact(cls, value: str) -> str:
        value = value.strip()
        if value and (len(value) > 200 or not _CONTACT.match(value)):
            raise ValueError(f"{value[:60]!r} is not an e-mail address or an http(s) URL (it goes in the crawler's "
                             "User-Agent, for OGP to reach whoever runs it)")
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}:
            raise ValueError(f"{value!r} is not a logging level (DEBUG, INFO, WARNING, ERROR, CRITICAL)")
        return level

    @field_validator("default_language", mode="before")
    @classmethod
    def _lower_language(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _derive_file_url(self) -> Settings:
        self.telegram_base_url = self.telegram_base_url.rstrip("/")
        if self.telegram_base_file_url is None:
            base = self.telegram_base_url
            self.telegram_base_file_url = (base[: -len("/bot")] + "/file/bot") if base.endswith("/bot") \
                else base + "/file"
        return self

    @property
    def sqlalchemy_url(self) -> str:
        """The URL with the psycopg 3 driver made explicit for PostgreSQL."""
        url = make_url(self.database_url)
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)


def _one_line(error: ValidationError) -> str:
    parts = []
    for err in error.errors():
        field = ".".join(str(p) for p in err["loc"]).upper() or "configuration"
        message = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{field}: {message}")
    return "configuration error: " + "; ".join(parts)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings; raise ConfigError with one readable line when a value is bad.

    `overrides` are raw input for pydantic to validate, as Settings(...) takes them: field values
    (any type pydantic can coerce) and BaseSettings' own options such as `_env_file`."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
