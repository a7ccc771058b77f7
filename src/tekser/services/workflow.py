"""Alert review: decisions with a reason, four eyes on adverse actions, suppressions, audit.

Every step is checked three times before it is written: the access matrix (may this role do
it?), the life cycle (:mod:`tekser.domain.workflow`: may the alert take this step now?) and, for
approvals, four eyes (is the checker not the maker?). The decision record, the alert's status,
the suppression (for a false positive) and the audit event are written in one transaction.
Reading an alert — personal data — is an audit event too.

An approved no-board request confirms the subject–entry pair for the interactive API (1Z); no
other path leads to a no-board directive.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

from tekser.domain.access import (
    Action,
    Principal,
    authorize,
    require_recent_authentication,
    require_second_person,
)
from tekser.domain.alerts import Outcome
from tekser.domain.audit import AuditEvent
from tekser.domain.limits import MAX_SHORT, bounded
from tekser.domain.workflow import (
    AdverseAction,
    AlertState,
    DecisionRecord,
    RecordKind,
    Status,
    Verdict,
    alert_state,
    check,
)
from tekser.errors import InvalidInput


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WorkflowStore(Protocol):
    def transaction(self) -> Any: ...
    def audit(self, event: AuditEvent) -> None: ...
    def decisions(self, alert_id: int) -> list[DecisionRecord]: ...
    def alert_ids_with_request(self, request_id: int) -> int: ...
    def pending_requests(self) -> list[DecisionRecord]: ...
    def suppressions(self, active_only: bool = True) -> list[dict[str, Any]]: ...


class AlertStore(Protocol):
    def alert(self, alert_id: int) -> Any: ...
    def alerts(self, status: str | None = None, subject_id: int | None = None, limit: int = 1000) -> list[Any]: ...
    def outcomes(self, alert_id: int) -> list[dict[str, Any]]: ...
    def add_outcome(self, alert_id: int, outcome: str, by: str, note: str, at: datetime, origin: str = "") -> None: ...


class Confirmer(Protocol):
    """What carries out an approved no-board (the interactive API's pair confirmation)."""

    def confirm(self, alert_id: int, by: str, reason: str) -> str | None: ...


def _record_dict(record: DecisionRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": record.id,
        "kind": record.kind.value,
        "value": record.value,
        "reason": record.reason,
        "actor": record.actor,
        "at": record.at.isoformat(),
    }
    if record.request_id is not None:
        data["request_id"] = record.request_id
    return data


class WorkflowService:
    def __init__(
        self,
        store: WorkflowStore,
        alerts: AlertStore,
        confirmer: Confirmer | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.alerts = alerts
        self.confirmer = confirmer
        self.clock = clock

    # --- reading (audited: alerts hold personal data) ----------------------------------------

    def list_alerts(
        self, principal: Principal, status: str | None = None, limit: int = 50, origin: str = "", purpose: str = ""
    ) -> list[Any]:
        authorize(principal, Action.ALERT_LIST)
        found = self.alerts.alerts(status=status, limit=limit)
        details = {"status": status, "count": len(found), "alerts": [a.id for a in found]}
        self.store.audit(
            AuditEvent(principal.label, "alert.list", "alert", "*", self.clock(), purpose, origin, details)
        )
        return found

    def view(self, principal: Principal, alert_id: int, origin: str = "", purpose: str = "") -> dict[str, Any]:
        """An alert with its frozen evidence, its decisions and state, and its outcomes."""
        authorize(principal, Action.ALERT_VIEW)
        alert = self.alerts.alert(alert_id)
        records = self.store.decisions(alert_id)
        state = alert_state(records)
        self.store.audit(
            AuditEvent(principal.label, "alert.view", "alert", str(alert_id), self.clock(), purpose, origin)
        )
        return {
            "id": alert.id,
            "status": state.status.value,
            "verdict": state.verdict.value if state.verdict else None,
            "cause": alert.cause,
            "created_at": alert.created_at.isoformat(),
            "score": alert.score,
            "priority": alert.priority,
            "evidence_sha256": alert.evidence_hash,
            "evidence": alert.evidence,
            "decisions": [_record_dict(r) for r in records],
            "pending_requests": [
                {"id": r.id, "action": r.action.value, "requested_by": r.requested_by, "reason": r.reason}
                for r in state.pending
            ],
            "outcomes": self.alerts.outcomes(alert_id),
        }

    def state(self, alert_id: int) -> AlertState:
        return alert_state(self.store.decisions(alert_id))

    def pending(self, principal: Principal) -> list[dict[str, Any]]:
        """Adverse actions awaiting a second person."""
        authorize(principal, Action.ALERT_LIST)
        return [_record_dict(r) | {"alert_id": r.alert_id} for r in self.store.pending_requests()]

    # --- the life cycle ---------------------------------------------------------------------

    def review(self, principal: Principal, alert_id: int, note: str = "", origin: str = "") -> AlertState:
        """Take a new alert into review."""
        authorize(principal, Action.ALERT_REVIEW)
        return self._append(principal, alert_id, RecordKind.REVIEW, "", note, origin)

    def decide(
        self,
        principal: Principal,
        alert_id: int,
        verdict: Verdict | str,
        reason: str,
        *,
        suppress: bool = False,
        origin: str = "",
    ) -> AlertState:
        """True match, false positive or inconclusive, with why. ``suppress`` (false positives
        only): the same person and entry raise no new alert until either's data change."""
        authorize(principal, Action.ALERT_DECIDE)
        value = Verdict(verdict).value if str(verdict) in {v.value for v in Verdict} else str(verdict)
        if suppress and value != Verdict.FALSE_POSITIVE.value:
            raise InvalidInput("only a false positive can be suppressed")
        return self._append(principal, alert_id, RecordKind.DECIDE, value, reason, origin, suppress=suppress)

    def reopen(self, principal: Principal, alert_id: int, reason: str, origin: str = "") -> AlertState:
        """A decided alert is in review again (the earlier decision stays on record)."""
        authorize(principal, Action.ALERT_REOPEN)
        return self._append(principal, alert_id, RecordKind.REOPEN, "", reason, origin)

    def request(
        self, principal: Principal, alert_id: int, action: AdverseAction | str, reason: str, origin: str = ""
    ) -> int:
        """Ask for an adverse action (no board, refuse entry, freeze, transmit); a second person
        approves it. Returns the request's number."""
        authorize(principal, Action.ACTION_REQUEST)
        self._append(principal, alert_id, RecordKind.REQUEST, str(action), reason, origin)
        return self.store.decisions(alert_id)[-1].id

    def approve(self, principal: Principal, request_id: int, reason: str, origin: str = "") -> str | None:
        """The second person approves an adverse action. For no board, returns the status change
        for the airline (CUSRES BGM+132) when the passenger was told otherwise before."""
        authorize(principal, Action.ACTION_APPROVE)
        require_recent_authentication(principal, self.clock(), "approving an adverse action")
        alert_id = self.store.alert_ids_with_request(request_id)
        request = next(r for r in self.store.decisions(alert_id) if r.id == request_id)
        require_second_person(principal, request.actor, f"{request.value} on alert #{alert_id}")
        self._append(principal, alert_id, RecordKind.APPROVE, request.value, reason, origin, request_id=request_id)
        if request.value == AdverseAction.NO_BOARD.value and self.confirmer is not None:
            return self.confirmer.confirm(alert_id, f"{request.actor} + {principal.username}", reason)
        return None

    def reject(self, principal: Principal, request_id: int, reason: str, origin: str = "") -> None:
        authorize(principal, Action.ACTION_REJECT)
        alert_id = self.store.alert_ids_with_request(request_id)
        request = next(r for r in self.store.decisions(alert_id) if r.id == request_id)
        require_second_person(principal, request.actor, f"{request.value} on alert #{alert_id}")
        self._append(principal, alert_id, RecordKind.REJECT, request.value, reason, origin, request_id=request_id)

    def record_outcome(
        self, principal: Principal, alert_id: int, outcome: str, note: str = "", origin: str = ""
    ) -> None:
        """What happened at the border or the bank (the ground truth for precision); audited by the store."""
        authorize(principal, Action.OUTCOME_RECORD)
        value = Outcome.parse(outcome)
        note = bounded(note, "an outcome's note").strip()
        self.alerts.add_outcome(alert_id, value.value, principal.label, note, self.clock(), origin)

    def lift_suppression(self, principal: Principal, suppression_id: int, reason: str, origin: str = "") -> None:
        authorize(principal, Action.SUPPRESSION_LIFT)
        bounded(reason, "the reason")
        at = self.clock()
        with self.store.transaction() as tx:
            tx.lift_suppression(suppression_id, principal.label, at)
            tx.audit(
                AuditEvent(principal.label, "suppression.lift", "suppression", str(suppression_id), at, reason, origin)
            )

    def _append(
        self,
        principal: Principal,
        alert_id: int,
        kind: RecordKind,
        value: str,
        reason: str,
        origin: str,
        *,
        request_id: int | None = None,
        suppress: bool = False,
    ) -> AlertState:
        bounded(value, kind.value, MAX_SHORT)
        bounded(reason, "the reason" if kind is not RecordKind.REVIEW else "the note")
        alert = self.alerts.alert(alert_id)  # NotFound for an unknown alert
        at = self.clock()
        with self.store.transaction() as tx:
            # the alert is locked and its records read inside the transaction: two reviewers acting
            # at once cannot both take the same step (a second approval, a decision on a decision)
            tx.lock_alert(alert_id)
            records = tx.decisions(alert_id)
            reason = check(alert_state(records), kind, value, reason, principal.username, request_id)
            decision_id: int = tx.add_decision(alert_id, kind, value, reason, principal.username, at, request_id)
            record = DecisionRecord(decision_id, alert_id, kind, value, reason, principal.username, at, request_id)
            new_state = alert_state([*records, record])
            tx.set_alert_status(alert_id, new_state.status.value)
            details: dict[str, Any] = {
                "decision": decision_id,
                "kind": kind.value,
                "entry": alert.entry_key,
                "list_version": alert.evidence.get("list_version"),
                "algorithm": alert.evidence.get("algorithm"),
                "evidence_sha256": alert.evidence_hash,
            }
            if value:
                details["value"] = value
            if request_id is not None:  # both identities of four eyes in the one record
                details["request"] = request_id
                details["requested_by"] = next(r.actor for r in records if r.id == request_id)
            if suppress:
                details["suppression"] = tx.add_suppression(alert_id, decision_id, at)
            tx.audit(
                AuditEvent(principal.label, f"alert.{kind.value}", "alert", str(alert_id), at, reason, origin, details)
            )
        return new_state


__all__ = ["AdverseAction", "Status", "Verdict", "WorkflowService"]
