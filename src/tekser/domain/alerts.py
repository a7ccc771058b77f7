"""Alerts: hits kept for human review, with their evidence frozen at the moment they were raised.

An alert never decides anything: it is a subject, a list entry as it stood in one list version,
and the evidence the algorithm found (with its name, version and configuration).

An alert follows from what was compared: the subject's screened data and the entry's content.
The same person, entry and data never make a second alert, whatever else changed (rarity
weights after an unrelated import, the policy text, the algorithm's explanation): the earlier
alert and its decision stand. A new alert comes only when the subject's data or the entry's data
changed, when a decided false positive now scores clearly higher (``RESCORE_MARGIN``), or when its
suppression was lifted; such a re-alert names the earlier alert, its decision and what changed.
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


def alert_summary(alert: Alert) -> dict[str, Any]:
    """An alert as listed (the HTTP API and the command line give the same record): the entry's
    primary name, and beside it the list name that matched (an alias, another script)."""
    entry_names = alert.evidence["entry"].get("names") or [{}]
    listed = entry_names[0].get("full")
    return {
        "id": alert.id,
        "subject": alert.evidence["subject"]["name"],
        "entry": alert.entry_key,
        "listed_name": listed,
        "matched_name": alert.evidence.get("matched_name") or listed,
        "score": alert.score,
        "priority": alert.priority,
        "list_version": alert.evidence.get("list_version"),
        "cause": alert.cause,
        "status": alert.status,
        "created_at": alert.created_at.isoformat(),
        "realert_of": (alert.evidence.get("earlier") or {}).get("alert"),
    }


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
    compared_hash: str = ""  # comparison_hash(subject, entry_hash): the alert's identity


# A decided false positive whose subject and entry are unchanged alerts again only when the same
# comparison now scores this much higher than when it was decided (new weights or policy made the
# pair look clearly stronger); smaller moves are noise and the decision stands.
RESCORE_MARGIN = 0.05


def comparison_hash(subject: dict[str, Any], entry_hash: str) -> str:
    """What was compared: the subject's screened data and the entry's content, nothing else. Two
    alerts with the same comparison hash for the same person and entry are the same alert."""
    payload = canonical_json({"subject": subject, "entry": entry_hash})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def what_changed(before: dict[str, Any], after: dict[str, Any], prefix: str) -> list[str]:
    """The fields that differ between two frozen records, as "subject.nationality: KAZ → UZB"
    (values longer than 60 characters are only named)."""
    changes = []
    for field in sorted(set(before) | set(after)):
        old, new = before.get(field), after.get(field)
        if old == new:
            continue
        if isinstance(old, str | int | float | None) and isinstance(new, str | int | float | None):
            shown = f"{old if old is not None else '(none)'} → {new if new is not None else '(none)'}"
            changes.append(f"{prefix}.{field}: {shown}" if len(shown) <= 60 else f"{prefix}.{field} changed")
        else:
            changes.append(f"{prefix}.{field} changed")
    return changes


def realert_hash(evidence_sha256: str, earlier: dict[str, Any]) -> str:
    """The evidence digest of a re-alert: its evidence names the earlier alert and why it is new, so
    a re-alert on unchanged features (a lifted suppression) is still a record of its own."""
    payload = canonical_json({"evidence": evidence_sha256, "earlier": earlier})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def evidence_hash(subject: dict[str, Any], entry_hash: str, features: list[dict[str, Any]]) -> str:
    """A digest of the full evidence (the subject's data, the entry's content and every feature
    with its weight), shown as the alert's evidence SHA-256. Not its identity: weights and policy
    text change without anything compared changing (see ``comparison_hash``)."""
    payload = canonical_json({"subject": subject, "entry": entry_hash, "features": features})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def subject_fingerprint(name: str, birth_date: str | None, document: str | None) -> str:
    """A stable identity for "this person" across messages (an iAPI passenger checks in more than
    once): the folded name, date of birth and document number."""
    folded = " ".join(sorted(name.upper().split()))
    number = "".join(c for c in (document or "").upper() if c.isalnum())
    return hashlib.sha256(f"{folded}|{birth_date or ''}|{number}".encode()).hexdigest()[:32]
