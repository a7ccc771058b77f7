"""Ingest, screening and list views, as an authenticated user: the matrix decides who may, and
every run is an audit event.

The ingest, screening and list services themselves take no caller (scheduled jobs, the demo,
tests); this is the door a person or a program goes through once users exist. Before the first
user exists, the operator setting the deployment up runs them under their own name (still
audited).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from tekser.domain.access import Action, Principal, authorize
from tekser.domain.audit import AuditEvent


class AuditLog(Protocol):
    def append(self, event: AuditEvent) -> object: ...


class Operations:
    def __init__(self, audit: AuditLog, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.audit = audit
        self.clock = clock

    def begin(
        self,
        caller: Principal | str,
        action: Action,
        target: tuple[str, str],
        details: dict[str, Any] | None = None,
        origin: str = "",
    ) -> str:
        """Check that ``caller`` (a principal, or the operator's name before any user exists) may
        do ``action`` on ``target`` (object type, id), record it, and return how the log names them."""
        if isinstance(caller, Principal):
            authorize(caller, action)
            label = caller.label
        else:
            label = caller
        kind, which = target[0][:32], target[1] if len(target[1]) <= 128 else target[1][:127] + "…"  # column sizes
        event = AuditEvent(label, action.value, kind, which, self.clock(), "", origin, details or {})
        self.audit.append(event)
        return label

    def record(
        self, label: str, action: str, target: tuple[str, str], details: dict[str, Any], origin: str = ""
    ) -> None:
        """Record an operator's change of the deployment (already authorised by :meth:`begin`'s caller)."""
        self.audit.append(AuditEvent(label, action, target[0], target[1], self.clock(), "", origin, details))
