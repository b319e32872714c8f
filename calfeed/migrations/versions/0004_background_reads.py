"""background reads: read requests and Google watch channels

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

`sync_requests`: reads wanted/done per user, so a lost queue message is found and enqueued again.
`watch_channels`: the Calendar API push channels, their resource ids and token hashes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_requests",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("wanted", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("manual_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_sync_requests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_sync_requests")),
    )
    op.create_table(
        "watch_channels",
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.String(length=256), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_watch_channels_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["calendars.id"],
            name=op.f("fk_watch_channels_calendar_id_calendars"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_watch_channels")),
    )
    with op.batch_alter_table("watch_channels", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_channels_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("watch_channels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watch_channels_user_id"))
    op.drop_table("watch_channels")
    op.drop_table("sync_requests")
