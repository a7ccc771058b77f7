"""Time-based one-time passwords (RFC 6238) as a second factor, and how their secrets are kept.

- An authenticator's secret is 160 random bits (RFC 4226 recommends at least 128), shown once as
  base32 and as an ``otpauth://`` URI; codes are 6 digits of HMAC-SHA1 over 30-second steps, what
  every authenticator app computes. A code is accepted one step either side of the server's
  clock (phones drift) and only once: the step it matched is kept per user, and a code of that
  step or an earlier one is refused (a replay).
- The secret is kept in the database sealed with **AES-256-GCM** under a key derived (HKDF-SHA256)
  from the deployment secret (``TEKSER_SECRET_KEY`` or ``TEKSER_SECRET_KEY_FILE``), which is not
  in the database: a copy of the database alone gives no one the codes. The user's id is the
  associated data, so a sealed secret copied onto another user's row does not open.
"""

from __future__ import annotations

import base64
import hmac
import os
from datetime import datetime

import pyotp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tekser.errors import ConfigError

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # steps accepted either side of the current one
ISSUER = "tekser"
MIN_SECRET_KEY = 32  # characters of the deployment secret (e.g. `openssl rand -base64 32` gives 44)
_SEALED = "v1."  # the format of a sealed secret, so that another can follow


def new_secret() -> str:
    """A new authenticator secret: 160 random bits, base32 (32 characters)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads (as text or as a QR code)."""
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    return totp.provisioning_uri(name=username, issuer_name=ISSUER)


def step_of(at: datetime) -> int:
    """The RFC 6238 time step (counter) of a moment."""
    return int(at.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The step within the window whose code ``code`` is, or None (compared in constant time)."""
    typed = "".join(code.split())
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now = step_of(at)
    found = None
    for step in range(now - WINDOW, now + WINDOW + 1):  # all of them, whichever matches
        if hmac.compare_digest(totp.generate_otp(step), typed):
            found = step
    return found


class SecretBox:
    """Seals and opens authenticator secrets with AES-256-GCM under a key derived from the
    deployment secret; nothing sealed is usable without it."""

    def __init__(self, deployment_secret: bytes) -> None:
        if len(deployment_secret) < MIN_SECRET_KEY:
            raise ConfigError(f"TEKSER_SECRET_KEY must be at least {MIN_SECRET_KEY} characters (random)")
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"tekser/totp-secret/v1")
        self._aead = AESGCM(hkdf.derive(deployment_secret))

    def seal(self, secret: str, user_id: int) -> str:
        nonce = os.urandom(12)  # 96 random bits: no nonce is reused in any realistic number of seals
        sealed = self._aead.encrypt(nonce, secret.encode("ascii"), _bound(user_id))
        return _SEALED + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, user_id: int) -> str:
        if not sealed.startswith(_SEALED):
            raise ConfigError("an authenticator secret is in an unknown format")
        raw = base64.urlsafe_b64decode(sealed[len(_SEALED) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], _bound(user_id)).decode("ascii")
        except InvalidTag:
            raise ConfigError(
                "an authenticator secret does not open with this TEKSER_SECRET_KEY (was the key changed?)"
            ) from None


def _bound(user_id: int) -> bytes:
    return f"users.totp_secret:{user_id}".encode("ascii")
