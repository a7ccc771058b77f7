"""Screening service benchmarks: delta rescreening of stored travellers, and iAPI latency.

**rescreen** — 1,000,000 stored travellers (``TEKSER_BENCH_RESCREEN_N``), all screened against
``un@1``: the real UN list without 100 individuals. ``un@2`` is the real list: a difference of
100 added entries. The clock runs around ``ScreeningService.rescreen("un")`` alone: finding the
stored subjects that share a blocking key with the difference, screening them against it,
storing the alerts and marking every subject screened against ``un@2``. Target: ≤ 60 s. The
travellers' names mix the simulator's pools with syllable-built family names (for 1,000,000:
175,268 distinct family names, 495,638 distinct full names), patronymics, and three travellers
carrying the name of each added entry (with other dates of birth and documents). The
database is built once and cached in ``benchmarks/results/rescreen-work/`` (a fresh copy is
rescreened on every run).

**iapi** — the real UN and OFAC lists loaded; single-passenger PAXLST D05B requests (2 % of them
listed persons) answered one after the other by ``IapiService.respond``: parse, screen, alert,
log, CUSRES. Latency per request (one passenger each); target p99 ≤ 50 ms. The index build
(`IapiService.warm()`, done when a service starts) is reported apart.

    python -m benchmarks screening     (part of `make bench`; needs ../shared/data)
    TEKSER_BENCH_SCREENING_PARTS=rescreen python -m benchmarks screening   (one part only)
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
WORK = RESULTS / "rescreen-work"
SUBJECTS = int(os.environ.get("TEKSER_BENCH_RESCREEN_N", "1000000"))
DELTA = 100
REQUESTS = int(os.environ.get("TEKSER_BENCH_IAPI_N", "2000"))
RESCREEN_TARGET_S = 60.0
IAPI_TARGET_P99_MS = 50.0
SEED = 20261122
SYLLABLES = [
    "BEK",
    "MUR",
    "AT",
    "AS",
    "KAR",
    "NUR",
    "LAN",
    "SER",
    "IK",
    "TO",
    "LE",
    "GEN",
    "ZHU",
    "MA",
    "BAY",
    "AB",
    "DRA",
    "KHAN",
    "IS",
    "KAK",
    "SAT",
    "PAY",
    "KU",
    "NAN",
    "OR",
    "DA",
    "BAT",
    "YR",
    "ZHAN",
    "AL",
    "MAS",
    "TEM",
    "IR",
    "SU",
    "LTAN",
    "ER",
    "BOL",
    "DY",
    "RAKH",
    "YM",
    "BA",
    "RA",
    "EV",
    "SHA",
    "KIR",
]


def _shared() -> Path:
    return Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data"))


def _un_without(xml: str, count: int, rng: random.Random) -> tuple[str, list[str]]:
    """The UN list without ``count`` individuals (chosen at random), and their blocks."""
    blocks = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", xml, flags=re.S)
    removed = rng.sample(blocks, count)
    for block in removed:
        xml = xml.replace(block, "", 1)
    return xml, removed


def _name_of(block: str) -> tuple[str, str]:
    parts = [re.search(f"<{tag}>(.*?)</{tag}>", block) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
    words = [m.group(1).strip() for m in parts if m and m.group(1).strip()]
    return (words[0] if words else "X"), (" ".join(words[1:]) or words[0])


def _traveller_name(rng: random.Random) -> tuple[str, str, str]:
    """(given, family, nationality alpha-2) from the simulator's pools, often with a built family name."""
    from tekser.simulate.traffic import POOLS

    nationality = rng.choice(list(POOLS))
    males, females, stems, (male_suffix, female_suffix) = POOLS[nationality]
    female = rng.random() < 0.5
    given = rng.choice(females if female else males)
    stem = rng.choice(stems) if rng.random() < 0.4 else "".join(rng.choices(SYLLABLES, k=rng.choice((2, 3))))
    family = stem + (female_suffix if female else male_suffix)
    if nationality in ("KZ", "RU", "UZ") and rng.random() < 0.3:
        father = rng.choice(males)
        given = f"{given} {father}{'OVNA' if female else 'OVICH'}"
    return given, family, nationality


def _build_rescreen_db(path: Path, progress: Progress) -> dict[str, Any]:
    """un@1 (UN minus 100) and un@2 (UN) imported; SUBJECTS travellers stored, screened against un@1."""
    from tekser.domain.alerts import subject_fingerprint
    from tekser.domain.subjects import Subject
    from tekser.ingest.lists.sources import load_sources
    from tekser.matching.reverse import subject_keys
    from tekser.services.screening_service import subject_data
    from tekser.services.watchlists import WatchlistService
    from tekser.storage.database import open_database
    from tekser.storage.watchlists import SqlWatchlistStore

    rng = random.Random(SEED)
    xml = (_shared() / "lists" / "un" / "UN_consolidated.xml").read_text(encoding="utf-8")
    older, removed = _un_without(xml, DELTA, rng)
    url = f"sqlite:///{path}"
    engine = open_database(url)
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
    folder = path.parent / "lists"
    folder.mkdir(exist_ok=True)
    (folder / "un.xml").write_text(older, encoding="utf-8")
    (first,) = lists.import_path(folder / "un.xml", actor="bench", list_id="un")
    (folder / "un.xml").write_text(xml, encoding="utf-8")
    (second,) = lists.import_path(folder / "un.xml", actor="bench", list_id="un")
    assert first.version and second.version and second.added == DELTA, (first, second)
    engine.dispose()

    @lru_cache(maxsize=200_000)
    def keys_of(name: str, family: str) -> tuple[str, ...]:
        return tuple(sorted(subject_keys(Subject(id="k", name=name, family_name=family))))

    planted = [_name_of(block) for block in removed]
    now = datetime.now(UTC).replace(tzinfo=None)  # SQLAlchemy's SQLite text format: naive UTC
    expires = (now + timedelta(days=180)).strftime("%Y-%m-%d %H:%M:%S.%f")
    created = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA synchronous=OFF")
    task = progress.add_task("storing travellers", total=SUBJECTS)
    batch: list[tuple[Any, ...]] = []
    key_rows: list[tuple[str, int]] = []
    screen_rows: list[tuple[int, str, int, str]] = []
    plant_every = SUBJECTS // (len(planted) * 3)
    for subject_id in range(1, SUBJECTS + 1):
        if subject_id % plant_every == 0:  # three travellers for each added entry, at spread positions
            given, family = planted[(subject_id // plant_every) % len(planted)]
            nationality = "KZ"
        else:
            given, family, nationality = _traveller_name(rng)
        name = f"{given} {family}"
        birth = date(rng.randint(1950, 2010), rng.randint(1, 12), rng.randint(1, 28))
        document = f"N{rng.randint(1000000, 9999999)}"
        subject = Subject(id=str(subject_id), name=name, family_name=family, document=document)
        data = subject_data(subject)
        data["birth_date"], data["nationality"] = birth.isoformat(), nationality
        fingerprint = subject_fingerprint(name, birth.isoformat(), document)
        batch.append((subject_id, "traveller", str(subject_id), fingerprint, name, json.dumps(data), created, expires))
        key_rows += [(key, subject_id) for key in keys_of(name, family)]
        screen_rows.append((subject_id, "un", first.version.id, created))
        if len(batch) == 20_000 or subject_id == SUBJECTS:
            connection.executemany("INSERT INTO screen_subjects VALUES (?,?,?,?,?,?,?,?)", batch)
            connection.executemany("INSERT INTO subject_keys (key, subject_id) VALUES (?,?)", key_rows)
            connection.executemany("INSERT INTO screenings VALUES (?,?,?,?)", screen_rows)
            connection.commit()
            progress.advance(task, len(batch))
            batch, key_rows, screen_rows = [], [], []
    connection.execute("ANALYZE")
    connection.commit()
    (distinct,) = connection.execute("SELECT count(DISTINCT name) FROM screen_subjects").fetchone()
    connection.close()
    return {"subjects": SUBJECTS, "distinct_names": distinct, "delta": DELTA}


def rescreen() -> dict[str, Any]:
    from tekser.services.screening_service import ScreeningService
    from tekser.storage.database import open_database
    from tekser.storage.screening import SqlScreeningStore
    from tekser.storage.watchlists import SqlWatchlistStore

    WORK.mkdir(parents=True, exist_ok=True)
    base = WORK / f"base-{SUBJECTS}-{SEED}.sqlite"
    meta_path = base.with_suffix(".json")
    built_seconds = None
    if not base.exists() or not meta_path.exists():
        for stale in WORK.glob("base-*"):
            stale.unlink()
        started = time.perf_counter()
        with Progress() as progress:
            meta = _build_rescreen_db(base.with_suffix(".tmp"), progress)
        base.with_suffix(".tmp").rename(base)
        built_seconds = time.perf_counter() - started
        meta_path.write_text(json.dumps(meta))
    meta = json.loads(meta_path.read_text())
    run = WORK / "run.sqlite"
    for leftover in WORK.glob("run.sqlite*"):
        leftover.unlink()
    shutil.copyfile(base, run)
    engine = open_database(f"sqlite:///{run}")
    service = ScreeningService(SqlWatchlistStore(engine), SqlScreeningStore(engine))
    started = time.perf_counter()
    service.active()  # the index of the active lists is kept warm by a running service
    index_seconds = time.perf_counter() - started
    started = time.perf_counter()
    summary = service.rescreen("un")
    seconds = time.perf_counter() - started
    status = service.status()
    engine.dispose()
    for leftover in WORK.glob("run.sqlite*"):
        leftover.unlink()
    return {
        **meta,
        "database": "SQLite",
        "seconds": seconds,
        "index_build_seconds": index_seconds,
        "database_build_seconds": built_seconds,
        "summary": summary,
        "not_screened_after": status["not_screened_against_active_version"],
        "meets_target": seconds <= RESCREEN_TARGET_S,
    }


def iapi() -> dict[str, Any]:
    import tempfile

    from tekser.ingest.lists.sources import load_sources
    from tekser.services.iapi import IapiService
    from tekser.services.screening_service import ScreeningService
    from tekser.services.watchlists import WatchlistService
    from tekser.simulate.traffic import Planted, make_flights, paxlst
    from tekser.storage.database import open_database
    from tekser.storage.screening import SqlScreeningStore
    from tekser.storage.watchlists import SqlWatchlistStore

    rng = random.Random(SEED)
    xml = (_shared() / "lists" / "un" / "UN_consolidated.xml").read_text(encoding="utf-8")
    blocks = rng.sample(re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", xml, flags=re.S), 40)
    planted = [
        Planted("un:?", family.split()[-1], given, date(1980, 1, 1), "KAZ", f"P{1000000 + i}")
        for i, (given, family) in enumerate(_name_of(b) for b in blocks)
    ]
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(f"sqlite:///{folder}/iapi.sqlite")
        lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
        lists.import_path(_shared() / "lists" / "un" / "UN_consolidated.xml", actor="bench", list_id="un")
        lists.import_path(_shared() / "lists" / "ofac", actor="bench", list_id="ofac")
        store = SqlScreeningStore(engine)
        service = IapiService(ScreeningService(SqlWatchlistStore(engine), store), store)
        flights = make_flights(seed=SEED, flights=max(1, REQUESTS // 150), passengers=180, planted=planted)
        passengers = [(f, p) for f in flights for p in f.passengers][:REQUESTS]
        requests = [paxlst(f, i, passengers=[p], iapi=True) for i, (f, p) in enumerate(passengers, start=1)]
        started = time.perf_counter()
        service.warm()
        cold = time.perf_counter() - started
        latencies: list[float] = []
        directives: dict[str, int] = {}
        for request in requests:
            started = time.perf_counter()
            _, (decision,) = service.respond(request)
            latencies.append((time.perf_counter() - started) * 1000)
            directives[decision.directive.value] = directives.get(decision.directive.value, 0) + 1
        engine.dispose()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    return {
        "lists": "UN + OFAC (real)",
        "database": "SQLite",
        "requests": len(latencies),
        "index_build_seconds": cold,
        "p50_ms": statistics.median(latencies),
        "p90_ms": latencies[int(len(latencies) * 0.90) - 1],
        "p99_ms": p99,
        "max_ms": latencies[-1],
        "directives": directives,
        "meets_target": p99 <= IAPI_TARGET_P99_MS,
    }


def main() -> int:
    if not (_shared() / "lists" / "un" / "UN_consolidated.xml").is_file():
        print(f"shared data not found at {_shared()} (set TEKSER_SHARED_DATA)", file=sys.stderr)
        return 2
    console = Console()
    results: dict[str, Any] = {"machine": platform.platform(), "python": platform.python_version()}
    parts = os.environ.get("TEKSER_BENCH_SCREENING_PARTS", "iapi,rescreen").split(",")
    previous = RESULTS / "screening.json"
    if previous.exists():  # a partial run keeps the other part's last figures
        results = {**json.loads(previous.read_text()), **results}
    if "iapi" in parts:
        report_iapi(console, results)
    if "rescreen" in parts:
        report_rescreen(console, results)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "screening.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


def report_iapi(console: Console, results: dict[str, Any]) -> None:
    results["iapi"] = found = iapi()
    table = Table(title=f"iAPI latency per passenger ({found['lists']}, {found['database']})")
    for column in (
        "requests",
        "index build (s)",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        f"p99 ≤ {IAPI_TARGET_P99_MS:.0f}",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{found['requests']:,}", f"{found['index_build_seconds']:.1f}", f"{found['p50_ms']:.1f}",
        f"{found['p90_ms']:.1f}", f"{found['p99_ms']:.1f}", f"{found['max_ms']:.1f}",
        "yes" if found["meets_target"] else "[red]no[/red]",
    )  # fmt: skip
    console.print(table)
    console.print(f"directives: {found['directives']}")


def report_rescreen(console: Console, results: dict[str, Any]) -> None:
    results["rescreen"] = done = rescreen()
    table = Table(title=f"Delta rescreening ({done['database']})")
    for column in ("stored", "difference", "compared", "alerts", "seconds", f"≤ {RESCREEN_TARGET_S:.0f} s"):
        table.add_column(column, justify="right")
    summary = done["summary"]
    table.add_row(
        f"{done['subjects']:,}", f"{summary['added']} added, {summary['changed']} changed",
        f"{summary['subjects_compared']:,}", f"{summary['alerts']:,}", f"{done['seconds']:.1f}",
        "yes" if done["meets_target"] else "[red]no[/red]",
    )  # fmt: skip
    console.print(table)
    console.print(f"not screened against the active version afterwards: {done['not_screened_after']}")


if __name__ == "__main__":
    raise SystemExit(main())
