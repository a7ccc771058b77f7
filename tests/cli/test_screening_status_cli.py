"""`screening-status` counts every stored traveller not screened against the active versions, and
`tekser ingest` screens what an earlier run stored but did not screen (issue 15)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

from tests.cli.conftest import Cli

from tekser.simulate.traffic import Planted, make_flights, paxlst

ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")


def _status(cli: Cli) -> dict[str, object]:
    result = cli("screening-status")
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert isinstance(status, dict)
    return status


def _manifest(tmp_path: Path, nameless: int = 0) -> Path:
    (flight,) = make_flights(seed=5, flights=1, passengers=29, planted=[ASKAR])
    for passenger in flight.passengers[-nameless:] if nameless else []:
        flight.passengers[flight.passengers.index(passenger)] = dataclasses.replace(passenger, surname="", given="")
    path = tmp_path / "manifest.edi"
    path.write_text(paxlst(flight, 1), encoding="utf-8")
    return path


def test_travellers_stored_without_screening_are_counted_then_screened_by_the_next_ingest(
    cli: Cli, fixtures_dir: Path, tmp_path: Path
) -> None:
    un = fixtures_dir / "lists" / "un" / "consolidated-small.xml"
    assert cli("lists", "import", str(un), "--list", "un", "--min-entries", "3").exit_code == 0
    manifest = _manifest(tmp_path)  # 29 travellers and one listed person
    result = cli("ingest", str(manifest), "--no-screen")
    assert result.exit_code == 0, result.output
    status = _status(cli)
    assert status["subjects"] == 30
    assert status["not_registered_yet"] == 30
    assert status["not_screened_against_active_version"] == {"un": 30}
    assert status["active_versions"] == {"un": "un@1"}
    assert json.loads(cli("alerts", "list", "--json").output) == []

    # the same file again: its message is a duplicate, but its travellers are screened now
    result = cli("ingest", str(manifest))
    assert result.exit_code == 0, result.output
    assert "duplicate" in result.output
    assert "screened 30 new travellers on arrival: 1 new alerts" in result.output
    status = _status(cli)
    assert (status["subjects"], status["not_registered_yet"]) == (30, 0)
    assert status["not_screened_against_active_version"] == {"un": 0}
    alerts = json.loads(cli("alerts", "list", "--json").output)
    assert [(a["entry"], a["cause"]) for a in alerts] == [("un:QDi.901", "arrival")]

    # nothing left: a third run screens nothing and says nothing about arrival screening
    result = cli("ingest", str(manifest))
    assert result.exit_code == 0, result.output
    assert "on arrival" not in result.output


def test_a_traveller_without_any_name_is_counted_apart(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    un = fixtures_dir / "lists" / "un" / "consolidated-small.xml"
    assert cli("lists", "import", str(un), "--list", "un", "--min-entries", "3").exit_code == 0
    result = cli("ingest", str(_manifest(tmp_path, nameless=2)), "--no-screen")
    assert result.exit_code in (0, 3), result.output
    status = _status(cli)
    assert (status["subjects"], status["without_a_name"]) == (28, 2)
    assert cli("ingest", str(_manifest(tmp_path, nameless=2))).exit_code in (0, 3)
    status = _status(cli)
    assert status["not_screened_against_active_version"] == {"un": 0}
    assert status["without_a_name"] == 2  # cannot be screened: shown, never counted as clear
