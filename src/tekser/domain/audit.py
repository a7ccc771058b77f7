"""The audit log: append-only events in a hash chain that shows any alteration.

Each event's hash covers the previous event's hash and the event's canonical JSON (keys sorted,
no whitespace), so changing, removing, inserting or reordering a record breaks the chain at that
record; a verifier walks it and names the first broken link. A database superuser could recompute
the whole chain: the head (sequence number and hash) is exported to be kept elsewhere, and a
verification against a kept head also detects records removed from the end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import rfc8785

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Who did what, to what, why, from where and when."""

    actor: str  # user name, "api-key:<id>", or "system"
    action: str  # e.g. "alert.decide", "alert.view", "list.import", "audit.verify"
    object_type: str
    object_id: str
    at: datetime
    purpose: str = ""
    origin: str = ""  # where from: "cli", an IP address
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditRecord:
    seq: int
    event: AuditEvent
    prev_hash: str
    row_hash: str


def payload(seq: int, event: AuditEvent) -> bytes:
    """The canonical bytes a record's hash covers: RFC 8785 (JCS) JSON, so that any verifier, in
    any language, serialises a record to the same bytes (key order by UTF-16 code units, ES6
    number forms — which plain ``json.dumps(sort_keys=True)`` does not guarantee)."""
    return rfc8785.dumps(
        {
            "seq": seq,
            "at": event.at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "purpose": event.purpose,
            "origin": event.origin,
            "details": event.details,
        }
    )


def chain_hash(prev_hash: str, seq: int, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + payload(seq, event)).hexdigest()


def seal(prev: AuditRecord | None, event: AuditEvent) -> AuditRecord:
    """The next record of the chain."""
    seq = prev.seq + 1 if prev else 1
    prev_hash = prev.row_hash if prev else GENESIS
    return AuditRecord(seq, event, prev_hash, chain_hash(prev_hash, seq, event))


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    records: int
    head: tuple[int, str] | None  # (seq, hash) of the last record
    broken_at: int | None = None  # position (1-based) of the first broken record
    reason: str = ""


def verify(records: Iterable[AuditRecord], anchor: tuple[int, str] | None = None) -> Verification:
    """Walk the chain in storage order; the first record that does not follow is reported.

    ``anchor`` is a head exported earlier: the chain must still hold that record unchanged (this
    also catches records removed from the end)."""
    expected_prev = GENESIS
    count = 0
    last: AuditRecord | None = None
    anchored = anchor is None
    for position, record in enumerate(records, start=1):
        count = position
        if record.seq != position:
            return Verification(False, count, None, position, f"sequence {record.seq} where {position} was expected")
        if record.prev_hash != expected_prev:
            return Verification(False, count, None, position, "does not follow the previous record (prev_hash)")
        if chain_hash(record.prev_hash, record.seq, record.event) != record.row_hash:
            return Verification(False, count, None, position, "content altered (row_hash does not match)")
        if anchor is not None and record.seq == anchor[0]:
            if record.row_hash != anchor[1]:
                return Verification(False, count, None, position, "differs from the exported head")
            anchored = True
        expected_prev = record.row_hash
        last = record
    head = (last.seq, last.row_hash) if last else None
    if not anchored:
        assert anchor is not None
        return Verification(False, count, head, count + 1, f"record {anchor[0]} of the exported head is missing")
    return Verification(True, count, head)
