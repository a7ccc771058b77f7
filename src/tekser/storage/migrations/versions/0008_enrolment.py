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
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("enrol_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("enrol_expires", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("role_pending", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("role_granted_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("role_granted_by")
        batch.drop_column("role_pending")
        batch.drop_column("enrol_expires")
        batch.drop_column("enrol_hash")
