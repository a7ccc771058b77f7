"""Import time and peak memory for the real UN and OFAC files.

Each case runs in a fresh process so that its peak resident memory (ru_maxrss) is its own:
`parse` reads the file into entries; `import` also checks, hashes and stores them as a new
version in a fresh embedded SQLite database. Results go to benchmarks/results/lists.json.
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
CASES = {"un": "lists/un/UN_consolidated.xml", "ofac": "lists/ofac"}
REPEATS = 3


def _shared() -> Path:
    return Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data"))


def run_case(list_id: str, stage: str) -> dict[str, float]:
    """Runs inside the child process."""
    from tekser.ingest.lists import registry
    from tekser.ingest.lists.sources import load_sources
    from tekser.services.watchlists import WatchlistService
    from tekser.storage.database import open_database
    from tekser.storage.watchlists import SqlWatchlistStore

    path = _shared() / CASES[list_id]
    reader = registry.reader_for(path)
    started = time.perf_counter()
    if stage == "parse":
        entries = len(reader.read(path, None).entries)
    else:
        with tempfile.TemporaryDirectory() as folder:
            engine = open_database(f"sqlite:///{folder}/bench.sqlite")
            service = WatchlistService(SqlWatchlistStore(engine), load_sources())
            started = time.perf_counter()
            (outcome,) = service.import_path(path, actor="bench")
            assert outcome.status == "imported", outcome.reason
            entries = outcome.version.entry_count if outcome.version else 0
            engine.dispose()
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": elapsed, "peak_mib": peak_kib / 1024, "entries": entries}


def main() -> int:
    if not _shared().is_dir():
        print(f"shared data not found at {_shared()} (set TEKSER_SHARED_DATA)", file=sys.stderr)
        return 1
    rows = []
    for list_id in CASES:
        for stage in ("parse", "import"):
            runs = []
            for _ in range(REPEATS):
                output = subprocess.run(
                    [sys.executable, "-m", "benchmarks.lists_import", list_id, stage],
                    check=True,
                    capture_output=True,
                    text=True,
                    cwd=REPO,
                ).stdout
                runs.append(json.loads(output))
            best = min(runs, key=lambda r: r["seconds"])
            rows.append({"list": list_id, "stage": stage, **best, "peak_mib": max(r["peak_mib"] for r in runs)})
    table = Table(title=f"List import ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)")
    for column in ("list", "stage", "entries", "seconds (best of 3)", "entries/s", "peak RSS MiB"):
        table.add_column(column, justify="right" if column not in ("list", "stage") else "left")
    for row in rows:
        table.add_row(
            row["list"],
            row["stage"],
            str(int(row["entries"])),
            f"{row['seconds']:.2f}",
            f"{row['entries'] / row['seconds']:,.0f}",
            f"{row['peak_mib']:.0f}",
        )
    Console().print(table)
    results = REPO / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    (results / "lists.json").write_text(json.dumps({"machine": platform.platform(), "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3:
        print(json.dumps(run_case(sys.argv[1], sys.argv[2])))
    else:
        raise SystemExit(main())
