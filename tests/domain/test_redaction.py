"""The one redaction function: configured secrets, secret-named parameters, API keys."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tekser.domain.redaction import REDACTED, redact, secret_name, secret_value

TEMPLATE = "https://lists.example/files/{raw}/x.xml?t={raw}&n={quoted}&m={plus} (HTTP 404)"


# lower case only: no secret can re-form across the upper-case REDACTED that replaced another
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789 /+%&=?#:@é.-_", min_size=4, max_size=40))
def test_a_configured_secret_is_redacted_in_every_form(secret: str) -> None:
    empty = TEMPLATE.format(raw="", quoted="", plus="")
    assume(all(form not in empty for form in (secret, quote(secret, safe=""), quote_plus(secret))))
    text = TEMPLATE.format(raw=secret, quoted=quote(secret, safe=""), plus=quote_plus(secret))
    shown = redact(text, [secret])
    assert secret not in shown
    assert quote(secret, safe="") not in shown and quote_plus(secret) not in shown
    assert shown.startswith("https://lists.example/files/") and shown.endswith("(HTTP 404)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://h/x?token=abc&status=acting", "https://h/x?token=REDACTED&status=acting"),
        ("https://h/x?%74oken=abc", "https://h/x?%74oken=REDACTED"),
        ("https://h/x?a=1&api_key=k&apiKey=k&passwd=p&sig=s", "https://h/x?a=1&api_key=*&apiKey=*&passwd=*&sig=*"),
        ("https://user:pa55@h/x.xml: HTTP 401", "https://user:REDACTED@h/x.xml: HTTP 401"),
        ("sent tk_abcdefghijklmnopqrstuvwx in a note", "sent REDACTED in a note"),
        ("key prefix tk_abcd1234 is listed", "key prefix tk_abcd1234 is listed"),  # a prefix is no key
        ("https://h/x?category=dprk&status=acting", "https://h/x?category=dprk&status=acting"),
    ],
)
def test_secret_looking_parameters_and_keys_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected.replace("=*", f"={REDACTED}")


def test_a_short_setting_is_no_secret_to_search_for() -> None:
    assert redact("status=acting", ["act"]) == "status=acting"


def test_names_and_values() -> None:
    assert all(secret_name(n) for n in ("X-Api-Key", "access_token", "%70assword", "pwd", "SessionId"))
    assert not any(secret_name(n) for n in ("status", "purpose", "limit", "object_id", "design", "monkeys"[:4]))
    assert secret_value("%2574k_abcdefghijklmnopqrst") and not secret_value("tk_short")
