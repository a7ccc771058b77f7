"""PNRGOV on tekser's own fixtures: codeshare, split PNR, infants, update pushes, multi-part, decoders."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from tests.ingest.messages.helpers import as_json, booking, contacts, findings, has_finding, parse_file

from tekser.domain.travel import TravellerRole
from tekser.ingest.messages import pnr_values as pv
from tekser.ingest.messages.edifact import Segment
from tekser.ingest.messages.values import email, phone, without_title


@pytest.fixture(scope="module")
def messages(fixtures_dir: Path) -> Path:
    return fixtures_dir / "messages"


def test_codeshare_split_infant_and_masked_card(messages: Path) -> None:
    message = parse_file(messages / "pnrgov-codeshare-split.edi")
    assert message.common_access_reference == "TS800/050324/1000"
    first = booking(message, "SPLT01")
    assert first.created == datetime(2024, 2, 1, 10, 15, 30)
    assert first.other_locators == ("XX:R7QZ2P",)
    assert first.split_from == ("SPLT02",)
    assert booking(message, "SPLT02").split_from == ("SPLT01",)
    (leg,) = first.itinerary
    assert (leg.carrier, leg.flight_number, leg.operating_carrier, leg.operating_flight_number) == (
        "XX",
        "5800",
        "TS",
        "800",
    )
    assert (leg.booking_class, leg.status) == ("Y", "HK")
    assert first.agency is not None and (first.agency.system, first.agency.agency_id, first.agency.kind) == (
        "1A",
        "87654321",
        "T",
    )
    assert contacts(first) == [
        ("address", "12 ABAI AVENUE, ALMATY, 050000, KZ"),
        ("phone", "7272000000"),
        ("email", "zhanna_seitova@example.kz"),  # "-1SEITOVA/ZHANNAMRS" suffix stripped
    ]
    mother = first.travellers[0]
    assert (mother.role, mother.given_names, mother.frequent_flyer) == (
        TravellerRole.PASSENGER,
        "ZHANNA",
        ("TS123456789",),
    )
    assert mother.references == (("REF", "ABCDEF0000000001"),)
    assert contacts(mother) == [("phone", "77011234567")]
    assert mother.seats == ("14C",)
    assert [(b.count, b.weight, b.unit, b.tags) for b in mother.baggage] == [
        (2, 31.0, "KGM", ("TS0123456", "TS0123457"))
    ]
    assert [(d.number, d.issuing_country) for d in mother.documents] == [("N11223344", "KZ")]
    baby = first.travellers[1]
    assert (baby.role, baby.given_names, baby.birth_date, baby.gender) == (
        TravellerRole.INFANT,
        "ALIYA",
        date(2023, 1, 3),
        "F",
    )
    assert [(d.number, d.gender) for d in baby.documents] == [("N99887766", "FI")]
    assert baby.ticket_numbers == ("8002123456790",)
    (payment,) = first.payments
    assert (payment.card_type, payment.card_last4, payment.card_expiry, payment.holder) == (
        "VI",
        "1111",
        "0127",
        "ZHANNA SEITOVA",
    )
    assert "4111111111111111" not in as_json(message)  # never a full card number
    assert has_finding(message, "unmasked card number received")
    assert findings(message) == [
        "segment 25 FOP, element 1: unmasked card number received: only the last four digits kept"
    ]


def test_update_push_with_a_cancelled_pnr(messages: Path) -> None:
    message = parse_file(messages / "pnrgov-update-cancel.edi")
    assert message.function == "141"
    changed, gone = message.bookings
    assert (changed.locator, changed.cancelled, changed.travellers[0].given_names) == ("CHG001", False, "DAMIR")
    assert (gone.locator, gone.cancelled, gone.travellers, gone.itinerary) == ("GONE01", True, (), ())
    assert findings(message) == []


def test_dash_and_star_delimiters_with_unescaped_dash_in_free_text(messages: Path) -> None:
    message = parse_file(messages / "pnrgov-dash-star.edi")
    pnr = booking(message, "DSH001")
    (bolat,) = pnr.travellers
    assert contacts(bolat) == [("email", "bolat.nurlanov@example.kz"), ("phone", "7275550199")]  # 727 555-0199
    assert bolat.seats == ("12C",)
    assert bolat.documents[0].expiry == date(2030, 3, 1)
    assert findings(message) == []


def test_multipart_push_reassembled(messages: Path) -> None:
    message = parse_file(messages / "pnrgov-multipart.edi")
    assert message.parts == 2
    assert [b.locator for b in message.bookings] == ["MPART1", "MPART2", "MPART3"]
    assert len(message.flights) == 1
    assert message.declared_counts == {"pnrs": 3}
    assert findings(message) == []


def test_docs_decoding_with_empty_fields_and_alpha_2_countries() -> None:
    full = pv.docs("/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITH/JOHN/PAUL", date(2010, 1, 1))
    assert full is not None
    assert (full.kind, full.issuer, full.number, full.nationality) == ("P", "GB", "123456789", "GB")
    assert (full.birth, full.gender, full.expiry) == (date(1964, 7, 12), "M", date(2019, 8, 23))
    assert (full.surname, full.given) == ("SMITH", "JOHN PAUL")
    empty = pv.docs("////GBR/12JUL64/M//JONES/WILLIAMNEVELL", date(2010, 1, 1))
    assert empty is not None
    assert (empty.kind, empty.number, empty.nationality, empty.expiry) == (None, None, "GB", None)
    korean = pv.docs("/P/KR/JR3364288/KR/10SEP72/M/05JUL16/PARK/SEJOON", date(2013, 5, 27))
    assert korean is not None and (korean.issuer, korean.nationality) == ("KR", "KR")
    shifted = pv.docs("P/P00266142/14JUL71/M/28MAY23/AVDIU/ILIR", date(2020, 1, 1))
    assert shifted is not None and (shifted.number, shifted.birth, shifted.surname) == (
        "P00266142",
        date(1971, 7, 14),
        "AVDIU",
    )
    assert pv.docs("garbage", date(2020, 1, 1)) is None


def test_email_phone_and_title_decoding() -> None:
    assert email("LUCY..SLOCOMBE//GMAIL.COM") == "lucy_slocombe@gmail.com"
    assert email("ZHANNA..SEITOVA//EXAMPLE.KZ-1SEITOVA/ZHANNAMRS") == "zhanna_seitova@example.kz"
    assert email("NOT AN ADDRESS") is None
    assert phone("SEA 866 746-4647 CARLSON") == "8667464647"
    assert phone("+44 20 7946 0000") == "+442079460000"
    assert phone("NO DIGITS") is None
    assert pv.contact("YY CTC M 123456789") == ("phone", "123456789")
    assert pv.contact("CTCE A//B.COM") == ("email", "a@b.com")
    assert pv.contact("CTCR 00115555") is None  # refused
    assert [without_title(g) for g in ("JOHNMR", "LORELEIMRS", "NINA MS", "WILLIAMS", "ALEXANDR")] == [
        "JOHN",
        "LORELEI",
        "NINA",
        "WILLIAMS",
        "ALEXANDR",
    ]


def test_bag_tags_and_units() -> None:
    segment = Segment(1, "TBD", [[""], ["3", "84", "700"], [""], ["HP"], ["KL", "4074902824", "3", "MSP"]])
    bags = pv.baggage(segment, "x")
    assert bags is not None
    assert (bags.count, bags.weight, bags.unit) == (3, 84.0, "KGM")
    assert bags.tags == ("KL4074902824", "KL4074902825", "KL4074902826")
    pounds = pv.baggage(Segment(2, "TBD", [[""], ["01", "44", "701"]]), "x")
    assert pounds is not None and (pounds.unit, pounds.tags) == ("LBR", ())


def test_tvl_date_forms() -> None:
    short = Segment(1, "TVL", [["280918", "1220", "1505"], ["FRA"], ["IAD"]])
    assert pv.tvl_times(short, date(2018, 9, 1)) == (datetime(2018, 9, 28, 12, 20), datetime(2018, 9, 28, 15, 5), False)
    bad = Segment(1, "TVL", [["310513", "0900", "310513", "4321"]])
    assert pv.tvl_times(bad, date(2013, 5, 1)) == (datetime(2013, 5, 31, 9, 0), None, True)
    history = Segment(1, "TVL", [["280513", "", "290513"]])
    assert pv.tvl_times(history, date(2013, 5, 1)) == (datetime(2013, 5, 28), None, False)
