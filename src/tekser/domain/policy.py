"""Deployment policy: which lists, programmes and categories screening may use.

The policy is the latest of an append-only series of events (who, when, why). A list entry
is excluded when its list is disabled, or when every one of its designations is disabled by
programme or category: an entry listed for terrorism and for extremism stays screened when
only "extremism" is disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tekser.domain.watchlists import ListEntry, ListVersion


class PolicyScope(StrEnum):
    LIST = "list"
    PROGRAMME = "programme"
    CATEGORY = "category"


@dataclass(frozen=True, slots=True)
class PolicyEvent:
    id: int
    list_id: str
    scope: PolicyScope
    value: str  # "" for the whole list
    enabled: bool
    actor: str
    reason: str
    at: datetime

    @property
    def target(self) -> str:
        return self.list_id if self.scope is PolicyScope.LIST else f"{self.list_id} {self.scope} {self.value!r}"


@dataclass(frozen=True, slots=True)
class Policy:
    """The effective policy: the latest event for each (list, scope, value) that disables."""

    events: tuple[PolicyEvent, ...] = ()

    @property
    def exclusions(self) -> tuple[PolicyEvent, ...]:
        latest: dict[tuple[str, PolicyScope, str], PolicyEvent] = {}
        for event in sorted(self.events, key=lambda e: e.id):
            latest[(event.list_id, event.scope, event.value.casefold())] = event
        return tuple(e for e in latest.values() if not e.enabled)

    def list_enabled(self, list_id: str) -> bool:
        return not any(e.scope is PolicyScope.LIST and e.list_id == list_id for e in self.exclusions)

    def last_list_event(self, list_id: str) -> PolicyEvent | None:
        """The latest change of a whole list (disabled or enabled again), if any."""
        found = [e for e in self.events if e.scope is PolicyScope.LIST and e.list_id == list_id]
        return max(found, key=lambda e: e.id) if found else None

    def allows(self, entry: ListEntry) -> bool:
        if not self.list_enabled(entry.list_id):
            return False
        rules = [e for e in self.exclusions if e.list_id == entry.list_id and e.scope is not PolicyScope.LIST]
        if not rules or not entry.designations:
            return True
        programmes = {e.value.casefold() for e in rules if e.scope is PolicyScope.PROGRAMME}
        categories = {e.value.casefold() for e in rules if e.scope is PolicyScope.CATEGORY}
        return any(
            (d.programme or "").casefold() not in programmes and (d.category or "").casefold() not in categories
            for d in entry.designations
        )

    def describe(self, list_id: str) -> list[str]:
        """Human-readable exclusions of one list, for every place results are shown."""
        return [
            f"{'list disabled' if e.scope is PolicyScope.LIST else f'{e.scope} {e.value!r} disabled'}"
            f" by {e.actor} on {e.at:%Y-%m-%d}: {e.reason}"
            for e in self.exclusions
            if e.list_id == list_id
        ]

    def describe_all(self) -> list[str]:
        lists = sorted({e.list_id for e in self.exclusions})
        return [f"{list_id}: {line}" for list_id in lists for line in self.describe(list_id)]


def version_record(version: ListVersion, policy: Policy, *, findings: bool = True) -> dict[str, Any]:
    """One list version as both edges show it (the command line's ``lists show``, the HTTP API's
    ``/api/v1/lists``); ``findings``: with the reader's checks and unparsed facts (the API leaves
    them out of its listings)."""
    record: dict[str, Any] = {
        "list": version.list_id,
        "version": version.label,
        "id": version.id,
        "active": version.active,
        "entries": version.entry_count,
        "counts": version.counts,
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "retrieved_at": version.retrieved_at.isoformat(),
        "imported_at": version.imported_at.isoformat(),
        "imported_by": version.imported_by,
        "source": version.source,
        "reader": version.reader,
        "content_hash": version.content_hash,
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in version.files],
        "checks": version.checks,
        "warnings": list(version.warnings),
        "unparsed_facts": version.unparsed,
        "policy": policy.describe(version.list_id),
        "enabled": policy.list_enabled(version.list_id),
    }
    if not findings:
        del record["checks"], record["unparsed_facts"]
    return record
