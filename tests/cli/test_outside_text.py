"""Outside text printed by the CLI is data: Rich markup in it is shown as written, never read,
and terminal control sequences never reach the terminal raw (issue 15)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from tests.cli.conftest import Cli

from tekser.cli.common import styled, visible
from tekser.simulate.traffic import Planted, make_flights, paxlst

HOSTILE = "[/x] [bold]loud[/bold] \x1b[2J\x1b]0;owned\x07"
ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR [/X]", date(1975, 3, 12), "KAZ", "N01234567")


def _raw_control(text: str) -> list[str]:
    return re.findall(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)


def test_visible_shows_control_characters_and_keeps_the_rest() -> None:
    assert visible("AL-ZAWAHIRI [/X]") == "AL-ZAWAHIRI [/X]"
    assert visible("a\x1b[31mb\x07\x9b") == "a\\x1b[31mb\\x07\\x9b"
    assert visible("line\nnext\ttab") == "line\nnext\ttab"
    assert styled("[red]failed:[/red] {}", HOSTILE).plain == "failed: " + visible(HOSTILE)


def _ingest_with_a_hostile_failure(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> str:
    result = cli("lists", "import", str(fixtures_dir / "lists" / "un" / "consolidated-small.xml"),
                 "--list", "un", "--min-entries", "3")  # fmt: skip
    assert result.exit_code == 0, result.output
    batch = tmp_path / "batch"
    batch.mkdir()
    (flight,) = make_flights(seed=3, flights=1, passengers=5, planted=[ASKAR])
    (batch / "a-good.edi").write_text(paxlst(flight, 1), encoding="utf-8")
    # fails to parse, and its error quotes the text: "[/x]" and an ESC sequence
    (batch / "b-bad.edi").write_text(f"HELLO {HOSTILE}", encoding="utf-8")
    result = cli("ingest", str(batch))
    assert result.exit_code == 3, result.output  # a message failed ...
    return result.output


def test_markup_in_a_failed_message_does_not_stop_arrival_screening(
    cli: Cli, fixtures_dir: Path, tmp_path: Path
) -> None:
    output = _ingest_with_a_hostile_failure(cli, fixtures_dir, tmp_path)
    assert "Traceback" not in output and "MarkupError" not in output
    assert "b-bad.edi" in output and "[/X] [BOLD]LOUD[/BOLD]" in output
    assert "screened 6 new travellers on arrival: 1 new alerts" in output  # ... and the batch was screened
    assert not _raw_control(output)
    status = json.loads(cli("screening-status").output)
    assert all(n == 0 for n in status["not_screened_against_active_version"].values())


def test_markup_and_escape_codes_in_names_and_reasons_are_printed_as_written(
    cli: Cli, fixtures_dir: Path, tmp_path: Path
) -> None:
    _ingest_with_a_hostile_failure(cli, fixtures_dir, tmp_path)
    listed = cli("alerts", "list")
    assert listed.exit_code == 0, listed.output
    assert "ASKAR [/X] NURLANOV" in listed.output
    keys = cli.users(ana="analyst", sue="supervisor")
    (alert,) = json.loads(cli("alerts", "list", "--json", key=keys["ana"]).output)
    alert_id = str(alert["id"])
    assert cli("alerts", "review", alert_id, key=keys["ana"]).exit_code == 0
    result = cli("alerts", "decide", alert_id, "true_match", "--reason", HOSTILE, key=keys["ana"])
    assert result.exit_code == 0, result.output
    result = cli("alerts", "request", alert_id, "no_board", "--reason", HOSTILE, key=keys["ana"])
    assert result.exit_code == 0, result.output
    pending = cli("alerts", "pending", key=keys["sue"])
    assert pending.exit_code == 0, pending.output
    assert "[/x] [bold]loud[/bold]" in pending.output
    assert "\\x1b[2J" in pending.output and not _raw_control(pending.output)
    shown = cli("alerts", "show", alert_id, key=keys["sue"])
    assert shown.exit_code == 0 and not _raw_control(shown.output)


def test_an_error_quoting_outside_text_is_one_plain_line(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / f"no such {HOSTILE}.edi"
    result = cli("ingest", str(missing))
    assert result.exit_code == 2
    assert "[/x] [bold]loud[/bold]" in result.output and "\\x1b]0;owned\\x07" in result.output
    assert not _raw_control(result.output)
