"""`tekser users totp-enrol` / `totp-confirm` on the command line, with the deployment default:
an administrator administers (and makes keys) only with a confirmed authenticator."""

from __future__ import annotations

import json
import time

import pyotp
from tests.cli.conftest import PASSWORD, Cli

DEFAULT = {"TEKSER_REQUIRE_ADMIN_MFA": "true", "TEKSER_SECRET_KEY": "a deployment secret of at least 32 characters"}


def test_an_administrator_enrols_an_authenticator_then_signs_in_with_its_codes(cli: Cli) -> None:
    result = cli("users", "create-admin", "admin", "--password-stdin", stdin=PASSWORD + "\n", env=DEFAULT)
    assert result.exit_code == 0, result.output
    refused = cli("keys", "create", "--user", "admin", "--password-stdin", stdin=PASSWORD + "\n", env=DEFAULT)
    assert refused.exit_code == 8 and "enrol an authenticator first" in refused.output, refused.output
    assert "tk_" not in refused.output

    enrolled = cli("users", "totp-enrol", "--user", "admin", "--password-stdin", stdin=PASSWORD + "\n", env=DEFAULT)
    assert enrolled.exit_code == 0, enrolled.output
    *_, uri, secret = enrolled.output.strip().splitlines()
    assert uri.startswith("otpauth://totp/tekser:admin?secret=" + secret)
    totp = pyotp.TOTP(secret)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    result = cli("users", "totp-confirm", wrong, "--user", "admin", "--password-stdin", stdin=PASSWORD + "\n",
                 env=DEFAULT)  # fmt: skip
    assert result.exit_code == 2 and "does not match" in result.output, result.output
    result = cli("users", "totp-confirm", totp.now(), "--user", "admin", "--password-stdin",
                 stdin=PASSWORD + "\n", env=DEFAULT)  # fmt: skip
    assert result.exit_code == 0 and "authenticator confirmed" in result.output, result.output

    result = cli("keys", "create", "--user", "admin", "--password-stdin", "--otp", wrong, stdin=PASSWORD + "\n",
                 env=DEFAULT)  # fmt: skip
    assert result.exit_code == 7 and "tk_" not in result.output, result.output
    # no --otp: asked for (the next line of standard input); the next step's code, the confirming one is used
    following = totp.at(time.time() + 30)
    made = cli("keys", "create", "--user", "admin", "--password-stdin", stdin=f"{PASSWORD}\n{following}\n",
               env=DEFAULT)  # fmt: skip
    assert made.exit_code == 0 and "Authenticator code" in made.output, made.output
    key = made.output.strip().splitlines()[-1]
    again = cli("keys", "create", "--user", "admin", "--password-stdin", "--otp", following, stdin=PASSWORD + "\n",
                env=DEFAULT)  # fmt: skip
    assert again.exit_code == 7, again.output  # used once
    listed = json.loads(cli("users", "list", "--json", key=key, env=DEFAULT).output)
    assert [(u["username"], u["totp"]) for u in listed] == [("admin", True)]


def test_without_a_deployment_secret_enrolment_is_refused_saying_what_to_set(cli: Cli) -> None:
    cli.users()
    result = cli("users", "totp-enrol", "--user", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 6 and "TEKSER_SECRET_KEY" in result.output, result.output
