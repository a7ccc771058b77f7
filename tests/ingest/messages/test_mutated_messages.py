"""Fuzz: mutated real and synthetic messages either parse or raise MessageError, quickly.

``make fuzz`` runs these with the long Hypothesis profile (``-k mutated``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekser.domain.travel import TravelMessage
from tekser.errors import MessageError
from tekser.ingest.messages import message_to_dict, parse_message

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "messages"
SHARED = Path(os.environ.get("TEKSER_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data"))
SMALL = 6_000  # bytes: bigger real files are mutated through their first part only, to keep examples fast


def _seeds() -> list[bytes]:
    paths = sorted(p for p in FIXTURES.glob("*") if p.is_file())
    messages = SHARED / "messages"
    if messages.is_dir():
        paths += sorted(p for p in messages.rglob("*") if p.is_file() and p.suffix in (".txt", ".edi"))
    return [p.read_bytes()[:SMALL] for p in paths]


SEEDS = _seeds()
DELIMITERS = st.sampled_from(list(":+.? '*$-#\\/|\n"))


def _check(data: bytes) -> None:
    started = time.perf_counter()
    try:
        message = parse_message(data, name="fuzz")
    except MessageError:
        pass
    else:
        assert isinstance(message, TravelMessage)
        message_to_dict(message)  # what the CLI prints must be serialisable too
    assert time.perf_counter() - started < 5, "parse took too long"


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        kind = draw(st.sampled_from(["flip", "truncate", "delete", "duplicate", "insert", "delimiter"]))
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "delete":  # a run of bytes: often whole segments
            del data[at : at + draw(st.integers(1, 80))]
        elif kind == "duplicate":
            end = min(len(data), at + draw(st.integers(1, 120)))
            data[at:at] = data[at:end]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=12))
        else:  # replace one delimiter character everywhere by another
            old, new = draw(DELIMITERS), draw(DELIMITERS)
            data = bytearray(bytes(data).replace(old.encode(), new.encode()))
    return bytes(data)


@pytest.mark.skipif(not SEEDS, reason="no seed messages")
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_messages_parse_or_raise_message_error(data: bytes) -> None:
    _check(data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            ["UNA:+.? '", "UNB+IATA:1+A+B+240301:0600+1'", "UNH+1+PNRGOV:13:1:IA'", "UNH+1+PAXLST:D:05B:UN:IATA'"]
        )
        | st.sampled_from(
            ["SRC'", "TIF+A+B:A:1'", "TVL+010324:0900+ALA+TSE+TS+1'", "SSR+DOCS:HK::TS:::::/P/KZ/1//01JAN80/M'"]
        )
        | st.sampled_from(["NAD+FL+++A:B'", "DOC+P+1'", "DTM+36:300101'", "CNT+42:x'", "UNT+x+1'", "UNZ+1+1'"])
        | st.text(alphabet="+:'?*AZ019 \n", max_size=20),
        max_size=30,
    )
)
def test_mutated_segment_soup_parses_or_raises_message_error(parts: list[str]) -> None:
    _check("".join(parts).encode())


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_mutated_random_bytes_parse_or_raise_message_error(data: bytes) -> None:
    _check(data)
