"""Chaos: `tekser screen --stored` killed with SIGKILL at random moments, then run to the end,
ends with exactly the alerts of an uninterrupted run, none twice (SQLite and PostgreSQL).

`make test` kills it a few times; `make chaos` many more times over more traffic
(TEKSER_CHAOS_ROUNDS, TEKSER_CHAOS_FLIGHTS). The random seed is printed on failure.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tekser.ingest.lists.sources import load_sources
from tekser.services.travel_ingest import TravelIngestService
from tekser.services.watchlists import WatchlistService
from tekser.simulate.traffic import Planted, make_flights, messages
from tekser.storage.database import open_database
from tekser.storage.tables import alerts, batch_runs, screen_subjects
from tekser.storage.travel import SqlTravelStore
from tekser.storage.watchlists import SqlWatchlistStore

ROUNDS = int(os.environ.get("TEKSER_CHAOS_ROUNDS", "3"))
FLIGHTS = int(os.environ.get("TEKSER_CHAOS_FLIGHTS", "6"))
SEED = int(os.environ.get("TEKSER_CHAOS_SEED", str(random.SystemRandom().randrange(1_000_000))))
PLANTED = [
    Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567"),
    Planted("un:QDi.903", "TOLEGENOVA", "GULNARA", date(1984, 5, 1), "KAZ", "N07654321"),
    Planted("un:QDi.902", "AL HASHIMI", "ABDUL RAHMAN MAHMOUD", date(1981, 1, 1), "SYR", "N0098765"),
]


def _prepare(url: str, fixtures_dir: Path) -> None:
    """Lists and stored traffic, not yet screened."""
    engine = open_database(url)
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
    lists.import_path(fixtures_dir / "lists" / "un" / "consolidated-small.xml", actor="t", list_id="un", min_entries=3)
    travel = TravelIngestService(SqlTravelStore(engine))
    for name, text in messages(make_flights(seed=41, flights=FLIGHTS, passengers=200, planted=PLANTED)):
        assert travel.ingest(text.encode(), name).status == "ingested"
    engine.dispose()


def _screen(url: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "tekser", "screen", "--stored", "--db", url]
    with log.open("ab") as handle:  # the child keeps its own descriptor
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=handle)


def _alerts(url: str) -> tuple[list[tuple[str, str, str]], int]:
    engine = open_database(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(screen_subjects.c.origin_id, alerts.c.entry_key, alerts.c.evidence_hash).join(
                screen_subjects, screen_subjects.c.id == alerts.c.subject_id
            )
        ).all()
        screened = connection.execute(select(batch_runs.c.screened)).scalars().all()
    engine.dispose()
    return sorted((str(a), str(b), str(c)) for a, b, c in rows), sum(screened)


@pytest.mark.slow
def test_a_batch_killed_at_random_moments_ends_with_the_alerts_of_an_uninterrupted_run(
    db_url: str, fixtures_dir: Path, tmp_path: Path
) -> None:
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    _prepare(reference_url, fixtures_dir)
    started = time.monotonic()
    log = tmp_path / "screen.log"
    finished = _screen(reference_url, log)
    assert finished.wait(timeout=600) == 0, log.read_text()
    full_run = time.monotonic() - started
    expected, screened = _alerts(reference_url)
    assert len(expected) >= len(PLANTED)
    assert len(set(expected)) == len(expected)

    _prepare(db_url, fixtures_dir)
    rng = random.Random(SEED)
    kills = []
    for _ in range(ROUNDS):
        process = _screen(db_url, log)
        moment = rng.uniform(0.05, full_run)
        try:
            process.wait(timeout=moment)  # it may finish before the kill: then nothing is left to do
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills.append(round(moment, 2))
    process = _screen(db_url, log)
    assert process.wait(timeout=600) == 0, log.read_text()
    found, screened_after_kills = _alerts(db_url)
    context = f"seed {SEED}, killed at {kills} s of a {full_run:.2f} s run"
    assert found == expected, context
    assert len(set(found)) == len(found), context
    assert screened_after_kills == screened, context
