"""calendars read from a secret .ics address, their events, and passkeys

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-26

See calfeed/store/ics_sources.py: the address is stored encrypted, events as the core's
SourceEvent in JSON under the calendar id "ics:<source id>".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ics_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address_enc", sa.Text(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("content_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events_found", sa.Integer(), nullable=False),
        sa.Column("interviews_found", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_ics_sources_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ics_sources")),
        sa.UniqueConstraint("user_id", "address_hash", name="uq_ics_sources_user_address"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_ics_sources_user_id"), "ics_sources", ["user_id"])
    op.create_index(op.f("ix_ics_sources_next_read_at"), "ics_sources", ["next_read_at"])
    op.create_table(
        "ics_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=1100), nullable=False),
        sa.Column("data_json", sa.Text(), nullable=False),
        sa.Column("end_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_ics_events_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["ics_sources.id"],
            name=op.f("fk_ics_events_source_id_ics_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ics_events")),
        sa.UniqueConstraint("source_id", "event_id", name="uq_ics_events_source_event"),
    )
    op.create_index("ix_ics_events_user_end", "ics_events", ["user_id", "end_at"])
    op.create_table(
        "passkeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("user_handle", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_passkeys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passkeys")),
        sa.UniqueConstraint("credential_id", name=op.f("uq_passkeys_credential_id")),
    )
    op.create_index(op.f("ix_passkeys_user_id"), "passkeys", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_passkeys_user_id"), table_name="passkeys")
    op.drop_table("passkeys")
    op.drop_index("ix_ics_events_user_end", table_name="ics_events")
    op.drop_table("ics_events")
    op.drop_index(op.f("ix_ics_sources_next_read_at"), table_name="ics_sources")
    op.drop_index(op.f("ix_ics_sources_user_id"), table_name="ics_sources")
    op.drop_table("ics_sources")
