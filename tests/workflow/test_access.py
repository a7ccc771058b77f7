"""Users, passwords, sessions and API keys."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.workflow.conftest import PASSWORD, World, add_enrolled

from tekser.domain.access import Role
from tekser.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
from tekser.storage.tables import api_keys, users, web_sessions


def test_the_first_administrator_is_created_once(world: World) -> None:
    with pytest.raises(Conflict, match="exist already"):
        world.access.create_first_administrator("mallory", PASSWORD)


def test_passwords_are_argon2id_hashes_and_weak_ones_are_refused(world: World) -> None:
    with world.engine.connect() as connection:
        hashes = connection.execute(select(users.c.password_hash)).scalars().all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)
    code = world.access.add_user(world.who["admin"], "zoe", Role.AUDITOR).code
    for weak in ("short", "password1234", "aaaaaaaaaaaaaaaa", "zoe-is-my-name-zoe"):
        with pytest.raises(InvalidInput, match="password"):
            world.access.enrol("zoe", code, weak)


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(world: World) -> None:
    with pytest.raises(Unauthenticated) as wrong:
        world.access.login("ana", "not the password at all")
    with pytest.raises(Unauthenticated) as unknown:
        world.access.login("nobody", PASSWORD)
    assert str(wrong.value) == str(unknown.value)
    failures = [e for e in world.audit.events(world.who["aud"]) if e["action"] == "auth.failure"]
    assert [e["actor"] for e in failures] == ["ana", "unknown user"]


def test_sessions_end_after_idle_and_absolute_timeouts(world: World) -> None:
    token, principal = world.access.login("ana", PASSWORD, origin="10.0.0.9")
    assert principal.username == "ana"
    with world.engine.connect() as connection:
        stored = connection.execute(select(web_sessions.c.token_hash)).scalars().all()
    assert token not in stored  # only a hash of the cookie is kept
    world.clock.advance(minutes=14)
    world.access.session(token)  # still active, and the idle timer restarts
    world.clock.advance(minutes=14)
    world.access.session(token)
    world.clock.advance(minutes=16)
    with pytest.raises(Unauthenticated, match="expired"):
        world.access.session(token)
    # absolute: active every 10 minutes, still over after 8 hours
    token, _ = world.access.login("ana", PASSWORD)
    for _ in range(47):  # 7 h 50 min
        world.clock.advance(minutes=10)
        world.access.session(token)
    world.clock.advance(minutes=11)
    with pytest.raises(Unauthenticated, match="expired"):
        world.access.session(token)
    world.access.logout(token)


def test_disabling_a_user_ends_their_sessions_and_keys(world: World) -> None:
    token, _ = world.access.login("ali", PASSWORD)
    key = world.access.create_key(world.who["ali"], "scripts")
    world.access.set_active(world.who["admin"], "ali", False, "left the unit")
    with pytest.raises(Unauthenticated):
        world.access.session(token)
    with pytest.raises(Unauthenticated):
        world.access.api_key(key.key)
    with pytest.raises(Unauthenticated):
        world.access.login("ali", PASSWORD)


def test_api_keys_are_stored_as_hashes_and_expire(world: World) -> None:
    key = world.access.create_key(world.who["ana"], "batch", days=2)
    assert key.key.startswith("tk_") and len(key.key) > 40
    with world.engine.connect() as connection:
        row = connection.execute(select(api_keys).where(api_keys.c.id == key.key_id)).one()
    assert key.key not in (row.key_hash, row.prefix, row.label)
    assert world.access.api_key(key.key).username == "ana"
    world.clock.advance(days=2, seconds=1)
    with pytest.raises(Unauthenticated, match="expired"):
        world.access.api_key(key.key)
    with pytest.raises(InvalidInput):
        world.access.create_key(world.who["ana"], "forever", days=3650)


def test_a_revoked_key_is_refused_and_a_role_change_ends_sessions(world: World) -> None:
    key = world.access.create_key(world.who["sue"], "ops")
    world.access.revoke_key(world.who["sue"], key.key_id, "laptop lost")
    with pytest.raises(Unauthenticated):
        world.access.api_key(key.key)
    token, _ = world.access.login("ana", PASSWORD)
    world.access.set_role(world.who["admin"], "ana", Role.AUDITOR, "moved to audit")
    with pytest.raises(Unauthenticated):
        world.access.session(token)
    assert world.access.cli_principal("ana", PASSWORD).role is Role.AUDITOR
    again = world.access.set_role(world.who["admin"], "ana", Role.SUPERVISOR, "promoted")
    assert again is not None and again.parts == 2  # from a role that decides nothing: enrolled again
    with pytest.raises(Unauthenticated):
        world.access.cli_principal("ana", PASSWORD)
    assert world.access.set_role(world.who["admin"], "ali", Role.SUPERVISOR, "promoted") is None
    with pytest.raises(Forbidden, match="second administrator"):  # keeps the password, awaits approval
        world.access.cli_principal("ali", PASSWORD)


def test_the_deployment_hashes_passwords_with_argon2id_above_the_asvs_floor() -> None:
    from tekser.services.access import AccessService

    hasher = AccessService(store=None).hasher  # type: ignore[arg-type]
    parameters = hasher._parameters
    assert parameters.type.name == "ID"
    assert parameters.memory_cost >= 46 * 1024 and parameters.time_cost >= 1  # KiB: ASVS 5.0 Appendix C


def test_the_last_active_administrator_cannot_be_demoted_or_disabled(world: World) -> None:
    admin = world.who["admin"]
    with pytest.raises(Conflict, match="last active administrator"):
        world.access.set_role(admin, "admin", Role.ANALYST, "oops")
    adm2 = add_enrolled(world.access, admin, "adm2", Role.ADMINISTRATOR, approve=False)  # the bootstrap
    world.access.set_role(adm2, "admin", Role.AUDITOR, "moved to audit")  # two administrators: allowed
    # the stale principal still says administrator: it must not leave the deployment without one
    with pytest.raises(Conflict, match="last active administrator"):
        world.access.set_active(admin, "adm2", False, "left")
    with pytest.raises(Conflict, match="last active administrator"):
        world.access.set_role(adm2, "adm2", Role.SUPERVISOR, "demoting myself")
    assert {u["username"]: (u["role"], u["active"]) for u in world.access.users(adm2)}["adm2"] == (
        "administrator",
        True,
    )
    world.access.set_role(adm2, "adm2", Role.ADMINISTRATOR, "no change")  # keeping the role is no demotion
