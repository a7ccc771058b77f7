"""Enrolment codes in two parts: an account that will decide or approve adverse actions is enrolled
with one part from the granting administrator and one from the approving one (the SHA-256 of the
second part), so that no single administrator can set its password.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (see 0008: no rebuild of a table others refer to)
    op.add_column("users", sa.Column("enrol2_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN enrol2_hash")
