"""SQLAlchemy Core tables: the only place that knows the database schema.

List data is append-only: an entry's canonical JSON is stored once per content hash
(``entry_blobs``) and each version maps keys to hashes (``version_entries``), so keeping
every version costs one row per entry and version. ``active_versions`` says which version
of each list screening uses; switching it is the last statement of an import transaction.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
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
    Column("summary", JSON, nullable=False),  # flights and counts, as `tekser ingest` reports them
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

# --- screening: subjects, their blocking keys, what they were screened against, alerts ---------

screen_subjects = Table(
    "screen_subjects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", String(16), nullable=False),  # traveller | customer | iapi
    Column("origin_id", String(64), nullable=False),  # travellers.id, customer id, ...
    Column("fingerprint", String(32), nullable=False),  # same person across messages
    Column("name", Text, nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON of the screened Subject fields
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),  # retention
    UniqueConstraint("origin", "origin_id", name="uq_screen_subjects_origin"),
    Index("ix_screen_subjects_fingerprint", "fingerprint"),
)

subject_keys = Table(
    "subject_keys",
    metadata,
    Column("key", String(128), nullable=False),
    Column("subject_id", Integer, ForeignKey("screen_subjects.id"), nullable=False),
    Index("ix_subject_keys_key_subject", "key", "subject_id"),
)

screenings = Table(
    "screenings",
    metadata,
    Column("subject_id", Integer, ForeignKey("screen_subjects.id"), primary_key=True),
    Column("list_id", String(64), primary_key=True),
    Column("version_id", Integer, ForeignKey("list_versions.id"), nullable=False),
    Column("screened_at", DateTime(timezone=True), nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject_id", Integer, ForeignKey("screen_subjects.id"), nullable=False),
    Column("entry_key", String(255), nullable=False),
    Column("list_id", String(64), nullable=False),
    Column("version_id", Integer, ForeignKey("list_versions.id"), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("evidence_hash", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("priority", Float, nullable=False),
    Column("cause", String(255), nullable=False),
    Column("status", String(24), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("evidence", Text, nullable=False),  # frozen: subject, entry as of its version, algorithm, features
    Column("compared_hash", String(64)),  # what was compared (subject data, entry content): the alert's identity
    UniqueConstraint("subject_id", "entry_key", "evidence_hash", name="uq_alerts_identity"),
    Index("ix_alerts_status", "status"),
    Index("ix_alerts_pair", "entry_key", "compared_hash"),
)

alert_outcomes = Table(
    "alert_outcomes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("recorded_by", String(128), nullable=False),
    Column("note", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

pair_confirmations = Table(
    "pair_confirmations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(32), nullable=False),
    Column("entry_key", String(255), nullable=False),
    Column("alert_id", Integer, ForeignKey("alerts.id")),
    Column("confirmed_by", String(128), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_pair_confirmations_pair", "fingerprint", "entry_key"),
)

batch_runs = Table(
    "batch_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("selection", String(255), nullable=False),  # what is screened: "flights 2026-11-20..2026-11-21" ...
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("screened", Integer, nullable=False),
    Column("alerts", Integer, nullable=False),
    UniqueConstraint("selection", name="uq_batch_runs_selection"),
)

batch_items = Table(
    "batch_items",
    metadata,
    Column("run_id", Integer, ForeignKey("batch_runs.id"), primary_key=True),
    Column("subject_id", Integer, ForeignKey("screen_subjects.id"), primary_key=True),
)

iapi_exchanges = Table(
    "iapi_exchanges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("direction", String(8), nullable=False),  # in | out
    Column("kind", String(16), nullable=False),  # request | response | unsolicited
    Column("flight", String(32)),
    Column("fingerprint", String(32)),
    Column("passenger_ref", String(64)),
    Column("directive", String(4)),
    Column("content", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# --- analyst workflow: users, decisions, internal lists, cases, the audit log ------------------
# Append-only tables (triggers refuse UPDATE and DELETE, migration 0005): audit_events,
# alert_decisions, internal_events, case_items. The other rows are projections of those.

audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),  # 1, 2, 3 ... a gap is tampering
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("object_id", String(128), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("origin", String(128), nullable=False),
    Column("details", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("row_hash", String(64), nullable=False),
    Index("ix_audit_events_object", "object_type", "object_id", "seq"),  # a user's notices
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("display_name", String(128), nullable=False),
    Column("role", String(32), nullable=False),
    Column("password_hash", String(255), nullable=False),  # argon2id
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    # enrolment: the SHA-256 of the one-time code the holder sets their password with (none once used)
    Column("enrol_hash", String(64), nullable=True),
    Column("enrol_expires", DateTime(timezone=True), nullable=True),
    # the second part's SHA-256, for a guarded role: given by the approving administrator
    Column("enrol2_hash", String(64), nullable=True),
    # four eyes on administration: a grant of a guarded role awaits a second administrator
    Column("role_pending", Boolean, nullable=False, server_default=false()),
    Column("role_granted_by", String(64), nullable=True),
    # second factor (TOTP): secrets sealed with AES-GCM under the deployment secret (never in clear);
    # the confirmed one, one awaiting its first code, and the last time step a code was used at
    Column("totp_secret", String(255), nullable=True),
    Column("totp_pending", String(255), nullable=True),
    Column("totp_last_step", BigInteger, nullable=True),
    UniqueConstraint("username", name="uq_users_username"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("prefix", String(16), nullable=False),  # shown in lists; the key itself is never stored
    Column("key_hash", String(64), nullable=False),  # SHA-256 of the key (256 random bits: no stretching needed)
    Column("label", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 of the cookie value
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    # what its holder is shown in their list of sessions: random, neither the token nor its hash
    Column("public_id", String(16)),
    Column("client", String(255)),  # the address it signed in from
    Column("authenticated_at", DateTime(timezone=True)),  # sign-in or the last password confirmation
    Index("ix_web_sessions_public_id", "public_id", unique=True),
    Index("ix_web_sessions_user_id", "user_id"),
)

# sign-in throttling: failures per typed user name (existing or not, so that a lockout does not
# tell which names exist) and per client address (a sliding window)
sign_in_accounts = Table(
    "sign_in_accounts",
    metadata,
    Column("username", String(64), primary_key=True),  # as typed: not a foreign key
    Column("failures", Integer, nullable=False),  # consecutive, since the last lockout or success
    Column("lockouts", Integer, nullable=False),  # each one doubles the next lock
    Column("locked_until", DateTime(timezone=True)),
    Column("last_failure", DateTime(timezone=True), nullable=False),
)

sign_in_failures = Table(
    "sign_in_failures",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client", String(255), nullable=False),  # an IP address, or cli@host
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_sign_in_failures_client_at", "client", "at"),
    Index("ix_sign_in_failures_at", "at"),
)

alert_decisions = Table(
    "alert_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # review | decide | reopen | request | approve | reject
    Column("value", String(32), nullable=False),  # a verdict, an adverse action, or ""
    Column("reason", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("request_id", Integer),  # approve / reject: the request they answer
    Index("ix_alert_decisions_alert", "alert_id"),
)

suppressions = Table(  # a false positive: the same person and entry, unchanged, raise no new alert
    "suppressions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("fingerprint", String(32), nullable=False),
    Column("entry_key", String(255), nullable=False),
    Column("entry_hash", String(64), nullable=False),
    Column("subject_hash", String(64), nullable=False),
    Column("decision_id", Integer, ForeignKey("alert_decisions.id"), nullable=False),
    Column("score", Float),  # the decided alert's score: a clearly higher one alerts again (RESCORE_MARGIN)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("lifted_at", DateTime(timezone=True)),
    Column("lifted_by", String(64)),
    Index("ix_suppressions_pair", "fingerprint", "entry_key"),
)

internal_entries = Table(  # entries of internal watchlists, from proposal to delisting
    "internal_entries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", String(64), nullable=False),
    Column("record", Text, nullable=False),  # JSON in the national-list format
    Column("legal_basis", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("review_date", String(10), nullable=False),
    Column("expires_on", String(10)),
    Column("approved_on", String(10)),
    Column("status", String(16), nullable=False),  # proposed | active | rejected | delisted | expired
    Column("proposed_by", String(64), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
)

internal_events = Table(
    "internal_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("internal_entries.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # propose | approve | reject | delist | expire | review
    Column("actor", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", String(255), nullable=False),
    Column("status", String(16), nullable=False),  # open | closed
    Column("assignee", String(64)),
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("summary", Text, nullable=False),
)

case_items = Table(
    "case_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # alert | subject | note | assign | close | request | approve | reject
    Column("ref", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("request_id", Integer),
)
