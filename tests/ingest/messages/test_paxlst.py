"""PAXLST on tekser's own fixtures: the MIG worked examples 5.1–5.3 and one fixture per trap."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from tests.ingest.messages.helpers import findings, has_finding, parse_file

from tekser.domain.travel import MessageKind, TravellerRole, TravelMessage
from tekser.ingest.messages import parse_message, parse_messages


@pytest.fixture(scope="module")
def messages(fixtures_dir: Path) -> Path:
    return fixtures_dir / "messages"


def test_mig_example_5_1_single_sector(messages: Path) -> None:
    message = parse_file(messages / "paxlst-mig-5-1.edi")
    assert (message.kind, message.version, message.function) == (MessageKind.PAXLST, "D:15B", "745")
    assert message.transaction_reference == "1234567890"
    assert message.reporting_party == "DAVIDSON ROBERT"
    assert [c.kind for c in message.reporting_contacts] == ["phone", "fax", "email"]
    (leg,) = message.flights
    assert (leg.carrier, leg.flight_number, leg.departure_airport, leg.arrival_airport) == ("ZZ", "123", "SYD", "HNL")
    assert (leg.departure, leg.arrival) == (datetime(2013, 6, 21, 9, 0), datetime(2013, 6, 21, 22, 0))
    (john,) = message.travellers
    assert (john.role, john.surname, john.given_names) == (TravellerRole.PASSENGER, "WILLIAMS", "JOHN DONALD")
    assert (john.gender, john.birth_date, john.verified) == ("M", date(1972, 9, 7), False)  # GEI+4+174
    (bags,) = john.baggage
    assert (bags.count, bags.tags) == (2, ("ZZ012345", "ZZ012346", "ZZ012347"))  # FTX+BAG ZZ012345:3
    assert (john.clearance, john.residence_country, john.embarkation, john.debarkation) == ("HNL", "GB", "SYD", "HNL")
    assert john.birth_place == "AMBER HILL GBR"
    assert ("address", "235 WESTERN ROAD SUITE 203, SLEAFORD, LINCS, PE224T5, GBR") in [
        (c.kind, c.value) for c in john.contacts
    ]
    assert ("phone", "44 188 84 14151") in [(c.kind, c.value) for c in john.contacts]
    assert (john.nationality, john.pnr_locator, john.passenger_reference) == ("GB", "TYR123", "ABC123")
    (passport,) = john.documents
    assert (passport.kind, passport.number, passport.issuing_country, passport.expiry) == (
        "P",
        "MB140241",
        "GB",
        date(2015, 12, 31),
    )
    assert message.declared_counts == {"passengers": 160}  # CNT+42:160
    assert has_finding(message, "CNT declares 160 passengers, the message lists 1")


def test_mig_example_5_2_crew(messages: Path) -> None:
    message = parse_file(messages / "paxlst-mig-5-2-crew.edi")
    assert message.function == "250"
    assert message.reporting_party == "USD090746"
    (crew,) = message.travellers
    assert (crew.role, crew.surname, crew.given_names, crew.nationality) == (
        TravellerRole.CREW,
        "CLARK",
        "MICHAEL",
        "CA",
    )
    assert crew.documents[0].expiry == date(2015, 10, 21)
    assert ("address", "2365 KAANAPALI HIGHWAY, LAHAINA, HI, 96761") in [(c.kind, c.value) for c in crew.contacts]
    assert message.declared_counts == {"crew": 8}


def test_mig_example_5_3_progressive_flight(messages: Path) -> None:
    message = parse_file(messages / "paxlst-mig-5-3-progressive.edi")
    assert message.transaction_reference == "BART34567890"
    assert [(f.carrier, f.flight_number, f.departure_airport, f.arrival_airport) for f in message.flights] == [
        ("XZ", "877", "BCN", "IAD"),
        ("XZ", "ZX877", "IAD", "SFO"),  # the identifier does not start with the carrier: kept whole
    ]
    assert message.flights[1].departure == datetime(2014, 7, 8, 19, 30)
    assert message.flights[1].arrival == datetime(2014, 7, 8, 23, 30)
    julio, sorina = message.travellers
    assert (julio.given_names, julio.birth_date, julio.documents[0].expiry) == (
        "JULIO XAVIER",
        date(1968, 2, 23),
        date(2018, 12, 30),
    )
    assert (sorina.given_names, sorina.gender, sorina.passenger_reference) == ("SORINA MARIA", "F", "XZ877002")
    assert sorina.documents[0].number == "TRQWE9980"
    assert message.declared_counts == {"passengers": 2}
    assert not has_finding(message, "CNT")


def test_group_aware_dates() -> None:
    """DTM after DOC is the expiry; DTM+329 after DOC is still the date of birth."""
    text = (
        "UNB+UNOA:4+A+B+240301:0600+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+TS1+++TS'LOC+125+ALA'"
        "DTM+189:2403010900:201'LOC+87+TSE'DTM+232:2403011030:201'NAD+FL+++ONE:A'DOC+P+N1'DTM+36:300101'"
        "DTM+329:800202'CNT+42:1'UNT+14+1'UNZ+1+1'"
    )
    (traveller,) = parse_message(text).travellers
    assert traveller.birth_date == date(1980, 2, 2)
    assert traveller.documents[0].expiry == date(2030, 1, 1)


def test_star_and_dollar_delimiters_with_release(messages: Path) -> None:
    message = parse_file(messages / "paxlst-star-dollar.edi")
    assert message.reporting_party == "OPS*DESK $ CENTRAL"  # ?* and ?$ released
    (traveller,) = message.travellers
    assert (traveller.surname, traveller.given_names, traveller.nationality) == ("OMAROV", "ASKAR SERIKULY", "KZ")
    assert traveller.documents[0].expiry == date(2029, 1, 1)
    assert message.flights[0].flight == "TS401"
    assert findings(message) == []


def test_backslash_release_character(messages: Path) -> None:
    message = parse_file(messages / "paxlst-backslash-release.edi")
    (traveller,) = message.travellers
    assert traveller.surname == "D'ARCY"  # \' is a literal apostrophe, not a terminator
    assert traveller.contacts[0].value == "12+14 HIGH ST\\B, DUBLIN"  # \+ and \\ released
    assert traveller.nationality == "IE"
    assert findings(message) == []


def test_type_b_envelope_wraps_and_footer(messages: Path) -> None:
    message = parse_file(messages / "paxlst-typeb-wrapped.txt")
    assert has_finding(message, "before UNA ignored (transport envelope)")
    assert has_finding(message, "after UNZ ignored")
    dana, timur = message.travellers
    assert (dana.surname, dana.birth_date, dana.seats, dana.pnr_locator) == (
        "ISKAKOVA",
        date(1992, 3, 15),
        ("7C",),
        "WRAP01",
    )
    assert timur.birth_date == date(1989, 7, 7)  # "8" / "90707" across a wrap
    assert timur.documents[0].number == "N55504321"  # "N5" / "5504321"
    assert message.declared_counts == {"passengers": 12}  # "CNT+42:1" / "2"
    assert has_finding(message, "CNT declares 12 passengers, the message lists 2")
    assert not has_finding(message, "segment count")


def test_traps_placeholders_two_digit_years_lost_terminator_and_counts(messages: Path) -> None:
    message = parse_file(messages / "paxlst-traps.edi")
    assert message.function_detail == "CP"
    nameless, smith, transit = message.travellers
    assert (nameless.surname, nameless.given_names) == (None, "JOHN")  # NULL is not a name
    assert nameless.birth_date == date(1925, 12, 31)  # 251231 before a 2024 flight
    assert nameless.documents[0].expiry == date(1999, 12, 31)  # 991231: nearest century
    assert (smith.surname, smith.given_names) == ("SMITH", None)  # "Smith:FNU:UNKNOWN"
    assert smith.birth_date == date(2024, 2, 29)  # an infant born two days before the flight
    assert smith.gender == "M"  # ATT+2++M and DTM+329 ran together without a terminator
    assert smith.nationality == "ABC"
    assert [(b.count, b.tags) for b in smith.baggage] == [(0, ())]
    assert smith.documents[0].issuing_country is None  # LOC+91+XXX
    assert smith.documents[0].expiry == date(2049, 12, 31)
    assert (transit.role, transit.verified, transit.birth_date) == (
        TravellerRole.TRANSIT_PASSENGER,
        True,
        date(2001, 1, 1),
    )
    for expected in (
        "placeholder in the name read as missing",
        "segment terminator missing before DTM",
        "unknown country code 'ABC'",
        "lower-case letters in names",
        "CNT declares 5 passengers, the message lists 3",
        "segment count 99 declared, 29 counted",
        "control count 2 declared, 1 counted",
        "reference '7999' does not match UNB '7004'",
    ):
        assert has_finding(message, expected), expected


def test_multipart_message_is_reassembled_in_order(messages: Path) -> None:
    message = parse_file(messages / "paxlst-multipart.edi")
    assert message.parts == 3
    assert [t.surname for t in message.travellers] == ["KIM", "LEE", "PAK"]  # parts 01:C, 02, 03:F
    assert len(message.flights) == 1  # each part repeats the flight
    assert message.declared_counts == {"passengers": 3}
    assert findings(message) == []


def test_multipart_message_with_a_missing_part(messages: Path) -> None:
    message = parse_file(messages / "paxlst-multipart-missing.edi")
    assert message.parts == 2
    assert [t.surname for t in message.travellers] == ["KIM", "PAK"]
    assert has_finding(message, "multi-part message: part(s) 2 missing")


def test_several_messages_in_one_interchange(messages: Path) -> None:
    data = (messages / "paxlst-two-flights.edi").read_bytes()
    first, second = parse_messages(data)
    assert [t.surname for t in first.travellers] == ["AKHMETOV"]
    assert [t.surname for t in second.travellers] == ["BEKOVA"]
    assert second.flights[0].flight == "TS702"
    merged = parse_message(data)
    assert [f.flight for f in merged.flights] == ["TS701", "TS702"]
    assert [t.surname for t in merged.travellers] == ["AKHMETOV", "BEKOVA"]
    assert merged.declared_counts == {"passengers": 2}
    assert has_finding(merged, "interchange carries 2 messages")


def test_every_fixture_is_a_travel_message(messages: Path) -> None:
    for path in sorted(messages.glob("paxlst-*")):
        assert isinstance(parse_file(path), TravelMessage)


@pytest.mark.parametrize(("written", "expected"), [("NA", "NA"), ("NAM", "NA"), ("UNK", None)])
def test_a_namibian_keeps_the_nationality(messages: Path, written: str, expected: str | None) -> None:
    """NA is Namibia's ISO code in a country field, not "not available" (issue 15)."""
    text = (messages / "paxlst-backslash-release.edi").read_text(encoding="utf-8")
    (traveller,) = parse_message(text.replace("NAT+2+IRL'", f"NAT+2+{written}'")).travellers
    assert traveller.nationality == expected
