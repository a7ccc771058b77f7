"""Internal watchlists: analysts propose, a supervisor (another person) approves, entries come up
for review, expire, and are delisted with a reason — every step recorded and audited.

An internal list is screened like any other list: the active entries of a list are published as
a new version of it (the ``national/1`` format, :mod:`tekser.ingest.lists.national`), so alerts
on internal entries carry a list version and frozen evidence like the rest, and list diffs and
rescreening work unchanged. A proposal is validated by that same reader when it is made, so a
bad date or document is refused with its field named, before anyone approves it.

When the last entry of a list leaves it, an empty version cannot be published (a list is never
emptied by accident): the list is disabled in the deployment policy instead, and enabled again
when it has entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Protocol

from tekser.domain.access import Action, Principal, authorize, require_second_person
from tekser.domain.audit import AuditEvent
from tekser.domain.limits import bounded
from tekser.errors import Conflict, InvalidInput

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MIN_REASON = 3
# what a proposal may say about the person or organisation (the national/1 fields it owns)
RECORD_FIELDS = frozenset(
    {"schema", "name", "given_name", "family_name", "patronymic", "aliases", "weak_aliases", "original_script_names",
     "birth_date", "birth_place", "nationality", "gender", "documents", "address", "programme", "category", "remarks"}
)  # fmt: skip
SCHEMAS = frozenset({"person", "organization"})


def _utcnow() -> datetime:
    return datetime.now(UTC)


class InternalListStore(Protocol):
    def transaction(self) -> Any: ...
    def audit(self, event: AuditEvent) -> None: ...
    def internal_entries(self, list_id: str | None = None, status: str | None = None) -> list[dict[str, Any]]: ...
    def internal_entry(self, entry_id: int) -> dict[str, Any]: ...


class Publisher(Protocol):
    """Where approved entries go: a new version of the list (see :class:`ListPublisher`)."""

    def validate(self, list_id: str, record: dict[str, Any]) -> None: ...
    def publish(self, list_id: str, records: list[dict[str, Any]], actor: str, reason: str) -> str: ...


def _reason(text: str, what: str) -> str:
    text = " ".join(bounded(text, f"{what}'s reason").split())
    if len(text) < MIN_REASON:
        raise InvalidInput(f"{what} needs a reason (at least {MIN_REASON} characters)")
    return text


def _day(value: str | None, field: str, required: bool) -> str | None:
    if value is None or not str(value).strip():
        if required:
            raise InvalidInput(f"{field}: required (YYYY-MM-DD)")
        return None
    text = str(value).strip()
    try:
        if not _DAY.match(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: {text!r} is not a date (YYYY-MM-DD)") from None
    return text


def published_record(entry: dict[str, Any]) -> dict[str, Any]:
    """The national/1 record of an entry, as screening sees it."""
    record: dict[str, Any] = dict(entry["record"])
    return record | {
        "id": f"E{entry['id']}",
        "legal_basis": entry["legal_basis"],
        "authority": entry["source"],
        "listed_on": entry["approved_on"] or None,
        "review_date": entry["review_date"],
        "expires_on": entry["expires_on"],
    }


class InternalListService:
    def __init__(self, store: InternalListStore, publisher: Publisher, clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.publisher = publisher
        self.clock = clock

    # --- reading ---------------------------------------------------------------------------

    def entries(
        self, principal: Principal, list_id: str | None = None, status: str | None = None, origin: str = ""
    ) -> list[dict[str, Any]]:
        authorize(principal, Action.INTERNAL_VIEW)
        found = self.store.internal_entries(list_id, status)
        details = {"list": list_id, "status": status, "entries": [e["id"] for e in found]}
        self.store.audit(
            AuditEvent(
                principal.label, "internal.list", "internal_list", list_id or "*", self.clock(), "", origin, details
            )
        )
        return found

    def entry(self, principal: Principal, entry_id: int, origin: str = "") -> dict[str, Any]:
        authorize(principal, Action.INTERNAL_VIEW)
        found = self.store.internal_entry(entry_id)
        self.store.audit(
            AuditEvent(principal.label, "internal.view", "internal_entry", str(entry_id), self.clock(), origin=origin)
        )
        return found

    def due_for_review(self, principal: Principal, on: date | None = None) -> list[dict[str, Any]]:
        """Active entries whose review date has come."""
        authorize(principal, Action.INTERNAL_VIEW)
        today = (on or self.clock().date()).isoformat()
        return [e for e in self.store.internal_entries(status="active") if e["review_date"] <= today]

    # --- the life of an entry ----------------------------------------------------------------

    def propose(
        self,
        principal: Principal,
        list_id: str,
        record: dict[str, Any],
        *,
        legal_basis: str,
        source: str,
        review_date: str,
        expires_on: str | None = None,
        reason: str = "",
        origin: str = "",
    ) -> int:
        """A person or organisation proposed for an internal list; nothing is screened until a
        supervisor approves it."""
        authorize(principal, Action.INTERNAL_PROPOSE)
        if not _SLUG.match(list_id):
            raise InvalidInput(f"list: {list_id!r} is not a list id (a-z, 0-9, _ and -, at most 64)")
        unknown = sorted(set(record) - RECORD_FIELDS)
        if unknown:
            raise InvalidInput(
                f"record: unknown field(s) {', '.join(unknown)} (allowed: {', '.join(sorted(RECORD_FIELDS))})"
            )
        schema = str(record.get("schema") or "person").strip().lower()
        if schema not in SCHEMAS:
            raise InvalidInput(f"schema: {schema!r} is neither a person nor an organization")
        bounded(legal_basis, "legal_basis")
        bounded(source, "source")
        bounded(reason, "the proposal's reason")
        if not legal_basis.strip():
            raise InvalidInput("legal_basis: required (the act and article the listing rests on)")
        if not source.strip():
            raise InvalidInput("source: required (who or what the information comes from)")
        today = self.clock().date().isoformat()
        review = _day(review_date, "review_date", required=True)
        expires = _day(expires_on, "expires_on", required=False)
        assert review is not None
        if review <= today:
            raise InvalidInput(f"review_date: {review} is not in the future")
        if expires is not None and expires <= today:
            raise InvalidInput(f"expires_on: {expires} is not in the future")
        record = {k: v for k, v in record.items() if v not in (None, "", [])} | {"schema": schema}
        draft = {"id": 0, "record": record, "legal_basis": legal_basis.strip(), "source": source.strip()}
        self.publisher.validate(
            list_id, published_record(draft | {"approved_on": today, "review_date": review, "expires_on": expires})
        )
        at = self.clock()
        with self.store.transaction() as tx:
            entry_id: int = tx.add_internal(
                list_id, record, legal_basis.strip(), source.strip(), review, expires, principal.username, at
            )
            tx.internal_event(entry_id, "propose", principal.username, reason.strip(), at)
            details = {"list": list_id, "schema": schema}
            tx.audit(
                AuditEvent(
                    principal.label, "internal.propose", "internal_entry", str(entry_id), at, reason, origin, details
                )
            )
        return entry_id

    def approve(self, principal: Principal, entry_id: int, reason: str, origin: str = "") -> str:
        """A supervisor other than the proposer approves; the list is republished. Returns the
        new list version."""
        authorize(principal, Action.INTERNAL_APPROVE)
        entry = self._in(entry_id, "proposed")
        require_second_person(principal, entry["proposed_by"], f"internal list entry #{entry_id}")
        reason = _reason(reason, "an approval")
        today = self.clock().date().isoformat()
        approved = entry | {"status": "active", "approved_on": today}
        return self._change(principal, entry, "approve", reason, origin, approved, status="active", approved_on=today)

    def reject(self, principal: Principal, entry_id: int, reason: str, origin: str = "") -> None:
        authorize(principal, Action.INTERNAL_APPROVE)
        entry = self._in(entry_id, "proposed")
        require_second_person(principal, entry["proposed_by"], f"internal list entry #{entry_id}")
        self._record(principal, entry, "reject", _reason(reason, "a rejection"), origin, status="rejected")

    def delist(self, principal: Principal, entry_id: int, reason: str, origin: str = "") -> str:
        """Take an active entry off its list, with why; the list is republished without it."""
        authorize(principal, Action.INTERNAL_DELIST)
        entry = self._in(entry_id, "active")
        reason = _reason(reason, "delisting")
        return self._change(principal, entry, "delist", reason, origin, None, status="delisted")

    def review(self, principal: Principal, entry_id: int, next_review: str, reason: str, origin: str = "") -> str:
        """Keep an active entry after its review, until ``next_review``."""
        authorize(principal, Action.INTERNAL_APPROVE)
        entry = self._in(entry_id, "active")
        review = _day(next_review, "review_date", required=True)
        assert review is not None
        if review <= self.clock().date().isoformat():
            raise InvalidInput(f"review_date: {review} is not in the future")
        reason = _reason(reason, "a review")
        return self._change(
            principal, entry, "review", reason, origin, entry | {"review_date": review}, review_date=review
        )

    def expire(self, principal: Principal, on: date | None = None, origin: str = "") -> list[int]:
        """Entries whose expiry date has passed leave their lists (run daily)."""
        authorize(principal, Action.INTERNAL_DELIST)
        today = (on or self.clock().date()).isoformat()
        lapsed = [
            e for e in self.store.internal_entries(status="active") if e["expires_on"] and e["expires_on"] < today
        ]
        for entry in lapsed:
            self._change(
                principal, entry, "expire", f"expired on {entry['expires_on']}", origin, None, status="expired"
            )
        return [e["id"] for e in lapsed]

    # --- helpers -----------------------------------------------------------------------------

    def _in(self, entry_id: int, status: str) -> dict[str, Any]:
        entry = self.store.internal_entry(entry_id)
        if entry["status"] != status:
            raise Conflict(f"internal list entry #{entry_id} is {entry['status']}, not {status}")
        return entry

    def _change(
        self,
        principal: Principal,
        entry: dict[str, Any],
        kind: str,
        reason: str,
        origin: str,
        replacement: dict[str, Any] | None,
        **changes: Any,
    ) -> str:
        """Publish the list as it will be after the change, then record the change: a refused
        publication leaves the entry as it was."""
        others = [e for e in self.store.internal_entries(entry["list_id"], "active") if e["id"] != entry["id"]]
        active = sorted([*others, *([replacement] if replacement else [])], key=lambda e: e["id"])
        why = f"{kind} of entry #{entry['id']} by {principal.username}: {reason}"
        version = self.publisher.publish(entry["list_id"], [published_record(e) for e in active], principal.label, why)
        self._record(principal, entry, kind, reason, origin, version=version, **changes)
        return version

    def _record(
        self,
        principal: Principal,
        entry: dict[str, Any],
        kind: str,
        reason: str,
        origin: str,
        version: str = "",
        **changes: Any,
    ) -> None:
        at = self.clock()
        with self.store.transaction() as tx:
            tx.internal_event(entry["id"], kind, principal.username, reason, at, **changes)
            details = {"list": entry["list_id"], "version": version} | {k: str(v) for k, v in changes.items()}
            tx.audit(
                AuditEvent(
                    principal.label, f"internal.{kind}", "internal_entry", str(entry["id"]), at, reason, origin, details
                )
            )


class ListPublisher:
    """Publishes an internal list through the ordinary list import (a new, diffed version)."""

    def __init__(self, watchlists: Any) -> None:  # a WatchlistService
        self.watchlists = watchlists

    def validate(self, list_id: str, record: dict[str, Any]) -> None:
        from tekser.ingest.lists import national

        with _jsonl([record]) as path:
            national.read(path, list_id)  # InvalidInput naming the field

    def publish(self, list_id: str, records: list[dict[str, Any]], actor: str, reason: str) -> str:
        from tekser.domain.policy import PolicyScope

        policy = self.watchlists.policy()
        if not records:
            if policy.list_enabled(list_id):
                self.watchlists.set_policy(
                    list_id, PolicyScope.LIST, "", enabled=False, actor=actor, reason=f"{_EMPTIED}: {reason}"
                )
            return f"{list_id} disabled (no active entries)"
        with _jsonl(records) as path:
            (outcome,) = self.watchlists.import_path(
                path,
                actor=actor,
                list_id=list_id,
                format_name="national",
                source_label=f"internal list {list_id}",
                min_entries=1,
                force_reason=reason,
            )
        if outcome.status == "refused":
            raise Conflict(f"{list_id} could not be published: {outcome.reason}")
        last = policy.last_list_event(list_id)
        if last is not None and not last.enabled and last.reason.startswith(_EMPTIED):
            self.watchlists.set_policy(
                list_id, PolicyScope.LIST, "", enabled=True, actor=actor, reason=f"entries again: {reason}"
            )
        return str(outcome.version.label)


_EMPTIED = "internal list emptied"


class _jsonl:  # noqa: N801 - used as a context manager, like a function
    """A temporary JSON Lines file holding ``records``."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = records

    def __enter__(self) -> Any:
        import json
        import tempfile
        from pathlib import Path

        self.folder = tempfile.TemporaryDirectory(prefix="tekser-internal-")
        path = Path(self.folder.name) / "internal.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for record in self.records:
                handle.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        return path

    def __exit__(self, *exc: object) -> None:
        self.folder.cleanup()
