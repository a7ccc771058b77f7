"""Issue 16, finding 1: one administrator cannot defeat four eyes by making the two people."""

from __future__ import annotations

import json

from tests.cli.conftest import PASSWORD, Cli


def _add(cli: Cli, name: str, role: str, key: str) -> str:
    result = cli("users", "add", name, "--role", role, key=key)
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def _enrol(cli: Cli, name: str, code: str) -> int:
    result = cli("users", "enrol", name, "--password-stdin", stdin=PASSWORD + "\n", env={"TEKSER_ENROL_CODE": code})
    return result.exit_code


def test_one_administrator_cannot_make_an_analyst_and_a_supervisor_and_act_as_both(cli: Cli) -> None:
    keys = cli.users()
    admin = keys["admin"]
    # no password is chosen by the administrator any more
    assert cli("users", "add", "a1", "--role", "analyst", "--password-stdin", key=admin).exit_code == 2
    first = {}
    for name, role in (("a1", "analyst"), ("s1", "supervisor")):
        result = cli("users", "add", name, "--role", role, key=admin)
        assert result.exit_code == 0 and "part 1 of 2" in result.output, result.output
        first[name] = result.output.strip().splitlines()[-1]
        # the administrator's part alone sets no password ...
        result = cli("users", "enrol", name, "--password-stdin", stdin=PASSWORD + "\n",
                     env={"TEKSER_ENROL_CODE": first[name]})  # fmt: skip
        assert result.exit_code == 8 and "second part" in result.output, result.output
        result = cli("keys", "create", "--user", name, "--password-stdin", stdin=PASSWORD + "\n")
        assert result.exit_code == 7, result.output
        # ... and the administrator cannot approve their own grant
        result = cli("users", "approve-role", name, key=admin)
        assert result.exit_code == 8 and "second person" in result.output, result.output
    listed = {u["username"]: u for u in json.loads(cli("users", "list", "--json", key=admin).output)}
    assert listed["a1"]["role_pending"] and listed["s1"]["role_pending"]
    # a second administrator approves and gets the second part; the first part alone still fails
    result = cli("users", "approve-role", "s1", key=cli.second_admin(admin))
    assert result.exit_code == 0 and "part 2 of 2" in result.output, result.output
    second = result.output.strip().splitlines()[-1]
    assert second != first["s1"]
    assert _enrol(cli, "s1", first["s1"]) == 7
    assert _enrol(cli, "s1", f"{second} {first['s1']}") == 0  # both parts, in either order
    s1 = cli.key("s1")
    assert cli("alerts", "list", key=s1).exit_code == 0


def test_a_promotion_to_a_role_that_decides_enrols_the_account_again(cli: Cli) -> None:
    """An auditor's password was set with one administrator's code: promoted to analyst, the
    account enrols again with two parts, so that administrator cannot be holding it."""
    keys = cli.users(aud="auditor")
    result = cli("users", "role", "aud", "analyst", "--reason", "moved to the PIU desk", key=keys["admin"])
    assert result.exit_code == 0 and "part 1 of 2" in result.output, result.output
    first = result.output.strip().splitlines()[-1]
    assert cli("audit", "admin-report", key=keys["aud"]).exit_code == 7  # the old key is revoked
    result = cli("keys", "create", "--user", "aud", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 7, result.output  # and the old password gone
    result = cli("users", "approve-role", "aud", key=cli.second_admin(keys["admin"]))
    assert result.exit_code == 0, result.output
    assert _enrol(cli, "aud", first + result.output.strip().splitlines()[-1]) == 0
    assert cli("alerts", "list", key=cli.key("aud")).exit_code == 0


def test_the_holder_enrols_once_and_only_the_holder_makes_keys(cli: Cli) -> None:
    keys = cli.users()
    code = _add(cli, "aud", "auditor", keys["admin"])
    # not enrolled: no password works
    result = cli("keys", "create", "--user", "aud", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 7, result.output
    assert _enrol(cli, "aud", "not-the-code") == 7
    assert _enrol(cli, "aud", code) == 0
    assert _enrol(cli, "aud", code) == 7  # spent
    aud = cli.key("aud")
    # a reset: the keys stop working and a new code is needed
    result = cli("users", "reset", "aud", "--reason", "lost laptop", key=keys["admin"])
    assert result.exit_code == 0, result.output
    assert cli("audit", "admin-report", key=aud).exit_code == 7
    assert _enrol(cli, "aud", result.output.strip().splitlines()[-1]) == 0
    report = json.loads(cli("audit", "admin-report", "--json", key=cli.key("aud")).output)
    seen = [(e["actor"].split(" ")[0], e["action"], e["object_id"]) for e in report]
    for expected in [("admin", "user.create", "aud"), ("aud", "user.enrol", "aud"), ("admin", "user.reset", "aud")]:
        assert expected in seen, seen
    assert ("(bootstrap)", "user.create", "admin") in seen
