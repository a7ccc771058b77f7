"""Signatures of transmitted case files: Ed25519 (cryptography), with the deployment's key.

The private key is a PEM file (PKCS#8) kept by the operator; ``tekser keys signing-init`` writes
one (mode 0600) if there is none. A recipient checks a file with the public key printed in the
transmission record: :func:`verify` does exactly that.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tekser.errors import InvalidInput, NotFound


class Ed25519Signer:
    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_key_hex = raw.hex()

    @classmethod
    def from_file(cls, path: Path) -> Ed25519Signer:
        if not path.is_file():
            raise NotFound(f"no signing key at {path} (create one: tekser keys signing-init)")
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except ValueError as error:
            raise InvalidInput(f"{path}: not a PEM private key ({error})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidInput(f"{path}: the signing key must be Ed25519")
        return cls(key)

    def sign(self, data: bytes) -> str:
        return self._key.sign(data).hex()


def create_key_file(path: Path) -> str:
    """A new Ed25519 key in ``path`` (refused if one exists); returns the public key (hex)."""
    if path.exists():
        raise InvalidInput(f"{path} exists already: a signing key is never overwritten")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return Ed25519Signer(key).public_key_hex


def verify(data: bytes, signature_hex: str, public_key_hex: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), data)
    except (InvalidSignature, ValueError):
        return False
    return True
