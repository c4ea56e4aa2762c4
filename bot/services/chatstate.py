"""What the Telegram front end remembers, in the database: each user's language and blocked flag, each chat's
conversation context, and button payloads too long for Telegram. Kept in the database (not in memory or a
pickle file) so that a restart, or a second replica behind the same webhook, carries on the conversation.

Synchronous (SQLAlchemy Core, short transactions): handlers call it through `asyncio.to_thread`.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.engine import Connection, Engine

from bot.core.types import Context
from bot.storage.models import CallbackPayload, ChatState, UserPreference, table_of, utcnow

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
    from sqlalchemy.sql import Select

_PREFS: Table = table_of(UserPreference)
_CHATS: Table = table_of(ChatState)
_PAYLOADS: Table = table_of(CallbackPayload)


@dataclass(frozen=True)
class Turn:
    """What one incoming message needs to know before it is answered."""

    context: Context
    language: str | None  # the user's explicit choice (/language), if any
    was_blocked: bool  # the user had blocked the bot and is writing again


class ChatStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite has one writer at a time, and a writer that finds the database locked sleeps in SQLite's busy
        # handler (up to 100 ms a try). Taking turns in the process first costs microseconds instead.
        self._write_turn = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._write_turn, self.engine.begin() as conn:
            yield conn

    # -- statements: built once (SQLAlchemy caches their compiled form; a turn runs two of them) ------------

    def _insert(self, table: Table) -> PostgresInsert | SqliteInsert:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as postgres_insert

            return postgres_insert(table)
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)

    def _upsert_statement(self, table: Table, key: str, columns: tuple[str, ...]) -> PostgresInsert | SqliteInsert:
        """INSERT ... ON CONFLICT (key) DO UPDATE SET columns = excluded.columns, values given at execution."""
        stmt = self._insert(table)
        return stmt.on_conflict_do_update(index_elements=[key], set_={c: stmt.excluded[c] for c in columns})

    @functools.cached_property
    def _turn_query(self) -> Select[dict[str, Any] | None, str | None, bool | None]:
        """(chat context, user's language, user's blocked flag): each NULL when its row is missing."""
        pref = select(_PREFS.c.language, _PREFS.c.blocked).where(_PREFS.c.user_id == bindparam("user_id"))
        return select(select(_CHATS.c.context).where(_CHATS.c.chat_id == bindparam("chat_id")).scalar_subquery(),
                      pref.with_only_columns(_PREFS.c.language).scalar_subquery(),
                      pref.with_only_columns(_PREFS.c.blocked).scalar_subquery())

    @functools.cached_property
    def _save_context(self) -> PostgresInsert | SqliteInsert:
        return self._upsert_statement(_CHATS, "chat_id", ("context", "updated_at"))

    def _upsert(self, conn: Connection, table: Table, key: str, values: dict[str, Any]) -> None:
        conn.execute(self._upsert_statement(table, key, tuple(c for c in values if c != key)), values)

    # -- a conversation turn ---------------------------------------------------------------------------------

    def load(self, chat_id: int, user_id: int | None) -> Turn:
        """The chat's context and the user's preferences; a user who writes again is no longer 'blocked'."""
        with self.engine.connect() as conn:
            raw, language, blocked = conn.execute(self._turn_query, {"chat_id": chat_id, "user_id": user_id}).one()
        if blocked:
            with self._writing() as conn:
                conn.execute(update(_PREFS).where(_PREFS.c.user_id == user_id)
                             .values(blocked=False, updated_at=utcnow()))
        return Turn(Context.from_json(raw), language, bool(blocked))

    def save_context(self, chat_id: int, context: Context, previous: Context | None = None) -> None:
        """Store the context for the chat's next question (nothing written when it did not change)."""
        if previous is not None and previous == context:
            return
        with self._writing() as conn:
            conn.execute(self._save_context, {"chat_id": chat_id, "context": context.to_json(), "updated_at": utcnow()})

    def context(self, chat_id: int) -> Context:
        with self.engine.connect() as conn:
            return Context.from_json(conn.execute(select(_CHATS.c.context).where(_CHATS.c.chat_id == chat_id))
                                     .scalar())

    # -- user preferences ------------------------------------------------------------------------------------

    def language(self, user_id: int) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(_PREFS.c.language).where(_PREFS.c.user_id == user_id)).scalar()

    def set_language(self, user_id: int, language: str) -> None:
        with self._writing() as conn:
            self._upsert(conn, _PREFS, "user_id", {"user_id": user_id, "language": language, "updated_at": utcnow()})

    def is_blocked(self, user_id: int) -> bool:
        with self.engine.connect() as conn:
            return bool(conn.execute(select(_PREFS.c.blocked).where(_PREFS.c.user_id == user_id)).scalar())

    def set_blocked(self, user_id: int, blocked: bool) -> None:
        with self._writing() as conn:
            self._upsert(conn, _PREFS, "user_id", {"user_id": user_id, "blocked": blocked, "updated_at": utcnow()})

    # -- button payloads over 64 bytes -----------------------------------------------------------------------

    def put_payload(self, action: str, lang: str | None, args: tuple[str, ...]) -> str:
        """A short code for the payload. Content-addressed: the same button always gets the same code, so
        re-sending an answer adds no row, and every replica resolves it. Re-issuing refreshes its date."""
        blob = json.dumps([action, lang, list(args)], ensure_ascii=False, separators=(",", ":"))
        code = base64.urlsafe_b64encode(hashlib.sha256(blob.encode()).digest()[:15]).decode()  # 20 characters
        with self._writing() as conn:
            self._upsert(conn, _PAYLOADS, "code",
                         {"code": code, "action": action, "lang": lang, "args": list(args), "issued_at": utcnow()})
        return code

    def get_payload(self, code: str) -> tuple[str, str | None, tuple[str, ...]] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(_PAYLOADS.c.action, _PAYLOADS.c.lang, _PAYLOADS.c.args)
                               .where(_PAYLOADS.c.code == code)).first()
        return (row.action, row.lang, tuple(row.args)) if row else None

    def prune_payloads(self, older_than: timedelta = timedelta(days=180)) -> int:
        """Forget payloads of buttons old enough that nobody presses them (those buttons then say 'expired')."""
        with self._writing() as conn:
            return conn.execute(delete(_PAYLOADS).where(_PAYLOADS.c.issued_at < utcnow() - older_than)).rowcount
