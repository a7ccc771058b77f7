"""Internal watchlists: proposed, approved by another person, screened, reviewed, expired, delisted."""

from __future__ import annotations

from datetime import date

import pytest
from tests.workflow.conftest import World

from tekser.errors import Conflict, Forbidden, InvalidInput
from tekser.matching.screener import Subject
from tekser.services.screening_service import ScreeningService
from tekser.storage.watchlists import SqlWatchlistStore

PERSON = {
    "family_name": "ABENOV",
    "given_name": "Serik",
    "patronymic": "Muratuly",
    "birth_date": "1984-11-02",
    "nationality": "KZ",
    "documents": "passport:N09876543:KZ",
    "category": "terrorism",
}


def _propose(world: World, **changes: str | None) -> int:
    options = {"legal_basis": "Law 416-I Art. 12", "source": "KNB letter 77/2026", "review_date": "2026-12-01"}
    options |= changes
    return world.internal.propose(world.who["ana"], "kz-watch", PERSON, **options)  # type: ignore[arg-type]


def _listed(world: World) -> set[str]:
    return {e.key for e in world.lists.active_entries(["kz-watch"])}


def _screen(world: World) -> list[str]:
    service = ScreeningService(SqlWatchlistStore(world.engine), world.screening)
    screener = service.active().screener
    subject = Subject(id="t1", name="Serik ABENOV", birth_date=None, nationality="KAZ")
    return [m.key for m in screener.screen(subject).matches]


def test_an_entry_is_screened_only_after_a_second_person_approves_it(world: World) -> None:
    entry = _propose(world)
    assert world.internal.entry(world.who["sue"], entry)["status"] == "proposed"
    assert not [v for v in world.lists.versions() if v.list_id == "kz-watch"]  # nothing published yet
    with pytest.raises(Forbidden):
        world.internal.approve(world.who["ali"], entry, "analysts propose, supervisors approve")
    version = world.internal.approve(world.who["sue"], entry, "basis and source checked")
    assert version == "kz-watch@1"
    assert _listed(world) == {f"kz-watch:E{entry}"}
    assert f"kz-watch:E{entry}" in _screen(world)
    (published,) = world.lists.active_entries(["kz-watch"])
    attributes = {a.name: a.value for a in published.attributes}
    assert attributes.get("review_date") == "2026-12-01"
    with pytest.raises(Conflict, match="active"):
        world.internal.approve(world.who["sam"], entry, "again")


def test_a_supervisor_cannot_approve_their_own_proposal(world: World) -> None:
    entry = world.internal.propose(world.who["sue"], "kz-watch", PERSON, legal_basis="Art. 12", source="letter",
                                   review_date="2026-12-01")  # fmt: skip
    with pytest.raises(Forbidden, match="second person"):
        world.internal.approve(world.who["sue"], entry, "my own")
    world.internal.reject(world.who["sam"], entry, "the source is a single anonymous tip")
    assert world.internal.entry(world.who["sam"], entry)["status"] == "rejected"


def test_a_bad_proposal_is_refused_with_the_field_named(world: World) -> None:
    with pytest.raises(InvalidInput, match="review_date"):
        _propose(world, review_date="01.12.2026")
    with pytest.raises(InvalidInput, match="legal_basis"):
        _propose(world, legal_basis=" ")
    with pytest.raises(InvalidInput, match="birth_date"):
        world.internal.propose(world.who["ana"], "kz-watch", PERSON | {"birth_date": "1984-13-40"},
                               legal_basis="Art. 12", source="letter", review_date="2026-12-01")  # fmt: skip
    with pytest.raises(InvalidInput, match="unknown field"):
        world.internal.propose(world.who["ana"], "kz-watch", PERSON | {"religion": "x"},
                               legal_basis="Art. 12", source="letter", review_date="2026-12-01")  # fmt: skip


def test_review_expiry_and_delisting(world: World) -> None:
    sue = world.who["sue"]
    first = _propose(world, expires_on="2026-09-30")
    second = _propose(world)
    world.internal.approve(sue, first, "checked")
    world.internal.approve(sue, second, "checked")
    assert len(_listed(world)) == 2
    world.clock.now = world.clock.now.replace(month=12, day=2)
    assert world.internal.expire(sue) == [first]
    assert {e["id"] for e in world.internal.due_for_review(sue)} == {second}
    assert _listed(world) == {f"kz-watch:E{second}"}
    world.internal.review(sue, second, "2027-12-01", "the designation still stands")
    assert world.internal.due_for_review(sue) == []
    with pytest.raises(InvalidInput, match="reason"):
        world.internal.delist(sue, second, "")
    world.internal.delist(sue, second, "court ruling 2-123/2026 lifted the measure")
    entry = world.internal.entry(sue, second)
    assert entry["status"] == "delisted"
    assert [(e["kind"], e["actor"]) for e in entry["events"]] == [
        ("propose", "ana"),
        ("approve", "sue"),
        ("review", "sue"),
        ("delist", "sue"),
    ]
    assert entry["events"][-1]["reason"] == "court ruling 2-123/2026 lifted the measure"
    # nothing left: the list is switched off rather than emptied, and screening finds nothing
    assert not world.lists.policy().list_enabled("kz-watch")
    assert not [k for k in _screen(world) if k.startswith("kz-watch:")]
    # a new approval switches it on again
    third = _propose(world, review_date="2027-06-01")
    world.internal.approve(world.who["sam"], third, "new information")
    assert world.lists.policy().list_enabled("kz-watch")
    assert _listed(world) == {f"kz-watch:E{third}"}
    assert date.fromisoformat(world.internal.entry(sue, third)["approved_on"]) == world.clock().date()
