"""The audit log: every view and change is recorded, and any tampering is detected."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from tests.workflow.conftest import World

from tekser.domain.audit import GENESIS, AuditEvent, AuditRecord, chain_hash, seal, verify
from tekser.errors import Forbidden, InvalidInput
from tekser.services.audit import parse_anchor

START = datetime(2026, 1, 1, tzinfo=UTC)


def _events(n: int, rng: random.Random) -> list[AuditEvent]:
    actions = ["alert.view", "alert.decide", "list.import", "policy.change", "case.export", "auth.login"]
    return [
        AuditEvent(
            actor=rng.choice(["ana", "sue", "aud", "admin (api-key:x1)"]),
            action=rng.choice(actions),
            object_type="alert",
            object_id=str(rng.randrange(1, 500)),
            at=START + timedelta(seconds=i, microseconds=rng.randrange(10**6)),
            purpose=rng.choice(["", "screening", "Қасымов: паспорт сверен", "مراجعة"]),
            origin=rng.choice(["cli", "10.1.2.3", "::1"]),
            details={"n": i, "score": rng.random(), "tags": [rng.randrange(9) for _ in range(rng.randrange(3))]},
        )
        for i in range(n)
    ]


def _chain(events: list[AuditEvent]) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for event in events:
        records.append(seal(records[-1] if records else None, event))
    return records


def _rehash_from(records: list[AuditRecord], start: int) -> list[AuditRecord]:
    """What a superuser covering their tracks does: renumber and recompute every later hash."""
    out = records[:start]
    for record in records[start:]:
        prev = out[-1].row_hash if out else GENESIS
        seq = len(out) + 1
        out.append(AuditRecord(seq, record.event, prev, chain_hash(prev, seq, record.event)))
    return out


def _altered_event(event: AuditEvent, rng: random.Random) -> AuditEvent:
    field = rng.choice(["actor", "action", "object_type", "object_id", "purpose", "origin", "at", "details"])
    if field == "at":
        return replace(event, at=event.at + timedelta(microseconds=rng.choice([-1, 1, 3600 * 10**6])))
    if field == "details":
        details = dict(event.details)
        if rng.random() < 0.5 or not details:
            details["reason"] = "edited afterwards"
        else:
            details.pop(rng.choice(sorted(details)))
        return replace(event, details=details)
    value = getattr(event, field)
    changed = (value + "x") if rng.random() < 0.5 or not value else value[:-1] + chr(ord(value[-1]) ^ 1)
    return replace(event, **{field: changed})


def tamper(records: list[AuditRecord], rng: random.Random) -> tuple[str, list[AuditRecord], tuple[int, int]]:
    """One random tampering of one random record (some followed by a cover-up); also where the
    verifier must report it: the range of acceptable 1-based positions."""
    out = list(records)
    i = rng.randrange(len(out))
    kind = rng.choice(
        ["alter", "alter+rehash", "prev_hash", "row_hash", "delete", "delete+rehash", "insert", "insert+rehash",
         "swap", "duplicate", "truncate", "reseq"]
    )  # fmt: skip
    r = out[i]
    # a local change shows at the record itself, or — an inserted or duplicated record being
    # consistent with its predecessor — at the next one; a cover-up only against the kept head
    where = (i + 1, i + 2)
    if kind.startswith("alter"):
        out[i] = replace(r, event=_altered_event(r.event, rng))
    elif kind == "prev_hash":
        out[i] = replace(r, prev_hash=format(rng.getrandbits(256), "064x"))
    elif kind == "row_hash":
        out[i] = replace(r, row_hash=format(rng.getrandbits(256), "064x"))
    elif kind.startswith("delete"):
        del out[i]
    elif kind.startswith("insert"):
        out.insert(i, seal(out[i - 1] if i else None, replace(r.event, actor="nobody", purpose="forged")))
    elif kind == "swap":
        j = (i + rng.randrange(1, len(out))) % len(out)
        out[i], out[j] = out[j], out[i]
        where = (min(i, j) + 1, min(i, j) + 1)
    elif kind == "duplicate":
        out.insert(i, r)
    elif kind == "truncate":
        out = out[:i]
        where = (i + 1, i + 1)  # the kept head's record is missing after the last one left
    elif kind == "reseq":
        out[i] = replace(r, seq=r.seq + rng.choice([-1, 1, 1000]))
    if kind.endswith("rehash"):
        out = _rehash_from(out, i)
        where = (len(records) - 1, len(out) + 1)  # at the kept head: its record differs or is gone
    return f"{kind} at record {i + 1}", out, where


def test_a_thousand_random_tamperings_are_all_detected() -> None:
    rng = random.Random(20261202)
    records = _chain(_events(400, rng))
    anchor = (records[-1].seq, records[-1].row_hash)  # the head exported and kept elsewhere
    assert verify(records, anchor).ok
    missed = []
    kinds: set[str] = set()
    misplaced = []
    for _ in range(1000):
        what, tampered, (first, last) = tamper(records, rng)
        kinds.add(what.split()[0])
        result = verify(tampered, anchor)
        if result.ok:
            missed.append(what)
        elif result.broken_at is None or not first <= result.broken_at <= last or not result.reason:
            misplaced.append((what, result.broken_at, result.reason))
    assert missed == []
    assert misplaced == []
    assert len(kinds) == 12  # every kind of tampering was tried


def test_without_an_anchor_a_cover_up_passes_and_with_one_it_does_not() -> None:
    """Why the head is exported: a full recomputation is only caught against a kept head."""
    rng = random.Random(7)
    records = _chain(_events(50, rng))
    anchor = (records[-1].seq, records[-1].row_hash)
    covered = _rehash_from([*records[:10], *records[11:]], 10)
    assert verify(covered).ok
    result = verify(covered, anchor)
    assert not result.ok
    truncated = records[:-3]
    assert verify(truncated).ok and not verify(truncated, anchor).ok
    assert "missing" in verify(truncated, anchor).reason


def test_the_verifier_names_the_first_broken_record() -> None:
    rng = random.Random(3)
    records = _chain(_events(20, rng))
    records[6] = replace(records[6], event=replace(records[6].event, purpose="rewritten"))
    result = verify(records)
    assert (result.ok, result.broken_at) == (False, 7)
    assert "altered" in result.reason


def _drop_triggers(engine: Engine) -> None:
    """What an attacker with full database rights does first."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            for name in connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'")
            ).scalars():
                connection.execute(text(f'DROP TRIGGER "{name}"'))


def test_the_database_refuses_to_change_or_remove_audit_records(world: World) -> None:
    assert world.audit_store.count() >= 8  # the list imported, seven users created: all audited
    for statement in (
        "UPDATE audit_events SET actor = 'nobody' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 3",
        "DELETE FROM audit_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), world.engine.begin() as connection:
            connection.execute(text(statement))
    for statement in ("UPDATE alert_decisions SET reason = 'x'", "DELETE FROM case_items"):
        with world.engine.begin() as connection:
            # empty tables still refuse: the trigger fires per statement or row, and there is none yet
            connection.execute(text(statement))
    assert world.audit.verify(world.who["aud"]).ok


def test_tampering_in_the_database_itself_is_detected(world: World) -> None:
    aud = world.who["aud"]
    head = world.audit.head(world.who["admin"])
    anchor = parse_anchor(f'{{"seq": {head["seq"]}, "row_hash": "{head["row_hash"]}"}}')
    assert world.audit.verify(aud, anchor).ok
    _drop_triggers(world.engine)
    with world.engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET purpose = 'nothing to see' WHERE seq = 4"))
    result = world.audit.verify(aud, anchor)
    assert (result.ok, result.broken_at) == (False, 4)
    # the verification is itself audited, with its finding
    last = world.audit_store.head()
    assert last is not None and last.event.action == "audit.verify" and last.event.details["ok"] is False


def test_records_deleted_from_the_end_are_caught_with_the_exported_head(world: World) -> None:
    head = world.audit.head(world.who["admin"])
    world.workflow.view(world.who["ana"], world.first_alert)
    _drop_triggers(world.engine)
    with world.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq >= :seq"), {"seq": head["seq"] - 1})
    assert world.audit.verify(world.who["aud"]).ok  # the chain alone looks fine ...
    assert not world.audit.verify(world.who["aud"], (head["seq"], head["row_hash"])).ok  # ... the head does not


def test_refusals_are_audit_events_too(world: World) -> None:
    with pytest.raises(Forbidden):
        world.workflow.view(world.who["admin"], world.first_alert)
    refused = world.audit.events(world.who["aud"], action="access.denied")
    assert [(e["actor"], e["object_id"]) for e in refused] == [("admin (cli)", "alert.view")]


def test_every_view_of_personal_data_and_every_change_is_an_audit_event(world: World) -> None:
    ana, sue = world.who["ana"], world.who["sue"]
    world.workflow.list_alerts(ana, origin="10.0.0.5", purpose="daily queue")
    world.workflow.view(ana, world.first_alert, origin="10.0.0.5", purpose="review")
    world.workflow.review(ana, world.first_alert, origin="10.0.0.5")
    world.workflow.decide(ana, world.first_alert, "inconclusive", "no document in the API data", origin="10.0.0.5")
    world.lists.set_policy("un", "category", "terrorism", enabled=True, actor="admin", reason="confirm the scope")
    events = world.audit.events(world.who["aud"], limit=1000)
    by_action = {(e["action"], e["actor"]) for e in events}
    assert {
        ("list.import", "admin"),
        ("user.create", "admin (cli)"),
        ("alert.list", "ana (cli)"),
        ("alert.view", "ana (cli)"),
        ("alert.review", "ana (cli)"),
        ("alert.decide", "ana (cli)"),
    } <= by_action
    decided = next(e for e in events if e["action"] == "alert.decide")
    assert (decided["purpose"], decided["origin"], decided["object_id"]) == (
        "no document in the API data",
        "10.0.0.5",
        str(world.first_alert),
    )
    assert world.audit_store.head().event.action == "audit.view"  # type: ignore[union-attr]
    with pytest.raises(Forbidden):
        world.audit.events(sue)
    with pytest.raises(InvalidInput):
        parse_anchor('{"seq": 1}')
