"""Alembic environment: runs with the engine or connection the bot hands over (see bot.storage.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

from bot.storage import models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = config.attributes.get("engine")
    if engine is None:
        from bot.common.config import get_settings
        from bot.storage.db import make_engine

        engine = make_engine(get_settings().database_url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
