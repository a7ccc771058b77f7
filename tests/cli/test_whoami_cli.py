"""`tekser users whoami` and the command line's sign-ins tell the user of the changes to their
authentication details since their previous sign-in (ASVS 2.2.3, 2.5.5)."""

from __future__ import annotations

import json

from tests.cli.conftest import PASSWORD, Cli

NEW_PASSWORD = "a longer sentence nobody guesses"


def test_whoami_tells_the_caller_of_changes_since_their_previous_sign_in(cli: Cli) -> None:
    keys = cli.users(aud="auditor")
    result = cli("users", "whoami", key=keys["aud"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("aud (auditor), via api-key:")
    assert "an API key of yours was made" in result.output  # made after the sign-in `keys create` is
    # wrong passwords on the name, then a password change (itself a sign-in)
    for _ in range(2):
        assert cli("keys", "create", "--user", "aud", "--password-stdin", stdin="wrong password\n").exit_code == 7
    typed = f"{PASSWORD}\n{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    result = cli("users", "password", "--user", "aud", stdin=typed)
    assert result.exit_code == 0, result.output
    assert "2 failed sign-ins with your user name" in result.output  # told at that sign-in
    found = json.loads(cli("users", "whoami", "--json", key=keys["aud"]).output)
    assert found["username"] == "aud" and [n["kind"] for n in found["notices"]] == ["password_changed"]
    assert found["notices"][0]["origin"].startswith("cli@")
    # the next sign-in tells it (on standard error: the key stays the last line), then it is old news
    result = cli("keys", "create", "--user", "aud", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert result.exit_code == 0 and "your password was changed" in result.output, result.output
    assert result.output.strip().splitlines()[-1].startswith("tk_")
    result = cli("keys", "create", "--user", "aud", "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert "password was changed" not in result.output
    result = cli("users", "whoami", key=keys["aud"])
    assert "password was changed" not in result.output and "an API key of yours was made" in result.output
