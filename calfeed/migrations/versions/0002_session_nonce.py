"""session nonce per user; user ids never reused on SQLite

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

`users.session_nonce` ties a session cookie to one sign-in of one user row.
On SQLite the users table is rebuilt with AUTOINCREMENT, so a deleted user's id is never handed
to the next account (PostgreSQL's sequences never reuse ids already). The rebuild runs with
foreign keys off: dropping the old table with them on would cascade-delete every user's rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if not _sqlite():
        op.add_column("users", sa.Column("session_nonce", sa.String(length=64), nullable=True))
        return
    op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table(
        "users", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.add_column(sa.Column("session_nonce", sa.String(length=64), nullable=True))
    op.execute("PRAGMA foreign_keys=ON")


def downgrade() -> None:
    if not _sqlite():
        op.drop_column("users", "session_nonce")
        return
    op.execute("PRAGMA foreign_keys=OFF")
    with op.batch_alter_table("users", recreate="always") as batch_op:
        batch_op.drop_column("session_nonce")
    op.execute("PRAGMA foreign_keys=ON")
