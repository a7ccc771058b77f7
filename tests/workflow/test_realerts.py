"""A decided pair is not alerted again unless what was compared changed (issue 15): not after a
policy change, not after an unrelated list import; a re-alert names the earlier decision and
what changed; a decided false positive alerts again only when the same comparison scores
clearly higher."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.workflow.conftest import World

from tekser.domain.alerts import RESCORE_MARGIN, NewAlert
from tekser.domain.policy import PolicyScope
from tekser.services.screening_service import ScreeningService
from tekser.storage.screening import SqlScreeningStore
from tekser.storage.watchlists import SqlWatchlistStore


class Seen(SqlScreeningStore):
    """The real store, keeping the alerts screening asked it to record."""

    def __init__(self, world: World) -> None:
        super().__init__(world.engine)
        self.offered: list[NewAlert] = []

    def record_screenings(self, results: list[Any], *args: Any, **kwargs: Any) -> int:
        self.offered += [alert for _, alerts in results for alert in alerts]
        return super().record_screenings(results, *args, **kwargs)


def _screen_again(world: World) -> tuple[int, list[NewAlert]]:
    """Every stored subject screened again by a new process; (alerts created, alerts offered)."""
    store = Seen(world)
    service = ScreeningService(SqlWatchlistStore(world.engine), store, clock=world.clock)
    created = service.screen_subjects(store.subject_ids(), "rerun")["alerts"]
    return created, store.offered


def _no_board(world: World, alert_id: int) -> None:
    ana, sue, sam = world.who["ana"], world.who["sue"], world.who["sam"]
    world.workflow.review(ana, alert_id)
    world.workflow.decide(ana, alert_id, "true_match", "passport number matches the listing")
    request = world.workflow.request(sue, alert_id, "no_board", "listed, identity confirmed")
    world.workflow.approve(sam, request, "identity and listing checked")


def test_a_policy_change_or_an_unrelated_import_does_not_alert_a_decided_pair_again(world: World) -> None:
    first = world.screening.alert(world.first_alert)
    _no_board(world, first.id)
    world.lists.set_policy("un", PolicyScope.CATEGORY, "proliferation", enabled=False, actor="dpo", reason="scope")
    created, offered = _screen_again(world)
    assert created == 0
    ofac = world.fixtures / "lists" / "ofac" / "sdn.csv"
    (outcome,) = world.lists.import_path(ofac.parent, actor="admin", list_id="ofac", min_entries=3)
    assert outcome.status == "imported", outcome.reason
    created, offered = _screen_again(world)
    assert sorted(a.entry_key for a in world.screening.alerts()) == ["ofac:90001", first.entry_key]  # new entry: new
    # the evidence did change (weights, policy text): the old identity would have alerted again
    (again,) = [a for a in offered if a.entry_key == first.entry_key]
    assert again.evidence_hash != first.evidence_hash
    (alert,) = [a for a in world.screening.alerts() if a.entry_key == first.entry_key]
    assert (alert.id, alert.status) == (first.id, world.screening.alert(first.id).status)
    assert alert.status != "new"


def test_an_entry_changed_since_the_decision_alerts_again_naming_the_decision_and_the_change(
    world: World, tmp_path: Path
) -> None:
    first = world.screening.alert(world.first_alert)
    _no_board(world, first.id)
    original = (world.fixtures / "lists" / "un" / "consolidated-small.xml").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", original, flags=re.S) if "QDi.901" in b)
    changed = block.replace("<VALUE>Facilitator </VALUE>", "<VALUE>Financier</VALUE>")
    un = tmp_path / "un.xml"
    un.write_text(original.replace(block, changed), encoding="utf-8")
    (outcome,) = world.lists.import_path(un, actor="admin", list_id="un", min_entries=3)
    assert outcome.status == "imported", outcome.reason
    service = ScreeningService(SqlWatchlistStore(world.engine), SqlScreeningStore(world.engine), clock=world.clock)
    assert service.rescreen("un")["alerts"] == 1
    (realert,) = [a for a in world.screening.alerts() if a.id != first.id]
    assert realert.status == "new" and realert.entry_key == first.entry_key
    earlier = realert.evidence["earlier"]
    assert earlier["alert"] == first.id
    assert (earlier["decision"]["kind"], earlier["decision"]["value"], earlier["decision"]["by"]) == (
        "approve",
        "no_board",
        "sam",
    )
    assert any(change.startswith("entry.positions") for change in earlier["why_new"]), earlier
    assert "the data compared changed" not in earlier["why_new"]  # it says what
    # and the re-alert itself is not raised a third time
    assert service.rescreen("un")["alerts"] == 0
    assert _screen_again(world)[0] == 0


def test_a_false_positive_alerts_again_only_when_the_same_comparison_scores_clearly_higher(world: World) -> None:
    alert = world.screening.alert(world.first_alert)
    world.workflow.review(world.who["ana"], alert.id)
    world.workflow.decide(world.who["ana"], alert.id, "false_positive", "another person", suppress=True)
    same = NewAlert(alert.entry_key, alert.list_id, alert.version_id, alert.entry_hash, "0" * 64,
                    alert.score, alert.priority, "rerun", alert.evidence)  # fmt: skip
    at = world.clock()
    nudged = replace(same, score=alert.score + RESCORE_MARGIN / 2, evidence_hash="1" * 64)
    assert world.screening.record_screening(alert.subject_id, {}, [nudged], at) == 0
    higher = replace(same, score=alert.score + 2 * RESCORE_MARGIN, evidence_hash="2" * 64)
    assert world.screening.record_screening(alert.subject_id, {}, [higher], at) == 1
    (realert,) = [a for a in world.screening.alerts() if a.id != alert.id]
    earlier = realert.evidence["earlier"]
    assert earlier["decision"]["value"] == "false_positive"
    assert any(reason.startswith("score ") for reason in earlier["why_new"])
    assert world.screening.record_screening(alert.subject_id, {}, [replace(higher, evidence_hash="3" * 64)], at) == 0


def test_alerts_stored_before_the_comparison_hash_get_it_from_their_frozen_evidence(world: World) -> None:
    from alembic import command
    from sqlalchemy import select

    from tekser.domain.alerts import comparison_hash
    from tekser.storage.database import _alembic_config
    from tekser.storage.tables import alerts, suppressions

    alert = world.screening.alert(world.first_alert)
    world.workflow.review(world.who["ana"], alert.id)
    world.workflow.decide(world.who["ana"], alert.id, "false_positive", "another person", suppress=True)
    world.access.create_key(world.who["ana"], "laptop")  # rows that refer to users, as in any deployment
    config = _alembic_config()
    for target in ("0005", "head"):  # as a database written by the previous release, then upgraded
        with world.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0005" else command.upgrade)(config, target)
    with world.engine.connect() as connection:
        compared = connection.execute(select(alerts.c.compared_hash).where(alerts.c.id == alert.id)).scalar_one()
        (score,) = connection.execute(select(suppressions.c.score)).scalars()
    assert compared == comparison_hash(alert.evidence["subject"], alert.entry_hash)
    assert score == alert.score
    same = NewAlert(alert.entry_key, alert.list_id, alert.version_id, alert.entry_hash, "9" * 64,
                    alert.score, alert.priority, "rerun", alert.evidence)  # fmt: skip
    assert world.screening.record_screening(alert.subject_id, {}, [same], world.clock()) == 0


def test_a_lifted_suppression_alerts_again_on_the_same_evidence(world: World) -> None:
    alert = world.screening.alert(world.first_alert)
    world.workflow.review(world.who["ana"], alert.id)
    world.workflow.decide(world.who["ana"], alert.id, "false_positive", "another person", suppress=True)
    (suppression,) = world.store.suppressions()
    world.workflow.lift_suppression(world.who["sue"], suppression["id"], "the decision was wrong")
    created, _ = _screen_again(world)  # the same subject, entry and evidence as the first alert
    assert created == 1
    (realert,) = [a for a in world.screening.alerts() if a.id != alert.id]
    earlier = realert.evidence["earlier"]
    assert earlier["decision"]["value"] == "false_positive"
    assert earlier["why_new"] == ["the false-positive suppression was lifted"]
    assert _screen_again(world)[0] == 0  # and once only
