"""A watchlist service over the test's database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tekser.ingest.lists.sources import load_sources
from tekser.services.watchlists import WatchlistService
from tekser.storage.watchlists import SqlWatchlistStore


@pytest.fixture
def service(engine: Engine) -> WatchlistService:
    return WatchlistService(SqlWatchlistStore(engine), load_sources())
