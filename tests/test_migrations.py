"""The Alembic migrations create exactly the schema of the models, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from bot.storage.db import schema_is_current, upgrade


def test_migrations_match_models(engine) -> None:  # type: ignore[no-untyped-def]
    assert schema_is_current(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_is_idempotent(engine) -> None:  # type: ignore[no-untyped-def]
    upgrade(engine)
    assert schema_is_current(engine)
