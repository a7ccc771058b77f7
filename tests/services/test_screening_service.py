"""Screening stored travellers on SQLite and PostgreSQL: alerts with frozen evidence, no duplicates,
rescreening on list changes (the time-travel case), resumable batches, outcomes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tekser.errors import InvalidInput
from tekser.ingest.lists.sources import load_sources
from tekser.services.screening_service import ScreeningService, subject_from_data
from tekser.services.travel_ingest import TravelIngestService
from tekser.services.watchlists import WatchlistService
from tekser.simulate.traffic import Planted, make_flights, paxlst
from tekser.storage.screening import SqlScreeningStore
from tekser.storage.travel import SqlTravelStore
from tekser.storage.watchlists import SqlWatchlistStore

SMALL = 3
ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")
GULNARA = Planted("un:QDi.903", "TOLEGENOVA", "GULNARA", date(1984, 5, 1), "KAZ", "N07654321")
# Askar's UN "Low" quality alias (made distinctive below: ABU YUSUF alone says too little to reach
# the threshold), with neither his date of birth nor his passport: nothing corroborates it
ABU_YUSUF = Planted("un:QDi.901", "AL-AKTOBI", "ABU YUSUF", date(1990, 1, 1), "KAZ", "N55512345")


class World:
    """Lists, travel data and screening over one database."""

    def __init__(self, engine: Engine, tmp_path: Path, fixtures_dir: Path) -> None:
        self.lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
        self.travel = TravelIngestService(SqlTravelStore(engine))
        self.screening = ScreeningService(SqlWatchlistStore(engine), SqlScreeningStore(engine))
        self.store = SqlScreeningStore(engine)
        self.un = tmp_path / "un" / "consolidated.xml"
        self.un.parent.mkdir()
        self.original = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_text(encoding="utf-8")
        self.reference = 0

    def import_un(self, text: str) -> str:
        self.un.write_text(text, encoding="utf-8")
        (outcome,) = self.lists.import_path(self.un, actor="alice", min_entries=SMALL)
        assert outcome.status == "imported", outcome.reason
        assert outcome.version is not None
        return outcome.version.label

    def arrive(self, *planted: Planted, seed: int = 11, passengers: int = 20) -> None:
        for flight in make_flights(seed=seed, flights=1, passengers=passengers, planted=list(planted)):
            self.reference += 1
            outcome = self.travel.ingest(paxlst(flight, self.reference).encode(), f"api-{self.reference}.edi")
            assert outcome.status == "ingested"

    def alerts(self) -> list[tuple[str, str, str]]:
        return sorted((a.evidence["subject"]["name"], a.entry_key, a.cause) for a in self.store.alerts(limit=10_000))


@pytest.fixture
def world(engine: Engine, tmp_path: Path, fixtures_dir: Path) -> World:
    return World(engine, tmp_path, fixtures_dir)


def without_entry(xml: str, reference: str) -> str:
    """The UN list without one individual (as if it were listed only later)."""
    blocks = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", xml, flags=re.S)
    (block,) = [b for b in blocks if f"<REFERENCE_NUMBER>{reference}" in b]
    return xml.replace(block, "")


def test_an_arrival_alert_freezes_its_evidence_and_is_never_raised_twice(world: World) -> None:
    world.import_un(world.original)
    world.arrive(ASKAR)
    result = world.screening.screen_arrivals()
    assert result["registered"] == result["screened"] > 20 * 0.8
    (alert,) = world.store.alerts()
    assert (alert.entry_key, alert.cause, alert.status) == ("un:QDi.901", "arrival", "new")
    evidence = alert.evidence
    # the subject as screened, the entry as it stood in its version, the algorithm and its configuration
    assert evidence["subject"]["name"] == "ASKAR NURLANOV"
    assert evidence["subject"]["birth_date"] == "1975-03-12"
    assert evidence["entry"]["key"] == "un:QDi.901"
    assert evidence["list_version"] == "un@1"
    assert evidence["algorithm"]["name"] == "tekser-match"
    assert evidence["config"]["threshold"] == pytest.approx(0.86)
    assert {f["feature"] for f in evidence["features"]} >= {"name", "birth_date"}
    assert evidence["score"] == pytest.approx(alert.score)
    # the same arrival again (the PNR push of the same person, a rerun) makes no second alert
    world.arrive(ASKAR, seed=12)
    again = world.screening.screen_arrivals()
    assert again["alerts"] == 0
    assert len(world.store.alerts()) == 1
    assert world.screening.screen_subjects(world.store.subject_ids(), "rerun")["alerts"] == 0


def test_an_uncorroborated_weak_alias_raises_no_stored_alert(world: World) -> None:
    world.import_un(world.original.replace("<ALIAS_NAME>Abu Yusuf<", "<ALIAS_NAME>Abu Yusuf al-Aktobi<"))
    world.arrive(ABU_YUSUF)
    world.screening.register_travellers()
    (stored,) = [s for s in world.store.subjects(world.store.subject_ids()) if s.name == "ABU YUSUF AL-AKTOBI"]
    matches = world.screening.active().screener.screen(subject_from_data(str(stored.id), stored.data)).matches
    # the screener reports the weak alias at the threshold, without an alert: storing none is the service's part
    threshold = world.screening.config.threshold
    assert [(m.key, m.score >= threshold, m.alert) for m in matches] == [("un:QDi.901", True, False)]
    assert world.screening.screen_arrivals()["alerts"] == 0
    assert world.store.alerts() == []


def test_a_person_listed_in_version_n_plus_1_is_found_among_travellers_stored_under_n(world: World) -> None:
    assert world.import_un(without_entry(world.original, "QDi.903")) == "un@1"
    world.arrive(GULNARA, ASKAR)
    world.screening.screen_arrivals()
    assert [key for _, key, _ in world.alerts()] == ["un:QDi.901"]
    assert world.screening.status()["not_screened_against_active_version"] == {"un": 0}

    assert world.import_un(world.original) == "un@2"
    # until the difference is screened, the stored travellers are not counted as clear
    subjects = world.screening.status()["subjects"]
    assert world.screening.status()["not_screened_against_active_version"] == {"un": subjects}
    summary = world.screening.rescreen("un")
    assert (summary["added"], summary["changed"]) == (1, 0)
    assert summary["subjects_compared"] < subjects  # only those sharing a name key, not a full rescreen
    assert summary["subjects_now_screened_against_new_version"] == subjects
    assert world.alerts() == [
        ("ASKAR NURLANOV", "un:QDi.901", "arrival"),
        ("GULNARA TOLEGENOVA", "un:QDi.903", "rescreen un@2 (added since un@1)"),
    ]
    (alert,) = [a for a in world.store.alerts() if a.entry_key == "un:QDi.903"]
    assert alert.version_label == "un@2"
    assert world.screening.status()["not_screened_against_active_version"] == {"un": 0}
    # rescreening again finds nothing new and raises nothing twice
    assert world.screening.rescreen("un")["alerts"] == 0
    assert len(world.alerts()) == 2


def test_a_changed_entry_raises_an_alert_with_its_new_evidence(world: World) -> None:
    world.import_un(world.original.replace("<DATE>1975-03-12</DATE>", "<DATE>1961-11-30</DATE>"))
    world.arrive(ASKAR)
    world.screening.screen_arrivals()
    before = {a.entry_hash for a in world.store.alerts()}
    world.import_un(world.original)  # un@2 corrects the date of birth
    summary = world.screening.rescreen("un")
    assert (summary["added"], summary["changed"]) == (0, 1)
    (after,) = [a for a in world.store.alerts() if a.cause.startswith("rescreen")]
    assert (after.entry_key, after.cause, after.version_label) == (
        "un:QDi.901",
        "rescreen un@2 (changed since un@1)",
        "un@2",
    )
    assert after.entry_hash not in before
    assert "1975-03-12" in {d["text"] for d in after.evidence["entry"]["birth_dates"]}


def test_skipped_rescreens_are_caught_up_from_each_subjects_own_version(world: World) -> None:
    without_both = without_entry(without_entry(world.original, "QDi.903"), "QDi.901")
    world.import_un(without_both)
    world.arrive(GULNARA, ASKAR)
    world.screening.screen_arrivals()
    assert world.alerts() == []
    world.import_un(without_entry(world.original, "QDi.903"))  # un@2 adds Askar: not rescreened
    world.import_un(world.original)  # un@3 adds Gulnara
    summary = world.screening.rescreen("un")
    assert summary["added"] == 2
    assert [(key, cause) for _, key, cause in world.alerts()] == [
        ("un:QDi.901", "rescreen un@3 (added since un@1)"),
        ("un:QDi.903", "rescreen un@3 (added since un@1)"),
    ]


def test_subjects_never_screened_against_a_list_are_screened_in_full(world: World) -> None:
    world.import_un(world.original)
    world.arrive(ASKAR)
    world.screening.register_travellers()  # registered, then the process stopped before screening
    assert world.screening.status()["not_screened_against_active_version"]["un"] > 0
    summary = world.screening.rescreen("un")
    assert summary["screened_in_full"] == world.screening.status()["subjects"]
    assert [key for _, key, _ in world.alerts()] == ["un:QDi.901"]
    assert world.screening.status()["not_screened_against_active_version"] == {"un": 0}


def test_an_interrupted_batch_resumes_and_ends_with_the_alerts_of_an_uninterrupted_run(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.import_un(world.original)
    world.arrive(ASKAR, GULNARA, passengers=30)
    ids = world.screening.register_travellers()
    record = world.store.record_screenings
    calls = {"n": 0}

    def dying(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process stops after two chunks of ten
        return record(*args, **kwargs)

    selection = "flights 2026-11-20..2026-11-20"
    monkeypatch.setattr(world.screening.store, "record_screenings", dying)
    with pytest.raises(KeyboardInterrupt):
        world.screening.batch(selection, ids, chunk=10)
    monkeypatch.setattr(world.screening.store, "record_screenings", record)
    assert world.store.start_batch(selection, world.screening.clock())[1] == set(ids[:20])
    summary = world.screening.batch(selection, ids, chunk=10)
    assert summary["screened"] == len(ids)
    assert sorted(key for _, key, _ in world.alerts()) == ["un:QDi.901", "un:QDi.903"]
    # run once more: nothing left to do, nothing duplicated
    assert world.screening.batch("flights 2026-11-20..2026-11-20", ids)["screened"] == len(ids)
    assert len(world.alerts()) == 2


def test_outcomes_are_recorded_with_who_and_refused_when_unknown(world: World) -> None:
    world.import_un(world.original)
    world.arrive(ASKAR)
    world.screening.screen_arrivals()
    (alert,) = world.store.alerts()
    world.screening.record_outcome(alert.id, "secondary_negative", "bob", "different person, other father's name")
    world.screening.record_outcome(alert.id, "not_encountered", "carol", "")
    assert [(o["outcome"], o["by"]) for o in world.store.outcomes(alert.id)] == [
        ("secondary_negative", "bob"),
        ("not_encountered", "carol"),
    ]
    with pytest.raises(InvalidInput, match="unknown outcome 'arrested'"):
        world.screening.record_outcome(alert.id, "arrested", "bob", "")
    with pytest.raises(InvalidInput, match="--by"):
        world.screening.record_outcome(alert.id, "missed", " ", "")


def test_subjects_are_found_by_their_keys_in_one_query_or_in_chunks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tekser.storage import screening as storage

    world.import_un(world.original)
    world.arrive(ASKAR, GULNARA, passengers=30)
    ids = world.screening.register_travellers()
    keys = {"f:askar", "f:nurlanov", "s:tlgn", "p:gul", "f:nobody"}
    at_once = {s: sorted(k) for s, k in world.store.subjects_by_keys(keys)}
    assert set(at_once) <= set(ids)
    assert any(k == ["f:askar", "f:nurlanov"] for k in at_once.values())
    monkeypatch.setattr(storage, "_MAX_PARAMETERS", 2)
    monkeypatch.setattr(storage, "_CHUNK", 2)
    chunked = {s: sorted(k) for s, k in world.store.subjects_by_keys(keys)}
    assert chunked == at_once
