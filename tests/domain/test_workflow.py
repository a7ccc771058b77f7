"""The alert life cycle as pure rules: which step is allowed in which state, and what the user reads
when one is not. Expected states and messages are written out, not built from the module."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tekser.domain.workflow import (
    AlertState,
    DecisionRecord,
    RecordKind,
    Status,
    Verdict,
    alert_state,
    check,
)
from tekser.errors import Conflict, InvalidInput

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
R = RecordKind


def _record(
    id_: int, kind: RecordKind, value: str = "", actor: str = "ana", request_id: int | None = None
) -> DecisionRecord:
    return DecisionRecord(id_, 1, kind, value, "documents match", actor, AT, request_id)


def test_a_life_cycle_replayed_in_record_order() -> None:
    records = [
        _record(4, R.APPROVE, actor="sam", request_id=3),
        _record(1, R.REVIEW),
        _record(3, R.REQUEST, "freeze", actor="sue"),
        _record(2, R.DECIDE, "true_match"),
        _record(5, R.REQUEST, "transmit", actor="sue"),
    ]
    state = alert_state(records)  # out of order on purpose: replayed by id
    assert (state.status, state.verdict, state.decided_by) == (Status.DECIDED, Verdict.TRUE_MATCH, "ana")
    assert [(r.id, r.action.value, r.requested_by, r.answer, r.answered_by) for r in state.requests] == [
        (3, "freeze", "sue", R.APPROVE, "sam"),
        (5, "transmit", "sue", None, None),
    ]
    assert [r.id for r in state.pending] == [5]
    assert [r.id for r in state.approved] == [3]
    reopened = alert_state([_record(1, R.REVIEW), _record(2, R.DECIDE, "false_positive"), _record(3, R.REOPEN)])
    assert (reopened.status, reopened.verdict, reopened.decided_by) == (Status.IN_REVIEW, None, None)


def test_steps_out_of_order_are_conflicts_that_say_why() -> None:
    new, in_review = AlertState(), alert_state([_record(1, R.REVIEW)])
    decided = alert_state([_record(1, R.REVIEW), _record(2, R.DECIDE, "inconclusive")])
    cases = [
        (in_review, R.REVIEW, "", None, "the alert is in_review: only a new alert can be taken into review"),
        (new, R.DECIDE, "true_match", None, "the alert is new: decide it while in review (reopen a decided one)"),
        (in_review, R.REOPEN, "", None, "the alert is in_review: only a decided alert can be reopened"),
        (decided, R.REQUEST, "freeze", None, "an adverse action needs a true-match decision first"),
        (decided, R.APPROVE, "", 9, "no request #9 on this alert"),
    ]
    for state, kind, value, request_id, message in cases:
        with pytest.raises(Conflict) as refused:
            check(state, kind, value, "a good reason", "sam", request_id)
        assert str(refused.value) == message


def test_requests_answered_once_and_approved_only_on_a_true_match() -> None:
    base = [_record(1, R.REVIEW), _record(2, R.DECIDE, "true_match"), _record(3, R.REQUEST, "freeze", actor="sue")]
    pending = alert_state(base)
    with pytest.raises(Conflict, match=r"^an adverse action awaits approval: answer it before reopening$"):
        check(pending, R.REOPEN, "", "new documents", "sam", None)
    with pytest.raises(Conflict, match=r"^freeze is already requested or approved for this alert$"):
        check(pending, R.REQUEST, "freeze", "again", "sue", None)
    assert check(pending, R.REQUEST, "transmit", "  to   the  authority ", "sue", None) == "to the authority"
    assert check(pending, R.APPROVE, "", "checked", "sam", 3) == "checked"
    answered = alert_state([*base, _record(4, R.REJECT, actor="sam", request_id=3)])
    with pytest.raises(Conflict, match=r"^request #3 was already rejected by sam$"):
        check(answered, R.APPROVE, "", "checked", "sam", 3)
    with pytest.raises(Conflict, match=r"^freeze is already requested or approved for this alert$"):
        check(
            alert_state([*base, _record(4, R.APPROVE, actor="sam", request_id=3)]),
            R.REQUEST,
            "freeze",
            "x y z",
            "sue",
            None,
        )
    # a rejected request may be asked again
    assert check(answered, R.REQUEST, "freeze", "new evidence", "sue", None) == "new evidence"
    # reopened after the request: no longer a true match, so nothing can be approved
    reopened = alert_state([*base, _record(4, R.REJECT, actor="sam", request_id=3), _record(5, R.REOPEN)])
    second = alert_state([*base, _record(4, R.REOPEN)])
    with pytest.raises(Conflict, match=r"^the alert is no longer decided a true match$"):
        check(second, R.APPROVE, "", "checked", "sam", 3)
    assert check(reopened, R.DECIDE, "true_match", "abc", "ana", None) == "abc"


def test_a_reason_has_three_characters_after_spaces_are_folded_and_values_are_checked() -> None:
    in_review = alert_state([_record(1, R.REVIEW)])
    assert check(in_review, R.DECIDE, "false_positive", " a  b ", "ana", None) == "a b"
    with pytest.raises(InvalidInput, match=r"^a decision needs a reason \(at least 3 characters\)$"):
        check(in_review, R.DECIDE, "false_positive", " a   ", "ana", None)
    with pytest.raises(InvalidInput) as unknown:
        check(in_review, R.DECIDE, "guilty", "because", "ana", None)
    assert str(unknown.value) == "unknown decision 'guilty' (one of: true_match, false_positive, inconclusive)"
    decided = alert_state([_record(1, R.REVIEW), _record(2, R.DECIDE, "true_match")])
    with pytest.raises(InvalidInput) as unknown:
        check(decided, R.REQUEST, "deport", "because", "sue", None)
    assert str(unknown.value) == "unknown action 'deport' (one of: no_board, refuse_entry, freeze, transmit)"
    with pytest.raises(InvalidInput, match=r"^reopening needs a reason"):
        check(decided, R.REOPEN, "", "..", "sam", None)
    assert check(AlertState(), R.REVIEW, "", "  taken  ", "ana", None) == "taken"  # no reason needed to review


def test_an_approved_request_says_approved() -> None:
    records = [_record(1, R.REVIEW), _record(2, R.DECIDE, "true_match"), _record(3, R.REQUEST, "no_board", actor="sue")]
    approved = alert_state([*records, _record(4, R.APPROVE, actor="sam", request_id=3)])
    with pytest.raises(Conflict, match=r"^request #3 was already approved by sam$"):
        check(approved, R.REJECT, "", "changed my mind", "sam", 3)
