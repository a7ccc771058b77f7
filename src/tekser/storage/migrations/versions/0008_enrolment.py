"""Enrolment and four eyes on administration: a one-time enrolment code (its SHA-256 and expiry)
with which an account's holder sets their own password, and role grants awaiting a second
administrator.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE, no table rebuild: on SQLite, rebuilding `users` would drop a table that
    # API keys, sessions and throttling rows refer to (FOREIGN KEY constraint failed)
    op.add_column("users", sa.Column("enrol_hash", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("enrol_expires", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("role_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("role_granted_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for column in ("role_granted_by", "role_pending", "enrol_expires", "enrol_hash"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")  # SQLite 3.35+ and PostgreSQL alike
