"""dataset state row: the version row exists from the start

Writers lock this row (SELECT ... FOR UPDATE) to take turns; when it had to be created by the first
writer, two replicas starting on an empty database could both try to insert it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text(
        "INSERT INTO datasetstate (id, version, format_version, updated_at) "
        "SELECT 1, 0, 1, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM datasetstate WHERE id = 1)"))


def downgrade() -> None:
    pass  # the row is data the application also creates; nothing to undo
