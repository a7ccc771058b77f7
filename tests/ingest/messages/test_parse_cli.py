"""`tekser parse`: JSON out, exit code 2 on an unreadable message.

The command is mounted on a throw-away Typer app here; `tekser.cli.main` registers it for users.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tekser.cli import common
from tekser.cli.parse import parse, write_json

app = typer.Typer()
app.command("parse")(parse)


@app.callback()
def _root() -> None:
    """Group, so that the command is called by name as in the real CLI."""


def test_parse_prints_the_message_as_json(fixtures_dir: Path) -> None:
    result = CliRunner().invoke(app, ["parse", str(fixtures_dir / "messages" / "pnrgov-sensitive.edi")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "PNRGOV"
    assert data["flights"][0]["flight_number"] == "900"
    (pnr,) = data["bookings"]
    assert pnr["locator"] == "SENS01"
    assert pnr["travellers"][0]["documents"][0]["number"] == "N31313131"
    assert data["sensitive_dropped"]["AVML"] == 2
    assert all("text" in finding for finding in data["findings"])
    assert "AVML" not in json.dumps(pnr)


def test_parse_reads_stdin(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "messages" / "paxlst-mig-5-1.edi").read_bytes()
    result = CliRunner().invoke(app, ["parse", "-"], input=data)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["travellers"][0]["surname"] == "WILLIAMS"


def test_parse_refuses_an_unreadable_message_with_exit_code_2() -> None:
    result = CliRunner().invoke(app, ["parse", "-"], input=b"UNB+UNOA:4+A+B+240301:0600+1'UNZ+0+1'")
    assert result.exit_code == 2
    assert "no UNH segment" in result.output


def test_parse_refuses_a_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["parse", str(tmp_path / "absent.edi")])
    assert result.exit_code == 2
    assert "cannot read" in result.output


def test_parse_writes_json_without_rich_restyling_it(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich's print_json re-parses and styles every token: 1.3 GB for a 100,000-segment message.
    The command streams the JSON itself (memory figures in docs/travel.md)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("console.print_json used")

    monkeypatch.setattr(common.console, "print_json", refuse)
    result = CliRunner().invoke(app, ["parse", str(fixtures_dir / "messages" / "paxlst-mig-5-1.edi")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["kind"] == "PAXLST"


def test_write_json_escapes_control_characters_json_leaves_raw() -> None:
    out = io.StringIO()
    write_json({"name": "JO\x87HN\x1b[2J", "list": [1, "Ä", {"k": "\x9b"}], "empty": []}, out)
    text = out.getvalue()
    assert "\x87" not in text and "\x1b" not in text
    assert "\\u0087" in text and "Ä" in text
    assert json.loads(text) == {"name": "JO\x87HN\x1b[2J", "list": [1, "Ä", {"k": "\x9b"}], "empty": []}
