"""crawler: the runs of the OGP site crawler and the state of each address (validators, frontier)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crawlrun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('base_url', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('langs', sa.JSON(), nullable=False),
    sa.Column('refresh_ids', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crawlrun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawlrun_status'), ['status'], unique=False)

    op.create_table('crawlpage',
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('member', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('commitment', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('etag', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('last_modified', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('refresh_id', sa.Integer(), nullable=True),
    sa.Column('failure', sa.JSON(), nullable=False),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('url')
    )
    with op.batch_alter_table('crawlpage', schema=None) as batch_op:
        batch_op.create_index('ix_crawlpage_run_state', ['run_id', 'state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crawlpage', schema=None) as batch_op:
        batch_op.drop_index('ix_crawlpage_run_state')

    op.drop_table('crawlpage')
    with op.batch_alter_table('crawlrun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawlrun_status'))

    op.drop_table('crawlrun')
