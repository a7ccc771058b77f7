"""Parse speed on one core: a regression guard far below the target, plus the numbers for the record.

Target (docs): 20,000 passengers/s for big pushes on a typical core. The guard uses CPU time, not
wall time, so a busy test machine does not make it flaky.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

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


def cpu_seconds(work: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


@pytest.mark.slow
def test_big_paxlst_throughput() -> None:
    text = big_paxlst(2000)
    message = parse_message(text)
    assert len(message.travellers) == 2000
    assert [str(f) for f in message.findings] == []
    seconds = cpu_seconds(lambda: parse_message(text))
    assert 2000 / seconds > 1000, f"{2000 / seconds:.0f} passengers/s"


@pytest.mark.slow
@pytest.mark.shared_data
def test_big_pnrgov_push_throughput(shared_data: Path) -> None:
    data = (shared_data / "messages" / "gtas" / "pnr" / "pnrWithBags.txt").read_bytes()
    seconds = cpu_seconds(lambda: parse_message(data), repeat=5)
    assert 268 / seconds > 500, f"{268 / seconds:.0f} passengers/s"
