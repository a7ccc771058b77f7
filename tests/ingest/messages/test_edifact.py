"""The EDIFACT layer: service string advice, cleaning, tokenising, envelopes, refusals."""

from __future__ import annotations

import pytest
from tests.ingest.messages.helpers import findings, has_finding

from tekser.errors import MessageError
from tekser.ingest.messages import parse_message
from tekser.ingest.messages.edifact import Segment, decode, tokenise
from tekser.ingest.messages.envelope import read_interchange

BODY = (
    "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+TS1+++TS'LOC+125+ALA'DTM+189:2403010900:201'"
    "LOC+87+TSE'DTM+232:2403011030:201'NAD+FL+++ONE:ALPHA'CNT+42:1'UNT+10+1'"
)


def interchange(body: str = BODY, una: str = "UNA:+.? '", syntax: str = "UNOA:4") -> str:
    return f"{una}UNB+{syntax}+SENDER+RECIPIENT+240301:0600+42'{body}UNZ+1+42'"


def test_defaults_without_una() -> None:
    tokens = tokenise(interchange(una=""))
    assert not tokens.advice
    assert (tokens.delimiters.component, tokens.delimiters.element, tokens.delimiters.terminator) == (":", "+", "'")
    assert tokens.segments[0] == Segment(
        1, "UNB", [["UNOA", "4"], ["SENDER"], ["RECIPIENT"], ["240301", "0600"], ["42"]]
    )


def test_any_delimiters_from_una() -> None:
    text = interchange().replace("+", "*").replace("'", "$").replace("UNA:*.? $", "UNA:*.? $")
    message = parse_message(text)
    assert message.travellers[0].surname == "ONE"
    assert findings(message) == []


def test_release_character_escapes_every_service_character() -> None:
    tokens = tokenise("UNA:+.? 'UNB+UNOA:4+A?+B+C?:D+E??F+G?'H+I?XJ'")
    assert tokens.segments[0].elements[1:] == [["A+B"], ["C:D"], ["E?F"], ["G'H"], ["I?XJ"]]  # ?X is no escape


def test_no_release_character_when_una_says_space() -> None:
    tokens = tokenise("UNA:+.  'UNB+UNOA:4+A?B'")
    assert tokens.delimiters.release is None
    assert tokens.segments[0].get(1) == "A?B"


def test_curly_apostrophe_and_crlf_wraps() -> None:
    text = "UNB+UNOA:4+SEN\r\nDER+REC’U\r\nNH+1+PAXLST:D:05B:UN:IATA’UNT+2+1’UNZ+1+1’"
    tokens = tokenise(text)
    assert [s.tag for s in tokens.segments] == ["UNB", "UNH", "UNT", "UNZ"]
    assert tokens.segments[0].get(1) == "SENDER"
    assert any("curly apostrophe" in f.message for f in tokens.findings)


def test_line_breaks_stay_when_they_are_the_terminator() -> None:
    tokens = tokenise("UNA:+.? \nUNB+UNOA:4+A+B\nUNH+1+PAXLST:D:05B:UN:IATA\r\nUNT+2+1\nUNZ+1+1\n")
    assert [s.tag for s in tokens.segments] == ["UNB", "UNH", "UNT", "UNZ"]


def test_whitespace_around_tags_and_lower_case_tags() -> None:
    tokens = tokenise("  UNB+UNOA:4+A+B'\n  UNG +PAXLST'  unh+1+PAXLST:D:05B:UN:IATA'")
    assert [s.tag for s in tokens.segments] == ["UNB", "UNG", "UNH"]


def test_delimiters_sniffed_from_unb_without_una() -> None:
    tokens = tokenise("UNB*UNOA:4*A*B*240301:0600*9$UNH*1*PAXLST:D:05B:UN:IATA$UNT*2*1$UNZ*1*9$")
    assert (tokens.delimiters.element, tokens.delimiters.terminator) == ("*", "$")
    assert any("inferred from UNB" in f.message for f in tokens.findings)


@pytest.mark.parametrize("syntax", ["UNOA:4", "UNOB:3", "UNOC:3", "IATA:1", "SIRE:4"])
def test_known_syntax_identifiers(syntax: str) -> None:
    assert not has_finding(parse_message(interchange(syntax=syntax)), "syntax identifier")


def test_unknown_syntax_identifier_is_a_finding() -> None:
    assert has_finding(parse_message(interchange(syntax="ABCD:1")), "unknown syntax identifier 'ABCD'")


def test_envelope_counts_and_references_are_findings() -> None:
    body = BODY.replace("UNT+10+1", "UNT+0000007+2")
    text = f"UNB+UNOA:4+A+B+240301:0600+42'{body}UNZ+3+43'"
    message = parse_message(text)
    assert message.travellers[0].surname == "ONE"
    for expected in (
        "segment count 7 declared, 10 counted",
        "reference '2' does not match UNH '1'",
        "control count 3 declared, 1 counted",
        "reference '43' does not match UNB '42'",
    ):
        assert has_finding(message, expected), expected


def test_message_without_unt_and_unz() -> None:
    message = parse_message("UNB+UNOA:4+A+B+240301:0600+42'" + BODY.replace("UNT+10+1'", ""))
    assert has_finding(message, "has no UNT")
    assert has_finding(message, "interchange has no UNZ")


def test_decode_falls_back_to_latin_1() -> None:
    assert decode("UNB+UNOC:3+MÜLLER'".encode("latin-1")) == "UNB+UNOC:3+MÜLLER'"
    assert decode("\ufeffUNB'".encode()) == "UNB'"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty message"),
        (b"   \r\n ", "empty message"),
        (b"Dear customs, please find attached", "no UNH segment"),
        (b"UNB+UNOA:4+A+B+240301:0600+1'UNZ+0+1'", "no UNH segment"),
        (
            b"UNB+UNOA:4+A+B+240301:0600+1'UNH+1+CUSRES:D:05B:UN:IATA'BGM+962'UNT+3+1'UNZ+1+1'",
            "'CUSRES' is not supported",
        ),
        (b"UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'", "no segments between UNH and UNT"),
    ],
)
def test_unreadable_input_raises_message_error(data: bytes, reason: str) -> None:
    with pytest.raises(MessageError) as caught:
        parse_message(data, name="inbox/42.edi")
    assert reason in str(caught.value)
    assert caught.value.message_name == "inbox/42.edi"


def test_message_error_names_segment_and_element() -> None:
    with pytest.raises(MessageError) as caught:
        parse_message("UNB+UNOA:4+A+B+240301:0600+1'UNH+1+GOVREQ:11:1:IA'MSG+:22'UNT+3+1'UNZ+1+1'", name="push")
    error = caught.value
    assert (error.segment, error.tag, error.element) == (2, "UNH", "2")
    assert str(error).startswith("push segment 2 UNH element 2:")


def test_reassembly_keys_on_common_access_reference() -> None:
    part = "UNH+{n}+PAXLST:D:05B:UN:IATA+{ref}+{seq}'BGM+745'NAD+FL+++P{n}:X'UNT+4+{n}'"
    text = (
        "UNB+UNOA:4+A+B+240301:0600+1'"
        + part.format(n=1, ref="TS1/240301/0900", seq="01:C")
        + part.format(n=2, ref="TS2/240301/0900", seq="01:F")
        + part.format(n=3, ref="TS1/240301/0900", seq="02:F")
        + "UNZ+3+1'"
    )
    interchange_ = read_interchange(tokenise(text), "x")
    assert [(m.common_access, m.parts) for m in interchange_.messages] == [
        ("TS1/240301/0900", 2),
        ("TS2/240301/0900", 1),
    ]
    assert [s.get(3, 0) for s in interchange_.messages[0].segments if s.tag == "NAD"] == ["P1", "P3"]
