"""Enrolment codes, four eyes on role grants, and the administration report."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.workflow.conftest import PASSWORD, World, add_enrolled

from tekser.domain.access import Role
from tekser.errors import Conflict, Forbidden, Unauthenticated
from tekser.storage.tables import audit_events, users


def test_an_enrolment_code_is_stored_hashed_works_once_and_expires(world: World) -> None:
    admin = world.who["admin"]
    first = world.access.add_user(admin, "zoe", Role.AUDITOR)
    assert len(first.code) >= 22  # 128 bits, URL-safe base64
    with world.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.username == "zoe")).one()
    assert first.code not in (row.enrol_hash, row.password_hash) and len(row.enrol_hash) == 64
    with pytest.raises(Unauthenticated):
        world.access.login("zoe", PASSWORD)  # no password before enrolment
    world.access.enrol("zoe", first.code, PASSWORD)
    with pytest.raises(Unauthenticated, match="enrolment code"):
        world.access.enrol("zoe", first.code, PASSWORD + "!")  # once
    assert world.access.cli_principal("zoe", PASSWORD).role is Role.AUDITOR
    second = world.access.add_user(admin, "yan", Role.DPO)
    world.clock.advance(hours=72, seconds=1)
    with pytest.raises(Unauthenticated, match="enrolment code"):
        world.access.enrol("yan", second.code, PASSWORD)  # expired
    renewed = world.access.reset(admin, "yan", "code expired")
    world.access.enrol("yan", renewed.code, PASSWORD)
    assert world.access.cli_principal("yan", PASSWORD).role is Role.DPO


def test_a_guarded_role_needs_a_second_administrator(world: World) -> None:
    admin = world.who["admin"]
    adm2 = add_enrolled(world.access, admin, "adm2", Role.ADMINISTRATOR, approve=False)  # the bootstrap
    assert adm2.role is Role.ADMINISTRATOR
    new = world.access.add_user(admin, "vic", Role.SUPERVISOR)
    assert new.pending and (new.part, new.parts) == (1, 2)
    with pytest.raises(Forbidden, match="second part"):
        world.access.enrol("vic", new.code, PASSWORD)  # the granting administrator's part alone
    with pytest.raises(Forbidden, match="second person"):
        world.access.approve_role(admin, "vic")
    second = world.access.approve_role(adm2, "vic")
    assert second is not None and (second.part, second.parts) == (2, 2)
    with pytest.raises(Unauthenticated):
        world.access.enrol("vic", new.code, PASSWORD)
    with pytest.raises(Unauthenticated):
        world.access.enrol("vic", second.code, PASSWORD)
    world.access.enrol("vic", new.code + second.code, PASSWORD)
    assert world.access.cli_principal("vic", PASSWORD).role is Role.SUPERVISOR
    with pytest.raises(Conflict):
        world.access.approve_role(adm2, "vic")
    # with two administrators, a third administrator is no bootstrap: it waits too
    assert world.access.add_user(admin, "adm3", Role.ADMINISTRATOR).pending


def test_the_bootstrap_happens_once_per_deployment(world: World) -> None:
    """Disabling or demoting the second administrator does not let the first make another alone."""
    admin = world.who["admin"]
    add_enrolled(world.access, admin, "adm2", Role.ADMINISTRATOR, approve=False)
    world.access.set_active(admin, "adm2", False, "left the unit")
    assert world.access.add_user(admin, "adm3", Role.ADMINISTRATOR).pending
    world.access.set_role(admin, "adm2", Role.AUDITOR, "moved")
    assert world.access.add_user(admin, "adm4", Role.ADMINISTRATOR).pending
    with world.engine.connect() as connection:
        boot = [r for r in connection.execute(select(audit_events.c.details)).scalars() if '"bootstrap":true' in r]
    assert len(boot) == 1


def test_a_reset_of_a_guarded_account_needs_two_administrators_again(world: World) -> None:
    admin = world.who["admin"]
    adm2 = add_enrolled(world.access, admin, "adm2", Role.ADMINISTRATOR, approve=False)
    with pytest.raises(Conflict, match="three administrators"):
        world.access.reset(admin, "adm2", "forgot")  # nobody else could give the second part
    first = world.access.reset(admin, "ana", "lost laptop")
    assert first.pending and first.parts == 2
    with pytest.raises(Forbidden, match="second part"):
        world.access.enrol("ana", first.code, PASSWORD)
    second = world.access.approve_role(adm2, "ana")
    assert second is not None
    world.access.enrol("ana", f"{second.code} {first.code}", PASSWORD)
    assert world.access.cli_principal("ana", PASSWORD).role is Role.ANALYST
    # an auditor's reset is one administrator's: the role decides nothing
    assert world.access.reset(admin, "aud", "lost laptop").parts == 1


def test_the_admin_report_lists_the_administration_events(world: World) -> None:
    admin = world.who["admin"]
    new = world.access.add_user(admin, "zoe", Role.AUDITOR)
    world.access.enrol("zoe", new.code, PASSWORD)
    world.access.set_active(admin, "zoe", False, "left")
    world.access.create_key(world.who["ana"], "laptop")
    report = world.audit.admin_report(world.who["aud"])
    seen = [(e["actor"].split(" ")[0], e["action"], e["object_id"]) for e in report]
    for expected in [("admin", "user.create", "zoe"), ("zoe", "user.enrol", "zoe"), ("admin", "user.disable", "zoe")]:
        assert expected in seen
    assert any(action == "key.create" and who == "ana" for who, action, _ in seen)
    assert not any(action.startswith(("auth.", "alert.")) for _, action, _ in seen)
    assert report[0]["details"]["role"] == "administrator" and report[0]["object_id"] == "admin"
    with pytest.raises(Forbidden):
        world.audit.admin_report(world.who["ana"])
