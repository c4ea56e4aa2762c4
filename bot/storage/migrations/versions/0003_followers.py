"""followers: who follows what (with its last-sent marker), the alert outbox, refused admin attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('adminaudit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=True),
    sa.Column('command', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('adminaudit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adminaudit_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_adminaudit_user_id'), ['user_id'], unique=False)

    op.create_table('alertlog',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('rhythm', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('buttons', sa.JSON(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('refresh_to', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.BigInteger(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alertlog', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alertlog_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alertlog_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_alertlog_user_id'), ['user_id'], unique=False)

    op.create_table('follow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('target', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('rhythm', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_refresh_id', sa.Integer(), nullable=False),
    sa.Column('next_digest_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'kind', 'target')
    )
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_last_refresh_id'), ['last_refresh_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('follow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follow_user_id'))
        batch_op.drop_index(batch_op.f('ix_follow_last_refresh_id'))

    op.drop_table('follow')
    with op.batch_alter_table('alertlog', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alertlog_user_id'))
        batch_op.drop_index(batch_op.f('ix_alertlog_status'))
        batch_op.drop_index(batch_op.f('ix_alertlog_created_at'))

    op.drop_table('alertlog')
    with op.batch_alter_table('adminaudit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adminaudit_user_id'))
        batch_op.drop_index(batch_op.f('ix_adminaudit_at'))

    op.drop_table('adminaudit')
