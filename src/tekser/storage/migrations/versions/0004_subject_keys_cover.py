"""Subject keys: a covering index (key, subject id), so rescreening reads the index alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_subject_keys_key", table_name="subject_keys")
    op.create_index("ix_subject_keys_key_subject", "subject_keys", ["key", "subject_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_subject_keys_key_subject", table_name="subject_keys")
    op.create_index("ix_subject_keys_key", "subject_keys", ["key"], unique=False)
