"""Real PAXLST messages (GTAS fixtures, mailbox captures), read in place from the shared folder.

Every expected value below was read from the raw message text, not from the parser's output.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from tests.ingest.messages.helpers import has_finding, parse_file, person

from tekser.domain.travel import MessageKind, TravellerRole, TravelMessage
from tekser.ingest.messages import parse_message

pytestmark = pytest.mark.shared_data


def real(shared_data: Path, relative: str) -> TravelMessage:
    return parse_file(shared_data / "messages" / relative)


def test_every_real_paxlst_parses(shared_data: Path) -> None:
    files = sorted((shared_data / "messages" / "gtas" / "apis").iterdir()) + sorted(
        (shared_data / "messages" / "received").iterdir()
    )
    assert len(files) >= 6
    for path in files:
        message = parse_message(path.read_bytes(), name=path.name)
        assert message.kind is MessageKind.PAXLST, path.name
        assert message.travellers, path.name


def test_test1_crew_list_without_una_lower_case_and_bad_counts(shared_data: Path) -> None:
    message = real(shared_data, "gtas/apis/Test1.txt")
    assert (message.function, message.function_detail, message.version) == ("250", "C", "D:02B")
    assert (message.sender, message.recipient) == ("APIS*C3K", "USCSAPIS")
    (leg,) = message.flights
    assert (leg.carrier, leg.flight_number, leg.departure_airport, leg.arrival_airport) == ("UA", "0989", "FRA", "IAD")
    assert (leg.departure, leg.arrival) == (datetime(2017, 1, 27, 17, 25), datetime(2017, 1, 28, 7, 10))
    assert len(message.travellers) == 8
    assert all(t.role is TravellerRole.CREW for t in message.travellers)
    steur = person(message.travellers, "STEUR")  # "Steur:Andrea:Pat" upper-cased
    assert (steur.given_names, steur.gender, steur.birth_date) == ("ANDREA PAT", "F", date(1978, 7, 6))
    assert (steur.nationality, steur.residence_country, steur.birth_place) == ("GB", "GB", "Hartford USA")
    assert (steur.clearance, steur.embarkation, steur.debarkation) == ("IAD", "FRA", "IAD")
    (document,) = steur.documents  # non-standard DOC+P:1812019+123456789
    assert (document.kind, document.number, document.issuing_country) == ("P", "123456789", "GB")
    assert document.expiry == date(2061, 2, 18)  # 610218: the century nearest the flight
    assert person(message.travellers, "ZSCHIESCHAK").birth_date == date(1978, 7, 13)
    assert message.declared_counts == {"crew": 8}
    assert has_finding(message, "segment count 152 declared")  # UNT+0000152
    assert has_finding(message, "lower-case letters in names")
    assert not has_finding(message, "CNT declares")


def test_airline2_star_dollar_delimiters(shared_data: Path) -> None:
    message = real(shared_data, "gtas/apis/airline2.edi")
    (leg,) = message.flights
    assert (leg.flight, leg.departure_airport, leg.arrival_airport) == ("TN506", "BRE", "YEU")
    assert (leg.departure, leg.arrival) == (datetime(2014, 5, 11, 13, 40), datetime(2014, 5, 11, 17, 0))
    assert [t.surname for t in message.travellers] == [
        "BETTON", "TRIBBLE", "RIDER", "COOLEY", "YOUNG", "ELLIOTT", "WHITLOCK", "WESLEY", "STEWART", "LOWE",
    ]  # fmt: skip
    betton = message.travellers[0]
    assert (betton.given_names, betton.birth_date, betton.nationality, betton.pnr_locator) == (
        "DAVID",
        date(1954, 10, 16),
        "US",
        "QXGYLO",
    )
    assert [(d.number, d.expiry, d.issuing_country) for d in betton.documents] == [
        ("178556534", date(2018, 2, 21), "US")
    ]
    assert message.travellers[-1].documents[0].number == "153284238"
    assert message.declared_counts == {"passengers": 136}
    assert has_finding(message, "CNT declares 136 passengers, the message lists 10")
    assert has_finding(message, "reference '140211180 0' does not match UNH '1402111800'")


def test_apis_message_leading_spaces_and_two_progressive_legs(shared_data: Path) -> None:
    message = real(shared_data, "gtas/apis/apisMessage.txt")
    assert message.version == "D:05B"
    assert message.transaction_reference == "AJYTR1070219"
    assert message.reporting_party == "JOHN SMITH"
    assert [(c.kind, c.value) for c in message.reporting_contacts] == [
        ("phone", "703-555-1212"),
        ("fax", "703-555-4545"),
    ]
    assert [(f.flight, f.departure_airport, f.arrival_airport, f.departure, f.arrival) for f in message.flights] == [
        ("AA123", "ATL", "ORD", datetime(2007, 2, 19, 15, 40), datetime(2007, 2, 19, 17, 40)),
        ("AA124", "ORD", "JFK", datetime(2007, 2, 19, 18, 40), datetime(2007, 2, 19, 19, 55)),
    ]
    michael, cheryl = message.travellers
    assert (michael.surname, michael.given_names, michael.birth_date) == ("CLARK", "MICHAEL", date(1972, 9, 7))
    assert (michael.pnr_locator, michael.passenger_reference) == ("TYR123", "ABC123")
    assert set(michael.references) == {("AEA", "1234567890ABC"), ("CR", "20060907NY123")}
    assert (cheryl.given_names, cheryl.gender, cheryl.birth_date) == ("CHERYL", "F", date(1973, 4, 7))
    assert (cheryl.embarkation, cheryl.passenger_reference) == ("ORD", "TYL009")
    assert message.declared_counts == {"passengers": 2}
    assert not has_finding(message, "CNT")


def test_multiple_flight_legs_and_trailing_junk(shared_data: Path) -> None:
    message = real(shared_data, "gtas/apis/multiple_flight_leg_apis.txt")
    assert [(f.flight, f.departure_airport, f.arrival_airport) for f in message.flights] == [
        ("QQ877", "MIA", "IAD"),
        ("QQ827", "IAD", "JFK"),
        ("QQ827", "JFK", "CDG"),
    ]
    assert message.flights[0].departure == datetime(2008, 7, 10, 15, 0)
    assert message.flights[2].arrival == datetime(2008, 8, 11, 6, 30)
    barrett, lang = message.travellers
    assert (barrett.surname, barrett.given_names, barrett.birth_date) == ("BARRETT", "TODD", date(1968, 2, 23))
    assert (barrett.nationality, barrett.residence_country) == ("FR", "FR")
    assert [(d.number, d.expiry) for d in barrett.documents] == [("YY3478621G", date(2008, 12, 30))]
    assert (lang.given_names, lang.nationality, lang.documents[0].number) == ("KRISTIN", "ES", "TRQWE99800")
    assert lang.documents[0].expiry == date(2009, 9, 16)
    assert has_finding(message, "after UNZ ignored")  # "13Nov09"


def test_mailbox_capture_a_type_b_header_wraps_and_footer(shared_data: Path) -> None:
    message = real(shared_data, "received/ediclean-A.txt")
    assert has_finding(message, "before UNA ignored (transport envelope)")
    assert has_finding(message, "after UNZ ignored")  # "Email secured by UN Antivirus"
    assert message.common_access_reference == "A92707/210713/1200"  # "U" / "NH" joined across the wrap
    (leg,) = message.flights
    assert (leg.carrier, leg.flight_number, leg.departure_airport, leg.arrival_airport) == ("A9", "2707", "VIE", "VIE")
    assert leg.departure == datetime(2021, 7, 13, 11, 0)
    assert leg.arrival == datetime(2021, 7, 13, 12, 0)  # "210" / "7131200" joined
    (traveller,) = message.travellers
    assert (traveller.surname, traveller.given_names, traveller.birth_date) == (
        "DJEMFISJER",
        "REDJAE",
        date(1993, 4, 8),
    )
    assert traveller.nationality == "ABC"  # NAT+2+ABC: unknown code kept as given
    assert traveller.seats == ("9F",)
    assert [(b.count, b.tags) for b in traveller.baggage] == [(0, ())]  # MEA CT 0, FTX+BAG+++NULL
    assert [(d.number, d.expiry, d.issuing_country) for d in traveller.documents] == [
        ("3DEJ2ED3E", date(2028, 9, 7), "LIM")
    ]
    assert message.declared_counts == {"passengers": 47}  # "CNT+42:4" / "7"
    assert has_finding(message, "part(s) 1 missing")  # UNH sequence "02" without C/F


def test_mailbox_capture_b_hash_terminator(shared_data: Path) -> None:
    message = real(shared_data, "received/ediclean-B.txt")
    (leg,) = message.flights
    assert (leg.flight, leg.departure_airport, leg.arrival_airport) == ("B2740", "GYD", "MSQ")
    assert (leg.departure, leg.arrival) == (datetime(2021, 8, 27, 4, 15), datetime(2021, 8, 27, 6, 50))
    (traveller,) = message.travellers
    assert (traveller.surname, traveller.given_names, traveller.gender) == ("AERWDEDE", "FERDE H", "F")
    assert (traveller.birth_date, traveller.nationality, traveller.pnr_locator) == (date(1983, 2, 12), "AT", "LWUMQZ")
    assert traveller.seats == ("2A",)
    assert [(d.number, d.expiry) for d in traveller.documents] == [("FER342423", date(2028, 7, 27))]
    assert message.declared_counts == {"passengers": 130}
    assert has_finding(message, "before UNA ignored")
