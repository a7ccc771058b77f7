"""Shared helpers of the message-parser tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tekser.domain.travel import Booking, Traveller, TravelMessage
from tekser.ingest.messages import message_to_dict, parse_message


def parse_file(path: Path) -> TravelMessage:
    return parse_message(path.read_bytes(), name=path.name)


def findings(message: TravelMessage) -> list[str]:
    return [str(f) for f in message.findings]


def has_finding(message: TravelMessage, text: str) -> bool:
    return any(text in f for f in findings(message))


def booking(message: TravelMessage, locator: str) -> Booking:
    (found,) = [b for b in message.bookings if b.locator == locator]
    return found


def person(travellers: tuple[Traveller, ...] | list[Traveller], surname: str) -> Traveller:
    (found,) = [t for t in travellers if t.surname == surname]
    return found


def contacts(traveller_or_booking: Traveller | Booking) -> list[tuple[str, str]]:
    return [(c.kind, c.value) for c in traveller_or_booking.contacts]


def as_json(message: TravelMessage, *, without_drop_counts: bool = False) -> str:
    data: dict[str, Any] = message_to_dict(message)
    if without_drop_counts:
        data.pop("sensitive_dropped")
    return json.dumps(data, ensure_ascii=False)
