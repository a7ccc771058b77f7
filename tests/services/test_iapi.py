"""Interactive API: PAXLST D05B in, CUSRES D05B out, on SQLite and PostgreSQL.

No adverse action by the machine alone: 1Z only after an analyst confirmed the pair, 2Z and an
alert for an unconfirmed hit, 4Z for insufficient data, and never 0Z on an error or a timeout."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tekser.domain.alerts import Directive
from tekser.errors import InvalidInput, MessageError
from tekser.ingest.lists.sources import load_sources
from tekser.services.iapi import IapiService
from tekser.services.screening_service import ScreeningService
from tekser.services.watchlists import WatchlistService
from tekser.simulate.traffic import Flight, Planted, make_flights, paxlst, pnrgov
from tekser.storage.screening import SqlScreeningStore
from tekser.storage.watchlists import SqlWatchlistStore

ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")


@pytest.fixture
def iapi(engine: Engine, fixtures_dir: Path) -> IapiService:
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
    lists.import_path(
        fixtures_dir / "lists" / "un" / "consolidated-small.xml", actor="alice", list_id="un", min_entries=3
    )
    store = SqlScreeningStore(engine)
    return IapiService(ScreeningService(SqlWatchlistStore(engine), store), store)


@pytest.fixture
def flight() -> Flight:
    (flight,) = make_flights(seed=5, flights=1, passengers=6, planted=[ASKAR])
    return flight


def segments_of(text: str) -> list[str]:
    body = text.split("\n", 1)[1] if text.startswith("UNA") else text
    return [s.strip() for s in body.split("'") if s.strip()]


def _directives(text: str) -> list[str]:
    return [s.split("+")[1] for s in segments_of(text) if s.startswith("ERC+")]


def test_a_clear_passenger_boards_and_a_hit_is_advisory_with_an_alert(iapi: IapiService, flight: Flight) -> None:
    response, directives = iapi.respond(paxlst(flight, 1, iapi=True))
    by_name = {d.surname: d for d in directives}
    assert by_name["NURLANOV"].directive is Directive.ADVISORY
    assert {d.directive for d in directives if d.surname != "NURLANOV"} == {Directive.OK_TO_BOARD}
    # the response is a CUSRES D05B, one ERP/ERC pair per passenger, in request order
    segments = segments_of(response)
    assert segments[1] == "UNH+1+CUSRES:D:05B:UN:IATA"
    assert "BGM+962" in segments
    assert f"RFF+AF:{flight.carrier}{flight.number}" in segments
    assert _directives(response) == [d.directive.value for d in directives]
    unt = next(s for s in segments if s.startswith("UNT+"))
    assert int(unt.split("+")[1]) == segments.index(unt) - segments.index(segments[1]) + 1  # UNH..UNT
    (alert,) = iapi.store.alerts()  # type: ignore[attr-defined]
    assert alert.entry_key == "un:QDi.901"
    assert alert.cause.startswith("iapi KC")
    # asked again (a re-sent check-in): the same answer, no second alert
    _, again = iapi.respond(paxlst(flight, 2, iapi=True))
    assert [d.directive for d in again] == [d.directive for d in directives]
    assert len(iapi.store.alerts()) == 1  # type: ignore[attr-defined]


def test_no_board_only_after_an_analyst_confirms_the_pair(iapi: IapiService, flight: Flight) -> None:
    askar = next(p for p in flight.passengers if p.surname == "NURLANOV")
    _, (first,) = iapi.respond(paxlst(flight, 1, passengers=[askar], iapi=True))
    assert first.directive is Directive.ADVISORY
    (alert,) = iapi.store.alerts()  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match="who"):
        iapi.confirm(alert.id, by="", reason="passport photo matches")
    change = iapi.confirm(alert.id, by="analyst.b", reason="passport photo matches the UN notice")
    # the passenger was told 2Z: the airline gets an unsolicited status change to 1Z
    assert change is not None
    assert "BGM+132" in segments_of(change)
    assert _directives(change) == ["1Z"]
    assert f"RFF+ABO:{askar.locator}{askar.seat}" in segments_of(change)
    _, (second,) = iapi.respond(paxlst(flight, 2, passengers=[askar], iapi=True))
    assert second.directive is Directive.NO_BOARD
    assert "confirmed" in second.reason
    # already told 1Z: a second confirmation sends nothing
    assert iapi.confirm(alert.id, by="analyst.c", reason="seen again") is None


def test_insufficient_data_is_4z(iapi: IapiService, flight: Flight) -> None:
    text = paxlst(flight, 1, passengers=flight.passengers[:1], iapi=True)
    no_birth_date = "\n".join(line for line in text.split("\n") if not line.startswith("DTM+329"))
    _, (directive,) = iapi.respond(no_birth_date)
    assert (directive.directive, directive.reason) == (Directive.INSUFFICIENT_DATA, "missing date of birth")


def test_an_error_or_a_slow_screening_never_lets_a_passenger_board(
    iapi: IapiService, flight: Flight, monkeypatch: pytest.MonkeyPatch
) -> None:
    clear = next(p for p in flight.passengers if p.surname != "NURLANOV")
    request = paxlst(flight, 1, passengers=[clear], iapi=True)

    def broken() -> None:
        raise RuntimeError("index corrupted")

    monkeypatch.setattr(iapi.screening, "active", broken)
    _, (failed,) = iapi.respond(request)
    assert failed.directive is Directive.ADVISORY
    assert "index corrupted" in failed.reason
    monkeypatch.undo()

    active = iapi.screening.active

    def slow():  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return active()

    monkeypatch.setattr(iapi.screening, "active", slow)
    iapi.budget_seconds = 0.05
    _, (late,) = iapi.respond(request)
    assert late.directive is Directive.ADVISORY
    assert "exceeded the 50 ms budget" in late.reason


def test_the_fallback_cannot_be_ok_to_board(iapi: IapiService) -> None:
    with pytest.raises(InvalidInput, match="0Z"):
        IapiService(iapi.screening, iapi.store, fallback=Directive.OK_TO_BOARD)


def test_a_pnr_is_not_an_iapi_request(iapi: IapiService, flight: Flight) -> None:
    with pytest.raises(MessageError, match="PAXLST"):
        iapi.respond(pnrgov(flight, 1))
