"""An index on what an audit event is about (object type and id), so that a user's notices — the
changes to their authentication details since their previous sign-in — are read without walking
the whole log.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_object", table_name="audit_events")
