"""A second factor (TOTP, RFC 6238) per user: the authenticator's secret sealed with AES-GCM
under the deployment secret, one awaiting its first code, and the last time step a code was used
at (each code is usable once).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE, no table rebuild (see 0008: rebuilding `users` fails under SQLite's foreign keys)
    op.add_column("users", sa.Column("totp_secret", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("totp_pending", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    for column in ("totp_last_step", "totp_pending", "totp_secret"):
        op.execute(f"ALTER TABLE users DROP COLUMN {column}")  # SQLite 3.35+ and PostgreSQL alike
