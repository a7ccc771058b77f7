"""The alert life cycle: append-only decision records, and the state they add up to.

An alert is ``new`` until an analyst starts reviewing it (``in_review``); it is then decided —
true match, false positive or inconclusive — always with a reason. Decisions are never edited:
reopening adds a record and the alert is in review again. An adverse action (no board, refuse
entry, freeze, transmission to another authority) is requested after a true-match decision and
takes effect only when a second person approves it; a rejection closes the request. The state
of an alert is computed from its records alone (:func:`alert_state`), so a replay of the log
gives the same answer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from tekser.domain.serialization import canonical_json
from tekser.errors import Conflict, InvalidInput


class Status(StrEnum):
    NEW = "new"
    IN_REVIEW = "in_review"
    DECIDED = "decided"


class Verdict(StrEnum):
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    INCONCLUSIVE = "inconclusive"


class AdverseAction(StrEnum):
    NO_BOARD = "no_board"
    REFUSE_ENTRY = "refuse_entry"
    FREEZE = "freeze"
    TRANSMIT = "transmit"  # to a competent authority


class RecordKind(StrEnum):
    REVIEW = "review"
    DECIDE = "decide"
    REOPEN = "reopen"
    REQUEST = "request"
    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One append-only record of an alert's life."""

    id: int
    alert_id: int
    kind: RecordKind
    value: str  # the verdict, the adverse action, or ""
    reason: str
    actor: str
    at: datetime
    request_id: int | None = None  # approve / reject: the request they answer


@dataclass(frozen=True, slots=True)
class Request:
    id: int
    action: AdverseAction
    requested_by: str
    reason: str
    answer: RecordKind | None = None  # APPROVE / REJECT once answered
    answered_by: str | None = None


@dataclass(frozen=True, slots=True)
class AlertState:
    status: Status = Status.NEW
    verdict: Verdict | None = None
    decided_by: str | None = None
    requests: tuple[Request, ...] = field(default_factory=tuple)

    @property
    def pending(self) -> tuple[Request, ...]:
        return tuple(r for r in self.requests if r.answer is None)

    @property
    def approved(self) -> tuple[Request, ...]:
        return tuple(r for r in self.requests if r.answer is RecordKind.APPROVE)


MIN_REASON = 3  # characters: a reason is mandatory, and "." is not one


def _reason(reason: str, what: str) -> str:
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise InvalidInput(f"{what} needs a reason (at least {MIN_REASON} characters)")
    return reason


def apply(state: AlertState, record: DecisionRecord) -> AlertState:
    """The state after one record (the records were checked by :func:`check` when written)."""
    if record.kind is RecordKind.REVIEW:
        return AlertState(Status.IN_REVIEW, None, None, state.requests)
    if record.kind is RecordKind.DECIDE:
        return AlertState(Status.DECIDED, Verdict(record.value), record.actor, state.requests)
    if record.kind is RecordKind.REOPEN:
        return AlertState(Status.IN_REVIEW, None, None, state.requests)
    if record.kind is RecordKind.REQUEST:
        request = Request(record.id, AdverseAction(record.value), record.actor, record.reason)
        return AlertState(state.status, state.verdict, state.decided_by, (*state.requests, request))
    answered = tuple(
        Request(r.id, r.action, r.requested_by, r.reason, record.kind, record.actor) if r.id == record.request_id else r
        for r in state.requests
    )
    return AlertState(state.status, state.verdict, state.decided_by, answered)


def alert_state(records: list[DecisionRecord]) -> AlertState:
    state = AlertState()
    for record in sorted(records, key=lambda r: r.id):
        state = apply(state, record)
    return state


def check(state: AlertState, kind: RecordKind, value: str, reason: str, actor: str, request_id: int | None) -> str:
    """Whether a record may be appended to an alert in ``state``; returns the cleaned reason.

    Raises :class:`Conflict` for a step the life cycle does not allow and :class:`InvalidInput`
    for a missing reason or an unknown value. Who may take the step is the access matrix's
    question, and that an approver is not the requester :func:`tekser.domain.access.require_second_person`'s.
    """
    if kind is RecordKind.REVIEW:
        if state.status is not Status.NEW:
            raise Conflict(f"the alert is {state.status}: only a new alert can be taken into review")
        return " ".join(reason.split())
    if kind is RecordKind.DECIDE:
        if state.status is not Status.IN_REVIEW:
            raise Conflict(f"the alert is {state.status}: decide it while in review (reopen a decided one)")
        if value not in {v.value for v in Verdict}:
            raise InvalidInput(f"unknown decision {value!r} (one of: {', '.join(v.value for v in Verdict)})")
        return _reason(reason, "a decision")
    if kind is RecordKind.REOPEN:
        if state.status is not Status.DECIDED:
            raise Conflict(f"the alert is {state.status}: only a decided alert can be reopened")
        if state.pending:
            raise Conflict("an adverse action awaits approval: answer it before reopening")
        return _reason(reason, "reopening")
    if kind is RecordKind.REQUEST:
        if value not in {a.value for a in AdverseAction}:
            raise InvalidInput(f"unknown action {value!r} (one of: {', '.join(a.value for a in AdverseAction)})")
        if state.verdict is not Verdict.TRUE_MATCH:
            raise Conflict("an adverse action needs a true-match decision first")
        if any(r.action.value == value for r in (*state.pending, *state.approved)):
            raise Conflict(f"{value} is already requested or approved for this alert")
        return _reason(reason, "an adverse action")
    # approve / reject
    request = next((r for r in state.requests if r.id == request_id), None)
    if request is None:
        raise Conflict(f"no request #{request_id} on this alert")
    if request.answer is not None:
        answered = "approved" if request.answer is RecordKind.APPROVE else "rejected"  # not "rejectd"
        raise Conflict(f"request #{request_id} was already {answered} by {request.answered_by}")
    if kind is RecordKind.APPROVE and state.verdict is not Verdict.TRUE_MATCH:
        raise Conflict("the alert is no longer decided a true match")
    return _reason(reason, "an approval" if kind is RecordKind.APPROVE else "a rejection")


def subject_hash(subject: dict[str, Any]) -> str:
    """What a suppression remembers of the subject's screened data: any change lifts it."""
    return hashlib.sha256(canonical_json(subject).encode("utf-8")).hexdigest()
