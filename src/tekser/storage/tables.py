"""SQLAlchemy Core tables: the only place that knows the database schema.

List data is append-only: an entry's canonical JSON is stored once per content hash
(``entry_blobs``) and each version maps keys to hashes (``version_entries``), so keeping
every version costs one row per entry and version. ``active_versions`` says which version
of each list screening uses; switching it is the last statement of an import transaction.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

raw_files = Table(
    "raw_files",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),  # zlib-compressed bytes of the file
)

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False),
    Column("number", Integer, nullable=False),  # 1, 2, 3 ... per list
    Column("reader", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("retrieved_at", DateTime(timezone=True), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("published_at", DateTime(timezone=True)),
    Column("imported_by", String(128), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("entry_count", Integer, nullable=False),
    Column("counts", JSON, nullable=False),
    Column("files", JSON, nullable=False),
    Column("warnings", JSON, nullable=False),
    Column("unparsed", JSON, nullable=False),
    Column("checks", JSON, nullable=False),
    Column("previous_id", Integer, ForeignKey("list_versions.id")),
    UniqueConstraint("list_id", "number", name="uq_list_versions_list_number"),
)

version_files = Table(
    "version_files",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("sha256", String(64), ForeignKey("raw_files.sha256"), nullable=False),
)

entry_blobs = Table(
    "entry_blobs",
    metadata,
    Column("hash", String(64), primary_key=True),
    Column("data", Text, nullable=False),  # canonical JSON of the ListEntry
)

version_entries = Table(
    "version_entries",
    metadata,
    Column("version_id", Integer, ForeignKey("list_versions.id"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("entry_hash", String(64), ForeignKey("entry_blobs.hash"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("caption", Text, nullable=False),
)

active_versions = Table(
    "active_versions",
    metadata,
    Column("list_id", String(64), primary_key=True),
    Column("version_id", Integer, ForeignKey("list_versions.id"), nullable=False),
    Column("activated_at", DateTime(timezone=True), nullable=False),
    Column("activated_by", String(128), nullable=False),
)

import_failures = Table(
    "import_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64)),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("failed_at", DateTime(timezone=True), nullable=False),
    Column("attempted_by", String(128), nullable=False),
    Column("files", JSON, nullable=False),  # [{name, sha256, size}] kept in raw_files
    Index("ix_import_failures_failed_at", "failed_at"),
)

failure_files = Table(
    "failure_files",
    metadata,
    Column("failure_id", Integer, ForeignKey("import_failures.id"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("sha256", String(64), ForeignKey("raw_files.sha256"), nullable=False),
)

policy_events = Table(
    "policy_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False),
    Column("scope", String(16), nullable=False),  # list | programme | category
    Column("value", String(255), nullable=False),  # "" for the whole list
    Column("enabled", Boolean, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

fetch_state = Table(
    "fetch_state",
    metadata,
    Column("url", String(1024), primary_key=True),
    Column("etag", String(255)),
    Column("last_modified", String(64)),
    Column("sha256", String(64)),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
)

# --- travel messages (API / PNR) -------------------------------------------------------------------
# A message is stored once, redacted of sensitive data, keyed by the SHA-256 of the bytes received;
# a message that fails to parse is kept with its error and can be parsed again after a fix.

travel_messages = Table(
    "travel_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),  # file name or channel
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),  # zlib-compressed, sensitive segments redacted
    Column("kind", String(16)),  # PAXLST, PNRGOV, MANIFEST
    Column("status", String(16), nullable=False),  # parsed | failed
    Column("error", Text),
    Column("parsed_at", DateTime(timezone=True)),
    Column("findings", JSON, nullable=False),
    Column("sensitive_dropped", JSON, nullable=False),
    Column("summary", JSON, nullable=False),  # flights, counts: what `ingest --list` shows
    Index("ix_travel_messages_status", "status"),
)

flights = Table(
    "flights",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("carrier", String(8), nullable=False),
    Column("number", String(8), nullable=False),
    Column("departure_airport", String(8), nullable=False),
    Column("departure_date", String(10), nullable=False),  # local date YYYY-MM-DD, "" when unknown
    Column("arrival_airport", String(8)),
    Column("departure", DateTime(timezone=False)),
    Column("arrival", DateTime(timezone=False)),
    UniqueConstraint("carrier", "number", "departure_airport", "departure_date", name="uq_flights_identity"),
)

travellers = Table(
    "travellers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", Integer, ForeignKey("travel_messages.id"), nullable=False),
    Column("flight_id", Integer, ForeignKey("flights.id")),
    Column("booking_version_id", Integer, ForeignKey("booking_versions.id")),
    Column("role", String(24), nullable=False),
    Column("surname", String(255)),
    Column("given_names", String(255)),
    Column("birth_date", String(10)),
    Column("nationality", String(8)),
    Column("document_number", String(64)),
    Column("data", Text, nullable=False),  # canonical JSON of the Traveller
    Index("ix_travellers_flight_id", "flight_id"),
)

bookings = Table(
    "bookings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("carrier", String(8), nullable=False),
    Column("locator", String(16), nullable=False),
    Column("first_seen", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("versions", Integer, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    UniqueConstraint("carrier", "locator", name="uq_bookings_carrier"),
)

booking_versions = Table(
    "booking_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("booking_id", Integer, ForeignKey("bookings.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("message_id", Integer, ForeignKey("travel_messages.id"), nullable=False),
    Column("flight_id", Integer, ForeignKey("flights.id")),
    Column("push", String(16)),  # full | update
    Column("cancelled", Boolean, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of the Booking
    UniqueConstraint("booking_id", "number", name="uq_booking_versions_number"),
)
