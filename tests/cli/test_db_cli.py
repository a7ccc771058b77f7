"""The schema is changed only on request: `tekser db info` reads it, `tekser db upgrade` (or the server
at start) migrates it; a command on a database of an earlier release is refused with what to run.
A brand-new database is still made on first use."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from tests.cli.conftest import Cli
from typer.testing import Result

from tekser.cli.main import app
from tekser.domain.subjects import Subject
from tekser.settings import Settings
from tekser.storage.database import _alembic_config, head_revision, make_engine, open_database, schema_revision


def _run(cli: Cli, *args: str) -> Result:
    return cli.runner.invoke(app, list(args), env={"TEKSER_API_KEY": ""})


def _revision(url: str) -> str | None:
    engine = make_engine(url)  # (not open_database: reading must not migrate)
    try:
        return schema_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture
def older(tmp_path: Path) -> str:
    """A database written by the previous release (schema one revision behind head)."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'older.sqlite'}"
    engine = open_database(url)
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    engine.dispose()
    assert _revision(url) == "0011"
    return url


def test_db_info_of_a_missing_database_does_not_make_it(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.sqlite'}"
    result = _run(cli, "db", "info", "--db", url)
    assert result.exit_code == 0, result.output
    assert f"database: {url}" in result.stdout
    assert "schema revision: none" in result.stdout
    assert f"newest revision: {head_revision()}" in result.stdout
    assert not (tmp_path / "none.sqlite").exists()


def test_db_info_reports_a_pending_upgrade_without_migrating(cli: Cli, older: str) -> None:
    result = _run(cli, "db", "info", "--db", older)
    assert result.exit_code == 0, result.output
    assert "schema revision: 0011" in result.stdout
    assert f"newest revision: {head_revision()}" in result.stdout
    assert "upgrade pending: run `tekser db upgrade`" in result.stdout
    assert _revision(older) == "0011"  # read, not migrated


def test_a_command_on_an_older_schema_is_refused_until_db_upgrade(cli: Cli, older: str) -> None:
    result = _run(cli, "lists", "show", "--db", older)
    assert result.exit_code == 6, result.output
    assert "schema revision 0011" in result.stderr and "run `tekser db upgrade`" in result.stderr
    assert "internal error" not in result.stderr
    assert _revision(older) == "0011"  # nothing changed behind the operator's back

    upgraded = _run(cli, "db", "upgrade", "--db", older)
    assert upgraded.exit_code == 0, upgraded.output
    assert _revision(older) == head_revision()
    assert _run(cli, "lists", "show", "--db", older).exit_code == 0
    info = _run(cli, "db", "info", "--db", older)
    assert f"schema revision: {head_revision()}" in info.stdout and "upgrade pending" not in info.stdout


def test_db_info_of_a_current_database_says_no_upgrade_is_pending(cli: Cli, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'current.sqlite'}"
    assert _run(cli, "db", "upgrade", "--db", url).exit_code == 0
    result = _run(cli, "db", "info", "--db", url)
    assert result.exit_code == 0, result.output
    assert f"schema revision: {head_revision()}" in result.stdout
    assert "upgrade pending" not in result.stdout


@pytest.mark.parametrize("days", [30, 400])
def test_customer_subjects_are_kept_for_the_configured_retention(tmp_path: Path, days: int) -> None:
    from sqlalchemy import select

    from tekser.storage.tables import screen_subjects
    from tekser.wiring import screening_service

    current = Settings(db_url=f"sqlite:///{tmp_path / 'retention.sqlite'}", customer_retention_days=days)
    service = screening_service(current)
    (subject_id,) = service.add_customers([Subject(id="c-1", name="Jane Example")])
    assert service.stored_subject_ids() == [subject_id]
    engine = open_database(current.db_url)
    with engine.connect() as connection:
        created, expires = connection.execute(select(screen_subjects.c.created_at, screen_subjects.c.expires_at)).one()
    engine.dispose()
    assert expires - created == timedelta(days=days)


def test_serve_migrates_an_older_schema_at_start(cli: Cli, older: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    served: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda api, **options: served.append(api))
    result = _run(cli, "serve", "--db", older)
    assert result.exit_code == 0, result.output
    assert len(served) == 1  # the app was built over the upgraded database, then served
    assert _revision(older) == head_revision()
