"""Issue 15: broken service strings repaired, group names, undeclared characters, glued titles, short errors.

The inputs are the shapes of real messages (tests/fixtures/messages, written for tekser) mutated
the way senders break them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ingest.messages.helpers import findings, has_finding

from tekser.errors import MessageError
from tekser.ingest.messages import parse_message
from tekser.ingest.messages import pnr_values as pv
from tekser.ingest.messages.edifact import tokenise
from tekser.ingest.messages.values import settle_titles, without_title


@pytest.fixture
def paxlst(fixtures_dir: Path) -> str:
    """The MIG 5.1 PAXLST (one segment a line), without its line breaks."""
    return (fixtures_dir / "messages" / "paxlst-mig-5-1.edi").read_text().replace("\n", "")


def repairs(text: str) -> list[str]:
    return [f for f in findings(parse_message(text)) if "(repaired)" in f]


# -- 1. service string advice that does not describe the body ------------------------------------------


@pytest.mark.parametrize("una", ["UNA:+.?'\n", "UNA:+\\*'\n", "UNA:+.?'\r\n"])
def test_una_one_character_short_reads_with_the_bodys_terminator(paxlst: str, una: str) -> None:
    """Five characters then a line break: taken as declaring the line break the terminator."""
    message = parse_message(una + paxlst)
    assert [t.surname for t in message.travellers] == ["WILLIAMS"]
    assert message.travellers[0].documents[0].number == "MB140241"
    (repair,) = repairs(una + paxlst)
    shown = "carriage return" if una.endswith("\r\n") else "line break"
    assert f"segment terminator {shown}" in repair and "the body's \"'\"" in repair


def test_una_one_character_short_with_one_segment_a_line(fixtures_dir: Path) -> None:
    """The line breaks would split the segments right, but every value would end in "'"."""
    text = "UNA:+.?'\n" + (fixtures_dir / "messages" / "paxlst-mig-5-1.edi").read_text()
    message = parse_message(text)
    assert message.travellers[0].given_names == "JOHN DONALD"
    assert message.message_reference == "PAX001"
    assert len(repairs(text)) == 1


@pytest.mark.parametrize("una", ["UNA:+.? ’", "UNA:+.? ’\n"])
def test_una_declaring_the_typographic_apostrophe_while_the_body_uses_the_plain_one(paxlst: str, una: str) -> None:
    message = parse_message(una + paxlst)
    assert [t.surname for t in message.travellers] == ["WILLIAMS"]
    (repair,) = repairs(una + paxlst)
    assert "segment terminator '’'" in repair


def test_una_with_the_wrong_element_separator(paxlst: str) -> None:
    message = parse_message("UNA:*.? '" + paxlst)
    assert [t.surname for t in message.travellers] == ["WILLIAMS"]
    assert "element separator '*'" in repairs("UNA:*.? '" + paxlst)[0]


def test_a_una_that_describes_the_body_is_not_repaired(paxlst: str) -> None:
    assert repairs("UNA:+.? '" + paxlst) == []
    text = "UNA:*.? $" + paxlst.replace("+", "*").replace("'", "$")
    assert parse_message(text).travellers[0].surname == "WILLIAMS"
    assert repairs(text) == []


def test_line_break_terminator_declared_and_used_stays(paxlst: str) -> None:
    text = "UNA:+.? \n" + paxlst.replace("'", "\n")
    tokens = tokenise(text)
    assert tokens.delimiters.terminator == "\n"
    assert not [f for f in tokens.findings if "(repaired)" in f.message]


def test_no_repair_gives_a_message_the_error_stays(paxlst: str) -> None:
    """Without UNT no reading is well formed: the declared one is kept (and refused as before)."""
    text = "UNA:+.?'\n" + paxlst.split("UNH", 1)[0]
    with pytest.raises(MessageError, match="no UNH segment"):
        parse_message(text)


# -- 5. errors quote only an excerpt --------------------------------------------------------------------


def big_paxlst(paxlst: str, travellers: int = 400) -> str:
    head, rest = paxlst.split("NAD+FL", 1)
    person, tail = rest.split("CNT+", 1)
    people = "".join(f"NAD+FL{person}".replace("MB140241", f"P{i:08d}") for i in range(travellers))
    return f"{head}{people}CNT+{tail}"


def test_error_for_a_big_message_with_a_wrong_una_quotes_an_excerpt(paxlst: str) -> None:
    """No UNT (truncated) and a UNA whose element separator the body never uses: one 40 KB "segment"."""
    text = "UNA#*.? $" + big_paxlst(paxlst).split("UNT+", 1)[0]
    assert len(text) > 40_000
    with pytest.raises(MessageError) as raised:
        parse_message(text)
    error = str(raised.value)
    assert "no UNH segment" in error
    assert len(error) < 250, error
    assert "P00000001" not in error and "WILLIAMS" not in error
    assert raised.value.tag is not None and len(raised.value.tag) < 110


def test_unsupported_type_quotes_an_excerpt() -> None:
    kind = "X" * 5000
    text = f"UNB+UNOA:4+A+B+240301:0600+1'UNH+1+{kind}:D:05B'BGM+1'UNT+3+1'UNZ+1+1'"
    with pytest.raises(MessageError) as raised:
        parse_message(text)
    assert "is not supported" in str(raised.value)
    assert len(str(raised.value)) < 250
    assert "5,000 characters" in str(raised.value)


def test_findings_quote_an_excerpt(paxlst: str) -> None:
    text = paxlst.replace("UNOA:4", "UNOA" + "Q" * 3000 + ":4", 1)
    message = parse_message(text)
    assert message.travellers[0].surname == "WILLIAMS"
    assert all(len(f) < 300 for f in findings(message))
    assert has_finding(message, "unknown syntax identifier")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("UNAHBT+:'?*$#\n ABCXYZ0123456789"), min_size=200, max_size=3000))
def test_every_message_error_is_short(text: str) -> None:
    error: MessageError | None = None
    try:
        parse_message(text)
    except MessageError as raised:
        error = raised
    if error is not None:
        assert len(str(error)) <= 250
        assert error.tag is None or len(error.tag) <= 110


# -- 2. a group's name is not a person ------------------------------------------------------------------


def test_group_name_is_the_bookings_not_a_traveller(fixtures_dir: Path) -> None:
    message = parse_message((fixtures_dir / "messages" / "pnrgov-group.edi").read_bytes())
    (pnr,) = message.bookings
    assert pnr.group_name == "ACME TEAM PARTY"
    assert [t.surname for t in pnr.travellers] == ["ZHUMABEK", "ALEXANDROV", "WILLIAMS"]
    assert not any("ACME" in (t.surname or "") + (t.given_names or "") for t in pnr.travellers)
    assert pnr.travellers[0].documents[0].number == "N31313131"  # the group TIF takes no SSR from them
    assert findings(message) == []


def test_second_group_name_is_a_finding(fixtures_dir: Path) -> None:
    text = (fixtures_dir / "messages" / "pnrgov-group.edi").read_text()
    text = text.replace("TIF+ZHUMABEK", "TIF+OTHER  GROUP:g'TIF+ZHUMABEK").replace("UNT+17", "UNT+18")
    message = parse_message(text)
    (pnr,) = message.bookings
    assert pnr.group_name == "ACME TEAM PARTY"
    assert len(pnr.travellers) == 3
    assert has_finding(message, "second group name 'OTHER GROUP' ignored")


# -- 3. bytes the declared character set cannot carry ---------------------------------------------------


def test_a_byte_unoa_cannot_carry_is_replaced_visibly_and_reported(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "messages" / "paxlst-mig-5-1.edi").read_bytes().replace(b"WILLIAMS", b"WILLI\x87AMS")
    for received in (data, data.decode("latin-1")):  # bytes, and text as the ingest service decodes it
        message = parse_message(received)
        (traveller,) = message.travellers
        assert traveller.surname == "WILLI\ufffdAMS"
        assert has_finding(message, "1 byte(s) UNOA cannot carry (0x87) replaced by U+FFFD in segment(s) 13")


def test_a_visible_character_outside_the_declared_set_is_kept_and_reported(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "messages" / "paxlst-mig-5-1.edi").read_text().replace("JOHN", "JÜRGEN")
    message = parse_message(data.encode())
    assert message.travellers[0].given_names == "JÜRGEN DONALD"
    assert has_finding(message, "characters outside UNOA kept as read: 'Ü'")
    assert not has_finding(parse_message(data.replace("UNOA", "UNOW")), "outside")


def test_an_8_bit_message_is_decoded_with_its_declared_set(fixtures_dir: Path) -> None:
    text = (fixtures_dir / "messages" / "paxlst-mig-5-1.edi").read_text().replace("UNOA", "UNOE")
    data = text.replace("WILLIAMS:JOHN", "ИВАНОВ:ИВАН").encode("iso8859-5")
    (traveller,) = parse_message(data).travellers
    assert (traveller.surname, traveller.given_names) == ("ИВАНОВ", "ИВАН DONALD")


@settings(max_examples=80, deadline=None)
@given(st.binary(min_size=1, max_size=6).filter(lambda b: b"'" not in b and b"+" not in b and b":" not in b))
def test_no_name_keeps_an_invisible_control_character(noise: bytes) -> None:
    data = (
        b"UNB+UNOA:4+A+B+240301:0600+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'"
        b"NAD+FL+++SMITH" + noise + b":JOHN'UNT+4+1'UNZ+1+1'"
    )
    try:
        message = parse_message(data)
    except MessageError:
        return
    for traveller in message.travellers:
        for text in (traveller.surname or "", traveller.given_names or ""):
            assert not any("\x80" <= c <= "\x9f" for c in text), text


# -- 4. titles in given names ---------------------------------------------------------------------------


def test_titles_glued_or_separated_go_where_the_evidence_says_so(fixtures_dir: Path) -> None:
    message = parse_message((fixtures_dir / "messages" / "pnrgov-titles.edi").read_bytes())
    names = {t.surname: t.given_names for t in message.bookings[0].travellers}
    assert names == {
        "ZHUMABEK": "AIDAR",  # MR glued: always a title
        "ALEXANDROV": "ALEXANDR",  # DR ends the passport's name too
        "KOVACS": "NINA",  # MS glued, the passport says NINA
        "JONES": "WILLIAMS",  # MS glued, the passport says WILLIAMS
        "SMITH": "ANNAMISS",  # MISS glued, no passport: kept as sent
        "BROWN": "PETER",  # a title word
        "GREEN": "JOHN",  # a title word before the name
        "WHITE": "AARON DANIEL",  # MR glued to the first of two names
        "SUI": "KUAN-YIN",
        "BLACK": "ISKANDR",  # DR glued to a name ending in DR, the passport shows which
        "LEE": "SU",
        "PARK": "JIMS",
    }
    assert findings(message) == []


def test_docs_names_lose_glued_titles_as_gtas_writes_them() -> None:
    """GTAS's DOCS glue the title to the first given name (``…/FENNER/JACKIMRS/ANJA``)."""
    found = pv.docs("/P/USA/448763368/USA/02JUN70/F/18MAY32/FENNER/JACKIMRS/ANJA", date(2026, 1, 1))
    assert found is not None and found.given == "JACKI ANJA"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("JOHNMR", "JOHN"),
        ("ANNAMRS", "ANNA"),
        ("TIMMSTR", "TIM"),
        ("TYMR", "TY"),
        ("JOHN MR", "JOHN"),
        ("MRS ANNA", "ANNA"),
        ("NINA MS", "NINA"),
        ("WILLIAMS", "WILLIAMS"),
        ("ALEXANDR", "ALEXANDR"),
        ("ADAMS", "ADAMS"),
        ("MR", "MR"),  # nothing but a title: kept rather than emptied
        ("MRINAL", "MRINAL"),  # a title glued before a name is never assumed
    ],
)
def test_without_title(given: str, expected: str) -> None:
    assert without_title(given) == expected


@given(st.text(alphabet="ABDEIJLMNORSTVW -", min_size=1, max_size=20))
def test_settling_titles_against_the_same_name_changes_nothing(given_names: str) -> None:
    assert settle_titles(given_names, given_names) == given_names
    assert settle_titles(given_names, None) == given_names


@given(st.from_regex(r"[A-Z]{2,8}", fullmatch=True), st.sampled_from(["MS", "MISS", "DR", "INF", "CHD"]))
def test_an_ambiguous_glued_title_goes_only_with_the_passports_word(name: str, title: str) -> None:
    assert settle_titles(name + title, name) == name
    assert settle_titles(name + title, f"{name}{title} X") == name + title
    assert without_title(name + title) == name + title


def test_a_typographic_apostrophe_in_a_name_stays_when_the_una_declared_it(paxlst: str) -> None:
    text = "UNA:+.? ’" + paxlst.replace("WILLIAMS:JOHN", "O’NEIL:JOHN")
    (traveller,) = parse_message(text).travellers
    assert traveller.surname == "O’NEIL"
    text = paxlst.replace("WILLIAMS:JOHN", "O’NEIL:JOHN").replace("'", "’")  # every terminator typed as ’
    (traveller,) = parse_message(text).travellers
    assert traveller.surname == "O’NEIL"


def test_a_curly_terminator_is_not_a_character_outside_the_set(paxlst: str) -> None:
    message = parse_message(paxlst.replace("'", "’").replace("WILLIAMS", "WILLI?+AMS"))
    assert message.travellers[0].surname == "WILLI+AMS"
    assert has_finding(message, "curly apostrophe")
    assert not has_finding(message, "outside UNOA")
