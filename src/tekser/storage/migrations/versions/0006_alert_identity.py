"""Alert identity from what was compared: alerts.compared_hash (the subject's data and the entry's
content, without weights or policy text), and the score a false positive was decided at.

Existing alerts get their comparison hash from their frozen evidence; existing suppressions the
score of the alert they were decided on.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from tekser.domain.alerts import comparison_hash

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ALTER TABLE (no table rebuild: SQLite would check every foreign key on the copy)
    op.add_column("alerts", sa.Column("compared_hash", sa.String(length=64), nullable=True))
    op.create_index("ix_alerts_pair", "alerts", ["entry_key", "compared_hash"], unique=False)
    op.add_column("suppressions", sa.Column("score", sa.Float(), nullable=True))
    connection = op.get_bind()
    alerts = sa.table(
        "alerts", sa.column("id", sa.Integer), sa.column("evidence", sa.Text), sa.column("entry_hash", sa.String),
        sa.column("compared_hash", sa.String), sa.column("score", sa.Float),
    )  # fmt: skip
    rows = connection.execute(sa.select(alerts.c.id, alerts.c.evidence, alerts.c.entry_hash)).fetchall()
    for row in rows:
        subject = json.loads(row.evidence).get("subject", {})
        connection.execute(
            alerts.update().where(alerts.c.id == row.id).values(compared_hash=comparison_hash(subject, row.entry_hash))
        )
    connection.execute(
        sa.text(
            "UPDATE suppressions SET score = (SELECT alerts.score FROM alerts JOIN alert_decisions"
            " ON alert_decisions.alert_id = alerts.id WHERE alert_decisions.id = suppressions.decision_id)"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_alerts_pair", table_name="alerts")
    op.execute("ALTER TABLE suppressions DROP COLUMN score")  # SQLite 3.35+ and PostgreSQL alike
    op.execute("ALTER TABLE alerts DROP COLUMN compared_hash")
