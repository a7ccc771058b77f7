"""The second factor (TOTP, RFC 6238): enrolment confirmed by a code, the code at sign-in (±1 step,
once), wrong codes throttled, replays audited, the secret sealed at rest, administrators refused
administration without one, reset removing it."""

from __future__ import annotations

import base64
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.workflow.conftest import FAST_HASHER, PASSWORD, World

from tekser.api.app import create_app
from tekser.domain.access import Principal, Role
from tekser.errors import ConfigError, Conflict, Forbidden, InvalidInput, TooManyAttempts, Unauthenticated
from tekser.services.access import AccessService
from tekser.services.totp import STEP_SECONDS, SecretBox, step_of
from tekser.settings import Settings
from tekser.storage.tables import users
from tekser.wiring import Desk

DEPLOYMENT_SECRET = b"a deployment secret of at least thirty-two characters"


@pytest.fixture
def access(world: World) -> AccessService:
    """The deployment default: a deployment secret, and administrators need an authenticator."""
    return AccessService(world.store, FAST_HASHER, world.clock, secret_box=SecretBox(DEPLOYMENT_SECRET))


def _code(secret: str, world: World, steps: int = 0) -> str:
    """What the authenticator shows ``steps`` steps from the (fake) clock's."""
    return pyotp.TOTP(secret).generate_otp(step_of(world.clock()) + steps)


def _audited(world: World, action: str) -> list[dict[str, Any]]:
    return [e for e in world.audit.events(world.who["aud"], limit=1000) if e["action"] == action]


def _confirmed(access: AccessService, world: World, who: Principal) -> str:
    """Enrol and confirm an authenticator for ``who``; its secret. The clock moves on a step, so
    that the next sign-in has a code not used yet."""
    secret = access.totp_enrol(who).secret
    access.totp_confirm(who, _code(secret, world))
    world.clock.advance(seconds=STEP_SECONDS)
    return secret


def test_an_authenticator_counts_once_confirmed_and_then_sign_in_needs_its_code(
    access: AccessService, world: World
) -> None:
    ana = access.cli_principal("ana", PASSWORD)
    new = access.totp_enrol(ana)
    assert len(base64.b32decode(new.secret)) == 20  # 160 bits
    assert new.uri.startswith("otpauth://totp/tekser:ana?secret=" + new.secret)
    assert access.cli_principal("ana", PASSWORD).username == "ana"  # not confirmed yet: no code needed
    with pytest.raises(InvalidInput, match="does not match"):
        access.totp_confirm(ana, "000000" if _code(new.secret, world) != "000000" else "111111")
    access.totp_confirm(ana, _code(new.secret, world))
    with pytest.raises(Conflict, match="no authenticator awaits"):
        access.totp_confirm(ana, _code(new.secret, world, 1))
    world.clock.advance(seconds=STEP_SECONDS)
    with pytest.raises(Unauthenticated, match="authenticator code"):
        access.cli_principal("ana", PASSWORD)  # no code
    with pytest.raises(Unauthenticated):
        access.login("ana", PASSWORD, "10.0.0.1")
    assert access.login("ana", PASSWORD, "10.0.0.1", _code(new.secret, world))[1].username == "ana"
    assert [e["object_id"] for e in _audited(world, "user.totp_confirm")] == ["ana"]


def test_wrong_codes_are_sign_in_failures_and_lock_the_name(access: AccessService, world: World) -> None:
    secret = _confirmed(access, world, world.who["ana"])
    right = _code(secret, world)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        with pytest.raises(Unauthenticated):
            access.login("ana", PASSWORD, "10.0.0.1", wrong)
    failures = [e for e in _audited(world, "auth.failure") if e["object_id"] == "ana"]
    assert len(failures) == 4
    with pytest.raises(Unauthenticated):
        access.login("ana", PASSWORD, "10.0.0.1")  # a missing code: the fifth failure
    with pytest.raises(TooManyAttempts):
        access.login("ana", PASSWORD, "10.0.0.1", right)  # locked: even the right code
    assert [e["object_id"] for e in _audited(world, "auth.lockout")] == ["ana"]


def test_a_code_is_used_once_and_a_replay_is_refused_and_audited(access: AccessService, world: World) -> None:
    secret = _confirmed(access, world, world.who["sue"])
    code = _code(secret, world)
    access.login("sue", PASSWORD, "10.0.0.1", code)
    with pytest.raises(Unauthenticated):
        access.login("sue", PASSWORD, "10.0.0.2", code)  # the same code again
    with pytest.raises(Unauthenticated):
        access.login("sue", PASSWORD, "10.0.0.2", _code(secret, world, -1))  # an earlier one
    replays = _audited(world, "auth.otp_replay")
    assert [(e["object_id"], e["origin"]) for e in replays] == [("sue", "10.0.0.2"), ("sue", "10.0.0.2")]
    assert len([e for e in _audited(world, "auth.failure") if e["object_id"] == "sue"]) == 2
    world.clock.advance(seconds=STEP_SECONDS)
    assert access.login("sue", PASSWORD, "10.0.0.1", _code(secret, world))[1].username == "sue"


def test_a_code_one_step_either_side_is_accepted_two_steps_not(access: AccessService, world: World) -> None:
    secret = _confirmed(access, world, world.who["sam"])
    world.clock.advance(seconds=2 * STEP_SECONDS + 10)  # past the confirming code's steps, inside a step
    for steps, accepted in ((-2, False), (-1, True), (2, False), (1, True)):
        if accepted:
            access.cli_principal("sam", PASSWORD, otp=_code(secret, world, steps))
        else:
            with pytest.raises(Unauthenticated):
                access.cli_principal("sam", PASSWORD, otp=_code(secret, world, steps))


def test_an_administrator_without_an_authenticator_signs_in_and_administers_nothing(
    access: AccessService, world: World
) -> None:
    old_key = world.access.create_key(world.who["admin"], "made before the rule").key
    admin = access.cli_principal("admin", PASSWORD)  # signing in still works: to enrol
    assert admin.needs_mfa
    for attempt in (
        lambda: access.add_user(admin, "zoe", Role.AUDITOR),
        lambda: access.users(admin),
        lambda: access.reset(admin, "ana", "forgotten"),
        lambda: access.create_key(admin, "laptop"),
        lambda: access.users(access.api_key(old_key)),  # a key made before: no administration either
    ):
        with pytest.raises(Forbidden, match="enrol an authenticator first"):
            attempt()
    assert len(_audited(world, "access.denied")) == 5
    assert not access.cli_principal("ana", PASSWORD).needs_mfa  # the rule is for administrators
    _confirmed(access, world, admin)
    secret_admin = access.cli_principal("admin", PASSWORD, otp=_code(_secret_of(access, world, "admin"), world))
    assert not secret_admin.needs_mfa
    assert access.add_user(secret_admin, "zoe", Role.AUDITOR).code
    assert access.users(access.api_key(old_key))  # the user has one now


def _secret_of(access: AccessService, world: World, name: str) -> str:
    user = world.store.user_by_name(name)
    assert user is not None and user.totp_secret is not None
    assert access.secret_box is not None
    return access.secret_box.open(user.totp_secret, user.id)


def test_the_secret_is_stored_sealed_and_opens_only_with_the_deployment_secret_on_its_own_row(
    access: AccessService, world: World
) -> None:
    new = access.totp_enrol(world.who["ana"])
    access.totp_confirm(world.who["ana"], _code(new.secret, world))
    with world.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == "ana")).one()
    stored = " ".join(str(value) for value in row)
    assert new.secret not in stored and new.secret.lower() not in stored.lower()
    assert new.secret not in stored.replace("=", "")
    assert row.totp_secret.startswith("v1.") and row.totp_pending is None
    assert _secret_of(access, world, "ana") == new.secret
    with pytest.raises(ConfigError, match="does not open"):
        SecretBox(b"another deployment secret, also long enough").open(row.totp_secret, row.id)
    with pytest.raises(ConfigError, match="does not open"):
        SecretBox(DEPLOYMENT_SECRET).open(row.totp_secret, row.id + 1)  # copied onto another user
    with pytest.raises(ConfigError, match="at least 32"):
        SecretBox(b"short")


def test_without_a_deployment_secret_no_one_enrols(world: World) -> None:
    access = AccessService(world.store, FAST_HASHER, world.clock)
    with pytest.raises(ConfigError, match="TEKSER_SECRET_KEY"):
        access.totp_enrol(world.who["ana"])


def test_an_authenticator_is_not_enrolled_with_an_api_key(access: AccessService, world: World) -> None:
    key = access.create_key(world.who["ana"], "laptop").key
    with pytest.raises(Forbidden, match="not with an API key"):
        access.totp_enrol(access.api_key(key))


def test_reset_removes_the_authenticator_and_the_holder_enrols_again(access: AccessService, world: World) -> None:
    secret = _confirmed(access, world, world.who["dpo"])
    assert [u["totp"] for u in world.access.users(world.who["admin"]) if u["username"] == "dpo"] == [True]
    renewed = world.access.reset(world.who["admin"], "dpo", "lost the phone")
    with world.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == "dpo")).one()
    assert (row.totp_secret, row.totp_pending, row.totp_last_step) == (None, None, None)
    (reset,) = _audited(world, "user.reset")
    assert reset["details"]["authenticator_removed"] is True
    access.enrol("dpo", renewed.code, PASSWORD + "!")
    dpo = access.cli_principal("dpo", PASSWORD + "!")  # no code asked: the holder enrols a new authenticator
    fresh = access.totp_enrol(dpo)
    assert fresh.secret != secret
    with pytest.raises(InvalidInput):
        access.totp_confirm(dpo, _code(secret, world, 1))  # the old one's code confirms nothing
    access.totp_confirm(dpo, _code(fresh.secret, world, 1))


def test_over_http_sign_in_takes_the_code_and_a_session_enrols(access: AccessService, world: World) -> None:
    desk = Desk(world.engine, world.store, world.screening, access, world.workflow, world.cases,
                world.internal, world.audit, world.administration, world.operations, None)  # fmt: skip
    api = TestClient(create_app(Settings(db_url="sqlite://"), desk), base_url="https://testserver")
    assert api.post("/api/session", json={"username": "admin", "password": PASSWORD}).status_code == 200
    refused = api.get("/api/users")
    assert refused.status_code == 403 and "enrol an authenticator first" in refused.json()["message"]
    new = api.post("/api/me/totp")
    assert new.status_code == 200 and new.headers["cache-control"] == "no-store"
    secret = new.json()["secret"]
    assert new.json()["uri"].startswith("otpauth://totp/")
    assert api.post("/api/me/totp/confirm", json={"code": _code(secret, world)}).json() == {"confirmed": True}
    assert api.get("/api/users").status_code == 200  # this session, now with a factor
    api.delete("/api/session")
    world.clock.advance(seconds=STEP_SECONDS)
    assert api.post("/api/session", json={"username": "admin", "password": PASSWORD}).status_code == 401
    signed = api.post("/api/session", json={"username": "admin", "password": PASSWORD, "otp": _code(secret, world)})
    assert signed.status_code == 200 and api.get("/api/users").status_code == 200


def test_the_deployment_secret_comes_from_the_environment_or_the_first_line_of_a_file(tmp_path: Any) -> None:
    assert Settings(secret_key="  from the environment  ").deployment_secret() == b"from the environment"
    secret_file = tmp_path / "secret"
    secret_file.write_text("from a file\nignored\n", encoding="utf-8")
    assert Settings(secret_key_file=secret_file).deployment_secret() == b"from a file"
    assert Settings(secret_key=None, secret_key_file=None).deployment_secret() is None
    with pytest.raises(ConfigError, match="TEKSER_SECRET_KEY_FILE"):
        Settings(secret_key_file=tmp_path / "missing").deployment_secret()
