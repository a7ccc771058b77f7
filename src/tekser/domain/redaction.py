"""Secrets out of everything tekser writes down: stored URLs, error reasons, audit records, logs.

One function, :func:`redact`, used wherever a URL, an error or a reason is stored, logged or
audited. It replaces with ``REDACTED``:

- the values of the configured secrets (download tokens, API keys), also percent-encoded;
- the value of every query parameter whose name looks secret (``token``, ``api_key``,
  ``password`` ...), also when the name is percent-encoded (``%74oken=``);
- tekser API keys (``tk_`` + random) wherever they appear;
- the password of a ``scheme://user:password@host`` address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus, unquote_plus

REDACTED = "REDACTED"
MIN_SECRET = 4  # shorter "secrets" would blank out ordinary words; no real token is this short

# a word of a parameter name (split at - _ . and camelCase) that says the value is secret
_SECRET_PARTS = ("key", "token", "passw", "secret", "session", "credential", "signature")
_SECRET_WORDS = frozenset({"sig", "pwd", "pass", "auth", "jwt", "otp"})
_API_KEY = re.compile(r"tk_[A-Za-z0-9_\-]{16,}")
_QUERY_PARAM = re.compile(r"(?P<lead>^|[?&;\s(,])(?P<name>[^=&;?#\s\"'<>]+)=(?P<value>[^&;#\s\"'<>]*)")
_USERINFO = re.compile(r"(?P<lead>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]+:)[^@/\s]+(?=@)")


def decoded(text: str, rounds: int = 3) -> str:
    """``text`` percent-decoded until it no longer changes (``%2574`` is ``%74`` is ``t``)."""
    for _ in range(rounds):
        plain = unquote_plus(text)
        if plain == text:
            break
        text = plain
    return text


def secret_name(name: str) -> bool:
    """Whether a parameter or field name (``api_key``, ``X-Api-Key``, ``%74oken``) names a secret."""
    plain = re.sub(r"([a-z])([A-Z])", r"\1_\2", decoded(name)).lower()
    words = [w for w in re.split(r"[^a-z0-9]+", plain) if w]
    return any(part in plain for part in _SECRET_PARTS) or any(w in _SECRET_WORDS for w in words)


def secret_value(value: str) -> bool:
    """Whether a value is (or contains) a tekser API key, however encoded."""
    return _API_KEY.search(decoded(value)) is not None


def _forms(secret: str) -> set[str]:
    return {secret, quote(secret, safe=""), quote(secret), quote_plus(secret), quote(secret, safe="/:@+")}


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret replaced by ``REDACTED`` (see the module's description)."""
    known = {form for s in secrets if s and len(s) >= MIN_SECRET for form in _forms(s)}
    for form in sorted(known, key=len, reverse=True):  # longest first: an encoded form contains the raw one
        text = text.replace(form, REDACTED)
    text = _API_KEY.sub(REDACTED, text)
    text = _USERINFO.sub(lambda m: m["lead"] + REDACTED, text)

    def param(match: re.Match[str]) -> str:
        if secret_name(match["name"]) and match["value"] not in ("", REDACTED):
            return f"{match['lead']}{match['name']}={REDACTED}"
        return match[0]

    return _QUERY_PARAM.sub(param, text)


class Redactor:
    """:func:`redact` bound to the configured secrets of a deployment."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = tuple(s for s in secrets if s)

    def __call__(self, text: str) -> str:
        return redact(text, self.secrets)
