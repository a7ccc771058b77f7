"""SQL storage of travel messages, flights, travellers and PNR versions."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection

from tekser.domain.serialization import canonical_json
from tekser.domain.travel import Booking, Leg, Traveller, TravelMessage
from tekser.errors import NotFound
from tekser.storage.database import write_transaction
from tekser.storage.tables import booking_versions, bookings, flights, travel_messages, travellers

_TRAVELLER = TypeAdapter(Traveller)
_BOOKING = TypeAdapter(Booking)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    id: int
    sha256: str
    name: str
    received_at: datetime
    kind: str | None
    status: str
    error: str | None
    findings: list[str]
    sensitive_dropped: dict[str, int]
    summary: dict[str, Any]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _json(adapter: TypeAdapter[Any], value: object) -> str:
    return canonical_json(adapter.dump_python(value, mode="json", exclude_defaults=True))


class SqlTravelStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _row(self, row: Any) -> StoredMessage:
        return StoredMessage(
            id=row.id,
            sha256=row.sha256,
            name=row.name,
            received_at=_utc(row.received_at) or datetime.now(UTC),
            kind=row.kind,
            status=row.status,
            error=row.error,
            findings=list(row.findings),
            sensitive_dropped=dict(row.sensitive_dropped),
            summary=dict(row.summary),
        )

    def find(self, sha256: str) -> StoredMessage | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(travel_messages).where(travel_messages.c.sha256 == sha256)).first()
        return self._row(row) if row else None

    def message(self, message_id: int) -> StoredMessage:
        with self.engine.connect() as connection:
            row = connection.execute(select(travel_messages).where(travel_messages.c.id == message_id)).first()
        if row is None:
            raise NotFound(f"no travel message #{message_id}")
        return self._row(row)

    def content(self, message_id: int) -> bytes:
        with self.engine.connect() as connection:
            content = connection.execute(
                select(travel_messages.c.content).where(travel_messages.c.id == message_id)
            ).scalar_one_or_none()
        if content is None:
            raise NotFound(f"no travel message #{message_id}")
        return zlib.decompress(content)

    def messages(self, status: str | None = None, limit: int = 100) -> list[StoredMessage]:
        query = select(travel_messages).order_by(travel_messages.c.id.desc()).limit(limit)
        if status:
            query = query.where(travel_messages.c.status == status)
        with self.engine.connect() as connection:
            return [self._row(r) for r in connection.execute(query)]

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            result = {
                f"messages_{status}": count
                for status, count in connection.execute(
                    select(travel_messages.c.status, func.count()).group_by(travel_messages.c.status)
                )
            }
            result["flights"] = connection.execute(select(func.count()).select_from(flights)).scalar_one()
            result["travellers"] = connection.execute(select(func.count()).select_from(travellers)).scalar_one()
            result["bookings"] = connection.execute(select(func.count()).select_from(bookings)).scalar_one()
            result["booking_versions"] = connection.execute(
                select(func.count()).select_from(booking_versions)
            ).scalar_one()
        return result

    # --- writes -------------------------------------------------------------------------------

    def _stored_id(self, connection: Connection, sha256: str) -> int | None:
        found = connection.execute(
            select(travel_messages.c.id).where(travel_messages.c.sha256 == sha256)
        ).scalar_one_or_none()
        return None if found is None else int(found)

    def save_failed(self, sha256: str, name: str, content: bytes, error: str, at: datetime) -> tuple[int, bool]:
        """(message id, whether it was saved now): a message another process saved first is kept once."""

        def work(connection: Connection) -> tuple[int, bool]:
            existing = self._stored_id(connection, sha256)
            if existing is not None:
                return existing, False
            return int(
                connection.execute(
                    insert(travel_messages)
                    .values(
                        sha256=sha256,
                        name=name,
                        received_at=at,
                        size=len(content),
                        content=zlib.compress(content, 6),
                        status="failed",
                        error=error,
                        findings=[],
                        sensitive_dropped={},
                        summary={},
                    )
                    .returning(travel_messages.c.id)
                ).scalar_one()
            ), True

        return write_transaction(self.engine, work)

    def save_parsed(
        self, sha256: str, name: str, content: bytes, message: TravelMessage, at: datetime, summary: dict[str, Any]
    ) -> tuple[int, bool]:
        """(message id, whether it was saved now), its flights, travellers and booking versions
        with it; a message another process saved first is kept once, with its data once."""

        def work(connection: Connection) -> tuple[int, bool]:
            existing = self._stored_id(connection, sha256)
            if existing is not None:
                return existing, False
            message_id = int(
                connection.execute(
                    insert(travel_messages)
                    .values(
                        sha256=sha256,
                        name=name,
                        received_at=at,
                        size=len(content),
                        content=zlib.compress(content, 6),
                        status="parsed",
                        kind=str(message.kind),
                        parsed_at=at,
                        findings=[str(f) for f in message.findings],
                        sensitive_dropped=dict(message.sensitive_dropped),
                        summary=summary,
                    )
                    .returning(travel_messages.c.id)
                ).scalar_one()
            )
            self._store_contents(connection, message_id, message, at)
            return message_id, True

        return write_transaction(self.engine, work)

    def mark_parsed(self, message_id: int, message: TravelMessage, at: datetime, summary: dict[str, Any]) -> bool:
        """A failed message parsed again after a fix: its data is stored, its error cleared. False
        when it is no longer failed (another process parsed it again first): nothing is stored twice."""

        def work(connection: Connection) -> bool:
            result = connection.execute(
                update(travel_messages)
                .where(travel_messages.c.id == message_id, travel_messages.c.status == "failed")
                .values(
                    status="parsed",
                    error=None,
                    kind=str(message.kind),
                    parsed_at=at,
                    findings=[str(f) for f in message.findings],
                    sensitive_dropped=dict(message.sensitive_dropped),
                    summary=summary,
                )
            )
            if not result.rowcount:
                return False
            self._store_contents(connection, message_id, message, at)
            return True

        return write_transaction(self.engine, work)

    def mark_failed_again(self, message_id: int, error: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(travel_messages).where(travel_messages.c.id == message_id).values(error=error))

    def _flight_id(self, connection: Connection, leg: Leg) -> int | None:
        if not leg.carrier or not leg.flight_number:
            return None
        identity = {
            "carrier": leg.carrier,
            "number": leg.flight_number,
            "departure_airport": leg.departure_airport or "",
            "departure_date": leg.departure.date().isoformat() if leg.departure else "",
        }
        found = connection.execute(
            select(flights.c.id).where(*(getattr(flights.c, k) == v for k, v in identity.items()))
        ).scalar_one_or_none()
        if found is not None:
            return int(found)
        return int(
            connection.execute(
                insert(flights)
                .values(**identity, arrival_airport=leg.arrival_airport, departure=leg.departure, arrival=leg.arrival)
                .returning(flights.c.id)
            ).scalar_one()
        )

    def _traveller_row(
        self, message_id: int, flight_id: int | None, version_id: int | None, traveller: Traveller
    ) -> dict[str, Any]:
        document = traveller.documents[0].number if traveller.documents else None
        return {
            "message_id": message_id,
            "flight_id": flight_id,
            "booking_version_id": version_id,
            "role": str(traveller.role),
            "surname": traveller.surname,
            "given_names": traveller.given_names,
            "birth_date": traveller.birth_date.isoformat() if traveller.birth_date else None,
            "nationality": traveller.nationality,
            "document_number": document,
            "data": _json(_TRAVELLER, traveller),
        }

    def _store_contents(self, connection: Connection, message_id: int, message: TravelMessage, at: datetime) -> None:
        flight_ids = [self._flight_id(connection, leg) for leg in message.flights]
        main_flight = next((f for f in flight_ids if f is not None), None)
        rows = [self._traveller_row(message_id, main_flight, None, t) for t in message.travellers]
        push = {"22": "full", "141": "update"}.get(message.function or "", message.function)
        for booking in message.bookings:
            version_id = self._store_booking(connection, message_id, main_flight, booking, push, at)
            rows.extend(self._traveller_row(message_id, main_flight, version_id, t) for t in booking.travellers)
        if rows:
            connection.execute(insert(travellers), rows)

    def _store_booking(
        self,
        connection: Connection,
        message_id: int,
        flight_id: int | None,
        booking: Booking,
        push: str | None,
        at: datetime,
    ) -> int:
        carrier = booking.carrier or ""
        existing = connection.execute(
            select(bookings.c.id, bookings.c.versions).where(
                bookings.c.carrier == carrier, bookings.c.locator == booking.locator
            )
        ).first()
        if existing is None:
            booking_id = int(
                connection.execute(
                    insert(bookings)
                    .values(
                        carrier=carrier,
                        locator=booking.locator,
                        first_seen=at,
                        last_seen=at,
                        versions=1,
                        cancelled=booking.cancelled,
                    )
                    .returning(bookings.c.id)
                ).scalar_one()
            )
            number = 1
        else:
            booking_id, number = int(existing.id), int(existing.versions) + 1
            connection.execute(
                update(bookings)
                .where(bookings.c.id == booking_id)
                .values(last_seen=at, versions=number, cancelled=booking.cancelled)
            )
        return int(
            connection.execute(
                insert(booking_versions)
                .values(
                    booking_id=booking_id,
                    number=number,
                    message_id=message_id,
                    flight_id=flight_id,
                    push=push,
                    cancelled=booking.cancelled,
                    data=_json(_BOOKING, booking),
                )
                .returning(booking_versions.c.id)
            ).scalar_one()
        )

    # --- reads for screening and inspection ----------------------------------------------------

    def booking_history(self, carrier: str, locator: str) -> list[tuple[int, str | None, bool, Booking]]:
        query = (
            select(
                booking_versions.c.number,
                booking_versions.c.push,
                booking_versions.c.cancelled,
                booking_versions.c.data,
            )
            .join(bookings, bookings.c.id == booking_versions.c.booking_id)
            .where(bookings.c.carrier == carrier, bookings.c.locator == locator)
            .order_by(booking_versions.c.number)
        )
        with self.engine.connect() as connection:
            return [
                (int(r.number), r.push, bool(r.cancelled), _BOOKING.validate_json(r.data))
                for r in connection.execute(query)
            ]

    def stored_travellers(self, message_id: int) -> list[Traveller]:
        query = select(travellers.c.data).where(travellers.c.message_id == message_id).order_by(travellers.c.id)
        with self.engine.connect() as connection:
            return [_TRAVELLER.validate_json(r.data) for r in connection.execute(query)]
