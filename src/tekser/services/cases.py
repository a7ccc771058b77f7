"""Cases: alerts, subjects and notes grouped, assigned, closed with a summary, exported, and —
with a second person's approval — transmitted to a competent authority as a signed export.

A case's items are append-only (``case_items``): adding, assigning, noting, closing, requesting
and answering a transmission each add one, with who and when. The case file (HTML, PDF) carries
the frozen evidence of its alerts, every decision taken on them and every item; a transmission
produces the same file, signed (Ed25519) with the deployment's key, and records its SHA-256.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from tekser.domain.access import (
    Action,
    Principal,
    authorize,
    require_recent_authentication,
    require_second_person,
)
from tekser.domain.audit import AuditEvent
from tekser.domain.limits import MAX_SHORT, bounded
from tekser.errors import Conflict, InvalidInput, NotFound
from tekser.exports.case_file import render_html, render_pdf


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CaseStore(Protocol):
    def transaction(self) -> Any: ...
    def audit(self, event: AuditEvent) -> None: ...
    def case(self, case_id: int) -> dict[str, Any]: ...
    def cases(self, status: str | None = None) -> list[dict[str, Any]]: ...
    def case_of_request(self, request_id: int) -> int: ...
    def decisions(self, alert_id: int) -> list[Any]: ...


class Signer(Protocol):
    public_key_hex: str

    def sign(self, data: bytes) -> str: ...


class AlertReader(Protocol):
    def alert(self, alert_id: int) -> Any: ...


@dataclass(frozen=True, slots=True)
class CaseFile:
    html: str
    pdf: bytes
    sha256: str  # of the PDF
    signature: str | None = None  # hex Ed25519 signature of the PDF, for a transmission
    public_key: str | None = None  # hex, to check the signature


def _reason(text: str, what: str) -> str:
    text = " ".join(text.split())
    if len(text) < 3:
        raise InvalidInput(f"{what} needs a reason (at least 3 characters)")
    return text


class CaseService:
    def __init__(
        self,
        store: CaseStore,
        alerts: AlertReader,
        signer: Signer | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.store = store
        self.alerts = alerts
        self.signer = signer
        self.clock = clock

    def _open_case(self, case_id: int) -> dict[str, Any]:
        case = self.store.case(case_id)
        if case["status"] != "open":
            raise Conflict(f"case #{case_id} is closed")
        return case

    def _item(
        self,
        principal: Principal,
        case_id: int,
        kind: str,
        ref: str,
        text: str,
        origin: str,
        *,
        request_id: int | None = None,
        **changes: Any,
    ) -> int:
        bounded(ref, kind, MAX_SHORT)
        bounded(text, f"the {kind}'s text")
        at = self.clock()
        with self.store.transaction() as tx:
            item: int = tx.add_case_item(case_id, kind, ref, text, principal.username, at, request_id)
            if changes:
                tx.update_case(case_id, **changes)
            details = {"item": item, "ref": ref} | ({"request": request_id} if request_id is not None else {})
            tx.audit(AuditEvent(principal.label, f"case.{kind}", "case", str(case_id), at, text[:500], origin, details))
        return item

    def create(self, principal: Principal, title: str, origin: str = "") -> int:
        authorize(principal, Action.CASE_EDIT)
        title = " ".join(bounded(title, "a case's title", MAX_SHORT).split())
        if not title:
            raise InvalidInput("a case needs a title")
        at = self.clock()
        with self.store.transaction() as tx:
            case_id: int = tx.add_case(title, principal.username, at)
            tx.audit(AuditEvent(principal.label, "case.create", "case", str(case_id), at, title, origin))
        return case_id

    def add_alert(self, principal: Principal, case_id: int, alert_id: int, note: str = "", origin: str = "") -> int:
        authorize(principal, Action.CASE_EDIT)
        case = self._open_case(case_id)
        self.alerts.alert(alert_id)
        if any(i["kind"] == "alert" and i["ref"] == str(alert_id) for i in case["items"]):
            raise Conflict(f"alert #{alert_id} is already in case #{case_id}")
        return self._item(principal, case_id, "alert", str(alert_id), note, origin)

    def add_subject(self, principal: Principal, case_id: int, subject: str, note: str = "", origin: str = "") -> int:
        authorize(principal, Action.CASE_EDIT)
        self._open_case(case_id)
        return self._item(principal, case_id, "subject", subject[:64], note, origin)

    def note(self, principal: Principal, case_id: int, text: str, origin: str = "") -> int:
        authorize(principal, Action.CASE_EDIT)
        self._open_case(case_id)
        if not text.strip():
            raise InvalidInput("an empty note")
        return self._item(principal, case_id, "note", "", text.strip(), origin)

    def assign(self, principal: Principal, case_id: int, assignee: str, origin: str = "") -> int:
        authorize(principal, Action.CASE_EDIT)
        self._open_case(case_id)
        return self._item(principal, case_id, "assign", assignee, "", origin, assignee=assignee)

    def close(self, principal: Principal, case_id: int, summary: str, origin: str = "") -> int:
        authorize(principal, Action.CASE_CLOSE)
        self._open_case(case_id)
        summary = _reason(summary, "closing a case")
        at = self.clock()
        return self._item(
            principal, case_id, "close", "", summary, origin, status="closed", summary=summary, closed_at=at
        )

    def cases(self, principal: Principal, status: str | None = None) -> list[dict[str, Any]]:
        authorize(principal, Action.CASE_VIEW)
        return self.store.cases(status)

    def view(self, principal: Principal, case_id: int, origin: str = "", purpose: str = "") -> dict[str, Any]:
        """The case with its alerts' frozen evidence and decisions (a view of personal data: audited)."""
        authorize(principal, Action.CASE_VIEW)
        case = self._full(case_id)
        self.store.audit(AuditEvent(principal.label, "case.view", "case", str(case_id), self.clock(), purpose, origin))
        return case

    def _full(self, case_id: int) -> dict[str, Any]:
        case = self.store.case(case_id)
        alerts = []
        for item in case["items"]:
            if item["kind"] != "alert":
                continue
            alert = self.alerts.alert(int(item["ref"]))
            alerts.append(
                {
                    "id": alert.id,
                    "status": alert.status,
                    "score": alert.score,
                    "priority": alert.priority,
                    "cause": alert.cause,
                    "created_at": alert.created_at.isoformat(),
                    "evidence_sha256": alert.evidence_hash,
                    "evidence": alert.evidence,
                    "decisions": [
                        {
                            "kind": d.kind.value,
                            "value": d.value,
                            "reason": d.reason,
                            "actor": d.actor,
                            "at": d.at.isoformat(),
                        }
                        for d in self.store.decisions(alert.id)
                    ],
                }
            )
        return case | {"alerts": alerts}

    # --- the case file ------------------------------------------------------------------------

    def export(self, principal: Principal, case_id: int, origin: str = "", purpose: str = "") -> CaseFile:
        """The case file (HTML and PDF) with the frozen evidence."""
        authorize(principal, Action.CASE_EXPORT)
        case_file = self._render(case_id, principal.username, None)
        at = self.clock()
        details = {"sha256": case_file.sha256}
        self.store.audit(AuditEvent(principal.label, "case.export", "case", str(case_id), at, purpose, origin, details))
        return case_file

    def _render(self, case_id: int, by: str, transmission: dict[str, Any] | None) -> CaseFile:
        case = self._full(case_id)
        generated = {"by": by, "at": self.clock().isoformat()}
        html = render_html(case, generated, transmission)
        pdf = render_pdf(case, generated, transmission)
        return CaseFile(html, pdf, hashlib.sha256(pdf).hexdigest())

    # --- transmission to a competent authority (four eyes) ---------------------------------

    def request_transmission(
        self, principal: Principal, case_id: int, recipient: str, reason: str, origin: str = ""
    ) -> int:
        """Ask for the case to be sent to ``recipient``; a second person approves."""
        authorize(principal, Action.ACTION_REQUEST)
        case = self._open_case(case_id)
        if not any(i["kind"] == "alert" for i in case["items"]):
            raise Conflict("a case without an alert has nothing to transmit")
        recipient = " ".join(recipient.split())
        if not recipient:
            raise InvalidInput("a transmission needs a recipient (the competent authority)")
        return self._item(principal, case_id, "request", recipient, _reason(reason, "a transmission"), origin)

    def approve_transmission(self, principal: Principal, request_id: int, reason: str, origin: str = "") -> CaseFile:
        """The second person approves: the case file is produced, signed and recorded."""
        authorize(principal, Action.ACTION_APPROVE)
        require_recent_authentication(principal, self.clock(), "approving a transmission")
        case_id, request = self._request(request_id)
        require_second_person(principal, request["actor"], f"transmitting case #{case_id}")
        if self.signer is None:
            raise Conflict("no signing key is configured: a transmission cannot be signed")
        transmission = {
            "recipient": request["ref"],
            "requested_by": request["actor"],
            "approved_by": principal.username,
            "reason": request["text"],
        }
        unsigned = self._render(case_id, principal.username, transmission)
        signature = self.signer.sign(unsigned.pdf)
        signed = CaseFile(unsigned.html, unsigned.pdf, unsigned.sha256, signature, self.signer.public_key_hex)
        record = json.dumps(
            {"sha256": signed.sha256, "signature": signature, "public_key": signed.public_key, **transmission},
            sort_keys=True,
        )
        self._item(
            principal, case_id, "approve", request["ref"], _reason(reason, "an approval"), origin, request_id=request_id
        )
        self._item(principal, case_id, "transmission", request["ref"], record, origin, request_id=request_id)
        return signed

    def reject_transmission(self, principal: Principal, request_id: int, reason: str, origin: str = "") -> None:
        authorize(principal, Action.ACTION_REJECT)
        case_id, request = self._request(request_id)
        require_second_person(principal, request["actor"], f"transmitting case #{case_id}")
        self._item(
            principal, case_id, "reject", request["ref"], _reason(reason, "a rejection"), origin, request_id=request_id
        )

    def case_of_request(self, request_id: int) -> int:
        """The case a transmission request belongs to."""
        return self.store.case_of_request(request_id)

    def _request(self, request_id: int) -> tuple[int, dict[str, Any]]:
        case_id = self.store.case_of_request(request_id)
        case = self.store.case(case_id)
        request = next(i for i in case["items"] if i["id"] == request_id)
        if any(i["kind"] in ("approve", "reject") and i["request_id"] == request_id for i in case["items"]):
            raise Conflict(f"transmission request #{request_id} was already answered")
        if request["kind"] != "request":
            raise NotFound(f"no transmission request #{request_id}")
        return case_id, request
