"""`tekser users` on the command line: the deployment always keeps an administrator."""

from __future__ import annotations

import json

from tests.cli.conftest import PASSWORD, Cli


def test_the_last_administrator_cannot_demote_or_disable_themselves(cli: Cli) -> None:
    keys = cli.users(aud="auditor")
    result = cli("users", "role", "admin", "auditor", "--reason", "oops", key=keys["admin"])
    assert result.exit_code == 5 and "last active administrator" in result.output, result.output
    result = cli("users", "disable", "admin", "--reason", "oops", key=keys["admin"])
    assert result.exit_code == 5, result.output
    # a second administrator first (the only administrator may make one alone): then the first may step down
    cli.add("adm2", "administrator", keys["admin"])
    assert cli("users", "role", "admin", "auditor", "--reason", "handover", key=keys["admin"]).exit_code == 0
    adm2 = cli.key("adm2")
    assert cli("users", "role", "adm2", "auditor", "--reason", "oops", key=adm2).exit_code == 5
    roles = {u["username"]: u["role"] for u in json.loads(cli("users", "list", "--json", key=adm2).output)}
    assert roles == {"admin": "auditor", "adm2": "administrator", "aud": "auditor"}


def test_keys_create_is_refused_while_the_name_is_locked(cli: Cli) -> None:
    cli.users()
    for _ in range(5):
        result = cli("keys", "create", "--user", "admin", "--password-stdin", stdin="wrong password!!\n")
        assert result.exit_code == 7 and "wrong user name or password" in result.output
    result = cli("keys", "create", "--user", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 7 and "too many failed sign-ins" in result.output, result.output
    assert "try again after" in result.output and "tk_" not in result.output
