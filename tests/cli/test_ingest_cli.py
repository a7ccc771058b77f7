"""`tekser ingest`: clear errors for what is not there."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Cli


def test_a_missing_path_is_a_clear_error_and_nothing_is_stored(cli: Cli, tmp_path: Path) -> None:
    result = cli("ingest", str(tmp_path / "nowhere"))
    assert result.exit_code == 2, result.output
    assert "nowhere: no such file or folder" in result.output


def test_retrying_an_unknown_message_is_an_error(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("not a message\n", encoding="utf-8")
    assert cli("ingest", str(junk)).exit_code == 3
    result = cli("ingest", "--retry", "--message", "999")
    assert result.exit_code != 0
    assert "no failed message 999" in result.output
    result = cli("ingest", "--retry", "--message", "1")
    assert result.exit_code == 3  # still failing, still kept
