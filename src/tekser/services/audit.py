"""Reading, verifying and anchoring the audit log.

Verification walks the whole chain (:func:`tekser.domain.audit.verify`); given a head exported
earlier (``tekser audit head``, kept off the machine: printed, mailed, in another system) it
also proves that no record up to that head was removed or rewritten — which a database
superuser recomputing every hash could otherwise hide. Verifying is itself audited.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Protocol

from tekser.domain.access import Action, Principal, authorize
from tekser.domain.audit import AuditEvent, AuditRecord, Verification, verify
from tekser.errors import InvalidInput

# the audit actions that administer accounts (sign-ins and refusals are not administration)
ADMINISTRATION = ("user.", "key.", "config.")


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AuditStore(Protocol):
    def append(self, event: AuditEvent) -> AuditRecord: ...
    def records(self, after: int = 0, limit: int | None = None) -> Iterator[AuditRecord]: ...
    def head(self) -> AuditRecord | None: ...


def parse_anchor(text: str) -> tuple[int, str]:
    """An exported head: ``{"seq": N, "row_hash": "..."}`` (what :meth:`AuditService.head` writes)."""
    try:
        data = json.loads(text)
        seq, row_hash = int(data["seq"]), str(data["row_hash"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput('anchor: expected JSON {"seq": <number>, "row_hash": "<64 hex>"}') from None
    if seq < 1 or len(row_hash) != 64 or any(c not in "0123456789abcdef" for c in row_hash):
        raise InvalidInput("anchor: seq must be positive and row_hash 64 lowercase hex digits")
    return seq, row_hash


def record_dict(record: AuditRecord) -> dict[str, Any]:
    e = record.event
    return {
        "seq": record.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "purpose": e.purpose,
        "origin": e.origin,
        "details": e.details,
        "row_hash": record.row_hash,
    }


class AuditService:
    def __init__(self, store: AuditStore, clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.clock = clock

    def verify(self, principal: Principal, anchor: tuple[int, str] | None = None, origin: str = "") -> Verification:
        authorize(principal, Action.AUDIT_VERIFY)
        result = verify(self.store.records(), anchor)
        details: dict[str, Any] = {"ok": result.ok, "records": result.records}
        if result.broken_at is not None:
            details |= {"broken_at": result.broken_at, "reason": result.reason}
        if anchor is not None:
            details["anchor"] = {"seq": anchor[0], "row_hash": anchor[1]}
        self.store.append(AuditEvent(principal.label, "audit.verify", "audit", "*", self.clock(), "", origin, details))
        return result

    def head(self, principal: Principal, origin: str = "") -> dict[str, Any]:
        """The chain head to keep elsewhere: later verifications against it catch a rewritten log."""
        authorize(principal, Action.AUDIT_EXPORT_HEAD)
        # the export is audited first, so the exported head covers its own export
        self.store.append(AuditEvent(principal.label, "audit.export_head", "audit", "*", self.clock(), "", origin))
        head = self.store.head()
        assert head is not None
        return {
            "seq": head.seq,
            "row_hash": head.row_hash,
            "at": head.event.at.isoformat(),
            "exported_by": principal.label,
        }

    def events(
        self,
        principal: Principal,
        *,
        after: int = 0,
        limit: int = 100,
        actor: str | None = None,
        action: str | None = None,
        object_id: str | None = None,
        origin: str = "",
    ) -> list[dict[str, Any]]:
        """Audit records, oldest first (reading them is audited: they name people)."""
        authorize(principal, Action.AUDIT_VIEW)
        found = []
        for record in self.store.records(after):
            e = record.event
            if (actor and e.actor != actor) or (action and not e.action.startswith(action)):
                continue
            if object_id and e.object_id != object_id:
                continue
            found.append(record_dict(record))
            if len(found) >= limit:
                break
        details = {"after": after, "count": len(found), "actor": actor, "action": action, "object_id": object_id}
        self.store.append(AuditEvent(principal.label, "audit.view", "audit", "*", self.clock(), "", origin, details))
        return found

    def admin_report(self, principal: Principal, origin: str = "") -> list[dict[str, Any]]:
        """Every administration event (users added, enrolled, granted roles and approvals, reset,
        disabled; API keys made and revoked), oldest first: who did it, when, to whom. Audited."""
        authorize(principal, Action.AUDIT_ADMIN_REPORT)
        found = [record_dict(r) for r in self.store.records() if r.event.action.startswith(ADMINISTRATION)]
        details = {"count": len(found)}
        self.store.append(
            AuditEvent(principal.label, "audit.admin_report", "audit", "*", self.clock(), "", origin, details)
        )
        return found
