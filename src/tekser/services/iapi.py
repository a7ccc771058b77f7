"""Interactive API (iAPI): a passenger at check-in, a boarding directive back (PAXLST → CUSRES D05B).

Policy (no adverse action by the machine alone):

- ``1Z`` (no board) only when an analyst has confirmed that this person is that list entry;
- ``2Z`` (advisory) when a hit is not confirmed: an alert is raised for an analyst;
- ``4Z`` (insufficient data) without a name, a date of birth or a travel document;
- ``0Z`` (OK to board) otherwise. An internal error or a screening slower than the time budget
  never yields 0Z: the fallback directive (advisory by default) is returned with the reason.

A confirmation made after the answer produces an unsolicited status change (``BGM+132``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from tekser.domain.alerts import Directive, subject_fingerprint
from tekser.domain.travel import Leg, Traveller, TravelMessage
from tekser.errors import InvalidInput, MessageError, NotFound
from tekser.ingest.messages import parse_message
from tekser.matching import kernels
from tekser.matching.reverse import subject_keys
from tekser.services.screening_service import ScreeningService, subject_data, subject_from_traveller

TEXTS = {
    Directive.OK_TO_BOARD: "OK TO BOARD",
    Directive.NO_BOARD: "NO BOARD - CONTACT GOVERNMENT",
    Directive.ADVISORY: "BOARDING ADVISORY - CONTACT GOVERNMENT",
    Directive.INSUFFICIENT_DATA: "INSUFFICIENT DATA",
}


class IapiStore(Protocol):
    def log_exchange(
        self,
        direction: str,
        kind: str,
        content: str,
        at: datetime,
        flight: str | None = ...,
        fingerprint: str | None = ...,
        passenger_ref: str | None = ...,
        directive: str | None = ...,
    ) -> int: ...
    def confirmed(self, fingerprint: str, entry_keys: Any) -> set[str]: ...
    def add_confirmation(
        self, fingerprint: str, entry_key: str, alert_id: int | None, by: str, reason: str, at: datetime
    ) -> None: ...
    def last_directive(self, fingerprint: str) -> tuple[str | None, str | None, str | None]: ...
    def alert(self, alert_id: int) -> Any: ...
    def subjects(self, ids: Any) -> list[Any]: ...
    def add_subjects(self, rows: list[Any]) -> list[int]: ...
    def record_screening(self, subject_id: int, versions: dict[str, int], new: list[Any], at: datetime) -> int: ...


@dataclass(frozen=True, slots=True)
class PassengerDirective:
    surname: str | None
    given_names: str | None
    pnr: str | None
    passenger_ref: str | None
    fingerprint: str | None
    directive: Directive
    reason: str


def _escape(value: str) -> str:
    return "".join("?" + c if c in "?+:'" else c for c in value)


def cusres(
    passengers: list[PassengerDirective], leg: Leg | None, reference: str, at: datetime, unsolicited: bool = False
) -> str:
    """A CUSRES D05B response (or, with ``unsolicited``, a BGM+132 status change)."""
    body = [
        f"BGM+{'132' if unsolicited else '962'}",
        f"RFF+TN:{_escape(reference)}",
    ]
    if leg is not None:
        body.append(f"RFF+AF:{_escape(leg.flight)}")
        if leg.departure:
            body.append(f"DTM+189:{leg.departure:%y%m%d%H%M}:201")
        if leg.departure_airport:
            body.append(f"LOC+125+{_escape(leg.departure_airport)}")
        if leg.arrival_airport:
            body.append(f"LOC+87+{_escape(leg.arrival_airport)}")
    for passenger in passengers:
        body.append("ERP+2")
        if passenger.pnr:
            body.append(f"RFF+AVF:{_escape(passenger.pnr)}")
        if passenger.passenger_ref:
            body.append(f"RFF+ABO:{_escape(passenger.passenger_ref)}")
        body.append(f"ERC+{passenger.directive.value}")
        body.append(f"FTX+AAP+++{_escape(TEXTS[passenger.directive])}")
    segments = ["UNH+1+CUSRES:D:05B:UN:IATA", *body]
    segments.append(f"UNT+{len(segments) + 1}+1")
    envelope = [
        f"UNB+UNOA:4+KZPIU+AIRLINE+{at:%y%m%d:%H%M}+{_escape(reference)}",
        *segments,
        f"UNZ+1+{_escape(reference)}",
    ]
    return "UNA:+.? '\n" + "'\n".join(envelope) + "'\n"


class IapiService:
    def __init__(
        self,
        screening: ScreeningService,
        store: IapiStore,
        fallback: Directive = Directive.ADVISORY,
        budget_seconds: float = 2.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if fallback is Directive.OK_TO_BOARD:
            raise InvalidInput("the iAPI fallback directive cannot be 0Z (OK to board)")
        self.screening = screening
        self.store = store
        self.fallback = fallback
        self.budget_seconds = budget_seconds
        self.clock = clock
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="iapi")

    def respond(self, text: str, name: str = "iapi") -> tuple[str, list[PassengerDirective]]:
        """The boarding directives for a PAXLST request, as CUSRES text and as records."""
        at = self.clock()
        message = parse_message(text, name=name)
        if message.kind != "PAXLST":
            raise MessageError(f"an iAPI request is a PAXLST message, not {message.kind}", message=name)
        leg = message.flights[0] if message.flights else None
        self.store.log_exchange("in", "request", text, at, flight=leg.flight if leg else None)
        # the index of the active lists is built (or rebuilt after a list change) outside the
        # per-passenger budget (`warm()` builds it when a service starts); should it fail, each
        # passenger gets the fallback directive with the reason
        with suppress(Exception):
            self.screening.active()
        directives = [self._decide(traveller, leg, message) for traveller in message.travellers]
        reference = message.transaction_reference or message.message_reference or "IAPI"
        response = cusres(directives, leg, reference, at)
        flight = leg.flight if leg else None
        self.store.log_exchange("out", "response", response, at, flight=flight)
        for d in directives:  # one row per passenger: what each was told, for a later status change
            self.store.log_exchange(
                "out",
                "directive",
                "",
                at,
                flight=flight,
                fingerprint=d.fingerprint,
                passenger_ref=d.passenger_ref or d.pnr,
                directive=d.directive.value,
            )
        return response, directives

    def _decide(self, traveller: Traveller, leg: Leg | None, message: TravelMessage) -> PassengerDirective:
        document = traveller.documents[0].number if traveller.documents else None
        base = {
            "surname": traveller.surname,
            "given_names": traveller.given_names,
            "pnr": traveller.pnr_locator,
            "passenger_ref": traveller.passenger_reference,
        }
        missing = [
            label
            for label, value in (
                ("name", traveller.surname),
                ("date of birth", traveller.birth_date),
                ("document", document),
            )
            if not value
        ]
        if missing:
            return PassengerDirective(
                **base, fingerprint=None, directive=Directive.INSUFFICIENT_DATA, reason=f"missing {', '.join(missing)}"
            )
        assert traveller.birth_date is not None
        fingerprint = subject_fingerprint(traveller.name, traveller.birth_date.isoformat(), document)
        # fail closed: neither an error nor a timeout ever yields "OK to board"
        future = self._worker.submit(self._screen, traveller, leg, fingerprint, base)
        try:
            return future.result(timeout=self.budget_seconds)
        except FutureTimeout:
            reason = f"screening exceeded the {self.budget_seconds * 1000:.0f} ms budget"
        except Exception as error:
            reason = f"screening failed: {type(error).__name__}: {error}"
        return PassengerDirective(**base, fingerprint=fingerprint, directive=self.fallback, reason=reason)

    def _screen(
        self, traveller: Traveller, leg: Leg | None, fingerprint: str, base: dict[str, Any]
    ) -> PassengerDirective:
        active = self.screening.active()
        # idempotent on (flight, passenger reference): asked twice, one subject and one alert
        reference = f"{leg.flight if leg else '?'}/{traveller.passenger_reference or fingerprint}"
        subject = subject_from_traveller(traveller, reference)
        assert subject is not None
        result = active.screener.screen(subject)
        hits = [m for m in result.matches if m.alert]
        if not hits:
            return PassengerDirective(**base, fingerprint=fingerprint, directive=Directive.OK_TO_BOARD, reason="no hit")
        now = self.clock()
        (subject_id,) = self.store.add_subjects(
            [
                (
                    "iapi",
                    reference,
                    fingerprint,
                    subject.name,
                    subject_data(subject),
                    now,
                    now + self.screening.retention,
                    subject_keys(subject),
                )
            ]
        )
        new = self.screening.new_alerts(subject, hits, active, active.screener, f"iapi {reference}")
        self.store.record_screening(subject_id, {k: v.id for k, v in active.versions.items()}, new, now)
        confirmed = self.store.confirmed(fingerprint, [m.key for m in hits])
        if confirmed:
            reason = f"confirmed match: {', '.join(sorted(confirmed))}"
            return PassengerDirective(**base, fingerprint=fingerprint, directive=Directive.NO_BOARD, reason=reason)
        reason = f"unconfirmed hit: {', '.join(m.key for m in hits)}"
        return PassengerDirective(**base, fingerprint=fingerprint, directive=Directive.ADVISORY, reason=reason)

    def warm(self) -> None:
        """Build the index of the active lists and load the compiled matching kernel now, not
        on the first check-in."""
        kernels.warm()
        self.screening.active()

    def confirm(self, alert_id: int, by: str, reason: str) -> str | None:
        """An analyst confirms an alert's subject–entry pair; returns the unsolicited BGM+132
        status change when that passenger was earlier told something other than 1Z."""
        if not by.strip() or not reason.strip():
            raise InvalidInput("a confirmation needs who (--by) and why (--reason)")
        alert = self.store.alert(alert_id)
        subjects = self.store.subjects([alert.subject_id])
        if not subjects:
            raise NotFound(f"alert #{alert_id} has no subject")
        fingerprint = subjects[0].fingerprint
        at = self.clock()
        self.store.add_confirmation(fingerprint, alert.entry_key, alert_id, by, reason, at)
        previous, flight, passenger_ref = self.store.last_directive(fingerprint)
        if previous is None or previous == Directive.NO_BOARD.value:
            return None
        data = subjects[0].data
        change = PassengerDirective(
            surname=data.get("family_name"),
            given_names=None,
            pnr=None,
            passenger_ref=passenger_ref,
            fingerprint=fingerprint,
            directive=Directive.NO_BOARD,
            reason=f"confirmed by {by}: {reason}",
        )
        leg = Leg(carrier=None, flight_number=flight, departure_airport=None, arrival_airport=None) if flight else None
        text = cusres([change], leg, f"CHG{alert_id}", at, unsolicited=True)
        self.store.log_exchange(
            "out",
            "unsolicited",
            text,
            at,
            flight=flight,
            fingerprint=fingerprint,
            passenger_ref=passenger_ref,
            directive=Directive.NO_BOARD.value,
        )
        return text
