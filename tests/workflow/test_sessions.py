"""Sessions (issue 16): the ``__Host-`` cookie, a user's list of their own sessions and ending them,
re-authentication before approvals and new API keys, and sessions surviving the schema upgrade."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import PASSWORD, World

from tekser.api.app import COOKIE, PLAIN_COOKIE, create_app
from tekser.domain.access import REAUTHENTICATE_AFTER, Principal, Role, require_recent_authentication
from tekser.errors import NotFound, ReauthenticationRequired
from tekser.settings import Settings
from tekser.storage.tables import audit_events
from tekser.wiring import Desk


def _client(desk: Desk, address: str = "testclient", **configured: Any) -> TestClient:
    app = create_app(Settings(db_url="sqlite://", **configured), desk)
    scheme = "https" if configured.get("cookie_secure", True) else "http"
    return TestClient(app, base_url=f"{scheme}://testserver", client=(address, 50000))


def _sign_in(api: TestClient, user: str) -> str:
    """Signs ``api`` in as ``user``; the session's public id."""
    response = api.post("/api/session", json={"username": user, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["session"])


def _audited(world: World, action: str) -> list[tuple[str, str, Any]]:
    with world.engine.connect() as connection:
        rows = connection.execute(
            select(audit_events.c.actor, audit_events.c.object_id, audit_events.c.details)
            .where(audit_events.c.action == action)
            .order_by(audit_events.c.seq)
        )
        return [(r.actor, r.object_id, json.loads(r.details) if r.details else None) for r in rows]


# --- the cookie ---------------------------------------------------------------------------------


def test_over_https_the_cookie_is_host_prefixed_with_path_root_and_no_domain(desk: Desk) -> None:
    api = _client(desk)
    response = api.post("/api/session", json={"username": "ana", "password": PASSWORD})
    header = response.headers["set-cookie"]
    assert header.startswith(f"{COOKIE}=") and COOKIE == "__Host-tekser_session"
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in header.split(";")[1:]}
    assert attributes["path"] == "Path=/"  # what a __Host- cookie must have
    assert {"secure", "httponly"} <= set(attributes) and attributes["samesite"].lower() == "samesite=strict"
    assert "domain" not in attributes  # host-only, as the prefix requires
    assert api.get("/api/me").json()["username"] == "ana"
    token = api.cookies[COOKIE]
    # the same token under the plain name is not read: a cookie without the prefix could have been
    # planted by a sibling host or over plain http
    planted = _client(desk)
    planted.cookies.set(PLAIN_COOKIE, token)
    assert planted.get("/api/me").status_code == 401
    assert api.delete("/api/session").status_code == 200
    assert api.get("/api/me").status_code == 401


def test_with_cookie_secure_off_the_cookie_has_the_plain_name(desk: Desk) -> None:
    api = _client(desk, cookie_secure=False)  # a local test over plain http: no __Host- cookie possible
    response = api.post("/api/session", json={"username": "ana", "password": PASSWORD})
    header = response.headers["set-cookie"]
    assert header.startswith(f"{PLAIN_COOKIE}=") and "secure" not in header.lower()
    assert "path=/;" in header.lower()
    assert api.get("/api/me").json()["username"] == "ana"


# --- the list of one's sessions --------------------------------------------------------------------


def test_a_user_sees_their_sessions_and_ends_another_one_but_not_someone_elses(desk: Desk, world: World) -> None:
    laptop, phone, colleague = _client(desk, "192.0.2.10"), _client(desk, "198.51.100.7"), _client(desk)
    on_laptop = _sign_in(laptop, "ana")
    world.clock.advance(minutes=2)
    on_phone = _sign_in(phone, "ana")
    theirs = _sign_in(colleague, "ali")

    listed = laptop.get("/api/sessions").json()
    assert [(s["id"], s["client"], s["current"]) for s in listed] == [
        (on_laptop, "192.0.2.10", True),
        (on_phone, "198.51.100.7", False),
    ]
    assert listed[0]["created_at"] == "2026-06-01T09:00:00+00:00" and listed[1]["created_at"].startswith(
        "2026-06-01T09:02"
    )
    token = laptop.cookies[COOKIE]
    for shown in (on_laptop, on_phone):  # an id that gives nothing of the token away
        assert re.fullmatch(r"[0-9a-f]{12}", shown)
        assert shown not in token and shown not in hashlib.sha256(token.encode()).hexdigest()

    assert laptop.delete(f"/api/sessions/{theirs}").status_code == 404  # another user's: not found
    assert colleague.get("/api/me").status_code == 200
    assert laptop.delete("/api/sessions/ffffffffffff").status_code == 404

    ended = laptop.delete(f"/api/sessions/{on_phone}")
    assert ended.status_code == 200 and ended.json() == {"ended": [on_phone]}
    assert phone.get("/api/me").status_code == 401
    assert [s["id"] for s in laptop.get("/api/sessions").json()] == [on_laptop]
    assert laptop.delete(f"/api/sessions/{on_phone}").status_code == 404  # once
    assert _audited(world, "session.end") == [("ana", on_phone, {"current": False})]


def test_a_user_ends_all_their_other_sessions_at_once(desk: Desk, world: World) -> None:
    here, elsewhere, third, colleague = _client(desk), _client(desk), _client(desk), _client(desk)
    _sign_in(here, "ana")
    others = sorted([_sign_in(elsewhere, "ana"), _sign_in(third, "ana")])
    _sign_in(colleague, "ali")
    assert here.delete("/api/sessions").status_code == 422  # which ones: an id, or others=true
    ended = here.delete("/api/sessions", params={"others": "true"})
    assert ended.status_code == 200 and sorted(ended.json()["ended"]) == others
    assert elsewhere.get("/api/me").status_code == 401 and third.get("/api/me").status_code == 401
    assert here.get("/api/me").status_code == 200 and colleague.get("/api/me").status_code == 200
    ((actor, target, details),) = _audited(world, "session.end")
    assert (actor, target, sorted(details["ended"])) == ("ana", "others", others)


def test_timed_out_sessions_are_not_listed_and_cannot_be_ended(world: World) -> None:
    access = world.access
    _, old = access.login("ana", PASSWORD, "192.0.2.1")
    world.clock.advance(minutes=10)
    token, current = access.login("ana", PASSWORD, "192.0.2.2")
    world.clock.advance(minutes=6)  # the first one idle for 16 minutes
    current = access.session(token)
    assert [s["id"] for s in access.sessions(current)] == [current.session]
    with pytest.raises(NotFound):
        access.end_session(current, old.session)
    assert access.end_other_sessions(current) == []
    assert _audited(world, "session.end") == []


# --- re-authentication ---------------------------------------------------------------------------


def test_the_freshness_rule_holds_for_sessions_only() -> None:
    now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    signed_in = Principal(
        1, "sam", Role.SUPERVISOR, "session", None, session="abc", authenticated_at=now - REAUTHENTICATE_AFTER
    )
    require_recent_authentication(signed_in, now, "approving")  # just within
    with pytest.raises(ReauthenticationRequired, match="POST /api/session/confirm"):
        require_recent_authentication(signed_in, now + timedelta(seconds=1), "approving")
    with pytest.raises(ReauthenticationRequired):  # a session that never said when: asked again
        require_recent_authentication(Principal(1, "sam", Role.SUPERVISOR, "session"), now, "approving")
    for via in ("api-key:abcdefgh", "cli"):  # programs and the command line are not asked
        require_recent_authentication(Principal(1, "sam", Role.SUPERVISOR, via), now, "approving")


def _freeze_request(world: World) -> int:
    """An adverse action awaiting a supervisor's approval (requested by sue)."""
    alert = world.new_alert()
    world.workflow.review(world.who["ana"], alert)
    world.workflow.decide(world.who["ana"], alert, "true_match", "documents match")
    return world.workflow.request(world.who["sue"], alert, "freeze", "listed person")


def test_an_approval_through_a_session_needs_the_password_within_15_minutes(desk: Desk, world: World) -> None:
    first, second = _freeze_request(world), _freeze_request(world)
    api = _client(desk)
    _sign_in(api, "sam")
    world.clock.advance(minutes=10)
    assert api.get("/api/me").status_code == 200  # active: the session stays open ...
    world.clock.advance(minutes=6)  # ... but the password was given 16 minutes ago
    refused = api.post(f"/api/requests/{first}/approve", json={"reason": "checked"})
    assert refused.status_code == 403, refused.text
    body = refused.json()
    assert body["type"] == "urn:tekser:problem:ReauthenticationRequired"
    assert "POST /api/session/confirm" in body["detail"]
    assert not [
        r for r in world.store.decisions(world.store.alert_ids_with_request(first)) if r.kind.value == "approve"
    ]

    wrong = api.post("/api/session/confirm", json={"password": "not the password"})
    assert wrong.status_code == 401
    assert world.store.sign_in_account("sam").failures == 1  # counted as a failed sign-in
    assert api.post(f"/api/requests/{first}/approve", json={"reason": "checked"}).status_code == 403
    confirmed = api.post("/api/session/confirm", json={"password": PASSWORD})
    assert confirmed.status_code == 200 and confirmed.json()["authenticated_at"] == world.clock().isoformat()
    assert world.store.sign_in_account("sam") is None  # a success starts the count again
    assert api.post(f"/api/requests/{first}/approve", json={"reason": "checked"}).status_code == 200
    assert [actor for actor, _, _ in _audited(world, "auth.confirm")] == ["sam"]

    # a program's key is not asked, however long ago anyone signed in
    key = world.access.create_key(world.who["sam"], "batch").key
    world.clock.advance(minutes=14)
    assert api.get("/api/me").status_code == 200
    world.clock.advance(minutes=14)
    by_key = api.post(
        f"/api/requests/{second}/approve", json={"reason": "checked again"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert by_key.status_code == 200, by_key.text


def test_a_new_key_or_a_role_approval_through_a_session_needs_a_recent_password(desk: Desk, world: World) -> None:
    from tests.workflow.conftest import add_enrolled

    second_admin = add_enrolled(world.access, world.who["admin"], "adm2", Role.ADMINISTRATOR)
    world.access.add_user(world.who["admin"], "vic", Role.SUPERVISOR)  # pending: a second administrator approves
    api = _client(desk)
    _sign_in(api, second_admin.username)
    world.clock.advance(minutes=10)
    api.get("/api/me")
    world.clock.advance(minutes=10)
    assert api.post("/api/keys", json={"label": "script"}).status_code == 403
    assert api.post("/api/users/vic/approve-role").status_code == 403
    assert api.post("/api/session/confirm", json={"password": PASSWORD}).status_code == 200
    assert api.post("/api/keys", json={"label": "script"}).status_code == 200
    assert api.post("/api/users/vic/approve-role").status_code == 200


def test_a_transmission_approval_through_a_stale_session_is_refused_before_anything_else(world: World) -> None:
    sue = world.who["sue"]
    stale = replace(sue, via="session", session="0123456789ab", authenticated_at=world.clock() - timedelta(minutes=16))
    with pytest.raises(ReauthenticationRequired):
        world.cases.approve_transmission(stale, 999_999, "checked")
    with pytest.raises(NotFound):  # with a fresh password, the request itself is looked at
        world.cases.approve_transmission(replace(stale, authenticated_at=world.clock()), 999_999, "checked")


def test_wrong_confirmations_lock_the_name_like_failed_sign_ins(desk: Desk, world: World) -> None:
    api = _client(desk)
    _sign_in(api, "sue")
    for _ in range(5):
        assert api.post("/api/session/confirm", json={"password": "not the password"}).status_code == 401
    locked = api.post("/api/session/confirm", json={"password": PASSWORD})
    assert locked.status_code == 429 and locked.headers["retry-after"] == "900"
    assert [a for a, _, _ in _audited(world, "auth.lockout")] == ["sue"]
    assert _client(desk).post("/api/session", json={"username": "sue", "password": PASSWORD}).status_code == 429


def test_confirming_needs_a_session(desk: Desk, world: World) -> None:
    key = world.access.create_key(world.who["sam"], "batch").key
    response = _client(desk).post(
        "/api/session/confirm", json={"password": PASSWORD}, headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 401


# --- the schema upgrade ----------------------------------------------------------------------------


def test_sessions_open_during_the_upgrade_get_a_public_id_and_stay_valid(desk: Desk, world: World) -> None:
    from alembic import command

    from tekser.storage.database import _alembic_config
    from tekser.storage.tables import web_sessions

    api = _client(desk)
    _sign_in(api, "ana")
    world.access.create_key(world.who["ana"], "laptop")  # rows that refer to users
    config = _alembic_config()
    for target in ("0011", "head"):  # as a database of the previous release, then upgraded
        with world.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0011" else command.upgrade)(config, target)
    with world.engine.connect() as connection:
        (public_id,) = connection.execute(select(web_sessions.c.public_id)).scalars()
    assert re.fullmatch(r"[0-9a-f]{12}", public_id)
    listed = api.get("/api/sessions").json()
    assert [(s["id"], s["current"]) for s in listed] == [(public_id, True)]
