"""`write_transaction` on SQLite and PostgreSQL: a transaction the database refuses on a conflict
runs again from the start; one that keeps conflicting ends in a clear Conflict without SQL; any
other database error is not retried. Errors never carry the statement's parameters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tekser.errors import Conflict
from tekser.storage.database import describe_error, open_database, write_transaction
from tekser.storage.tables import batch_runs

AT = datetime(2026, 12, 1, tzinfo=UTC)
SECRET = "NURLANOV ASKAR 1975-03-12"  # what a statement's parameters would show


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = open_database(db_url)
    yield engine
    engine.dispose()


def _run(connection: Connection, selection: str) -> None:
    connection.execute(insert(batch_runs).values(selection=selection, started_at=AT, screened=0, alerts=0))


def _runs(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(batch_runs)).scalar_one())


def test_a_conflict_runs_the_transaction_again_from_the_start(engine: Engine) -> None:
    attempts: list[int] = []

    def work(connection: Connection) -> str:
        attempts.append(1)
        _run(connection, SECRET)
        if len(attempts) == 1:
            _run(connection, SECRET)  # a duplicate key, as when another process inserted it first
        return "done"

    assert write_transaction(engine, work) == "done"
    assert len(attempts) == 2
    assert _runs(engine) == 1  # the first attempt left nothing behind


def test_a_lasting_conflict_is_a_clear_error_without_the_statement(engine: Engine) -> None:
    attempts: list[int] = []

    def work(connection: Connection) -> None:
        attempts.append(1)
        _run(connection, SECRET)
        _run(connection, SECRET)

    with pytest.raises(Conflict) as raised:
        write_transaction(engine, work, attempts=3)
    assert len(attempts) == 3
    message = str(raised.value)
    assert "stayed busy" in message and "run the command again" in message
    assert "INSERT" not in message and SECRET not in message
    assert _runs(engine) == 0


def test_another_database_error_is_not_retried_and_hides_its_parameters(engine: Engine) -> None:
    attempts: list[int] = []

    def work(connection: Connection) -> None:
        attempts.append(1)
        connection.execute(insert(batch_runs).values(selection=SECRET, started_at=None, screened=0, alerts=0))

    with pytest.raises(IntegrityError) as raised:  # NOT NULL: no other process can fix that
        write_transaction(engine, work)
    assert len(attempts) == 1
    # engines hide the parameters (PostgreSQL's own DETAIL line may still show the row: never printed)
    assert "[parameters:" not in str(raised.value) and "hidden" in str(raised.value)
    line = describe_error(raised.value)
    assert line.startswith("database error: ") and "\n" not in line
    assert "INSERT" not in line and SECRET not in line
