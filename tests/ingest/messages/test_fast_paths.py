"""The parsers' fast paths read exactly what the general paths read.

Segments are split lazily and only as far as asked (``Segment.get`` on the raw text, ``cells``
for the rest), the tokeniser skips cleaning when nothing needs it, the envelope takes the
segments between service segments as runs, and model objects are built by
``slot_constructor``. Each is checked here against the general path or an explicit result,
including a release character right at a boundary.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from tests.ingest.messages.helpers import as_json, findings, has_finding

from tekser.domain.travel import Booking, Contact, Leg, TravelDocument, Traveller, TravellerRole
from tekser.ingest.messages import parse_message
from tekser.ingest.messages.edifact import Segment, Segments, join_segments, resynchronise, tokenise
from tekser.ingest.messages.envelope import read_interchange
from tekser.ingest.messages.values import slot_constructor

UNA = "UNA:+.? '"
HEAD = "UNB+UNOA:4+SENDER+RECIPIENT+240301:0600+42'UNH+1+PAXLST:D:05B:UN:IATA+TS1/240301/0900+01:F'BGM+745'"
FLIGHT = "TDT+20+TS1+++TS'LOC+125+ALA'DTM+189:2403010900:201'LOC+87+TSE'DTM+232:2403011030:201'"


def paxlst(people: str, una: str = UNA) -> str:
    count = people.count("'") + 8
    return f"{una}{HEAD}{FLIGHT}{people}UNT+{count}+1'UNZ+1+42'"


def values(segment: Segment) -> list[list[str]]:
    """Every value through ``get``, for elements and components one past the end."""
    return [[segment.get(e, c) for c in range(5)] for e in range(len(segment.cells) + 1)]


@pytest.mark.parametrize(
    "raw",
    [
        "NAD+FL+++SURNAME:GIVEN: SECOND ",
        "LOC+178+ALA",
        "DTM+329:800101",
        "UNZ",
        "FTX+BAG+++ZZ012345:2",
        "RFF+AVF:ABC:::",
        "TBD++01:53:701+++ET:0443::FRA:006",
    ],
)
def test_get_on_the_raw_text_reads_what_the_elements_hold(raw: str) -> None:
    lazy = Segment(1, raw[:3], None, raw)
    given = Segment(1, raw[:3], [p.split(":") for p in raw.split("+")[1:]])
    assert values(lazy) == values(given)
    assert [lazy.element(e) for e in range(6)] == [given.element(e) for e in range(6)]
    assert lazy.components(0, 4) == [lazy.get(0, c) for c in range(4)]
    assert lazy.count() == given.count() == len(lazy.cells)
    assert lazy == given
    assert lazy.get(-1) == given.get(-1)  # negative indexes count from the end, as on lists


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UNB+UNOA:4+A?'+B'", [["UNOA", "4"], ["A'"], ["B"]]),  # released terminator ends an element
        ("UNB+UNOA:4+A??'", [["UNOA", "4"], ["A?"]]),  # released release, then the terminator
        ("UNB+UNOA:4+?+A+B?:'", [["UNOA", "4"], ["+A"], ["B:"]]),  # released separators at both ends
        ("UNB+UNOA:4+A?", [["UNOA", "4"], ["A?"]]),  # release as the very last character
        ("UNB+UNOA:4+A?\n+B'", [["UNOA", "4"], ["A+B"]]),  # a wrap between release and separator
        ("UNB+UNOA:4+A?\n?+B'", [["UNOA", "4"], ["A?"], ["B"]]),  # ?? is a released ?, then +
    ],
)
def test_release_character_at_a_boundary(text: str, expected: list[list[str]]) -> None:
    (segment,) = tokenise(UNA + text).segments
    assert segment.elements == expected
    assert [[segment.get(e, c) for c in range(2)] for e in range(len(expected))] == [
        [*(v.strip() for v in e[:2]), *[""] * (2 - len(e[:2]))] for e in expected
    ]
    assert [segment.element(e) for e in range(len(expected))] == expected


def test_released_characters_in_a_passenger_segment() -> None:
    message = parse_message(paxlst("NAD+FL+++O?'BRIEN:ANNE?+MARIE'DOC+P+N?:123'"))
    (traveller,) = message.travellers
    assert (traveller.surname, traveller.given_names) == ("O'BRIEN", "ANNE+MARIE")
    assert traveller.documents[0].number == "N:123"


@pytest.mark.parametrize(
    ("body", "tags"),
    [
        ("UNB+A'UNH+1'UNZ+1'", ["UNB", "UNH", "UNZ"]),  # clean: nothing to strip
        ("UNB+A'UNH+1'UNZ+1", ["UNB", "UNH", "UNZ"]),  # no terminator at the end
        ("UNB+A''UNH+1' 'UNZ+1'  ", ["UNB", "UNH", "UNZ"]),  # empty segments dropped
        ("UNB+A'  UNH+1 'UNZ+1'", ["UNB", "UNH", "UNZ"]),  # spaces around a segment stripped
        ("UNB+A'\u00a0UNH+1'UNZ+1'", ["UNB", "UNH", "UNZ"]),  # no-break space: left in the text, not in the tag
        ("UNB+A'\tUNH+1\u00a0'UNZ+1'", ["UNB", "UNH", "UNZ"]),  # a tab is a blank: stripped, and the space too
        ("UNB+A'unh+1'UNH:X+1'UN1'", ["UNB", "UNH", "UNH", "UN1"]),  # irregular tags
    ],
)
def test_tokeniser_cleans_only_what_needs_it(body: str, tags: list[str]) -> None:
    segments = tokenise(body).segments
    assert [s.tag for s in segments] == tags
    assert [s.position for s in segments] == list(range(1, len(tags) + 1))
    assert [s.get(0) for s in segments][:2] == ["A", "1"]


def test_segments_are_made_on_demand_and_slice_and_join() -> None:
    segments = tokenise("UNB+A'UNH+1'BGM+745'UNT+3+1'UNZ+1'").segments
    assert isinstance(segments, Segments)
    assert len(segments) == 5
    assert segments[2] == Segment(3, "BGM", [["745"]])
    middle = segments[1:4]
    assert [(s.position, s.tag) for s in middle] == [(2, "UNH"), (3, "BGM"), (4, "UNT")]
    joined = join_segments([segments[:1], segments[3:0], segments[4:]])
    assert [(s.position, s.tag) for s in joined] == [(1, "UNB"), (5, "UNZ")]
    assert [(s.position, s.tag) for s in segments[:1] + segments[4:]] == [(1, "UNB"), (5, "UNZ")]
    other = tokenise(UNA.replace("+", "*") + "UNB*A'").segments
    with pytest.raises(ValueError, match="different interchanges"):
        join_segments([segments[:1], other])


def test_resynchronise_leaves_whole_segments_alone_and_cuts_long_ones() -> None:
    segments = tokenise("RPI+1+HK'IFT+4:19+TEXT'").segments
    findings_: list = []
    assert resynchronise(segments, {"RPI": 2}, frozenset({"IFT"}), findings_) is segments
    lost = tokenise("RPI+1+HKIFT+4:19+TEXT'").segments
    cut = resynchronise(lost, {"RPI": 2}, frozenset({"IFT"}), findings_)
    assert [(s.position, s.tag, s.elements) for s in cut] == [
        (1, "RPI", [["1"], ["HK"]]),
        (1, "IFT", [["4", "19"], ["TEXT"]]),
    ]
    assert [f.message for f in findings_] == ["segment terminator missing before IFT: split"]


def test_envelope_takes_message_runs_and_reports_stray_segments() -> None:
    text = (
        "UNB+UNOA:4+A+B+240301:0600+1'FTX+1'FTX+2'FTX+3'FTX+4'"
        "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'UNB+X'NAD+FL+++ONE'UNT+5+1'UNZ+1+1'AFTER'"
    )
    interchange = read_interchange(tokenise(text), "x")
    (message,) = interchange.messages
    assert [(s.position, s.tag) for s in message.segments] == [(7, "BGM"), (9, "NAD")]
    assert [str(f) for f in interchange.findings] == [
        "segment 2 FTX: segment outside any message ignored",
        "segment 3 FTX: segment outside any message ignored",
        "segment 4 FTX: segment outside any message ignored",
        "segment 8 UNB: second UNB inside one interchange",
        "segment 8 UNB, element 1: unknown syntax identifier 'X'",
        "segment 8 UNB, element 3: recipient is empty",
        "UNZ: 1 segment(s) of text after UNZ ignored",
    ]


def test_multipart_positions_survive_reassembly() -> None:
    part = "UNH+{n}+PAXLST:D:05B:UN:IATA+TS1/240301/0900+{seq}'BGM+745'NAD+FL+++P{n}:X'UNT+4+{n}'"
    text = "UNB+UNOA:4+A+B+240301:0600+1'" + part.format(n=2, seq="02:F") + part.format(n=1, seq="01:C") + "UNZ+2+1'"
    (message,) = read_interchange(tokenise(text), "x").messages
    assert [(s.position, s.tag) for s in message.segments] == [(7, "BGM"), (8, "NAD"), (3, "BGM"), (4, "NAD")]
    assert message.part_starts == [0, 2]
    assert [t.surname for t in parse_message(text).travellers] == ["P1", "P2"]


def test_lower_case_names_are_found_beyond_ascii() -> None:
    lower = "lower-case letters in names (upper-cased)"
    assert has_finding(parse_message(paxlst("NAD+FL+++MÜller:X'")), lower)
    assert has_finding(parse_message(paxlst("NAD+FL+++ÉTÉ:ª'")), lower)  # ª is lower case, upper() keeps it
    assert has_finding(parse_message(paxlst("NAD+FL+++smith:X'")), lower)
    # ǅ is title case; (É and ǅ are outside UNOA: that finding is the character set's, see test_repairs)
    assert not has_finding(parse_message(paxlst("NAD+FL+++ÉTÉ:JOSÉ:ǅ'")), lower)


def test_placeholder_given_names_are_still_reported() -> None:
    message = parse_message(paxlst("NAD+FL+++SMITH::FNU:JOHN'"))
    assert message.travellers[0].given_names == "JOHN"
    assert findings(message) == ["segment 9 NAD, element 4: placeholder in the name read as missing"]
    assert findings(parse_message(paxlst("NAD+FL+++SMITH::JOHN'"))) == []


@pytest.mark.parametrize("cls", [Traveller, TravelDocument, Leg, Booking, Contact])
def test_slot_constructor_builds_the_same_objects(cls: type) -> None:
    construct = slot_constructor(cls)
    assert construct is not cls
    required = {
        f.name: "X" if f.type in ("str", "str | None") else TravellerRole.PASSENGER
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING
    }
    assert construct(**required) == cls(**required)
    full = {f.name: getattr(cls(**required), f.name) for f in dataclasses.fields(cls)}
    assert repr(construct(**full)) == repr(cls(**full))
    with pytest.raises(TypeError):
        construct()


def test_slot_constructor_keeps_what_it_cannot_reproduce() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        value: int

        def __post_init__(self) -> None:
            if self.value < 0:
                raise ValueError("negative")

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        value: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Listed:
        items: list[int] = dataclasses.field(default_factory=list)

    assert slot_constructor(Checked) is Checked
    assert slot_constructor(NoSlots) is NoSlots
    listed = slot_constructor(Listed)
    assert listed() == Listed() and listed().items is not listed().items


def test_big_push_reads_like_its_parts() -> None:
    """Many passengers in one push give the same travellers as one at a time (caches, runs)."""
    people = [
        f"NAD+FL+++SURNAME{i}:GIVEN'ATT+2++{'MF'[i % 2]}'DTM+329:{800101 + i % 3}'NAT+2+KAZ'"
        f"DOC+P+N{i:07d}'DTM+36:{300101 + i % 2}'LOC+91+{('KAZ', 'XXA', 'ZZZ')[i % 3]}'"
        for i in range(60)
    ]
    together = parse_message(paxlst("".join(people)))
    alone = [parse_message(paxlst(p)).travellers[0] for p in people]
    assert [as_json_traveller(t) for t in together.travellers] == [as_json_traveller(t) for t in alone]
    assert as_json(parse_message(paxlst("".join(people)))) == as_json(together)
    assert together.travellers[5].birth_date == date(1980, 1, 3)


def as_json_traveller(traveller: Traveller) -> tuple[object, ...]:
    """A traveller without ``origin`` (segment positions differ between the pushes)."""
    return (
        traveller.surname,
        traveller.given_names,
        traveller.gender,
        traveller.birth_date,
        traveller.nationality,
        [(d.number, d.expiry, d.issuing_country) for d in traveller.documents],
    )
