"""Configuration: read once from the environment, bad values stop start-up with one clear line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.common.config import ConfigError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "TELEGRAM_BASE_FILE_URL", "DATABASE_URL", "ADMIN_IDS",
                 "WEBHOOK_URL", "WEBHOOK_SECRET", "DATA_SOURCES", "DEFAULT_LANGUAGE", "LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    s = load_settings()
    assert s.telegram_bot_token is None
    assert s.telegram_base_url == "https://api.telegram.org/bot"
    assert s.telegram_base_file_url == "https://api.telegram.org/file/bot"
    assert s.database_url.startswith("sqlite:///")
    assert s.admin_ids == frozenset()
    assert s.default_language == "en"


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 12, 34 ,56")
    monkeypatch.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("DATA_SOURCES", "data/a.json, https://example.org/b.json")
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("DEFAULT_LANGUAGE", "FR")
    s = load_settings()
    assert s.admin_ids == {12, 34, 56}
    assert s.telegram_base_file_url == "http://127.0.0.1:8081/file/bot"
    assert s.data_sources == ("data/a.json", "https://example.org/b.json")
    assert s.sqlalchemy_url == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert s.default_language == "fr"


@pytest.mark.parametrize("value", ["es", "ES", " es "])
def test_spanish_is_a_default_language(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", value)
    assert load_settings().default_language == "es"


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("ADMIN_IDS=7\nLOG_LEVEL=debug\n", encoding="utf-8")
    s = load_settings()
    assert s.admin_ids == {7}
    assert s.log_level == "DEBUG"


@pytest.mark.parametrize(("name", "value", "says"), [
    ("ADMIN_IDS", "12,abc", "ADMIN_IDS: 'abc' is not a numeric Telegram user id"),
    ("DATABASE_URL", "not a url", "DATABASE_URL: 'not a url' is not a SQLAlchemy database URL"),
    ("DATABASE_URL", "mysql://root@localhost/x", "unsupported database 'mysql'"),
    ("DEFAULT_LANGUAGE", "de", "DEFAULT_LANGUAGE"),
    ("WEBHOOK_PORT", "99999", "WEBHOOK_PORT"),
    ("LOG_LEVEL", "LOUD", "LOG_LEVEL: 'LOUD' is not a logging level"),
])
def test_bad_values_give_one_clear_line(monkeypatch: pytest.MonkeyPatch, name: str, value: str, says: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as error:
        load_settings()
    message = str(error.value)
    assert says in message
    assert "\n" not in message


def test_cli_stops_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "x")
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "hi"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "configuration error: ADMIN_IDS: 'x' is not a numeric Telegram user id"
