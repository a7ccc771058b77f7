"""Fixture strategy.

- Every test can run on the project's own small synthetic fixtures in ``tests/fixtures``
  (written for tekser, never copied from elsewhere). Use ``fixtures_dir``.
- Real third-party data is read in place from the shared folder (``TEKSER_SHARED_DATA``,
  default ``../shared/data``) through the ``shared_data`` fixture; it is never vendored.
- Tests that need a component (PostgreSQL, shared data, Chromium, Java) call :func:`need`:
  it skips locally when the component is missing and **fails** under ``CI=true``.
- Storage tests take the ``db_url`` fixture, parametrised over SQLite and PostgreSQL; each
  PostgreSQL test gets its own schema, so tests can run in parallel (pytest-xdist).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
POSTGRES_URL = os.environ.get("TEKSER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def need(available: bool, reason: str) -> None:
    """Skip the test when a component is missing; under CI=true, fail instead."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"required component missing in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _cold_caches_under_mutmut() -> None:
    """Under mutmut (`make mutation`) each mutant's tests run in a process forked from one that
    already ran the tests unmutated: a memoised result (``lru_cache``) computed by the original
    code would hide the mutant. Every tekser cache starts empty instead."""
    if not os.environ.get("MUTANT_UNDER_TEST"):
        return
    import functools
    import gc

    for found in gc.get_objects():
        if isinstance(found, functools._lru_cache_wrapper) and str(getattr(found, "__module__", "")).startswith(
            "tekser."
        ):
            found.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _kept_indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Screening indexes kept by the tests stay in the test session's own folder (not the user's cache);
    the CLI tests' child processes inherit the setting."""
    previous = os.environ.get("TEKSER_INDEX_CACHE")
    os.environ["TEKSER_INDEX_CACHE"] = str(tmp_path_factory.mktemp("kept-indexes"))
    yield
    if previous is None:
        os.environ.pop("TEKSER_INDEX_CACHE", None)
    else:
        os.environ["TEKSER_INDEX_CACHE"] = previous


@pytest.fixture(scope="session", autouse=True)
def _incident_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tracebacks of the CLI's internal errors go to the test session's folder (not the user's log
    folder); the CLI tests' child processes inherit the setting."""
    previous = os.environ.get("TEKSER_INCIDENT_LOG")
    os.environ["TEKSER_INCIDENT_LOG"] = str(tmp_path_factory.mktemp("logs") / "incidents.log")
    yield
    if previous is None:
        os.environ.pop("TEKSER_INCIDENT_LOG", None)
    else:
        os.environ["TEKSER_INCIDENT_LOG"] = previous


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data"))
    need(path.is_dir(), f"shared data folder {path} not found (set TEKSER_SHARED_DATA)")
    return path


def _postgres_available() -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    return _postgres_available()


@pytest.fixture
def postgres_url(postgres_available: bool) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    need(postgres_available, f"PostgreSQL not reachable at {POSTGRES_URL}")
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The test's database (``db_url``), migrated to the newest schema."""
    from tekser.storage.database import open_database

    engine = open_database(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each storage test runs on embedded SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tekser.sqlite'}"
    return str(request.getfixturevalue("postgres_url"))


# `make fuzz` runs the property tests of the parsers far longer than `make test` does.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("default", max_examples=60, deadline=None)
_hypothesis_settings.register_profile("long", max_examples=5000, deadline=None)
# `make mutation`: the same examples every run, so a mutant is killed (or not) the same way each time
_hypothesis_settings.register_profile("mutation", max_examples=60, deadline=None, derandomize=True, database=None)
_hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
