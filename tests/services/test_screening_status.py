"""Property: whatever travellers are stored and however screening runs crash and are re-run,
`status()` reports exactly the subjects not screened against each active version, and one
complete `screen_arrivals()` leaves none (issue 15).

The model is built from what the store was observed to commit (subjects added, screenings
recorded and advanced), not from the status queries under test."""

from __future__ import annotations

import contextlib
import re
import tempfile
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekser.ingest.lists.sources import load_sources
from tekser.services.screening_service import ScreeningService
from tekser.services.travel_ingest import TravelIngestService
from tekser.services.watchlists import WatchlistService
from tekser.simulate.traffic import Planted, make_flights, paxlst
from tekser.storage.database import open_database
from tekser.storage.screening import SqlScreeningStore
from tekser.storage.travel import SqlTravelStore
from tekser.storage.watchlists import SqlWatchlistStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")
GULNARA = Planted("un:QDi.903", "TOLEGENOVA", "GULNARA", date(1984, 5, 1), "KAZ", "N07654321")
WRITES = ("add_subjects", "record_screenings", "advance_screenings")


class Crash(Exception):
    """The process dies here."""


@dataclass
class Model:
    named: int = 0  # travellers stored with a name
    nameless: int = 0
    registered: set[int] = field(default_factory=set)  # subject ids
    screened_at: dict[int, int] = field(default_factory=dict)  # subject id -> UN version id


class ObservedStore:
    """The real store; records into the model what it commits, and crashes where told to."""

    def __init__(self, store: SqlScreeningStore, model: Model, crash: tuple[int, bool] | None) -> None:
        self._store, self._model, self._crash, self._writes = store, model, crash, 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._store, name)
        return self._observed(name, attribute) if name in WRITES else attribute

    def _observed(self, name: str, write: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self._writes += 1
            before = self._crash is not None and self._crash == (self._writes, True)
            if before:
                raise Crash(f"before {name}")
            result = write(*args, **kwargs)
            getattr(self, f"_saw_{name}")(result, *args)
            if self._crash == (self._writes, False):
                raise Crash(f"after {name}")
            return result

        return call

    def _saw_add_subjects(self, ids: list[int], rows: list[Any]) -> None:
        self._model.registered.update(ids)

    def _saw_record_screenings(self, alerts: int, results: list[Any], versions: dict[str, int], *_: Any) -> None:
        if "un" in versions:
            self._model.screened_at.update((subject_id, versions["un"]) for subject_id, _ in results)

    def _saw_advance_screenings(self, advanced: int, list_id: str, from_version: int, to_version: int, *_: Any) -> None:
        for subject_id, version in list(self._model.screened_at.items()):
            if list_id == "un" and version == from_version:
                self._model.screened_at[subject_id] = to_version


operation = st.one_of(
    st.tuples(st.just("arrive"), st.integers(1, 6), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("screen"), st.none() | st.tuples(st.integers(1, 6), st.booleans())),
    st.tuples(st.just("rescreen"), st.none() | st.tuples(st.integers(1, 4), st.booleans())),
    st.tuples(st.just("new_version")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation, min_size=1, max_size=8))
def test_status_counts_exactly_the_subjects_not_screened_against_the_active_version(
    operations: list[tuple[Any, ...]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        World(Path(folder)).run(operations)


class World:
    def __init__(self, folder: Path) -> None:
        self.engine = open_database(f"sqlite:///{folder / 'tekser.sqlite'}")
        self.lists = WatchlistService(SqlWatchlistStore(self.engine), load_sources())
        self.travel = TravelIngestService(SqlTravelStore(self.engine))
        self.model = Model()
        self.un = folder / "consolidated.xml"
        self.original = (FIXTURES / "lists" / "un" / "consolidated-small.xml").read_text(encoding="utf-8")
        self.versions = 0
        self.messages = 0

    def run(self, operations: list[tuple[Any, ...]]) -> None:
        try:
            self.new_version()
            for name, *arguments in operations:
                getattr(self, name)(*arguments)
                self.check()
            self.screen(None)  # one complete run: nothing left behind
            self.check()
            status = self.service(None).status()
            assert status["not_screened_against_active_version"] == {"un": 0}
            assert status["not_registered_yet"] == 0
        finally:
            self.engine.dispose()

    def service(self, crash: tuple[int, bool] | None) -> ScreeningService:
        """A new process each time (a crash leaves nothing in memory), committing 2 subjects at a time."""
        store = ObservedStore(SqlScreeningStore(self.engine), self.model, crash)
        return ScreeningService(SqlWatchlistStore(self.engine), store, chunk=2)  # type: ignore[arg-type]

    def active_version(self) -> int:
        (version,) = [v.id for v in SqlWatchlistStore(self.engine).active_versions() if v.list_id == "un"]
        return version

    def check(self) -> None:
        status = self.service(None).status()
        active = self.active_version()
        behind = self.model.named - sum(1 for v in self.model.screened_at.values() if v == active)
        assert status["subjects"] == self.model.named
        assert status["not_registered_yet"] == self.model.named - len(self.model.registered)
        assert status["not_screened_against_active_version"] == {"un": behind}
        assert status["without_a_name"] == self.model.nameless

    # --- operations ------------------------------------------------------------------------------

    def arrive(self, passengers: int, nameless: int, listed: bool) -> None:
        self.messages += 1
        planted = [ASKAR, GULNARA] if listed else []
        (flight,) = make_flights(seed=self.messages, flights=1, passengers=passengers, planted=planted)
        nameless = min(nameless, len(flight.passengers))
        for i in range(nameless):
            flight.passengers[i] = replace(flight.passengers[i], surname="", given="")
        outcome = self.travel.ingest(paxlst(flight, self.messages).encode(), f"api-{self.messages}.edi")
        assert outcome.status == "ingested", outcome
        self.model.named += len(flight.passengers) - nameless
        self.model.nameless += nameless

    def screen(self, crash: tuple[int, bool] | None) -> None:
        with contextlib.suppress(Crash):
            self.service(crash).screen_arrivals()

    def rescreen(self, crash: tuple[int, bool] | None) -> None:
        with contextlib.suppress(Crash):
            self.service(crash).rescreen("un")

    def new_version(self) -> None:
        """A new UN version: every other one without an entry (listed later, delisted, listed again)."""
        self.versions += 1
        text = self.original
        if self.versions % 2 == 0:
            (block,) = [b for b in re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, flags=re.S) if "QDi.903" in b]
            text = text.replace(block, "")
        self.un.write_text(text, encoding="utf-8")
        (outcome,) = self.lists.import_path(self.un, actor="alice", min_entries=3, force_reason="test")
        assert outcome.status == "imported", outcome.reason
