"""Sessions their holder can list and end: a public id (random, neither the token nor its hash),
the client address at sign-in, and when the password was last given (re-authentication before
approvals and new API keys).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-08
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE, no table rebuild (a rebuild breaks SQLite's foreign keys: see 0008)
    op.add_column("web_sessions", sa.Column("public_id", sa.String(length=16), nullable=True))
    op.add_column("web_sessions", sa.Column("client", sa.String(length=255), nullable=True))
    op.add_column("web_sessions", sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True))
    # sessions open during the upgrade get a public id too (their sign-in time is their creation)
    connection = op.get_bind()
    table = sa.table(
        "web_sessions",
        sa.column("token_hash", sa.String),
        sa.column("public_id", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("authenticated_at", sa.DateTime(timezone=True)),
    )
    for token_hash in connection.execute(sa.select(table.c.token_hash)).scalars().all():
        connection.execute(
            table.update()
            .where(table.c.token_hash == token_hash)
            .values(public_id=secrets.token_hex(6), authenticated_at=table.c.created_at)
        )
    op.create_index("ix_web_sessions_public_id", "web_sessions", ["public_id"], unique=True)
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_index("ix_web_sessions_public_id", table_name="web_sessions")
    for column in ("authenticated_at", "client", "public_id"):
        op.execute(f"ALTER TABLE web_sessions DROP COLUMN {column}")  # SQLite 3.35+ and PostgreSQL alike
