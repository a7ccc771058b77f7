"""Parse speed and peak memory of the message parsers: passengers per second on one core.

Synthetic pushes come from :mod:`tekser.simulate.traffic` (a fixed seed, so every run parses the
same bytes): one flight of 5,000 passengers as PAXLST and as PNRGOV, and an ordinary flight of
300. The real ``pnrWithBags.txt`` (GTAS) is added when the shared data is present. ``parse-100k``
runs ``tekser parse`` (parse and JSON output) on a PAXLST of 100,006 segments (9,090 passengers)
in a child process and reports that process's peak memory and time (one run). Each case runs
in a fresh process pinned to one CPU, so its peak resident memory (ru_maxrss) is its own; the
input is built before the clock starts and ``parse_message`` is timed alone. Times are the best
of three parses in that process (the first, cold one is reported too). Target: 20,000
passengers/s on one core for big pushes. Results go to benchmarks/results/messages.json.

    python -m benchmarks messages        (part of `make bench`)
    python -m benchmarks.messages CASE   (one case, prints JSON: used by the above)
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
TARGET = 20_000  # passengers per second on one core
REPEATS = 3
SEED = 20261120
REAL = "messages/gtas/pnr/pnrWithBags.txt"
CASES = {  # name: (kind, passengers on the flight; 0 = the real file)
    "paxlst-5000": ("paxlst", 5000),
    "pnrgov-5000": ("pnrgov", 5000),
    "paxlst-300": ("paxlst", 300),
    "pnrgov-300": ("pnrgov", 300),
    "pnrWithBags": ("real", 0),
    "parse-100k": ("cli", 9090),  # `tekser parse` of a 100,006-segment PAXLST: peak RSS of the command
}


def _shared() -> Path:
    return Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data"))


def _one_core() -> str:
    """Pin this process to one CPU (where the OS allows it); the CPU's number, or "-"."""
    if not hasattr(os, "sched_setaffinity"):
        return "-"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return str(cpu)


def _input(case: str) -> bytes:
    from tekser.simulate.traffic import make_flights, paxlst, pnrgov

    kind, passengers = CASES[case]
    if kind == "real":
        return (_shared() / REAL).read_bytes()
    if kind == "cli":
        kind = "paxlst"
    # make_flights draws 80–100 % of the requested load: ask for more, keep exactly `passengers`
    (flight,) = make_flights(SEED, 1, passengers * 5 // 4, planted=[])
    flight.passengers = flight.passengers[:passengers]
    return (paxlst(flight, 5001) if kind == "paxlst" else pnrgov(flight, 7001)).encode()


def _run_command(case: str, cpu: str) -> dict[str, object]:
    """``tekser parse FILE`` in a child process: its wall time and peak resident memory."""
    data = _input(case)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{case}.edi"
        path.write_bytes(data)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from tekser.cli.main import app; app()", "parse", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    passengers = CASES[case][1]
    return {
        "kind": "PAXLST (tekser parse)",
        "bytes": len(data),
        "passengers": passengers,
        "bookings": 0,
        "findings": 0,
        "seconds": wall,
        "cold_seconds": wall,
        "cpu_seconds": wall,
        "input_mib": 0.0,
        "peak_mib": peak_kib / 1024,
        "cpu": cpu,
    }


def run_case(case: str) -> dict[str, object]:
    """Runs inside the child process: parse the same input REPEATS times (the first run is cold)."""
    cpu = _one_core()
    if CASES[case][0] == "cli":
        return _run_command(case, cpu)
    from tekser.ingest.messages import parse_message

    data = _input(case)
    input_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    walls, cpus, counts = [], [], (0, 0, 0, "")
    for _ in range(REPEATS):
        started, cpu_started = time.perf_counter(), time.process_time()
        message = parse_message(data, name=case)
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
        passengers = len(message.travellers) + sum(len(b.travellers) for b in message.bookings)
        counts = (passengers, len(message.bookings), len(message.findings), str(message.kind))
        del message  # the next parse must not find the previous result still in memory
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "kind": counts[3],
        "bytes": len(data),
        "passengers": counts[0],
        "bookings": counts[1],
        "findings": counts[2],
        "seconds": min(walls),
        "cold_seconds": walls[0],
        "cpu_seconds": min(cpus),
        "input_mib": input_kib / 1024,
        "peak_mib": peak_kib / 1024,
        "cpu": cpu,
    }


def _measure(case: str) -> dict[str, object]:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.messages", case], check=True, capture_output=True, text=True, cwd=REPO
    ).stdout
    row: dict[str, object] = json.loads(output)
    seconds = float(str(row["seconds"]))
    rate = int(str(row["passengers"])) / seconds if seconds else 0.0
    return {"case": case, **row, "passengers_per_second": rate, "meets_target": rate >= TARGET}


def main() -> int:
    cases = list(CASES)
    if not (_shared() / REAL).is_file():
        print(f"{REAL} not found under {_shared()} (set TEKSER_SHARED_DATA): real case skipped", file=sys.stderr)
        cases = [c for c in cases if CASES[c][0] != "real"]
    rows = [_measure(case) for case in cases]
    processor = platform.processor() or platform.machine()
    table = Table(title=f"Message parsing on one core ({processor}, Python {platform.python_version()})")
    headers = ("case", "KiB", "pax", "PNRs", "s best/3", "s cold", "pax/s", f"≥{TARGET // 1000}k", "RSS MiB")
    for column in headers:
        table.add_column(column, justify="left" if column == "case" else "right", no_wrap=True)
    for row in rows:
        table.add_row(
            str(row["case"]),
            f"{int(row['bytes']) / 1024:,.0f}",
            f"{row['passengers']:,}",
            f"{row['bookings']:,}",
            f"{row['seconds']:.3f}",
            f"{row['cold_seconds']:.3f}",
            f"{row['passengers_per_second']:,.0f}",
            "—" if CASES[str(row["case"])][0] == "cli" else "yes" if row["meets_target"] else "[red]no[/red]",
            f"{row['peak_mib']:.0f}",
        )
    Console().print(table)
    missed = [str(r["case"]) for r in rows if not r["meets_target"] and CASES[str(r["case"])][0] != "cli"]
    if missed:
        print(f"below the target of {TARGET:,} passengers/s: {', '.join(missed)}")
    results = REPO / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    summary = {
        "machine": platform.platform(),
        "processor": processor,
        "python": platform.python_version(),
        "target_passengers_per_second": TARGET,
        "repeats": REPEATS,
        "rows": rows,
    }
    (results / "messages.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(json.dumps(run_case(sys.argv[1])))
    else:
        raise SystemExit(main())
