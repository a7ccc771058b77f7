"""The audit chain as an outside verifier sees it: the bytes each hash covers (RFC 8785 JSON,
written out here by hand), and what verification reports at the first broken record."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime

from tekser.domain.audit import AuditEvent, AuditRecord, chain_hash, payload, seal, verify

AT = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
EVENT = AuditEvent("ana", "alert.view", "alert", "17", AT, "review", "10.0.0.5", {"n": 2, "b": "é"})


def test_the_hashed_bytes_are_the_jcs_form_of_every_field() -> None:
    # RFC 8785: keys sorted, no whitespace, non-ASCII as UTF-8 (not \u escapes)
    expected = (
        '{"action":"alert.view","actor":"ana","at":"2026-06-01T09:00:00+00:00",'
        '"details":{"b":"é","n":2},"object_id":"17","object_type":"alert",'
        '"origin":"10.0.0.5","purpose":"review","seq":3}'
    ).encode()
    assert payload(3, EVENT) == expected
    prev = "ab" * 32
    assert chain_hash(prev, 3, EVENT) == hashlib.sha256(prev.encode("ascii") + expected).hexdigest()


def test_the_chain_starts_at_one_from_sixty_four_zeros() -> None:
    first = seal(None, EVENT)
    second = seal(first, EVENT)
    assert (first.seq, first.prev_hash) == (1, "0" * 64)
    assert (second.seq, second.prev_hash) == (2, first.row_hash)
    assert first.row_hash == hashlib.sha256(b"0" * 64 + payload(1, EVENT)).hexdigest()


def _chain(n: int) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    prev: AuditRecord | None = None
    for i in range(n):
        prev = seal(prev, replace(EVENT, object_id=str(i)))
        records.append(prev)
    return records


def test_verification_names_the_first_broken_record_and_why() -> None:
    records = _chain(4)
    good = verify(records)
    assert (good.ok, good.records, good.head, good.broken_at, good.reason) == (
        True,
        4,
        (4, records[3].row_hash),
        None,
        "",
    )
    assert verify([]) == verify(iter([]))
    assert (verify([]).ok, verify([]).records, verify([]).head) == (True, 0, None)

    altered = [*records[:2], replace(records[2], event=replace(records[2].event, actor="mallory")), records[3]]
    result = verify(altered)
    assert (result.ok, result.records, result.broken_at, result.reason, result.head) == (
        False,
        3,
        3,
        "content altered (row_hash does not match)",
        None,
    )
    gap = verify([records[0], records[2], records[3]])
    assert (gap.ok, gap.broken_at, gap.reason) == (False, 2, "sequence 3 where 2 was expected")
    resealed = replace(records[1], prev_hash="f" * 64)
    relinked = verify([records[0], replace(resealed, row_hash=chain_hash("f" * 64, 2, resealed.event))])
    assert (relinked.ok, relinked.broken_at, relinked.reason) == (
        False,
        2,
        "does not follow the previous record (prev_hash)",
    )


def test_an_exported_head_catches_a_changed_or_removed_end() -> None:
    records = _chain(4)
    head = (3, records[2].row_hash)
    assert verify(records, head).ok
    assert verify(records[:3], head).ok
    cut = verify(records[:2], head)
    assert (cut.ok, cut.records, cut.head, cut.broken_at, cut.reason) == (
        False,
        2,
        (2, records[1].row_hash),
        3,
        "record 3 of the exported head is missing",
    )
    other = verify(records, (3, "0" * 64))
    assert (other.ok, other.broken_at, other.reason) == (False, 3, "differs from the exported head")
