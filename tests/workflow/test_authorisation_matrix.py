"""Every role × every action, allowed or refused — through the real services.

The expected table is written out here, independently of :data:`tekser.domain.access.MATRIX`:
a change to the matrix must be a change to this table too. Each action has a probe that really
performs it (on fresh data), so "allowed" means the step succeeded and "refused" means the
service raised Forbidden before touching anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from tests.workflow.conftest import World

from tekser.domain.access import MATRIX, Action, Principal, Role, allowed
from tekser.errors import Forbidden

# A = analyst, S = supervisor, U = auditor, M = administrator, D = data-protection officer, V = service
EXPECTED = """
action              A S U M D V
alert.list          y y y . y .
alert.view          y y y . y .
alert.review        y y . . . .
alert.decide        y y . . . .
alert.reopen        y y . . . .
outcome.record      y y . . . .
suppression.lift    . y . . . .
action.request      y y . . . V
action.approve      . y . . . V
action.reject       . y . . . V
internal.view       y y y . y .
internal.propose    y y . . . .
internal.approve    . y . . . .
internal.delist     . y . . . .
case.view           y y y . y .
case.edit           y y . . . .
case.close          y y . . . .
case.export         y y y . . .
audit.view          . . y . y .
audit.verify        . . y y y .
audit.export_head   . . y y . .
audit.admin_report  . . y y y .
user.manage         . . . y . .
key.own             y y y y y y
key.manage          . . . y . .
policy.change       . . . y y .
list.import         . . . y . .
list.view           y y y y y y
travel.ingest       y y . . . y
screening.run       y y . . . y
"""
ROLE_OF_COLUMN = [Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR, Role.DPO, Role.SERVICE]
TABLE = {
    (Action(line.split()[0]), role): flag == "y"
    for line in EXPECTED.strip().splitlines()[1:]
    for role, flag in zip(ROLE_OF_COLUMN, line.split()[1:], strict=True)
}
ACTOR_OF_ROLE = {Role.ANALYST: "ali", Role.SUPERVISOR: "sam", Role.AUDITOR: "aud", Role.ADMINISTRATOR: "admin",
                 Role.DPO: "dpo", Role.SERVICE: "svc"}  # fmt: skip
REASON = "checked against the listing and the documents"
PERSON = {"family_name": "TESTOV", "given_name": "Marat", "birth_date": "1980-02-03", "nationality": "KZ"}


def test_the_table_covers_every_action_and_role_and_equals_the_matrix() -> None:
    assert {action for action, _ in TABLE} == set(Action)
    assert set(MATRIX) == set(Action)
    for (action, role), expected in TABLE.items():
        assert allowed(role, action) is expected, (role.value, action.value)


def _decided(w: World, verdict: str = "true_match") -> int:
    alert = w.new_alert()
    w.workflow.review(w.who["ana"], alert)
    w.workflow.decide(w.who["ana"], alert, verdict, REASON, suppress=verdict == "false_positive")
    return alert


def _request(w: World) -> int:
    return w.workflow.request(w.who["ana"], _decided(w), "freeze", REASON)


def _proposed(w: World) -> int:
    return w.internal.propose(w.who["ana"], "watch", PERSON, legal_basis="Art. 5", source="note 12/26",
                              review_date="2027-01-01")  # fmt: skip


def _case(w: World) -> int:
    case = w.cases.create(w.who["ana"], "Flight KC 901")
    w.cases.add_alert(w.who["ana"], case, w.first_alert)
    return case


def _key_of_someone_else(w: World, p: Principal) -> int:
    owner = w.who["dpo" if p.username != "dpo" else "aud"]
    return w.access.create_key(owner, "theirs").key_id


PROBES: dict[Action, Callable[[World, Principal], object]] = {
    Action.ALERT_LIST: lambda w, p: w.workflow.list_alerts(p),
    Action.ALERT_VIEW: lambda w, p: w.workflow.view(p, w.first_alert),
    Action.ALERT_REVIEW: lambda w, p: w.workflow.review(p, w.new_alert()),
    Action.ALERT_DECIDE: lambda w, p: (
        a := w.new_alert(),
        w.workflow.review(w.who["ana"], a),
        w.workflow.decide(p, a, "inconclusive", REASON),
    ),
    Action.ALERT_REOPEN: lambda w, p: w.workflow.reopen(p, _decided(w), REASON),
    Action.OUTCOME_RECORD: lambda w, p: w.workflow.record_outcome(p, w.first_alert, "not_encountered"),
    Action.SUPPRESSION_LIFT: lambda w, p: (
        _decided(w, "false_positive"),
        w.workflow.lift_suppression(p, w.store.suppressions()[-1]["id"], REASON),
    ),
    Action.ACTION_REQUEST: lambda w, p: w.workflow.request(p, _decided(w), "freeze", REASON),
    Action.ACTION_APPROVE: lambda w, p: w.workflow.approve(p, _request(w), REASON),
    Action.ACTION_REJECT: lambda w, p: w.workflow.reject(p, _request(w), REASON),
    Action.INTERNAL_VIEW: lambda w, p: w.internal.entries(p),
    Action.INTERNAL_PROPOSE: lambda w, p: w.internal.propose(
        p, "watch", PERSON, legal_basis="Art. 5", source="note", review_date="2027-01-01"
    ),
    Action.INTERNAL_APPROVE: lambda w, p: w.internal.approve(p, _proposed(w), REASON),
    Action.INTERNAL_DELIST: lambda w, p: (
        e := _proposed(w),
        w.internal.approve(w.who["sue"], e, REASON),
        w.internal.delist(p, e, REASON),
    ),
    Action.CASE_VIEW: lambda w, p: w.cases.view(p, _case(w)),
    Action.CASE_EDIT: lambda w, p: w.cases.note(p, _case(w), "the carrier confirmed the seat"),
    Action.CASE_CLOSE: lambda w, p: w.cases.close(p, _case(w), "no further action: the person was not listed"),
    Action.CASE_EXPORT: lambda w, p: w.cases.export(p, _case(w)),
    Action.AUDIT_VIEW: lambda w, p: w.audit.events(p),
    Action.AUDIT_VERIFY: lambda w, p: w.audit.verify(p),
    Action.AUDIT_ADMIN_REPORT: lambda w, p: w.audit.admin_report(p),
    Action.AUDIT_EXPORT_HEAD: lambda w, p: w.audit.head(p),
    Action.USER_MANAGE: lambda w, p: w.access.add_user(p, f"new-{p.username}", Role.AUDITOR),
    Action.KEY_OWN: lambda w, p: w.access.create_key(p, "mine"),
    Action.KEY_MANAGE: lambda w, p: w.access.revoke_key(p, _key_of_someone_else(w, p), REASON),
    Action.POLICY_CHANGE: lambda w, p: w.administration.set_policy(
        p, "un", "category", "terrorism", enabled=True, reason=REASON
    ),
    Action.LIST_IMPORT: lambda w, p: w.administration.import_path(
        p, w.fixtures / "lists" / "un" / "consolidated-small.xml", list_id="un", min_entries=3
    ),
    # the command line's door to ingest, screening and list views (tests/cli/test_cli_access.py runs them)
    Action.LIST_VIEW: lambda w, p: w.operations.begin(p, Action.LIST_VIEW, ("lists.active", "*")),
    Action.TRAVEL_INGEST: lambda w, p: w.operations.begin(p, Action.TRAVEL_INGEST, ("messages", "api-1.edi")),
    Action.SCREENING_RUN: lambda w, p: w.operations.begin(p, Action.SCREENING_RUN, ("subjects", "stored")),
}


def test_every_action_has_a_probe() -> None:
    assert set(PROBES) == set(Action)


@pytest.mark.parametrize("role", ROLE_OF_COLUMN, ids=lambda r: r.value)
def test_each_role_can_do_exactly_what_the_table_allows(world: World, role: Role) -> None:
    principal = world.who[ACTOR_OF_ROLE[role]]
    world.clock.now = world.clock.now.replace(year=2026, month=6, day=1)
    assert world.clock().date() < date(2027, 1, 1)
    outcomes = {}
    for action, probe in PROBES.items():
        try:
            probe(world, principal)
        except Forbidden:
            outcomes[action] = False
        else:
            outcomes[action] = True
    expected = {action: TABLE[(action, role)] for action in Action}
    assert outcomes == expected
