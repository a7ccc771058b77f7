"""Big pushes parse completely (speed is measured by `python -m benchmarks messages`, not here)."""

from __future__ import annotations

import pytest

from tekser.ingest.messages import parse_message

PASSENGER = (
    "NAD+FL+++SURNAME{0}:GIVEN:SECOND'ATT+2++M'DTM+329:800101'MEA+CT++:2'FTX+BAG+++ZZ0{0:05d}:2'LOC+178+ALA'"
    "LOC+179+TSE'NAT+2+KAZ'RFF+AVF:ABC{0}'RFF+SEA:12A'DOC+P:110:111+N{0:08d}'DTM+36:300101'LOC+91+KAZ'"
)


def big_paxlst(passengers: int) -> str:
    head = (
        "UNA:+.? 'UNB+UNOA:4+TSTAIR+GOVAPI+240101:0900+1'UNH+1+PAXLST:D:05B:UN:IATA+TS1/240102/0900+01:F'BGM+745'"
        "NAD+MS+++OPS'TDT+20+TS1+++TS'LOC+125+ALA'DTM+189:2401020900:201'LOC+87+TSE'DTM+232:2401021200:201'"
    )
    body = "".join(PASSENGER.format(i) for i in range(passengers))
    return f"{head}{body}CNT+42:{passengers}'UNT+{passengers * 13 + 10}+1'UNZ+1+1'"


@pytest.mark.slow
def test_a_big_paxlst_push_parses_every_passenger() -> None:
    message = parse_message(big_paxlst(2000))
    assert len(message.travellers) == 2000
    assert [str(f) for f in message.findings] == []
    last = message.travellers[-1]
    assert (last.surname, last.documents[0].number, last.birth_date.isoformat() if last.birth_date else None) == (
        "SURNAME1999",
        "N00001999",
        "1980-01-01",
    )
