"""Two `tekser ingest` processes at once on one database (SQLite file and PostgreSQL), started on a
fresh database and on one with lists: both finish (exit 0), the database holds what one ingest
stores, no alert twice, and nothing they print holds SQL or message data. A database error that
is not a conflict prints one line without the statement or its parameters."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tekser.ingest.lists.sources import load_sources
from tekser.services.watchlists import WatchlistService
from tekser.simulate.traffic import Planted, make_flights, messages, pnrgov
from tekser.storage.database import open_database
from tekser.storage.tables import (
    alerts,
    booking_versions,
    bookings,
    flights,
    screen_subjects,
    travel_messages,
    travellers,
)
from tekser.storage.watchlists import SqlWatchlistStore

PLANTED = [
    Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567"),
    Planted("un:QDi.903", "TOLEGENOVA", "GULNARA", date(1984, 5, 1), "KAZ", "N07654321"),
]
# what a database error shown raw would print: the statement, its parameters, SQLAlchemy's link
LEAKS = ("INSERT", "SELECT", "UPDATE", "[SQL", "[parameters", "sqlalche.me", "Traceback", "internal error")


def _traffic(folder: Path) -> Path:
    """Flights with their PNR pushed twice (the second push a new version of every booking) and
    their manifests; the planted travellers are on the lists."""
    folder.mkdir()
    planned = make_flights(seed=23, flights=4, passengers=40, planted=PLANTED)
    for name, text in messages(planned):
        (folder / name).write_text(text, encoding="utf-8")
    for index, flight in enumerate(planned, start=1):
        (folder / f"{flight.carrier}{flight.number}-update-pnrgov.edi").write_text(
            pnrgov(flight, 8000 + index), encoding="utf-8"
        )
    return folder


def _import_lists(url: str, fixtures_dir: Path) -> None:
    engine = open_database(url)
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
    (outcome,) = lists.import_path(
        fixtures_dir / "lists" / "un" / "consolidated-small.xml", actor="t", list_id="un", min_entries=3
    )
    assert outcome.status == "imported", outcome.reason
    engine.dispose()


def _ingest(url: str, *paths: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tekser", "ingest", *map(str, paths), "--db", url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=600)
    output = out + err
    assert process.returncode == 0, output
    for leak in LEAKS:
        assert leak not in output, output
    return output


def _stored(url: str) -> dict[str, object]:
    engine = open_database(url)
    with engine.connect() as connection:
        counts: dict[str, object] = {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (travel_messages, flights, travellers, bookings, booking_versions, screen_subjects, alerts)
        }
        # an alert's identity: the person (fingerprint), the entry and the evidence
        counts["alert identities"] = sorted(
            tuple(row)
            for row in connection.execute(
                select(screen_subjects.c.fingerprint, alerts.c.entry_key, alerts.c.evidence_hash).join(
                    screen_subjects, screen_subjects.c.id == alerts.c.subject_id
                )
            )
        )
        counts["versions per booking"] = sorted(
            connection.execute(select(bookings.c.locator, bookings.c.versions)).all()
        )
    engine.dispose()
    return counts


def _reference(tmp_path: Path, traffic: Path, fixtures_dir: Path, lists: bool) -> dict[str, object]:
    url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    if lists:
        _import_lists(url, fixtures_dir)
    _finish(_ingest(url, traffic))
    return _stored(url)


@pytest.mark.slow
@pytest.mark.parametrize("lists", [False, True], ids=["fresh database", "with lists"])
def test_two_ingests_at_once_store_what_one_stores_and_alert_once(
    db_url: str, tmp_path: Path, fixtures_dir: Path, lists: bool
) -> None:
    traffic = _traffic(tmp_path / "traffic")
    expected = _reference(tmp_path, traffic, fixtures_dir, lists)
    if lists:
        _import_lists(db_url, fixtures_dir)
        assert expected["alerts"], "the planted travellers make alerts"
    # the same files in the same order (a race on every message) and in the opposite order
    files = sorted(traffic.iterdir())
    first, second = _ingest(db_url, traffic), _ingest(db_url, *reversed(files))
    outputs = [_finish(first), _finish(second)]
    found = _stored(db_url)
    assert found == expected
    identities = found["alert identities"]
    assert isinstance(identities, list)
    assert len(set(identities)) == len(identities)
    for output in outputs:
        assert "ingested" in output or "duplicate" in output


def _refuse_travellers(url: str) -> None:
    """A database that refuses every new traveller, with an error of its own."""
    engine = open_database(url)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON travellers BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
        else:
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$ "
                "LANGUAGE plpgsql"
            )
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON travellers FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
    engine.dispose()


def test_a_database_error_prints_one_line_without_the_statement_or_the_message(db_url: str, fixtures_dir: Path) -> None:
    _refuse_travellers(db_url)
    message = fixtures_dir / "messages" / "paxlst-mig-5-1.edi"
    process = _ingest(db_url, message)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 70, out + err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "database error" in lines[0] and "refused" in lines[0], err
    for leak in ("INSERT", "[SQL", "[parameters", "sqlalche.me", "Traceback"):
        assert leak not in err, err
    # nor any part of the message: its travellers' names
    text = message.read_text(encoding="utf-8")
    names = [line.split("+")[4].split(":")[0] for line in text.split("'") if line.strip().startswith("NAD+FL")]
    assert names
    for name in names:
        assert name not in err, err
