"""Differences between two list versions: added, removed and changed entries, field by field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tekser.domain.serialization import canonical_json, entry_to_dict
from tekser.domain.watchlists import ListEntry, ListVersion


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One changed field: for list fields the items added and removed, else before/after."""

    field: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryChange:
    key: str
    caption: str
    kind: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(slots=True)
class ListDiff:
    before: ListVersion | None
    after: ListVersion
    added: list[EntryChange] = field(default_factory=list)
    removed: list[EntryChange] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def change(c: EntryChange) -> dict[str, Any]:
            item: dict[str, Any] = {"key": c.key, "caption": c.caption, "kind": c.kind}
            if c.fields:
                item["fields"] = [
                    {"field": f.field, "added": list(f.added), "removed": list(f.removed)} for f in c.fields
                ]
            return item

        return {
            "before": self.before.label if self.before else None,
            "after": self.after.label,
            "summary": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)},
            "added": [change(c) for c in self.added],
            "removed": [change(c) for c in self.removed],
            "changed": [change(c) for c in self.changed],
        }


def _describe(item: Any) -> str:
    """A short, readable rendering of one value in a list field."""
    if isinstance(item, dict):
        for key in ("full", "number", "text", "name", "target_name", "value", "programme"):
            if item.get(key):
                shown = str(item[key])
                extra = [str(item[k]) for k in ("kind", "quality", "origin") if item.get(k) and k != key]
                return f"{shown} ({', '.join(extra)})" if extra else shown
        return canonical_json(item)
    return str(item)


def field_changes(before: ListEntry, after: ListEntry) -> tuple[FieldChange, ...]:
    old, new = entry_to_dict(before), entry_to_dict(after)
    changes = []
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        if isinstance(a, list) or isinstance(b, list):
            a_items = {canonical_json(i): i for i in (a or [])}
            b_items = {canonical_json(i): i for i in (b or [])}
            added = tuple(_describe(b_items[k]) for k in b_items.keys() - a_items.keys())
            removed = tuple(_describe(a_items[k]) for k in a_items.keys() - b_items.keys())
            if not added and not removed:
                added = ("(order changed)",)
            changes.append(FieldChange(name, tuple(sorted(added)), tuple(sorted(removed))))
        else:
            changes.append(
                FieldChange(name, (_describe(b),) if b is not None else (), (_describe(a),) if a is not None else ())
            )
    return tuple(changes)


def diff_entries(
    before: ListVersion | None,
    after: ListVersion,
    old: dict[str, str],
    new: dict[str, str],
    blobs: dict[str, ListEntry],
) -> ListDiff:
    result = ListDiff(before=before, after=after)
    for key in sorted(new.keys() - old.keys()):
        entry = blobs[new[key]]
        result.added.append(EntryChange(key, entry.caption, str(entry.kind)))
    for key in sorted(old.keys() - new.keys()):
        entry = blobs[old[key]]
        result.removed.append(EntryChange(key, entry.caption, str(entry.kind)))
    for key in sorted(k for k in old.keys() & new.keys() if old[k] != new[k]):
        previous, current = blobs[old[key]], blobs[new[key]]
        result.changed.append(EntryChange(key, current.caption, str(current.kind), field_changes(previous, current)))
    return result
