"""Refusals in the pure access rules: what the refused user reads, and what the audit log records.

The audit record of a refusal is what an auditor reads to see who tried what; its fields are
written out literally here (not built from the module), so a change to them fails a test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tekser.domain.access import (
    Action,
    Principal,
    Role,
    authorize,
    require_recent_authentication,
    require_second_factor,
    require_second_person,
)
from tekser.domain.audit import AuditEvent
from tekser.errors import Forbidden, ReauthenticationRequired

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def _principal(events: list[AuditEvent], role: Role, **kwargs: object) -> Principal:
    return Principal(7, "ana", role, audit=events.append, **kwargs)  # type: ignore[arg-type]


def test_a_refused_role_reads_who_and_what_and_the_refusal_is_recorded() -> None:
    events: list[AuditEvent] = []
    with pytest.raises(Forbidden) as refused:
        authorize(_principal(events, Role.AUDITOR, via="api-key:abcdefgh"), Action.ALERT_DECIDE)
    assert str(refused.value) == "ana (auditor) may not alert.decide"
    [event] = events
    assert (event.actor, event.action, event.object_type, event.object_id) == (
        "ana (api-key:abcdefgh)",
        "access.denied",
        "action",
        "alert.decide",
    )
    assert event.details == {"role": "auditor", "refused": "ana (auditor) may not alert.decide"}
    assert event.at.tzinfo is UTC  # the audit log's times are UTC, never the machine's local time


def test_an_administrator_without_a_second_factor_is_told_how_to_enrol_one() -> None:
    events: list[AuditEvent] = []
    admin = _principal(events, Role.ADMINISTRATOR, needs_mfa=True)
    authorize(admin, Action.KEY_OWN)  # their own keys and the list status stay open
    authorize(admin, Action.LIST_VIEW)
    assert events == []
    message = (
        "ana: administration needs a second factor; enrol an authenticator first "
        "(tekser users totp-enrol --user ana, or POST /api/me/totp)"
    )
    with pytest.raises(Forbidden) as refused:
        authorize(admin, Action.USER_MANAGE)
    assert str(refused.value) == message
    [event] = events
    assert (event.actor, event.object_id, event.details) == (
        "ana",
        "user.manage",
        {"role": "administrator", "refused": message},
    )
    require_second_factor(_principal(events, Role.ADMINISTRATOR), "user.manage")  # with one: allowed
    assert len(events) == 1


def test_four_eyes_refuses_the_maker_by_name_and_records_it() -> None:
    events: list[AuditEvent] = []
    sam = _principal(events, Role.SUPERVISOR)
    require_second_person(sam, "sue", "freeze")  # another person: allowed
    with pytest.raises(Forbidden) as refused:
        require_second_person(sam, "ana", "freeze")
    assert str(refused.value) == "freeze needs a second person: ana cannot approve their own request"
    [event] = events
    assert (event.action, event.object_id, event.details["role"]) == ("access.denied", "four-eyes", "supervisor")


def test_a_stale_session_is_asked_for_its_password_and_the_refusal_is_recorded() -> None:
    events: list[AuditEvent] = []
    sam = _principal(events, Role.SUPERVISOR, session="abc", authenticated_at=NOW - timedelta(minutes=15))
    require_recent_authentication(sam, NOW, "approving")  # 15 minutes: still within
    assert events == []
    later = NOW + timedelta(minutes=1)
    with pytest.raises(ReauthenticationRequired) as refused:
        require_recent_authentication(sam, later, "approving")
    message = (
        "approving needs your password again (signed in more than 15 minutes ago): "
        "confirm it with POST /api/session/confirm and retry"
    )
    assert str(refused.value) == message
    [event] = events
    assert event == AuditEvent(
        "ana", "access.denied", "action", "reauthenticate", later, details={"role": "supervisor", "refused": message}
    )
