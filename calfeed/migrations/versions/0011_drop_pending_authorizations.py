"""drop pending_authorizations: the OAuth consent's PKCE verifier rides in the signed session

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

The table once kept the verifier server-side under the hashed OAuth state. The consent now keeps
it, encrypted, in the browser's session cookie (an anonymous visit writes nothing to the
database), and nothing read or wrote the table any more.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pending_authorizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_authorizations_expires_at"))
    op.drop_table("pending_authorizations")


def downgrade() -> None:
    op.create_table(
        "pending_authorizations",
        sa.Column("state_hash", sa.String(length=64), nullable=False),
        sa.Column("code_verifier_enc", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("state_hash", name=op.f("pk_pending_authorizations")),
    )
    with op.batch_alter_table("pending_authorizations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pending_authorizations_expires_at"), ["expires_at"], unique=False
        )
