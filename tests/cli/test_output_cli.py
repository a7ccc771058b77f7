"""Output and feedback: progress on standard error, this run's counts, --format, the matched name."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.cli.conftest import Cli

from tekser.cli import output

UN = ("lists", "un", "consolidated-small.xml")
PAXLST = ("messages", "paxlst-mig-5-1.edi")


def _import_un(cli: Cli, fixtures_dir: Path, *extra: str) -> str:
    result = cli("lists", "import", str(fixtures_dir.joinpath(*UN)), "--list", "un", "--min-entries", "3", *extra)
    assert result.exit_code == 0, result.output
    return result.stderr


def test_long_work_reports_status_lines_when_stderr_is_not_a_terminal(
    cli: Cli, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No terminal (a log, a CI job): a status line now and then; --quiet: nothing at all."""
    monkeypatch.setattr(output, "STATUS_EVERY", 0.0)  # every report is "a while later"
    stderr = _import_un(cli, fixtures_dir)
    assert "checking un: 2/4 (50%)" in stderr
    assert "reading consolidated-small.xml: 0/4" not in stderr  # (only started: nothing to tell)

    message = fixtures_dir.joinpath(*PAXLST)
    result = cli("ingest", str(message))
    assert result.exit_code == 0, result.output
    assert "ingesting paxlst-mig-5-1.edi: 1/1 (100%)" in result.stderr

    quiet = cli("lists", "import", str(fixtures_dir.joinpath(*UN)), "--list", "un", "--min-entries", "3", "--quiet")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""


def test_a_short_run_stays_silent_without_a_terminal(cli: Cli, fixtures_dir: Path) -> None:
    assert _import_un(cli, fixtures_dir) == ""  # (a status line only once work has gone on for seconds)


def test_ingest_reports_this_runs_counts_not_the_databases(cli: Cli, fixtures_dir: Path) -> None:
    message = str(fixtures_dir.joinpath(*PAXLST))
    first = cli("ingest", message, "--no-screen")
    assert first.exit_code == 0, first.output
    assert "this run: 1 message (1 ingested); stored 1 traveller, 0 bookings" in first.stdout
    again = cli("ingest", message, "--no-screen")
    assert again.exit_code == 0, again.output
    # the same bytes again: nothing new stored by this run, whatever the database holds
    assert "this run: 1 message (1 duplicate); stored 0 travellers, 0 bookings" in again.stdout
    assert "database totals: 1 parsed and 0 failed messages" in again.stdout


def _alerted(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    """An alert on an alias: the customer is written as entry QDi.902's alias, in a ;-separated
    spreadsheet export with its own column names and day-first dates."""
    _import_un(cli, fixtures_dir)
    customers = tmp_path / "customers.csv"
    customers.write_text("Ref;FullName;DOB;Branch\nc1;Abdul Rahman Hashimi;13/04/1981;Almaty\n", encoding="utf-8")
    result = cli(
        "screen", "--store", "-i", str(customers), "--map", "id=Ref,name=FullName,birth_date=DOB",
        "--date-format", "%d/%m/%Y",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # the header is checked once: one warning for the column that is no subject field
    assert result.stderr.count("'Branch' not a subject field: ignored") == 1


def test_alerts_show_the_name_that_matched_beside_the_listed_name(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    _alerted(cli, fixtures_dir, tmp_path)
    (alert,) = json.loads(cli("alerts", "list", "--format", "json").stdout)
    assert alert["entry"] == "un:QDi.902"
    assert alert["matched_name"] == "Abdul Rahman Hashimi"
    assert alert["listed_name"] != alert["matched_name"]
    table = cli("alerts", "list").stdout
    assert "(matched name)" in table
    # the names' column, its folded lines joined: the primary name, then the alias that matched
    cells = "".join(line.split("│")[4] for line in table.splitlines() if line.count("│") > 4)
    assert "".join(f"{alert['listed_name']} (matched: Abdul Rahman Hashimi)".split()) in "".join(cells.split())


def test_every_listing_command_takes_the_four_formats(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    _alerted(cli, fixtures_dir, tmp_path)
    commands = [
        ("alerts", "list"), ("lists", "show"), ("lists", "policy", "show", "--history"), ("lists", "failures"),
        ("ingest", "--failed"), ("screening-status",),
    ]  # fmt: skip
    for command in commands:
        as_json = cli(*command, "--format", "json")
        assert as_json.exit_code == 0, (command, as_json.output)
        records = json.loads(as_json.stdout)
        assert isinstance(records, list), command
        lines = cli(*command, "--format", "jsonl").stdout.splitlines()
        assert [json.loads(line) for line in lines] == records, command
        rows = list(csv.DictReader(io.StringIO(cli(*command, "--format", "csv").stdout)))
        assert len(rows) == len(records), command
        if records:
            assert list(rows[0]) == list(records[0]), command
    # the alert's record is the HTTP API's (tekser.domain.alerts.alert_summary serves both)
    (alert,) = json.loads(cli("alerts", "list", "--json").stdout)
    assert set(alert) >= {"listed_name", "matched_name", "list_version", "created_at"}
    assert "name" not in alert
    (row,) = csv.DictReader(io.StringIO(cli("alerts", "list", "--format", "csv").stdout))
    assert row["matched_name"] == "Abdul Rahman Hashimi" and float(row["score"]) == alert["score"]
    (status,) = json.loads(cli("screening-status", "--format", "json").stdout)
    assert status["list"] == "un" and status["not_screened"] == 0
    assert json.loads(cli("screening-status").stdout)["subjects"] == 1  # without --format: the summary object
    refused = cli("alerts", "list", "--json", "--format", "csv")
    assert refused.exit_code == 2


def test_users_keys_cases_and_audit_take_the_formats(cli: Cli) -> None:
    keys = cli.users(ana="analyst", audrey="auditor")
    admin = keys["admin"]
    users = json.loads(cli("users", "list", "--format", "json", key=admin).stdout)
    assert {u["username"] for u in users} >= {"admin", "ana"}
    rows = list(csv.DictReader(io.StringIO(cli("users", "list", "--format", "csv", key=admin).stdout)))
    assert [r["username"] for r in rows] == [u["username"] for u in users]
    (key,) = json.loads(cli("keys", "list", "--format", "json", key=keys["ana"]).stdout)
    assert set(key) >= {"id", "prefix", "label", "expires_at"}
    assert cli("cases", "create", "Flight KC 921", key=keys["ana"]).exit_code == 0
    (case,) = [
        json.loads(line) for line in cli("cases", "list", "--format", "jsonl", key=keys["ana"]).stdout.splitlines()
    ]
    assert case["title"] == "Flight KC 921"
    events = cli("audit", "events", "--format", "jsonl", key=keys["audrey"]).stdout.splitlines()
    assert events and all("action" in json.loads(line) for line in events)


def test_screen_writes_jsonl_json_or_csv(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    subjects = tmp_path / "subjects.csv"
    subjects.write_text(
        "id\tname\tbirth_date\ns1\tAbdul Rahman Hashimi\t1981\ns2\tJane Roe\t1970\ns3\t\t\n", encoding="utf-8"
    )  # a tab-separated file, one record without a name
    lists = fixtures_dir / "lists" / "un"
    base = ("screen", "--lists", str(lists), "-i", str(subjects), "--workers", "1")
    lines = [json.loads(line) for line in cli.without_db(*base).stdout.splitlines()]
    assert [r.get("id") for r in lines if "id" in r] == ["s1", "s2"]
    as_json = json.loads(cli.without_db(*base, "--format", "json").stdout)
    assert as_json == lines
    rows = list(csv.DictReader(io.StringIO(cli.without_db(*base, "--format", "csv").stdout)))
    hit = [r for r in rows if r["id"] == "s1" and r["alert"] == "true"]
    assert hit and hit[0]["key"] == "un:QDi.902" and hit[0]["matched_name"] == "Abdul Rahman Hashimi"
    assert any(r["id"] == "s2" for r in rows)
    assert any(r["error"].startswith("row 4") for r in rows)


def test_csv_cells_are_safe_for_spreadsheets_and_terminals() -> None:
    text = output.csv_text([{"name": "=HYPERLINK(1)", "n": -3, "nested": [1, 2], "esc": "a\x1b[2Jb"}])
    (row,) = csv.DictReader(io.StringIO(text))
    assert row == {"name": "'=HYPERLINK(1)", "n": "-3", "nested": "[1, 2]", "esc": "a\\x1b[2Jb"}
    assert output.to_json("\x9b") == '"\\u009b"'
