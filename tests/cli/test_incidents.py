"""An unexpected error in a command (exit 70): one line on the terminal with an incident id, and the
traceback logged at ERROR under the same id, for whoever supports the user (ASVS 7.4.1)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
import typer

from tekser.cli.common import handled


def _fail() -> None:
    """A command body that fails unexpectedly, run as every command is."""
    with pytest.raises(typer.Exit) as exit_, handled(debug=False):
        raise RuntimeError("a bug, with internal detail\nand a second line")
    assert exit_.value.exit_code == 70


def _incident(text: str) -> str:
    found = re.search(r"incident ([0-9a-f]{12})", text)
    assert found, text
    return found.group(1)


def test_an_internal_error_prints_an_incident_id_and_logs_the_traceback_under_it(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="tekser.incidents"):
        _fail()
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "internal error" in err and "Traceback" not in err
    incident = _incident(err)
    (record,) = [r for r in caplog.records if incident in r.getMessage()]
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert "RuntimeError: a bug, with internal detail" in caplog.text


def test_without_logging_configured_the_traceback_goes_to_the_incident_log_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log = tmp_path / "logs" / "incidents.log"
    monkeypatch.setenv("TEKSER_INCIDENT_LOG", str(log))
    monkeypatch.setattr(logging.getLogger(), "handlers", [])  # as in a plain `tekser` run
    _fail()
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(log) in err.replace("\n", "")
    incident = _incident(err)
    written = log.read_text(encoding="utf-8")
    assert f"incident {incident}" in written
    assert "Traceback (most recent call last)" in written and "RuntimeError: a bug, with internal detail" in written
    assert logging.getLogger("tekser.incidents").handlers == []  # the file is not held open after
