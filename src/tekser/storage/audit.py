"""The audit log in the database: appended in the same transaction as the change it records.

Writers are serialised on the chain head: the sequence number is the primary key, so two
writers that read the same head cannot both insert the next record; the loser retries. On
PostgreSQL a transaction-level advisory lock makes them queue instead. Triggers (migration
0005) refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, func, insert, select, text
from sqlalchemy.exc import IntegrityError

from tekser.domain.audit import AuditEvent, AuditRecord, seal
from tekser.domain.redaction import redact
from tekser.domain.serialization import canonical_json
from tekser.errors import Conflict
from tekser.storage.tables import audit_events

_LOCK_KEY = 7_101_010  # advisory lock id of the audit chain (PostgreSQL)


def _utc(value: datetime) -> datetime:
    """UTC, whatever the session time zone (what is hashed must read back identically)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def record_of(row: object) -> AuditRecord:
    """An audit record from its row."""
    r = row._mapping  # type: ignore[attr-defined]
    event = AuditEvent(
        actor=r["actor"],
        action=r["action"],
        object_type=r["object_type"],
        object_id=r["object_id"],
        at=_utc(r["at"]),
        purpose=r["purpose"],
        origin=r["origin"],
        details=json.loads(r["details"]),
    )
    return AuditRecord(int(r["seq"]), event, r["prev_hash"], r["row_hash"])


def _redacted(value: object) -> object:
    """Texts of audit details with secret-looking parameters and API keys redacted (the log is
    append-only: a secret written to it could never be removed)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    return value


def _head(connection: Connection) -> AuditRecord | None:
    row = connection.execute(select(audit_events).order_by(audit_events.c.seq.desc()).limit(1)).first()
    return record_of(row) if row is not None else None


def append(connection: Connection, event: AuditEvent) -> AuditRecord:
    """Add ``event`` to the chain inside the caller's transaction."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    # microseconds are kept by both backends; what is hashed is what is stored
    event = AuditEvent(
        redact(event.actor),
        event.action,
        event.object_type,
        redact(event.object_id),
        _utc(event.at),
        redact(event.purpose),
        event.origin,
        _redacted(event.details),  # type: ignore[arg-type]
    )
    for _attempt in range(20):
        record = seal(_head(connection), event)
        savepoint = connection.begin_nested()
        try:
            connection.execute(
                insert(audit_events).values(
                    seq=record.seq,
                    at=event.at,
                    actor=event.actor,
                    action=event.action,
                    object_type=event.object_type,
                    object_id=event.object_id,
                    purpose=event.purpose,
                    origin=event.origin,
                    details=canonical_json(event.details),
                    prev_hash=record.prev_hash,
                    row_hash=record.row_hash,
                )
            )
        except IntegrityError:  # another writer took this sequence number: read the new head
            savepoint.rollback()
            continue
        savepoint.commit()
        return record
    raise Conflict("audit log: could not append after 20 attempts (too many concurrent writers)")


class SqlAuditStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def append(self, event: AuditEvent) -> AuditRecord:
        with self.engine.begin() as connection:
            return append(connection, event)

    def records(self, after: int = 0, limit: int | None = None) -> Iterator[AuditRecord]:
        query = select(audit_events).where(audit_events.c.seq > after).order_by(audit_events.c.seq)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                yield record_of(row)

    def head(self) -> AuditRecord | None:
        with self.engine.connect() as connection:
            return _head(connection)

    def count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(audit_events)).scalar_one())
