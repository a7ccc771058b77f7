"""tekser's CSV/JSON manifest (rail, sea, road, charter air): the three fixtures, detection, every
validation error with its row and field, and a property test on mutated manifests.

Every expected value below was read from the fixture files, not from the parser's output.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ingest.messages.helpers import contacts, findings, person

from tekser.domain.travel import MessageKind, TravellerRole, TravelMessage
from tekser.errors import MessageError
from tekser.ingest.messages import message_to_dict, parse_message, parse_messages
from tekser.ingest.messages.manifest import FIELDS, looks_like_manifest, parse_manifest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "messages"
MANIFESTS = FIXTURES / "manifest"
TRAIN = MANIFESTS / "night-train-almaty-tashkent.csv"
FERRY = MANIFESTS / "caspian-ferry-aktau-baku.json"
CHARTER = MANIFESTS / "charter-flight-shymkent-antalya.jsonl"

HEADER = ",".join(FIELDS)
JOURNEY = "KTZ,0021,rail,KZALA,2026-11-20T21:40,UZTAS,2026-11-21T09:15"
TRAVELLER = (
    "passenger,ABENOVA,AIGUL,F,1988-07-03,KZ,P,N12874411,KZ,2031-03-14,7X2K9Q,07/012,a@example.kz,+7 701 555 01 23"
)
GOOD = f"{JOURNEY},{TRAVELLER}"


def _parse(path: Path) -> TravelMessage:
    return parse_message(path.read_bytes(), name=path.name)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _refusal(data: bytes | str, name: str = "manifest.csv") -> MessageError:
    with pytest.raises(MessageError) as caught:
        parse_message(data, name=name)
    return caught.value


def _where(error: MessageError) -> list[tuple[str, str]]:
    return [(e.record, e.field) for e in error.errors]


# --- the fixtures --------------------------------------------------------------------------------------


def test_night_train_almaty_tashkent_csv() -> None:
    message = _parse(TRAIN)
    assert (message.kind, message.version, message.function_detail) == (MessageKind.MANIFEST, "manifest/1", "rail")
    tashkent, shymkent = message.flights  # the rows name two journeys: Almaty–Tashkent and Almaty–Shymkent
    assert (tashkent.carrier, tashkent.flight_number, tashkent.flight) == ("KTZ", "0021", "KTZ0021")
    assert (tashkent.departure_airport, tashkent.arrival_airport) == ("KZALA", "UZTAS")
    assert (tashkent.departure, tashkent.arrival) == (datetime(2026, 11, 20, 21, 40), datetime(2026, 11, 21, 9, 15))
    assert tashkent.origin == "row 2"
    assert (shymkent.arrival_airport, shymkent.arrival, shymkent.origin) == (
        "KZCIT",
        datetime(2026, 11, 21, 4, 5),
        "row 7",
    )
    assert [t.surname for t in message.travellers] == [
        "ZHUNUSOV", "ABENOVA", "ABENOV", "RAKHIMOV", "ӘБІЛҚАЙЫРОВА", "IVANOV", "TOLEGENOVA",
    ]  # fmt: skip
    conductor = person(message.travellers, "ZHUNUSOV")
    assert (conductor.role, conductor.given_names, conductor.origin) == (TravellerRole.CREW, "MARAT", "row 2")
    (card,) = conductor.documents
    assert (card.kind, card.number, card.issuing_country, card.expiry) == ("I", "043118765", "KZ", date(2029, 5, 31))
    aigul = person(message.travellers, "ABENOVA")
    assert (aigul.role, aigul.given_names, aigul.gender, aigul.birth_date) == (
        TravellerRole.PASSENGER,
        "AIGUL SERIKKYZY",
        "F",
        date(1988, 7, 3),
    )
    assert (aigul.nationality, aigul.pnr_locator, aigul.seats) == ("KZ", "7X2K9Q", ("07/012",))  # KAZ → KZ
    assert (aigul.documents[0].issuing_country, aigul.documents[0].nationality) == ("KZ", "KZ")
    assert contacts(aigul) == [("email", "aigul.abenova@example.kz"), ("phone", "+77015550123")]
    assert [c.origin for c in aigul.contacts] == ["row 3/email", "row 3/phone"]
    assert aigul.documents[0].origin == "row 3/document_number"
    assert (aigul.embarkation, aigul.debarkation) == ("KZALA", "UZTAS")
    assert aigul.references == (("journey", "rail KTZ 0021 KZALA 2026-11-20T21:40 to UZTAS"),)
    assert person(message.travellers, "RAKHIMOV").nationality == "UZ"
    assert contacts(person(message.travellers, "RAKHIMOV")) == [("phone", "+998901234567")]
    zhanar = person(message.travellers, "ӘБІЛҚАЙЫРОВА")
    assert (zhanar.given_names, zhanar.origin) == ("ЖАНАР", "row 6")
    ivanov = person(message.travellers, "IVANOV")
    assert (ivanov.debarkation, ivanov.nationality, ivanov.origin) == ("KZCIT", "RU", "row 7")
    assert ivanov.references == (("journey", "rail KTZ 0021 KZALA 2026-11-20T21:40 to KZCIT"),)
    assert findings(message) == []
    assert message.sensitive_dropped == {}


def test_caspian_ferry_aktau_baku_json() -> None:
    message = _parse(FERRY)
    assert (message.kind, message.function_detail) == (MessageKind.MANIFEST, "sea")
    (ferry,) = message.flights
    assert (ferry.carrier, ferry.flight_number, ferry.departure_airport, ferry.arrival_airport) == (
        "ASCO",
        "GUL-1142",
        "KZAKX",
        "AZBAK",
    )
    # local times as written: the offsets (+05:00 Aktau, +04:00 Baku) are read, then dropped
    assert (ferry.departure, ferry.arrival) == (datetime(2026, 11, 22, 18, 0), datetime(2026, 11, 23, 14, 30))
    assert ferry.origin == "journey"
    assert [(t.surname, t.role) for t in message.travellers] == [
        ("MAMMADOV", TravellerRole.CREW),
        ("GULIYEV", TravellerRole.CREW),
        ("BEKMUKHAMBETOV", TravellerRole.PASSENGER),
        ("HASANOVA", TravellerRole.PASSENGER),
        ("KAYA", TravellerRole.PASSENGER),  # "role": "passenger" written out, the others by default
    ]
    guliyev = person(message.travellers, "GULIYEV")
    assert (guliyev.nationality, guliyev.documents[0].kind, guliyev.documents[0].issuing_country) == ("AZ", "AC", "AZ")
    yerlan = person(message.travellers, "BEKMUKHAMBETOV")
    assert (yerlan.origin, yerlan.pnr_locator, yerlan.seats) == ("traveller 3", "AKX-55120", ("CABIN 214",))
    assert contacts(yerlan) == [("phone", "+77292501140")]
    assert contacts(person(message.travellers, "HASANOVA")) == [("email", "leyla.hasanova@example.az")]
    assert person(message.travellers, "KAYA").seats == ("DECK",)
    # valid, but worth telling: Yerlan's passport expired before the crossing
    assert findings(message) == [
        "segment 3 traveller, element document_expiry: "
        "document expired on 2026-10-01, before the departure on 2026-11-22"
    ]


def test_charter_flight_json_lines() -> None:
    message = _parse(CHARTER)
    assert message.function_detail == "air"
    out, back = message.flights
    assert (out.flight, out.departure_airport, out.arrival_airport, out.departure) == (
        "ZZ9101",
        "CIT",
        "AYT",
        datetime(2026, 11, 24, 6, 30),
    )
    assert (back.flight, back.departure_airport, back.arrival_airport, back.origin) == (
        "ZZ9102",
        "AYT",
        "CIT",
        "line 5",
    )
    assert [(t.surname, t.given_names, t.origin) for t in message.travellers] == [
        ("SATPAYEV", "KAIRAT", "line 1"),
        ("OMAROVA", "DINARA", "line 2"),
        ("OMAROV", "BOLAT", "line 3"),
        ("OMAROVA", "ALIYA", "line 4"),
        ("OMAROVA", "DINARA", "line 5"),  # the return flight: another journey, not a duplicate
    ]
    dinara, bolat, aliya = message.travellers[1:4]
    assert (dinara.seats, bolat.seats, aliya.seats) == (("14A",), ("14B",), ())  # air seats as 14A, not 014A
    assert contacts(dinara) == [("email", "dinara.omarova@example.kz")]
    assert (aliya.role, aliya.birth_date, aliya.pnr_locator) == (TravellerRole.INFANT, date(2024, 3, 9), "TUR7731")
    assert message.travellers[0].role == TravellerRole.CREW
    assert message.travellers[4].references == (("journey", "air ZZ 9102 AYT 2026-12-01T11:20 to CIT"),)
    assert findings(message) == []


@pytest.mark.parametrize("path", [TRAIN, FERRY, CHARTER], ids=lambda p: p.name)
def test_every_fixture_is_a_manifest_and_serialisable(path: Path) -> None:
    assert looks_like_manifest(path.read_bytes())
    (message,) = parse_messages(path.read_bytes(), name=path.name)
    data = message_to_dict(message)
    assert data["kind"] == "MANIFEST"
    json.dumps(data)
    assert parse_message(path.read_text(encoding="utf-8"), name=path.name) == message  # str in, same result


# --- detection and forms --------------------------------------------------------------------------------


def test_edifact_messages_are_not_manifests() -> None:
    edifact = sorted(p for p in FIXTURES.glob("*") if p.is_file())
    assert edifact
    assert not any(looks_like_manifest(p.read_bytes()) for p in edifact)
    assert not looks_like_manifest(b"UNA:+.? 'UNB+UNOA:4+A+B+240301:0600+1'")
    assert not looks_like_manifest(b"id,name\nW-1,Ivan PETROV\n")  # a national list, not a manifest


def test_semicolon_csv_from_a_spreadsheet_and_a_byte_order_mark() -> None:
    data = "\ufeff" + HEADER.replace(",", ";") + "\n" + GOOD.replace(",", ";") + "\n"
    message = parse_message(data.encode(), name="export.csv")
    (traveller,) = message.travellers
    assert (traveller.surname, traveller.documents[0].number, traveller.origin) == ("ABENOVA", "N12874411", "row 2")


def test_columns_in_any_order_optional_ones_left_out_placeholders_are_no_value() -> None:
    header = "surname,service,carrier,departure_place,arrival_place,departure_time,mode,email,given_names"
    data = _csv("IVANOV,0021,KTZ,KZALA,UZTAS,2026-11-20 21:40,Rail,-,FNU", header=header)
    message = parse_message(data, name="short.csv")
    (leg,) = message.flights
    assert (leg.departure, leg.arrival) == (datetime(2026, 11, 20, 21, 40), None)
    (ivanov,) = message.travellers
    assert (ivanov.surname, ivanov.given_names, ivanov.contacts, ivanov.documents) == ("IVANOV", None, (), ())
    assert (ivanov.role, ivanov.nationality, ivanov.birth_date) == (TravellerRole.PASSENGER, None, None)
    assert message.function_detail == "rail"


def test_rows_of_one_journey_written_differently_are_one_leg() -> None:
    other = GOOD.replace("KTZ,0021,rail", "ktz,0021,RAIL").replace("ABENOVA", "ABENOV")
    message = parse_message(_csv(GOOD, other), name="two.csv")
    assert len(message.flights) == 1
    assert [t.surname for t in message.travellers] == ["ABENOVA", "ABENOV"]


def test_travellers_are_grouped_by_journey_in_order_of_first_appearance() -> None:
    to_shymkent = GOOD.replace("UZTAS,2026-11-21T09:15", "KZCIT,2026-11-21T04:05")
    rows = [GOOD.replace("ABENOVA", "AAA"), to_shymkent.replace("ABENOVA", "BBB"), GOOD.replace("ABENOVA", "CCC")]
    message = parse_message(_csv(*rows), name="mixed.csv")
    assert [leg.arrival_airport for leg in message.flights] == ["UZTAS", "KZCIT"]
    assert [(t.surname, t.origin) for t in message.travellers] == [("AAA", "row 2"), ("CCC", "row 4"), ("BBB", "row 3")]


def test_json_object_on_one_line_and_a_one_line_json_lines_file() -> None:
    journey = dict(zip(FIELDS[:7], JOURNEY.split(","), strict=True))
    one_line = json.dumps({"journey": journey, "travellers": [{"surname": "KAYA"}]})
    assert [t.surname for t in parse_message(one_line, name="m.json").travellers] == ["KAYA"]
    flat = json.dumps({**journey, "surname": "KAYA", "nationality": "TUR"})
    (kaya,) = parse_message(flat + "\n", name="m.jsonl").travellers
    assert (kaya.surname, kaya.nationality, kaya.origin) == ("KAYA", "TR", "line 1")


def test_offsets_are_compared_when_both_times_have_one() -> None:
    # Aktau +05:00 17:00 → Baku +04:00 16:30 is 30 minutes later: fine although the local time is earlier
    ok = GOOD.replace("2026-11-20T21:40,UZTAS,2026-11-21T09:15", "2026-11-20T17:00+05:00,UZTAS,2026-11-20T16:30+04:00")
    assert parse_message(_csv(ok), name="ok.csv").flights[0].arrival == datetime(2026, 11, 20, 16, 30)
    bad = GOOD.replace("2026-11-20T21:40,UZTAS,2026-11-21T09:15", "2026-11-20T17:00+05:00,UZTAS,2026-11-20T15:30+04:00")
    assert _where(_refusal(_csv(bad))) == [("row 2", "arrival_time")]


def test_the_same_traveller_twice_on_one_journey_is_a_finding() -> None:
    message = parse_message(_csv(GOOD, GOOD), name="twice.csv")
    assert len(message.travellers) == 2
    assert findings(message) == ["segment 3 row: same traveller as row 2 on the same journey"]


# --- validation: every problem, with row and field --------------------------------------------------------


BAD_ROWS = [
    # (replace in GOOD, by, the field reported, words of the message)
    ("1988-07-03", "1985-13-01", "birth_date", "'1985-13-01' is not a date"),
    ("1988-07-03", "03.07.1988", "birth_date", "'03.07.1988' is not a date"),
    ("1988-07-03", "2027-01-01", "birth_date", "is after the departure (2026-11-20)"),
    ("1988-07-03", "1850-01-01", "birth_date", "is before 1900"),
    ("ABENOVA", "", "surname", "required"),
    ("ABENOVA", "UNKNOWN", "surname", "'UNKNOWN' is no value"),
    ("ABENOVA", "ABEN0VA", "surname", "contains digits"),
    ("AIGUL", "...", "given_names", "has no letters"),
    (",F,", ",W,", "gender", "'W' is not M, F, U or X"),
    ("passenger", "pilot", "role", "'pilot' is not one of passenger, crew"),
    (",KZ,P,", ",Kazakhstan,P,", "nationality", "not an ISO 3166-1 alpha-2 or alpha-3 country code"),
    (",KZ,P,", ",ZZ,P,", "nationality", "'ZZ' is not an ISO 3166-1"),
    (",P,N12874411,", ",PASSPORT,N12874411,", "document_type", "is not a document type code"),
    (",P,N12874411,", ",,N12874411,", "document_type", "required when document_number is given"),
    ("N12874411", "N1287#4411", "document_number", "is not a document number"),
    ("N12874411", "", "document_number", "required when document_type, document_country or document_expiry"),
    (",KZ,2031-03-14", ",QQQ,2031-03-14", "document_country", "'QQQ' is not an ISO 3166-1"),
    ("2031-03-14", "2031-02-30", "document_expiry", "'2031-02-30' is not a date"),
    ("7X2K9Q", "7X2K 9Q", "booking_reference", "is not a booking reference"),
    ("07/012", "07/012/0000000000000", "seat", "is not a seat, berth or cabin"),
    ("a@example.kz", "a.example.kz", "email", "'a.example.kz' is not an e-mail address"),
    ("+7 701 555 01 23", "call me", "phone", "'call me' is not a telephone number"),
    ("+7 701 555 01 23", "12", "phone", "'12' is not a telephone number"),
    ("KTZ,", "K#Z,", "carrier", "is not a carrier code or name"),
    (",0021,", ",,", "service", "required"),
    (",rail,", ",boat,", "mode", "'boat' is not one of air, rail, sea, road"),
    ("rail,KZALA,2026-11-20T21:40,UZTAS", "air,KZALA,2026-11-20T21:40,TAS", "departure_place", "not an airport code"),
    ("2026-11-20T21:40", "2026-11-20", "departure_time", "'2026-11-20' is not a date and time"),
    ("2026-11-20T21:40", "2026-11-20T25:40", "departure_time", "is not a date and time"),
    ("2026-11-21T09:15", "2026-11-18T09:15", "arrival_time", "is before the departure"),
    ("UZTAS,", "KZALA,", "arrival_place", "'KZALA' is also the departure place"),
]


@pytest.mark.parametrize(("old", "new", "field", "words"), BAD_ROWS, ids=[f"{r[2]}:{r[1]}" for r in BAD_ROWS])
def test_each_wrong_value_is_reported_with_row_and_field(old: str, new: str, field: str, words: str) -> None:
    assert old in GOOD
    error = _refusal(_csv(GOOD, GOOD.replace("ABENOVA", "OTHER"), GOOD.replace(old, new, 1)))
    assert _where(error) == [("row 4", field)]
    (problem,) = error.errors
    assert words in problem.message
    assert (error.message_name, error.segment, error.tag, error.element) == ("manifest.csv", 4, "row", field)
    assert f"row 4, field {field}: " in str(error)


def test_every_problem_of_the_file_is_listed_in_one_error() -> None:
    rows = [
        GOOD,
        GOOD.replace("1988-07-03", "1985-13-01").replace(",F,", ",W,"),  # row 3: two problems
        GOOD,
        GOOD,
        GOOD.replace("a@example.kz", "nobody"),  # row 6
        GOOD.replace("1988-07-03", "1985-13-01"),  # row 7
    ]
    error = _refusal(_csv(*rows))
    assert _where(error) == [("row 3", "gender"), ("row 3", "birth_date"), ("row 6", "email"), ("row 7", "birth_date")]
    assert "manifest refused, 4 problems: row 3, field gender: 'W' is not M, F, U or X" in str(error)
    assert "row 7, field birth_date: '1985-13-01' is not a date (write YYYY-MM-DD)" in str(error)
    assert (error.segment, error.element) == (3, "gender")
    assert [e.value for e in error.errors] == ["W", "1985-13-01", "nobody", "1985-13-01"]  # as written


def test_a_wrong_journey_is_reported_once_at_its_first_row() -> None:
    bad = GOOD.replace("2026-11-20T21:40", "tonight")
    error = _refusal(_csv(GOOD.replace(",rail,", ",air,"), *[bad] * 5))
    assert _where(error) == [
        ("row 2", "departure_place"),
        ("row 2", "arrival_place"),
        ("row 3", "departure_time"),
    ]


def test_header_problems() -> None:
    header = HEADER.replace("mode,", "").replace("given_names", "first_name").replace("phone", "seat") + ",,,service"
    row = GOOD.replace(",rail,", ",") + ",,,0021"
    error = _refusal(_csv(row, header=header))
    assert _where(error) == [
        ("header (row 1)", "first_name"),
        ("header (row 1)", "seat"),
        ("header (row 1)", "column 21"),
        ("header (row 1)", "column 22"),
        ("header (row 1)", "service"),
        ("header (row 1)", "mode"),
    ]
    assert [e.message for e in error.errors][:3] == ["unknown column", "column appears twice", "unknown column"]
    assert error.errors[-1].message == "required column missing"


def test_a_missing_required_column_is_reported_once_not_per_row() -> None:
    header = HEADER.replace("carrier,", "")
    row = GOOD.removeprefix("KTZ,")
    error = _refusal(_csv(row, row.replace("ABENOVA", "X"), header=header))
    assert _where(error) == [("header (row 1)", "carrier")]


def test_a_row_with_more_cells_than_the_header() -> None:
    error = _refusal(_csv(GOOD, GOOD + ",extra"))
    assert _where(error) == [("row 3", "(row)")]
    assert "22 cells, the header has 21" in str(error)


def test_json_object_problems_name_the_journey_and_the_traveller() -> None:
    journey = dict(zip(FIELDS[:7], JOURNEY.split(","), strict=True)) | {"mode": "ship", "colour": "blue"}
    travellers = [
        {"surname": "KAYA"},
        "HASANOVA",
        {"surname": "GULIYEV", "birth_date": 19831017, "carrier": "ASCO"},
    ]
    error = _refusal(json.dumps({"journey": journey, "travellers": travellers, "note": "x"}), "ferry.json")
    assert _where(error) == [
        ("manifest", "note"),
        ("journey", "colour"),
        ("journey", "mode"),
        ("traveller 2", "(traveller)"),
        ("traveller 3", "carrier"),
        ("traveller 3", "birth_date"),
    ]
    assert "traveller 3, field birth_date: must be a string" in str(error)
    assert 'unknown field (journey fields belong in "journey")' in str(error)
    assert (error.segment, error.element) == (None, "note")


def test_json_lines_problems_name_the_line() -> None:
    journey = dict(zip(FIELDS[:7], JOURNEY.split(","), strict=True))
    lines = [
        json.dumps({**journey, "surname": "KAYA"}),
        "",
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**journey, "surname": "HASANOVA", "gender": "female"}),
    ]
    error = _refusal("\n".join(lines), "charter.jsonl")
    assert _where(error) == [("line 3", "(line)"), ("line 4", "(line)"), ("line 5", "gender")]
    assert error.segment == 3


def test_the_error_text_shows_twenty_problems_and_keeps_them_all() -> None:
    error = _refusal(_csv(*[GOOD.replace("1988-07-03", "1988-07-32")] * 25))
    assert len(error.errors) == 25
    assert str(error).count("field birth_date") == 20
    assert str(error).endswith("(and 5 more)")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"surname,service\n", "field carrier: required column missing"),
        (HEADER.encode() + b"\n\n", "no travellers"),
        (HEADER.encode() + b"\n" + GOOD.encode().replace(b"ABENOVA", b"AB\xffNOVA"), "not UTF-8 text (byte"),
        (b'{"journey": {"carrier": "KTZ"}, "travellers": [', "not well-formed JSON at line 1"),
        (b'[{"surname": "KAYA", "service": "1"}]', "a JSON manifest is one object"),
        (b'{"journey": [], "travellers": {}}', "required: an object with the journey fields"),
        (b'{"journey": {}, "travellers": []}', "no travellers"),
    ],
)
def test_files_that_cannot_be_read(data: bytes, words: str) -> None:
    error = _refusal(data)
    assert words in str(error)
    assert error.errors


def test_parse_manifest_directly_refuses_empty_input() -> None:
    with pytest.raises(MessageError, match="the manifest is empty"):
        parse_manifest(b" \n", name="empty.csv")


def test_the_cli_prints_a_manifest() -> None:
    import typer
    from typer.testing import CliRunner

    from tekser.cli.parse import parse

    app = typer.Typer()
    app.command("parse")(parse)

    @app.callback()
    def _root() -> None:
        """Group, so that the command is called by name as in the real CLI."""

    result = CliRunner().invoke(app, ["parse", str(FERRY)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["kind"], data["flights"][0]["flight_number"], len(data["travellers"])) == ("MANIFEST", "GUL-1142", 5)


# --- property: mutated manifests -------------------------------------------------------------------------

SEEDS = [p.read_bytes() for p in (TRAIN, FERRY, CHARTER)]
CELL_VALUES = st.sampled_from(
    ["", "-", "UNKNOWN", "NA", "XXX", "1985-13-01", "2026-11-20T21:40", "2026-11-20T21:40+05:00", "air", "crew",
     "ӘБІЛ", "+7 701", "a@b.c", "{", '"', "\\", ",", ";", "\n", "\x00", "null", "[]", "0" * 300]
) | st.text(max_size=12)  # fmt: skip


def _outcome(data: bytes | str, name: str = "fuzz") -> TravelMessage | MessageError:
    try:
        return parse_message(data, name=name)
    except MessageError as error:
        return error


def _check(data: bytes) -> None:
    outcome = _outcome(data)
    if isinstance(outcome, TravelMessage):
        json.dumps(message_to_dict(outcome))
    elif looks_like_manifest(data):  # a mutation can make it something else: then EDIFACT refuses it
        assert outcome.errors, "a refusal lists its problems"
        assert all(e.record and e.field for e in outcome.errors)


@st.composite
def mutated_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "truncate", "delete", "duplicate", "insert"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 60))]
        elif kind == "duplicate":
            data[at:at] = data[at : min(len(data), at + draw(st.integers(1, 200)))]
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
    return bytes(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bytes())
def test_mutated_manifests_parse_or_raise_message_error(data: bytes) -> None:
    _check(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    row=st.integers(0, 6),
    column=st.integers(0, len(FIELDS) - 1),
    value=CELL_VALUES,
    form=st.sampled_from(["csv", "jsonl"]),
)
def test_mutated_manifest_cells_are_read_or_reported_with_row_and_field(
    row: int, column: int, value: str, form: str
) -> None:
    lines = TRAIN.read_text(encoding="utf-8").splitlines()
    records = [dict(zip(FIELDS, line.split(","), strict=True)) for line in lines[1:]]
    records[row][FIELDS[column]] = value
    if form == "csv":
        text = "\n".join([HEADER, *(",".join(_quote(r[f]) for f in FIELDS) for r in records)])
    else:
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    outcome = _outcome(text, f"cells.{form}")
    if isinstance(outcome, TravelMessage):
        assert len(outcome.travellers) == 7
    else:
        where = f"row {row + 2}" if form == "csv" else f"line {row + 1}"
        fields = {FIELDS[column], *RELATED.get(FIELDS[column], ())}
        assert outcome.errors
        assert all(e.record == where and e.field in fields for e in outcome.errors), outcome.errors


# a wrong value in one field can make a neighbour wrong: air needs airport codes, arrival follows departure
RELATED = {
    "mode": ("departure_place", "arrival_place"),
    "departure_place": ("arrival_place",),
    "departure_time": ("arrival_time", "birth_date"),
}


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell
