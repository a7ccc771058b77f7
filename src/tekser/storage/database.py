"""Engines, schema migrations and write transactions.

SQLite is the embedded default: WAL journal, ``synchronous=FULL`` (an acknowledged import
survives a power cut) and foreign keys on. PostgreSQL is reached by URL
(``postgresql+psycopg://...``). A new database gets the newest Alembic revision on first open; one
made by an earlier release is migrated only on request (``tekser db upgrade``, or ``tekser serve``
at start): a command never changes a deployment's schema behind its operator's back.

Several processes may write at once (two ``tekser ingest`` on one database): the writes that
read before they insert run through :func:`write_transaction`, which serialises them (SQLite
``BEGIN IMMEDIATE``, a PostgreSQL transaction-level advisory lock) and runs a transaction again
when the database reports a conflict anyway (busy, deadlock, serialisation failure, unique key).
Migrations take a lock of their own, so two first-time processes do not both create the schema.
Statement parameters are never put in error messages (``hide_parameters``): they hold message data.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError

from tekser.errors import ConfigError, Conflict

T = TypeVar("T")

# PostgreSQL advisory locks, one per purpose ("teks" in ASCII, then +1), each held per schema:
# tekser databases in two schemas of one PostgreSQL database do not wait for each other
_WRITE_LOCK = 0x7465_6B73
_MIGRATION_LOCK = _WRITE_LOCK + 1
# serialisation failure, deadlock, unique violation: another transaction got there first
_RETRY_SQLSTATES = frozenset({"40001", "40P01", "23505"})
ATTEMPTS = 6


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # first: the journal-mode switch of a fresh file waits for a second process instead of failing
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, *, create_folder: bool = False) -> Engine:
    """An engine for ``url``. A new SQLite file is made in an existing folder (the first run); a
    folder that does not exist is refused unless ``create_folder``: a mistyped ``--db`` must not
    quietly start an empty database somewhere else (``tekser db upgrade --create`` makes one)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"database URL {url!r} is not a valid SQLAlchemy URL") from None
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).expanduser().parent
        if create_folder:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise ConfigError(
                f"database folder {folder} does not exist ({parsed.render_as_string()}): check --db or "
                "TEKSER_DB_URL, or make a new database there with `tekser db upgrade --create`"
            )
    try:
        engine = create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    except (NoSuchModuleError, ImportError) as error:
        raise ConfigError(f"no driver for {parsed.drivername}: {error} (pip install 'tekser[postgres]')") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _lock(connection: Connection, key: int) -> None:
    """Hold the database's write lock until the transaction ends (waiting for it if need be)."""
    if connection.dialect.name == "sqlite":
        # the sqlite3 driver would begin a deferred transaction at the first write, after the
        # reads: begun IMMEDIATE, the write lock is taken first (waiting up to busy_timeout)
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        schema = "hashtext(coalesce(current_schema(), ''))"
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({int(key)}, {schema})")


def _conflict(error: DBAPIError) -> bool:
    """Whether another transaction caused the error, so that running this one again can succeed."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _RETRY_SQLSTATES
    text = str(error.orig).lower()
    if isinstance(error, OperationalError):
        return "locked" in text or "busy" in text
    return isinstance(error, IntegrityError) and "unique constraint failed" in text


def write_transaction(engine: Engine, work: Callable[[Connection], T], attempts: int = ATTEMPTS) -> T:
    """``work(connection)`` in one write transaction, serialised with the other processes' and run
    again (from the start: ``work`` must keep its state inside) when another transaction conflicts."""
    for attempt in range(1, attempts + 1):
        try:
            with engine.begin() as connection:
                _lock(connection, _WRITE_LOCK)
                return work(connection)
        except DBAPIError as error:
            if not _conflict(error):
                raise
            if attempt == attempts:
                raise Conflict(
                    f"the database stayed busy ({describe_error(error)}) after {attempts} attempts: "
                    "nothing was half-written, run the command again"
                ) from None
            time.sleep(random.uniform(0.02, 0.1) * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def describe_error(error: BaseException) -> str:
    """A database error in one line, without the statement or its parameters (they hold message data)."""
    orig = getattr(error, "orig", None)
    source = orig if orig is not None else error
    text = str(source.args[0]) if source.args and isinstance(source.args[0], str) else str(source)
    lines = text.strip().splitlines()
    return f"database error: {type(source).__name__}: {lines[0] if lines else ''}"


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(resources.files("tekser.storage").joinpath("migrations")))
    return config


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    with engine.begin() as connection:
        _lock(connection, _MIGRATION_LOCK)  # a second first-time process waits, then finds the schema made
        yield connection


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; one process at a time)."""
    config = _alembic_config()
    try:
        if schema_revision(engine) == ScriptDirectory.from_config(config).get_current_head():
            return  # the usual case: no lock taken, nothing to wait for
        with _migrating(engine) as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise ConfigError(f"cannot open database {engine.url.render_as_string()}: {error.orig}") from None


def schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        return str(row[0]) if row else None


def stored_revision(url: str) -> tuple[str, str | None, bool]:
    """The database's address, its schema revision and whether it exists, read without creating or
    migrating anything (a missing SQLite file stays missing)."""
    engine = make_engine(url)
    shown = engine.url.render_as_string()
    try:
        name = engine.url.database
        if engine.dialect.name == "sqlite" and name and name != ":memory:" and not Path(name).expanduser().exists():
            return shown, None, False
        try:
            return shown, schema_revision(engine), True
        except OperationalError as error:
            raise ConfigError(f"cannot open database {shown}: {error.orig}") from None
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest schema revision this release knows."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def open_database(url: str, *, create_folder: bool = False, migrate: bool = False) -> Engine:
    """Engine whose schema is at head. A database without a schema yet (the first run) is made;
    one at an older revision is migrated only when ``migrate`` (otherwise refused, naming the
    command that upgrades it)."""
    engine = make_engine(url, create_folder=create_folder)
    if not migrate:
        try:
            revision = schema_revision(engine)
        except OperationalError as error:
            raise ConfigError(f"cannot open database {engine.url.render_as_string()}: {error.orig}") from None
        head = head_revision()
        if revision is not None and revision != head:
            engine.dispose()
            raise ConfigError(
                f"the database {engine.url.render_as_string()} has schema revision {revision}, this release "
                f"needs {head}: run `tekser db upgrade` (back up the database first)"
            )
    upgrade(engine)
    return engine
