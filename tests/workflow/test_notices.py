"""A user is told of the changes to their authentication details since their previous sign-in
(ASVS 2.2.3, 2.5.5): offline deployments have no mail, so the notices come at sign-in, from the
audit log."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.workflow.conftest import PASSWORD, World

from tekser.domain.access import Role
from tekser.errors import Unauthenticated

NEW_PASSWORD = "a longer sentence nobody guesses"


def _sign_in(api: TestClient, user: str, password: str = PASSWORD) -> list[dict[str, Any]]:
    response = api.post("/api/session", json={"username": user, "password": password})
    assert response.status_code == 200, response.text
    notices: list[dict[str, Any]] = response.json()["notices"]
    return notices


def test_a_password_change_is_told_at_the_next_sign_in_and_only_then(api: TestClient, world: World) -> None:
    assert _sign_in(api, "ana") == []
    world.clock.advance(minutes=5)
    changed_at = world.clock.now
    world.access.change_password(world.who["ana"], PASSWORD, NEW_PASSWORD, origin="cli@laptop")
    world.clock.advance(minutes=5)
    notices = _sign_in(api, "ana", NEW_PASSWORD)
    assert [(n["kind"], n["by"], n["origin"], n["at"]) for n in notices] == [
        ("password_changed", "ana (cli)", "cli@laptop", changed_at.isoformat())
    ]
    assert "password was changed" in notices[0]["message"]
    assert api.get("/api/me").json()["notices"] == notices  # the same, for the page that shows them
    world.clock.advance(minutes=5)
    assert _sign_in(api, "ana", NEW_PASSWORD) == []  # told once
    assert api.get("/api/me").json()["notices"] == []


def test_failed_sign_ins_and_lockouts_on_the_name_are_told_as_counts(api: TestClient, world: World) -> None:
    for _ in range(7):  # the 5th locks the name; the 6th and 7th are refused unchecked (not counted)
        with pytest.raises(Unauthenticated):
            world.access.login("ana", "not the password at all", origin="203.0.113.7")
    world.clock.advance(minutes=20)  # the lock has ended
    with pytest.raises(Unauthenticated):
        world.access.login("ana", "one more wrong one", origin="198.51.100.4")
    notices = {n["kind"]: n for n in _sign_in(api, "ana")}
    assert set(notices) == {"sign_in_failures", "lockouts"}
    failures, lockouts = notices["sign_in_failures"], notices["lockouts"]
    assert failures["count"] == 6 and failures["origin"] == "198.51.100.4"
    assert failures["at"] == world.clock.now.isoformat()  # the last one
    assert lockouts["count"] == 1 and lockouts["origin"] == "203.0.113.7"
    # someone else's failures are not ana's
    with pytest.raises(Unauthenticated):
        world.access.login("ali", "not the password at all", origin="203.0.113.7")
    world.clock.advance(minutes=1)
    assert _sign_in(api, "ana") == []


def test_role_key_and_reset_changes_are_told_with_who_and_what(api: TestClient, world: World) -> None:
    admin = world.who["admin"]
    key = world.access.create_key(world.who["ana"], "laptop", origin="cli@laptop")
    world.access.create_key(world.who["ali"], "ali's")  # not ana's
    world.access.revoke_key(admin, key.key_id, "laptop lost", origin="10.0.0.1")
    world.access.set_role(admin, "ana", Role.AUDITOR, "moved to audit", origin="10.0.0.1")
    notices = _sign_in(api, "ana")
    assert [(n["kind"], n["by"], n["detail"]) for n in notices] == [
        ("key_created", "ana (cli)", f"#{key.key_id} ({key.prefix}...)"),
        ("key_revoked", "admin (cli)", f"#{key.key_id}"),
        ("role_changed", "admin (cli)", "analyst -> auditor"),
    ]
    # a reset, then enrolment with the new code: both told at the sign-in after
    code = world.access.reset(admin, "ana", "lost laptop", origin="10.0.0.1").code
    world.access.enrol("ana", code, NEW_PASSWORD, origin="10.0.0.2")
    notices = _sign_in(api, "ana", NEW_PASSWORD)
    assert [(n["kind"], n["origin"]) for n in notices] == [("reset", "10.0.0.1"), ("password_set", "10.0.0.2")]


def test_an_api_key_holder_is_told_since_their_latest_sign_in(world: World) -> None:
    ana = world.access.api_key(world.access.create_key(world.who["ana"], "script").key)
    # the key was made after ana's latest sign-in: it is news to anyone holding ana's key
    assert [n.kind for n in world.access.notices(ana).items] == ["key_created"]
    world.access.cli_principal("ana", PASSWORD)
    assert world.access.notices(ana).items == ()


def test_a_replayed_authenticator_code_is_told_at_the_next_sign_in(world: World) -> None:
    """ASVS 2.8.5: a used TOTP code given again is refused, audited, and its holder told."""
    import pyotp
    from tests.workflow.conftest import FAST_HASHER

    from tekser.services.access import AccessService
    from tekser.services.totp import SecretBox, step_of

    access = AccessService(world.store, FAST_HASHER, world.clock, secret_box=SecretBox(b"x" * 32))
    sue = world.who["sue"]
    secret = access.totp_enrol(sue).secret
    access.totp_confirm(sue, pyotp.TOTP(secret).generate_otp(step_of(world.clock())))
    world.clock.advance(seconds=30)
    code = pyotp.TOTP(secret).generate_otp(step_of(world.clock()))
    access.login("sue", PASSWORD, "10.0.0.1", code)
    with pytest.raises(Unauthenticated):
        access.login("sue", PASSWORD, "10.9.9.9", code)  # someone who saw the code
    world.clock.advance(seconds=30)
    _, principal = access.login("sue", PASSWORD, "10.0.0.1", pyotp.TOTP(secret).generate_otp(step_of(world.clock())))
    told = {n.kind: n for n in access.notices(principal, signed_in=True).items}
    assert told["otp_replays"].count == 1 and told["otp_replays"].origin == "10.9.9.9"
