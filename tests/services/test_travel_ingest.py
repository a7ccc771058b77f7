"""Ingestion of travel messages on SQLite and PostgreSQL: once per message, nothing lost, nothing sensitive kept."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select

from tekser.errors import MessageError
from tekser.services import travel_ingest
from tekser.services.travel_ingest import TravelIngestService, redact
from tekser.simulate.traffic import Planted, make_flights, paxlst, pnrgov
from tekser.storage.travel import SqlTravelStore


@pytest.fixture
def service(engine: Engine) -> TravelIngestService:
    return TravelIngestService(SqlTravelStore(engine))


PLANTED = [Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")]


def _flight():  # type: ignore[no-untyped-def]
    (flight,) = make_flights(seed=7, flights=1, passengers=30, planted=PLANTED)
    return flight


def test_messages_are_stored_once_and_linked(service: TravelIngestService) -> None:
    flight = _flight()
    api = paxlst(flight, 1).encode()
    outcome = service.ingest(api, "api.edi")
    assert outcome.status == "ingested"
    assert outcome.kind == "PAXLST"
    assert outcome.travellers == len(flight.passengers)
    assert outcome.flights == [f"{flight.carrier}{flight.number} {flight.origin}-{flight.destination}"]
    again = service.ingest(api, "api-copy.edi")
    assert (again.status, again.message_id) == ("duplicate", outcome.message_id)
    counts = service.store.counts()  # type: ignore[attr-defined]
    assert counts["messages_parsed"] == 1
    assert counts["travellers"] == len(flight.passengers)
    stored = service.store.stored_travellers(outcome.message_id)  # type: ignore[attr-defined]
    planted = next(t for t in stored if t.surname == "NURLANOV")
    assert (planted.given_names, planted.birth_date, planted.documents[0].number) == (
        "ASKAR",
        date(1975, 3, 12),
        "N01234567",
    )
    # the PNR push of the same flight links to the same flight row
    pnr = service.ingest(pnrgov(flight, 2).encode(), "pnr.edi")
    assert pnr.status == "ingested"
    assert pnr.bookings > 0
    assert service.store.counts()["flights"] == 1  # type: ignore[attr-defined]


def test_a_pnr_updated_by_a_later_push_keeps_its_history(service: TravelIngestService) -> None:
    flight = _flight()
    full = pnrgov(flight, 3)
    locator = flight.passengers[0].locator
    service.ingest(full.encode(), "full.edi")
    update = full.replace("MSG+:22", "MSG+:141").replace("+3'", "+4'")
    # the update push changes the first passenger's seat
    update = update.replace("12C", "14D")
    service.ingest(update.encode(), "update.edi")
    history = service.store.booking_history(flight.carrier, locator)  # type: ignore[attr-defined]
    assert [(number, push) for number, push, _, _ in history] == [(1, "full"), (2, "update")]
    assert all(booking.locator == locator for *_, booking in history)


def test_a_failed_message_is_kept_and_can_be_parsed_again(
    service: TravelIngestService, monkeypatch: pytest.MonkeyPatch
) -> None:
    flight = _flight()
    data = paxlst(flight, 5).encode()

    def broken(text: str, **_: object) -> None:
        raise MessageError("parser bug", message="api.edi", segment=9, tag="NAD", element="4")

    monkeypatch.setattr(travel_ingest, "parse_message", broken)
    failed = service.ingest(data, "api.edi")
    assert failed.status == "failed"
    assert failed.error == "api.edi segment 9 NAD element 4: parser bug"
    assert [m.id for m in service.failed()] == [failed.message_id]
    assert service.ingest(data, "api.edi").status == "duplicate"  # nothing is ingested twice
    monkeypatch.undo()  # "the fix"
    (retried,) = service.retry()
    assert (retried.status, retried.message_id) == ("reparsed", failed.message_id)
    assert retried.travellers == len(flight.passengers)
    assert service.failed() == []


class _LateStore(SqlTravelStore):
    """A store seen by a second process that looked the message up before the first saved it."""

    def find(self, sha256: str) -> object:
        if not getattr(self, "looked", False):
            self.looked = True
            return None
        return super().find(sha256)


@pytest.mark.parametrize("kind", ["parsed", "failed"])
def test_a_message_saved_by_another_process_meanwhile_is_a_duplicate_stored_once(
    service: TravelIngestService, engine: Engine, kind: str
) -> None:
    data = paxlst(_flight(), 6).encode() if kind == "parsed" else b"hello, this is not EDIFACT"
    first = service.ingest(data, "first.edi")
    assert first.status == ("ingested" if kind == "parsed" else "failed")
    before = service.store.counts()  # type: ignore[attr-defined]
    late = TravelIngestService(_LateStore(engine)).ingest(data, "second.edi")
    assert (late.status, late.message_id) == ("duplicate", first.message_id)
    assert service.store.counts() == before  # type: ignore[attr-defined]


def test_a_failed_message_parsed_again_by_two_processes_is_stored_once(
    service: TravelIngestService, monkeypatch: pytest.MonkeyPatch
) -> None:
    flight = _flight()

    def broken(text: str, **_: object) -> None:
        raise MessageError("parser bug")

    monkeypatch.setattr(travel_ingest, "parse_message", broken)
    failed = service.ingest(paxlst(flight, 7).encode(), "api.edi")
    assert failed.message_id is not None
    monkeypatch.undo()
    store = service.store
    assert isinstance(store, SqlTravelStore)
    message = travel_ingest.parse_message(store.content(failed.message_id).decode(), name="api.edi")
    summary = travel_ingest.summary_of(message)
    at = service.clock()
    assert store.mark_parsed(failed.message_id, message, at, summary) is True
    assert store.mark_parsed(failed.message_id, message, at, summary) is False  # the second process
    assert store.counts()["travellers"] == len(flight.passengers)


def test_garbage_is_kept_with_a_clear_error(service: TravelIngestService) -> None:
    outcome = service.ingest(b"hello, this is not EDIFACT", "note.txt")
    assert outcome.status == "failed"
    assert "no UNH" in (outcome.error or "")
    assert service.store.content(outcome.message_id) == b"hello, this is not EDIFACT"  # type: ignore[attr-defined]


def test_sensitive_data_never_reaches_the_database(service: TravelIngestService, engine: Engine) -> None:
    flight = _flight()
    text = pnrgov(flight, 6)
    first_tif = text.index("TIF+")
    end = text.index("'", first_tif) + 1
    extra = "SSR+MOML:HK:1:KC'SSR+WCHR:HK:1:KC'IFT+4:28::KC+PAX NEEDS MEDICAL OXYGEN ON BOARD'"
    text = text[:end] + "\n" + extra + text[end:]
    outcome = service.ingest(text.encode(), "pnr.edi")
    assert outcome.status == "ingested"
    assert outcome.sensitive_dropped >= 3
    # what was dropped is counted by category only: a code would say what the passenger eats or needs
    stored = service.store.message(outcome.message_id)  # type: ignore[attr-defined]
    assert set(stored.sensitive_dropped) <= {"religion_meal", "health_meal", "assistance", "text:health", "text"}
    # a canary scan of every table, raw message included
    metadata = MetaData()
    metadata.reflect(engine)
    dump: list[str] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                dump.extend(str(v) for v in row)
    raw = service.store.content(outcome.message_id).decode()  # type: ignore[attr-defined]
    everything = " ".join(dump) + raw
    for canary in ("MOML", "WCHR", "MEDICAL", "OXYGEN"):
        assert canary not in everything, canary


def test_redaction_keeps_the_message_readable() -> None:
    from tekser.ingest.messages.sensitive import default_filter

    text = "UNA:+.? 'UNH+1+PNRGOV:11:1:IA'SSR+AVML:HK:1:KC'IFT+4:28::KC+ALLERGIC TO NUTS'TIF+DOE+JANE:A:1'"
    redacted, count = redact(text, default_filter())
    assert count == 2
    assert redacted == "UNA:+.? '\nUNH+1+PNRGOV:11:1:IA'\nSSR+REDACTED'\nIFT+REDACTED'\nTIF+DOE+JANE:A:1'\n"


CANARIES = ("MOML", "WCHR", "OXYGEN", "4111111111111111")


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t,
        # other delimiters, no UNA: the tokeniser finds them from UNB/UNH
        lambda t: t.split("\n", 1)[1].replace("+", "*").replace(":", "^").replace("'", "~"),
        # a carrier header of 300 characters before the UNA
        lambda t: "QU ALAKCXA\n.KCXHQKC 201200\n" + "X" * 270 + "\n" + t,
        # curly apostrophes typed as terminators
        lambda t: t.replace("'", "’"),
        # hard-wrapped at 64 columns, tags split across lines
        lambda t: "\n".join(t.replace("\n", "")[i : i + 64] for i in range(0, len(t.replace("\n", "")), 64)),
    ],
    ids=["plain", "other-delimiters", "late-una", "curly", "wrapped"],
)
def test_the_stored_copy_holds_nothing_sensitive_however_the_message_is_written(damage: object) -> None:
    from tekser.ingest.messages import parse_message
    from tekser.ingest.messages.sensitive import default_filter

    (flight,) = make_flights(seed=3, flights=1, passengers=6, planted=[])
    text = pnrgov(flight, 9)
    first_tif = text.index("TIF+")
    end = text.index("'", first_tif) + 1
    extra = "SSR+MOML:HK:1:KC'SSR+WCHR:HK:1:KC'IFT+4:28::KC+NEEDS MEDICAL OXYGEN'FOP+CC::120:VI:4111111111111111:0927'"
    text = damage(text[:end] + extra + text[end:])  # type: ignore[operator]
    redacted, blanked = redact(text, default_filter())
    assert blanked >= 3
    for canary in CANARIES:
        assert canary not in redacted, canary
    assert "XXXXXXXXXXXX1111" in redacted
    # the stored copy is still the same message to the parser
    original, stored = parse_message(text), parse_message(redacted)
    assert [t.name for t in stored.travellers] == [t.name for t in original.travellers]
    assert [b.locator for b in stored.bookings] == [b.locator for b in original.bookings]


def test_a_message_that_cannot_be_read_is_kept_with_sensitive_lines_blanked() -> None:
    from tekser.ingest.messages.sensitive import default_filter
    from tekser.services.travel_ingest import redact_unreadable

    text = "Delivery failed\nPAX NEEDS MEDICAL OXYGEN\nCARD 4111111111111111\nSEE YOU"
    redacted, blanked = redact_unreadable(text, default_filter())
    assert blanked == 1
    assert redacted.splitlines()[0] == "Delivery failed"
    assert redacted.splitlines()[-1] == "SEE YOU"
    for canary in ("OXYGEN", "4111111111111111"):
        assert canary not in redacted


def test_a_folder_is_ingested_file_by_file(service: TravelIngestService, tmp_path: Path) -> None:
    flight = _flight()
    tmp_path = tmp_path / "inbox"
    tmp_path.mkdir()
    (tmp_path / "a.edi").write_text(paxlst(flight, 7))
    (tmp_path / "b.edi").write_text(pnrgov(flight, 8))
    (tmp_path / "notes.txt").write_text("not a message")
    statuses = {Path(o.name).name: o.status for o in service.ingest_path(tmp_path)}
    assert statuses == {"a.edi": "ingested", "b.edi": "ingested", "notes.txt": "failed"}


def test_a_failed_big_message_is_stored_with_a_short_error(service: TravelIngestService) -> None:
    """A wrong UNA no repair fixes (no UNT) makes the whole message one "segment": the stored error
    quotes at most an excerpt of it, never the names and passport numbers."""
    text = "UNA#*.? $" + paxlst(make_flights(seed=7, flights=1, passengers=300, planted=PLANTED)[0], 1)
    text = text.split("UNT+", 1)[0]
    assert len(text) > 20_000
    outcome = service.ingest(text.encode(), "big.edi")
    assert outcome.status == "failed"
    (stored,) = service.failed()
    for error in (outcome.error or "", stored.error or ""):
        assert "no UNH segment" in error
        assert len(error) < 250 and "N01234567" not in error and "NURLANOV" not in error


def test_an_8_bit_message_is_read_in_its_declared_set(service: TravelIngestService) -> None:
    text = paxlst(_flight(), 1).replace("UNOA", "UNOE", 1).replace("NURLANOV", "НУРЛАНОВ")
    outcome = service.ingest(text.encode("iso8859-5"), "unoe.edi")
    assert outcome.status == "ingested"
    stored = service.store.stored_travellers(outcome.message_id)  # type: ignore[attr-defined]
    assert any(t.surname == "НУРЛАНОВ" for t in stored)
