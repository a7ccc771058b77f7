"""Alerts: hits kept for human review, with their evidence frozen at the moment they were raised.

An alert never decides anything: it is a subject, a list entry as it stood in one list version,
and the evidence the algorithm found (with its name, version and configuration). The same
subject, entry and evidence never make a second alert; new evidence (a changed entry, changed
subject data) does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tekser.domain.serialization import canonical_json
from tekser.errors import InvalidInput


class Outcome(StrEnum):
    """What happened at the border (GTAS EncounteredStatus): the ground truth for precision."""

    NOT_ENCOUNTERED = "not_encountered"
    DENIED_BOARDING = "denied_boarding"
    REFUSED_ENTRY = "refused_entry"
    SECONDARY_POSITIVE = "secondary_positive"
    SECONDARY_NEGATIVE = "secondary_negative"
    MISSED = "missed"

    @classmethod
    def parse(cls, value: str) -> Outcome:
        try:
            return cls(value)
        except ValueError:
            known = ", ".join(o.value for o in cls)
            raise InvalidInput(f"unknown outcome {value!r} (known: {known})") from None


class Directive(StrEnum):
    """iAPI boarding directives (CUSRES ERC)."""

    OK_TO_BOARD = "0Z"
    NO_BOARD = "1Z"
    ADVISORY = "2Z"
    INSUFFICIENT_DATA = "4Z"


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    subject_id: int
    entry_key: str
    list_id: str
    version_id: int
    version_label: str
    entry_hash: str
    evidence_hash: str
    score: float
    priority: float
    cause: str  # "arrival", "rescreen un@3 (added)", "batch 12" ...
    status: str
    created_at: datetime
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An alert about to be stored (the store gives it an id, a status and a time)."""

    entry_key: str
    list_id: str
    version_id: int
    entry_hash: str
    evidence_hash: str
    score: float
    priority: float
    cause: str
    evidence: dict[str, Any]


def evidence_hash(subject: dict[str, Any], entry_hash: str, features: list[dict[str, Any]]) -> str:
    """What makes an alert the same alert: the subject's screened data, the entry's content and the
    evidence (scores rounded, so a re-run with the same inputs hashes alike)."""
    payload = canonical_json({"subject": subject, "entry": entry_hash, "features": features})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def subject_fingerprint(name: str, birth_date: str | None, document: str | None) -> str:
    """A stable identity for "this person" across messages (an iAPI passenger checks in more than
    once): the folded name, date of birth and document number."""
    folded = " ".join(sorted(name.upper().split()))
    number = "".join(c for c in (document or "").upper() if c.isalnum())
    return hashlib.sha256(f"{folded}|{birth_date or ''}|{number}".encode()).hexdigest()[:32]
