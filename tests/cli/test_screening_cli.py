"""`tekser ingest` → alerts → outcome, decision, approved no-board → `tekser iapi`; rescreening after an import."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from tests.cli.conftest import Cli

from tekser.cli.main import app
from tekser.simulate.traffic import Planted, make_flights, paxlst

PLANT = "un:QDi.901:NURLANOV:ASKAR:1975-03-12:KAZ:N01234567"
ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")


def _json(output: str) -> object:
    return json.loads(output[output.index("[") if output.lstrip().startswith("[") else output.index("{") :])


def _simulate(cli: Cli, out: Path) -> None:
    args = ["simulate", "traffic", "--out", str(out), "--flights", "2", "--passengers", "20", "--plant", PLANT]
    result = cli.runner.invoke(app, args)  # no --db: it writes files only
    assert result.exit_code == 0, result.output


def _import_un(cli: Cli, path: Path, *extra: str) -> None:
    result = cli("lists", "import", str(path), "--list", "un", "--min-entries", "3", *extra)
    assert result.exit_code == 0, result.output


def test_arrivals_alerts_outcomes_and_a_four_eyes_no_board(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    _import_un(cli, fixtures_dir / "lists" / "un" / "consolidated-small.xml")
    traffic = tmp_path / "traffic"
    _simulate(cli, traffic)
    result = cli("ingest", str(traffic))
    assert result.exit_code == 0, result.output
    alerts = _json(cli("alerts", "list", "--json").output)
    assert isinstance(alerts, list)
    assert [(a["entry"], a["subject"], a["cause"]) for a in alerts] == [("un:QDi.901", "ASKAR NURLANOV", "arrival")]
    alert_id = str(alerts[0]["id"])
    shown = _json(cli("alerts", "show", alert_id).output)
    assert isinstance(shown, dict)
    assert shown["evidence"]["entry"]["key"] == "un:QDi.901"
    assert re.fullmatch(r"[0-9a-f]{64}", shown["evidence_sha256"])

    result = cli("alerts", "outcome", alert_id, "secondary_positive", "--by", "officer.k", "--note", "documents")
    assert result.exit_code == 0, result.output
    result = cli("alerts", "outcome", alert_id, "shot", "--by", "officer.k")
    assert result.exit_code != 0
    assert "unknown outcome 'shot'" in result.output
    shown = _json(cli("alerts", "show", alert_id).output)
    assert isinstance(shown, dict)
    assert [(o["outcome"], o["by"]) for o in shown["outcomes"]] == [("secondary_positive", "officer.k")]

    # iAPI: before confirmation an advisory, after it a no-board
    (flight,) = make_flights(seed=9, flights=1, passengers=4, planted=[ASKAR])
    askar = [p for p in flight.passengers if p.surname == "NURLANOV"]
    request = tmp_path / "checkin.edi"
    request.write_text(paxlst(flight, 1, passengers=askar, iapi=True), encoding="utf-8")
    result = cli("iapi", str(request))
    assert result.exit_code == 0, result.output
    assert "ERC+2Z'" in result.output
    keys = cli.users(ana="analyst", sue="supervisor", sam="supervisor", gateway="service")
    result = cli("alerts", "review", alert_id)  # who? nobody signed in
    assert result.exit_code == 7 and "TEKSER_API_KEY" in result.output
    assert cli("alerts", "review", alert_id, key=keys["ana"]).exit_code == 0
    result = cli("alerts", "decide", alert_id, "true_match", "--reason", "", key=keys["ana"])
    assert result.exit_code == 2 and "reason" in result.output
    result = cli("alerts", "decide", alert_id, "true_match", "--reason", "photo and document match", key=keys["ana"])
    assert result.exit_code == 0, result.output
    result = cli("alerts", "request", alert_id, "no_board", "--reason", "listed, identity confirmed", key=keys["sue"])
    assert result.exit_code == 0, result.output
    request_id = re.search(r"request #(\d+)", result.output).group(1)  # type: ignore[union-attr]
    result = cli("alerts", "approve", request_id, "--reason", "mine", key=keys["sue"])
    assert result.exit_code == 8 and "second person" in result.output  # four eyes
    result = cli("alerts", "approve", request_id, "--reason", "checked", key=keys["ana"])
    assert result.exit_code == 8  # analysts do not approve
    assert "ERC+2Z'" in cli("iapi", str(request), key=keys["gateway"]).output  # not yet
    result = cli("alerts", "approve", request_id, "--reason", "identity and listing checked", key=keys["sam"])
    assert result.exit_code == 0, result.output
    assert "BGM+132'" in result.output
    assert "ERC+1Z'" in result.output
    directives = _json(cli("iapi", str(request), "--json", key=keys["gateway"]).output)
    assert isinstance(directives, list)
    assert [d["directive"] for d in directives] == ["1Z"]


def test_a_list_import_rescreens_the_stored_travellers(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    original = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", original, flags=re.S) if "QDi.901" in b)
    un = tmp_path / "un.xml"
    un.write_text(original.replace(block, ""), encoding="utf-8")
    _import_un(cli, un)
    traffic = tmp_path / "traffic"
    _simulate(cli, traffic)
    assert cli("ingest", str(traffic)).exit_code == 0
    assert _json(cli("alerts", "list", "--json").output) == []
    un.write_text(original, encoding="utf-8")
    _import_un(cli, un, "--no-rescreen")
    status = _json(cli("screening-status").output)
    assert isinstance(status, dict)
    assert status["not_screened_against_active_version"]["un"] == status["subjects"] > 0
    result = cli("rescreen", "un")
    assert result.exit_code == 0, result.output
    summary = _json(result.output)
    assert isinstance(summary, dict)
    assert (summary["added"], summary["alerts"]) == (1, 1)
    alerts = _json(cli("alerts", "list", "--json").output)
    assert isinstance(alerts, list)
    assert [(a["entry"], a["cause"]) for a in alerts] == [("un:QDi.901", "rescreen un@2 (added since un@1)")]
    status = _json(cli("screening-status").output)
    assert isinstance(status, dict)
    assert status["not_screened_against_active_version"] == {"un": 0}


def test_customers_from_a_file_are_kept_and_screened_as_a_resumable_batch(
    cli: Cli, fixtures_dir: Path, tmp_path: Path
) -> None:
    _import_un(cli, fixtures_dir / "lists" / "un" / "consolidated-small.xml")
    customers = tmp_path / "customers.jsonl"
    rows = [
        {"id": "C-1", "name": "Askar Serikovich Nurlanov", "birth_date": "1975-03-12", "nationality": "KZ"},
        {"id": "C-2", "name": "Aigerim Bekova", "birth_date": "1990-01-01", "nationality": "Atlantis"},
        {"id": "C-3", "name": "Steppe Relief Foundation", "schema": "Organization"},
        {"id": "C-4"},
    ]
    customers.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = cli("screen", "--store", "--input", str(customers))
    assert result.exit_code == 2, result.output  # one rejected record, named in the error output
    assert "line 4 (id C-4), field name: is required" in result.output
    # an unknown country is left out with a warning: the customer is kept and screened
    assert "warning: line 2 (id C-2), field nationality: unknown country: not used (got 'Atlantis')" in result.output
    summary = _json(result.output[result.output.index("{") :])
    assert isinstance(summary, dict)
    assert (summary["subjects_selected"], summary["screened"], summary["rejected"]) == (3, 3, 1)
    alerts = _json(cli("alerts", "list", "--json").output)
    assert isinstance(alerts, list)
    assert sorted(a["entry"] for a in alerts) == ["un:QDe.901", "un:QDi.901"]
    assert all(a["cause"].startswith("batch customers customers.jsonl") for a in alerts)
    # run again: the same selection is already done; nothing is screened or raised twice
    again = _json(cli("screen", "--store", "--input", str(customers)).output.split("\n", 1)[-1])
    assert isinstance(again, dict)
    assert again["alerts"] == len(alerts)
    assert len(_json(cli("alerts", "list", "--json").output)) == len(alerts)  # type: ignore[arg-type]


def test_stored_travellers_of_a_date_range(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    _import_un(cli, fixtures_dir / "lists" / "un" / "consolidated-small.xml")
    traffic = tmp_path / "traffic"
    _simulate(cli, traffic)
    assert cli("ingest", str(traffic), "--no-screen").exit_code == 0
    result = cli("screen", "--stored", "--flights", "2030-01-01..2030-01-31")
    summary = _json(result.output)
    assert isinstance(summary, dict)
    assert summary["subjects_selected"] == 0
    result = cli("screen", "--stored", "--flights", "2026-11-20..2026-11-20")
    summary = _json(result.output)
    assert isinstance(summary, dict)
    assert summary["subjects_selected"] == summary["screened"] > 30
    assert summary["alerts"] == 1
