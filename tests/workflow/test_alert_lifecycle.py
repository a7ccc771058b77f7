"""The alert life cycle, checked against a model by Hypothesis (stateful), and its fixed rules."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from tests.workflow.conftest import ASKAR, World

from tekser.domain.alerts import Directive, NewAlert
from tekser.errors import Conflict, Forbidden, InvalidInput, NotFound, TekserError
from tekser.simulate.traffic import make_flights, paxlst
from tekser.storage.tables import alerts

WORKERS = {"ana", "ali", "sue", "sam"}  # analysts and supervisors take alerts through the cycle
SUPERVISORS = {"sue", "sam"}
EVERYONE = ["ana", "ali", "sue", "sam", "aud", "dpo", "admin"]
VERDICTS = ["true_match", "false_positive", "inconclusive", "probably"]
ACTIONS = ["no_board", "refuse_entry", "freeze", "transmit", "deport"]
REASONS = ["", "ok", "passport number and date of birth agree with the listing"]
# mostly steps that can succeed, sometimes ones that must not
WHO = st.one_of(st.sampled_from(sorted(WORKERS)), st.sampled_from(EVERYONE))
SUPERVISOR = st.one_of(st.sampled_from(sorted(SUPERVISORS)), st.sampled_from(EVERYONE))
VERDICT = st.one_of(st.sampled_from(VERDICTS[:3]), st.sampled_from(VERDICTS))
ACTION = st.one_of(st.sampled_from(ACTIONS[:4]), st.sampled_from(ACTIONS))
REASON = st.one_of(st.just(REASONS[-1]), st.sampled_from(REASONS))


@dataclass
class Model:
    """What the rules say the alert is; the service must agree after every step."""

    status: str = "new"
    verdict: str | None = None
    requests: dict[int, tuple[str, str, str | None]] = field(default_factory=dict)  # id -> action, by, answer

    def pending(self) -> set[int]:
        return {i for i, (_, _, answer) in self.requests.items() if answer is None}

    def approved(self) -> set[int]:
        return {i for i, (_, _, answer) in self.requests.items() if answer == "approve"}


def _valid_reason(reason: str) -> bool:
    return len(" ".join(reason.split())) >= 3


class AlertLifeCycle(RuleBasedStateMachine):
    world: World
    done: ClassVar[Counter[str]] = Counter()  # steps that succeeded, over all examples: the run went deep

    def __init__(self) -> None:
        super().__init__()
        self.model = Model()
        self.seen: list[tuple[object, ...]] = []

    @initialize(start=st.sampled_from(["new", "in review", "true match", "requested"]))
    def fresh_alert(self, start: str) -> None:
        """A new alert, or one in review, or already decided a true match (with a request): deeper runs."""
        self.alert = self.world.new_alert()
        if start == "new":
            return
        workflow, ana = self.world.workflow, self.world.who["ana"]
        workflow.review(ana, self.alert)
        self.model.status = "in_review"
        if start == "in review":
            return
        workflow.decide(ana, self.alert, "true_match", REASONS[-1])
        self.model.status, self.model.verdict = "decided", "true_match"
        if start == "requested":
            request_id = workflow.request(ana, self.alert, "freeze", REASONS[-1])
            self.model.requests[request_id] = ("freeze", "ana", None)

    def _do(self, expected: type[TekserError] | None, call, step: str):  # type: ignore[no-untyped-def]
        if expected is None:
            result = call()
            self.done[step] += 1
            return result
        with pytest.raises(expected):
            call()
        return None

    @rule(who=WHO)
    def review(self, who: str) -> None:
        expected = Forbidden if who not in WORKERS else None if self.model.status == "new" else Conflict
        self._do(expected, lambda: self.world.workflow.review(self.world.who[who], self.alert), "review")
        if expected is None:
            self.model.status = "in_review"

    @rule(who=WHO, verdict=VERDICT, reason=REASON,
          suppress=st.sampled_from([False, False, True]))  # fmt: skip
    def decide(self, who: str, verdict: str, reason: str, suppress: bool) -> None:
        expected: type[TekserError] | None
        if who not in WORKERS:
            expected = Forbidden
        elif suppress and verdict != "false_positive":
            expected = InvalidInput
        elif self.model.status != "in_review":
            expected = Conflict
        elif verdict not in VERDICTS[:3] or not _valid_reason(reason):
            expected = InvalidInput
        else:
            expected = None
        call = lambda: self.world.workflow.decide(self.world.who[who], self.alert, verdict, reason, suppress=suppress)  # noqa: E731
        self._do(expected, call, "decide")
        if expected is None:
            self.model.status, self.model.verdict = "decided", verdict

    @rule(who=WHO, reason=REASON)
    def reopen(self, who: str, reason: str) -> None:
        expected: type[TekserError] | None
        if who not in WORKERS:
            expected = Forbidden
        elif self.model.status != "decided" or self.model.pending():
            expected = Conflict
        elif not _valid_reason(reason):
            expected = InvalidInput
        else:
            expected = None
        self._do(expected, lambda: self.world.workflow.reopen(self.world.who[who], self.alert, reason), "reopen")
        if expected is None:
            self.model.status, self.model.verdict = "in_review", None

    @rule(who=WHO, action=ACTION, reason=REASON)
    def request(self, who: str, action: str, reason: str) -> None:
        expected: type[TekserError] | None
        taken = {a for i, (a, _, answer) in self.model.requests.items() if answer in (None, "approve")}
        if who not in WORKERS:
            expected = Forbidden
        elif action not in ACTIONS[:4]:
            expected = InvalidInput
        elif self.model.verdict != "true_match" or action in taken:
            expected = Conflict
        elif not _valid_reason(reason):
            expected = InvalidInput
        else:
            expected = None
        request_id = self._do(
            expected, lambda: self.world.workflow.request(self.world.who[who], self.alert, action, reason), "request"
        )
        if expected is None:
            self.model.requests[request_id] = (action, who, None)

    @precondition(lambda self: bool(self.model.requests))
    @rule(who=SUPERVISOR, approve=st.booleans(), pick=st.integers(0, 10), reason=REASON)
    def answer(self, who: str, approve: bool, pick: int, reason: str) -> None:
        ids = sorted(self.model.requests)
        request_id = ids[pick % len(ids)] if pick < 9 else 10**9  # now and then, a request that does not exist
        expected: type[TekserError] | None
        if who not in SUPERVISORS:
            expected = Forbidden
        elif request_id not in self.model.requests:
            expected = NotFound
        elif self.model.requests[request_id][1] == who:
            expected = Forbidden  # four eyes: nobody approves their own request
        elif self.model.requests[request_id][2] is not None:
            expected = Conflict
        elif not _valid_reason(reason):
            expected = InvalidInput
        else:
            expected = None
        service = self.world.workflow
        call = service.approve if approve else service.reject
        self._do(expected, lambda: call(self.world.who[who], request_id, reason), "approve" if approve else "reject")
        if expected is None:
            action, by, _ = self.model.requests[request_id]
            self.model.requests[request_id] = (action, by, "approve" if approve else "reject")

    @invariant()
    def the_service_agrees_with_the_model(self) -> None:
        if not hasattr(self, "alert"):
            return
        state = self.world.workflow.state(self.alert)
        assert state.status.value == self.model.status
        assert (state.verdict.value if state.verdict else None) == self.model.verdict
        assert {r.id for r in state.pending} == self.model.pending()
        assert {r.id for r in state.approved} == self.model.approved()
        with self.world.engine.connect() as connection:
            stored = connection.execute(select(alerts.c.status).where(alerts.c.id == self.alert)).scalar_one()
        assert stored == self.model.status

    @invariant()
    def records_are_only_ever_appended(self) -> None:
        if not hasattr(self, "alert"):
            return
        now = [(r.id, r.kind, r.value, r.reason, r.actor, r.at) for r in self.world.store.decisions(self.alert)]
        assert now[: len(self.seen)] == self.seen
        self.seen = now


@pytest.mark.slow
def test_the_alert_life_cycle_follows_its_rules_in_any_order_of_steps(world: World) -> None:
    AlertLifeCycle.world = world
    AlertLifeCycle.done.clear()
    # derandomized: the same 100 runs every time and on both databases (swarm testing switches
    # rules off per run, so a random seed, or a shorter run, may by chance never decide or approve)
    runs = settings(max_examples=100, stateful_step_count=30, deadline=None, derandomize=True)
    run_state_machine_as_test(AlertLifeCycle, settings=runs)
    done = AlertLifeCycle.done  # the runs went deep: the fixed cases are tested one by one below
    assert {"review", "decide", "request"} <= set(done) and done["approve"] + done["reject"] > 0, done
    # whatever happened, every step is in the audit chain and the chain holds
    assert world.audit.verify(world.who["aud"]).ok


def test_a_decision_needs_a_reason_and_is_never_edited(world: World) -> None:
    ana = world.who["ana"]
    alert = world.first_alert
    world.workflow.review(ana, alert)
    with pytest.raises(InvalidInput, match="reason"):
        world.workflow.decide(ana, alert, "false_positive", "  ")
    world.workflow.decide(ana, alert, "false_positive", "different date of birth and nationality")
    with pytest.raises(Conflict, match="reopen"):
        world.workflow.decide(ana, alert, "true_match", "changed my mind")
    world.workflow.reopen(ana, alert, "new information from the carrier")
    world.workflow.decide(ana, alert, "true_match", "passport number matches the listing")
    kinds = [(r.kind.value, r.value) for r in world.store.decisions(alert)]
    assert kinds == [
        ("review", ""),
        ("decide", "false_positive"),
        ("reopen", ""),
        ("decide", "true_match"),
    ]
    view = world.workflow.view(world.who["sue"], alert, origin="10.0.0.7", purpose="supervision")
    assert view["status"] == "decided" and view["verdict"] == "true_match"
    assert [d["reason"] for d in view["decisions"]][1] == "different date of birth and nationality"


def test_no_board_takes_effect_only_when_a_second_person_approves(world: World) -> None:
    ana, sue, sam = world.who["ana"], world.who["sue"], world.who["sam"]
    alert = world.first_alert
    world.workflow.review(ana, alert)
    world.workflow.decide(ana, alert, "true_match", "passport number matches the listing")
    (flight,) = make_flights(seed=5, flights=1, passengers=6, planted=[ASKAR])
    _, before = world.iapi.respond(paxlst(flight, 3, iapi=True))
    assert {d.surname: d.directive for d in before}["NURLANOV"] is Directive.ADVISORY  # no approval yet
    request = world.workflow.request(sue, alert, "no_board", "listed for terrorism financing, identity confirmed")
    with pytest.raises(Forbidden, match="second person"):
        world.workflow.approve(sue, request, "approving my own request")
    with pytest.raises(Forbidden):
        world.workflow.approve(ana, request, "analysts do not approve")
    _, still = world.iapi.respond(paxlst(flight, 4, iapi=True))
    assert {d.surname: d.directive for d in still}["NURLANOV"] is Directive.ADVISORY
    change = world.workflow.approve(sam, request, "identity and listing checked")
    assert change is not None and "BGM+132" in change  # the airline was told 2Z before: the status change
    _, after = world.iapi.respond(paxlst(flight, 5, iapi=True))
    assert {d.surname: d.directive for d in after}["NURLANOV"] is Directive.NO_BOARD
    with pytest.raises(Conflict, match="already"):
        world.workflow.reject(world.who["sam"], request, "too late")
    assert world.workflow.pending(sue) == []


def test_four_eyes_hold_when_the_same_person_uses_an_api_key(world: World) -> None:
    sue = world.who["sue"]
    alert = world.first_alert
    world.workflow.review(sue, alert)
    world.workflow.decide(sue, alert, "true_match", "documents agree with the listing")
    request = world.workflow.request(sue, alert, "refuse_entry", "listed, identity confirmed")
    key = world.access.create_key(sue, "batch tool")
    through_key = world.access.api_key(key.key)
    assert through_key.username == "sue" and through_key.via.startswith("api-key:")
    with pytest.raises(Forbidden, match="second person"):
        world.workflow.approve(through_key, request, "approving through a key")
    world.workflow.reject(world.who["sam"], request, "refusal of entry is the border service's call")
    assert world.workflow.state(alert).pending == ()


def _again(world: World, alert_id: int, **subject_changes: str) -> NewAlert:
    """The alert's pair raised again with new evidence (another algorithm version, say)."""
    alert = world.screening.alert(alert_id)
    evidence = alert.evidence | {"subject": alert.evidence["subject"] | subject_changes}
    return NewAlert(alert.entry_key, alert.list_id, alert.version_id, alert.entry_hash, secrets.token_hex(32),
                    alert.score, alert.priority, "rescreen", evidence)  # fmt: skip


def test_a_false_positive_suppresses_the_pair_until_the_data_change(world: World) -> None:
    ana = world.who["ana"]
    alert_id = world.first_alert
    subject_id = world.screening.alert(alert_id).subject_id
    world.workflow.review(ana, alert_id)
    world.workflow.decide(ana, alert_id, "false_positive", "another person: different father's name", suppress=True)
    (suppression,) = world.store.suppressions()
    at = world.clock()
    # the same person and entry, unchanged, with new evidence: no new alert
    world.screening.record_screening(subject_id, {}, [_again(world, alert_id)], at)
    assert [a.id for a in world.screening.alerts()] == [alert_id]
    # the subject's screened data changed: a new alert
    world.screening.record_screening(subject_id, {}, [_again(world, alert_id, nationality="UZB")], at)
    assert len(world.screening.alerts()) == 2
    # lifting is a supervisor's, with a reason; then the pair alerts again
    with pytest.raises(Forbidden):
        world.workflow.lift_suppression(ana, suppression["id"], "not mine to lift")
    world.workflow.lift_suppression(world.who["sue"], suppression["id"], "the decision was wrong")
    assert world.store.suppressions() == []
    world.screening.record_screening(subject_id, {}, [_again(world, alert_id)], at)
    assert len(world.screening.alerts()) == 3


def test_only_a_false_positive_suppresses(world: World) -> None:
    ana = world.who["ana"]
    world.workflow.review(ana, world.first_alert)
    with pytest.raises(InvalidInput, match="false positive"):
        world.workflow.decide(ana, world.first_alert, "inconclusive", "cannot tell from the data", suppress=True)
    assert world.store.suppressions() == []
