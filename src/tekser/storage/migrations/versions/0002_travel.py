"""Travel messages, flights, travellers, bookings and their versions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "travel_messages",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.Column("kind", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("parsed_at", TZ),
        sa.Column("findings", sa.JSON, nullable=False),
        sa.Column("sensitive_dropped", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_travel_messages"),
        sa.UniqueConstraint("sha256", name="uq_travel_messages_sha256"),
    )
    op.create_index("ix_travel_messages_status", "travel_messages", ["status"])
    op.create_table(
        "flights",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("carrier", sa.String(8), nullable=False),
        sa.Column("number", sa.String(8), nullable=False),
        sa.Column("departure_airport", sa.String(8), nullable=False),
        sa.Column("departure_date", sa.String(10), nullable=False),
        sa.Column("arrival_airport", sa.String(8)),
        sa.Column("departure", sa.DateTime(timezone=False)),
        sa.Column("arrival", sa.DateTime(timezone=False)),
        sa.PrimaryKeyConstraint("id", name="pk_flights"),
        sa.UniqueConstraint("carrier", "number", "departure_airport", "departure_date", name="uq_flights_identity"),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("carrier", sa.String(8), nullable=False),
        sa.Column("locator", sa.String(16), nullable=False),
        sa.Column("first_seen", TZ, nullable=False),
        sa.Column("last_seen", TZ, nullable=False),
        sa.Column("versions", sa.Integer, nullable=False),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bookings"),
        sa.UniqueConstraint("carrier", "locator", name="uq_bookings_carrier"),
    )
    op.create_table(
        "booking_versions",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("booking_id", sa.Integer, nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("flight_id", sa.Integer),
        sa.Column("push", sa.String(16)),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_booking_versions"),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name="fk_booking_versions_booking_id_bookings"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["travel_messages.id"], name="fk_booking_versions_message_id_travel_messages"
        ),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name="fk_booking_versions_flight_id_flights"),
        sa.UniqueConstraint("booking_id", "number", name="uq_booking_versions_number"),
    )
    op.create_table(
        "travellers",
        sa.Column("id", sa.Integer, autoincrement=True),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("flight_id", sa.Integer),
        sa.Column("booking_version_id", sa.Integer),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("surname", sa.String(255)),
        sa.Column("given_names", sa.String(255)),
        sa.Column("birth_date", sa.String(10)),
        sa.Column("nationality", sa.String(8)),
        sa.Column("document_number", sa.String(64)),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_travellers"),
        sa.ForeignKeyConstraint(
            ["message_id"], ["travel_messages.id"], name="fk_travellers_message_id_travel_messages"
        ),
        sa.ForeignKeyConstraint(["flight_id"], ["flights.id"], name="fk_travellers_flight_id_flights"),
        sa.ForeignKeyConstraint(
            ["booking_version_id"], ["booking_versions.id"], name="fk_travellers_booking_version_id_booking_versions"
        ),
    )
    op.create_index("ix_travellers_flight_id", "travellers", ["flight_id"])


def downgrade() -> None:
    op.drop_table("travellers")
    op.drop_table("booking_versions")
    op.drop_table("bookings")
    op.drop_table("flights")
    op.drop_index("ix_travel_messages_status", "travel_messages")
    op.drop_table("travel_messages")
