"""Mistakes an operator makes on the command line: one clear line and exit 2 (or 4), never an
internal error (exit 70) or a silent success that did nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.conftest import Cli
from typer.testing import Result

from tekser.cli.main import app


@pytest.fixture
def loaded(cli: Cli, fixtures_dir: Path) -> Cli:
    lists = fixtures_dir / "lists"
    result = cli("lists", "import", str(lists / "un"), str(lists / "ofac"), "--min-entries", "1", "--no-rescreen")
    assert result.exit_code == 0, result.output
    return cli


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "internal error" not in lines[0] and "Traceback" not in stderr
    return lines[0]


# --- files that cannot be read ----------------------------------------------------------------------


def test_a_missing_anchor_file_is_named_exit_2(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    result = cli("audit", "verify", "--anchor", str(missing))
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == f"error: {missing}: No such file or directory"


def test_an_anchor_that_is_not_utf8_is_named_with_its_line(cli: Cli, tmp_path: Path) -> None:
    anchor = tmp_path / "head.json"
    anchor.write_bytes(b'{"seq": 1,\n "row_hash": "\xff"}\n')
    result = cli("audit", "verify", "--anchor", str(anchor))
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr).startswith(f"error: {anchor}, line 2: not UTF-8 text (byte 0xff")


def test_a_missing_subjects_file_is_named_exit_2(loaded: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = loaded("screen", "-i", str(missing))
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == f"error: {missing}: No such file or directory"
    assert result.stdout == ""


def test_a_folder_given_as_subjects_file_is_named_exit_2(loaded: Cli, tmp_path: Path) -> None:
    result = loaded("screen", "-i", str(tmp_path))
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == f"error: {tmp_path}: Is a directory"


@pytest.mark.parametrize("store", [False, True], ids=["screen", "screen --store"])
def test_a_subjects_file_that_is_not_utf8_is_named_with_its_line(loaded: Cli, tmp_path: Path, store: bool) -> None:
    subjects = tmp_path / "subjects.jsonl"
    subjects.write_bytes(b'{"id": "1", "name": "Askar Nurlanov"}\n{"id": "2", "name": "Ba\xe7ar"}\n')  # Latin-1
    result = loaded("screen", "-i", str(subjects), *(["--store"] if store else []))
    assert result.exit_code == 2, result.output
    line = _one_error_line(result.stderr)
    assert line == f"error: {subjects}, line 2: not UTF-8 text (byte 0xe7 at column 24); save the file as UTF-8"


def test_an_output_file_in_a_missing_folder_is_named_exit_2(loaded: Cli, tmp_path: Path) -> None:
    subjects = tmp_path / "subjects.jsonl"
    subjects.write_text('{"id": "1", "name": "Askar Nurlanov"}\n', encoding="utf-8")
    out = tmp_path / "nosuch" / "out.jsonl"
    result = loaded("screen", "-i", str(subjects), "-o", str(out))
    assert result.exit_code == 2, result.output
    assert f"error: {out}: No such file or directory" in result.stderr
    assert "internal error" not in result.stderr


def test_a_signature_file_that_is_not_one_is_refused_exit_2(cli: Cli, tmp_path: Path) -> None:
    pdf, signature = tmp_path / "case.pdf", tmp_path / "case.pdf.sig.json"
    pdf.write_bytes(b"%PDF-1.7 not really")
    signature.write_text("this is the PDF, sent twice by mistake", encoding="utf-8")
    result = cli.runner.invoke(app, ["cases", "verify-signature", str(pdf), str(signature)])
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == (
        f'error: {signature}: not a signature file (expected JSON {{"signature": ..., "public_key": ...}})'
    )
    signature.write_text('{"signature": "00", "public_key": "00"}', encoding="utf-8")
    missing = tmp_path / "nosuch.pdf"
    result = cli.runner.invoke(app, ["cases", "verify-signature", str(missing), str(signature)])
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == f"error: {missing}: No such file or directory"


# --- arguments that would silently do nothing or the wrong thing --------------------------------


@pytest.mark.parametrize(
    ("flights", "message"),
    [
        ("2026-11-22..2026-11-20", "2026-11-22 is after 2026-11-20 (FROM..TO, earliest first)"),
        ("20-11-2026", "20-11-2026 is not a date YYYY-MM-DD (FROM..TO)"),
        ("2026-11-20..", "(nothing) is not a date YYYY-MM-DD (FROM..TO)"),
        ("2026-02-30", "2026-02-30 is not a date YYYY-MM-DD (FROM..TO)"),
    ],
)
def test_a_flight_range_that_selects_nothing_by_mistake_is_refused(loaded: Cli, flights: str, message: str) -> None:
    result = loaded("screen", "--stored", "--flights", flights)
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == f"error: --flights {flights}: {message}"
    assert result.stdout == ""  # no batch was run


def test_a_flight_range_in_order_runs(loaded: Cli) -> None:
    result = loaded("screen", "--stored", "--flights", "2026-11-20..2026-11-22")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["selection"] == "flights 2026-11-20..2026-11-22"


def test_screening_against_a_list_that_does_not_exist_names_the_known_ones(loaded: Cli, tmp_path: Path) -> None:
    subjects = tmp_path / "subjects.jsonl"
    subjects.write_text('{"id": "1", "name": "Askar Nurlanov"}\n', encoding="utf-8")
    result = loaded("screen", "-i", str(subjects), "--list", "nosuch", "--list", "un")
    assert result.exit_code == 4, result.output
    line = _one_error_line(result.stderr)
    assert line == "error: no list named nosuch has an active version; known: ofac, un"
    assert "import lists first" not in line


def test_a_diff_of_two_different_lists_is_refused(loaded: Cli) -> None:
    result = loaded("lists", "diff", "ofac@1", "un@1")
    assert result.exit_code == 2, result.output
    assert _one_error_line(result.stderr) == (
        "error: ofac@1 and un@1 are versions of different lists: compare two versions of one list"
    )
    assert result.stdout == ""


def test_a_policy_for_a_list_never_imported_is_kept_with_a_warning(loaded: Cli) -> None:
    result = loaded("lists", "policy", "disable", "kz", "--reason", "set up before the first import")
    assert result.exit_code == 0, result.output  # a deployment may set its policy ahead
    assert "kz disabled by" in result.stdout
    assert "warning: kz has never been imported: the policy applies from its first import (imported: ofac, un)" in (
        result.stderr
    )
    shown = loaded("lists", "policy", "show", "--json")
    assert [(e["list"], e["enabled"]) for e in json.loads(shown.stdout)] == [("kz", False)]


def test_a_policy_for_an_imported_list_has_no_warning(loaded: Cli) -> None:
    result = loaded("lists", "policy", "disable", "un", "--reason", "not used here")
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


# --- where the database and the signing key are -------------------------------------------------


def _run(cli: Cli, *args: str, env: dict[str, str] | None = None) -> Result:
    return cli.runner.invoke(app, list(args), env={"TEKSER_API_KEY": ""} | (env or {}))


@pytest.mark.parametrize("given", ["--db", "TEKSER_DB_URL"])
def test_a_database_in_a_folder_that_does_not_exist_is_refused(cli: Cli, tmp_path: Path, given: str) -> None:
    url = f"sqlite:///{tmp_path / 'typo' / 'tekser.sqlite'}"
    args, env = (["--db", url], {}) if given == "--db" else ([], {"TEKSER_DB_URL": url})
    result = _run(cli, "lists", "show", *args, env=env)
    assert result.exit_code == 6, result.output
    assert _one_error_line(result.stderr) == (
        f"error: database folder {tmp_path / 'typo'} does not exist ({url}): check --db or TEKSER_DB_URL, "
        "or make a new database there with `tekser db upgrade --create`"
    )
    assert not (tmp_path / "typo").exists()  # nothing made behind the operator's back


def test_db_upgrade_create_makes_the_folder_and_the_database(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'deeper' / 'tekser.sqlite'}"
    assert _run(cli, "db", "upgrade", "--db", url).exit_code == 6  # without --create: refused like any command
    result = _run(cli, "db", "upgrade", "--create", "--db", url)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "deeper" / "tekser.sqlite").is_file()
    result = _run(cli, "lists", "show", "--db", url)
    assert result.exit_code == 0, result.output


def test_a_new_database_file_in_an_existing_folder_is_made_on_first_use(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'first.sqlite'}"
    result = _run(cli, "lists", "show", "--db", url)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "first.sqlite").is_file()


def test_the_signing_key_is_kept_beside_the_database_named(cli: Cli, tmp_path: Path) -> None:
    data_home = tmp_path / "home-data"  # the user's data directory (platformdirs reads XDG_DATA_HOME)
    folder = tmp_path / "deployment"
    folder.mkdir()
    url = f"sqlite:///{folder / 'tekser.sqlite'}"
    env = {"XDG_DATA_HOME": str(data_home)}
    result = _run(cli, "keys", "signing-init", "--by", "operator", "--db", url, env=env)
    assert result.exit_code == 0, result.output
    assert f"signing key written to {folder / 'signing-key.pem'}" in result.stdout
    assert (folder / "signing-key.pem").stat().st_mode & 0o777 == 0o600
    assert not (data_home / "tekser" / "signing-key.pem").exists()
    from tekser.settings import Settings
    from tekser.wiring import open_desk

    desk = open_desk(Settings(db_url=url))
    assert desk.cases.signer is not None  # the deployment signs with it


def test_the_signing_key_of_a_postgresql_deployment_must_be_configured(cli: Cli) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # refused before any connection is tried
    result = _run(cli, "keys", "signing-init", "--db", url)
    assert result.exit_code == 6, result.output
    assert "set TEKSER_SIGNING_KEY (or --path)" in _one_error_line(result.stderr)
