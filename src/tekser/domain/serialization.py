"""Canonical JSON for list entries and the content hash built on it.

The canonical form drops default values and sorts keys, so two entries that say the same
thing have the same bytes and the same hash, whatever the order their reader filled them in.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import TypeAdapter

from tekser.domain.watchlists import ListEntry

_ENTRY = TypeAdapter(ListEntry)


def entry_to_dict(entry: ListEntry) -> dict[str, Any]:
    """JSON-ready dict of an entry, without default values."""
    data: dict[str, Any] = _ENTRY.dump_python(entry, mode="json", exclude_defaults=True)
    return data


def entry_from_dict(data: dict[str, Any]) -> ListEntry:
    return _ENTRY.validate_python(data)


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_json(entry: ListEntry) -> str:
    return canonical_json(entry_to_dict(entry))


def entry_from_json(text: str) -> ListEntry:
    return entry_from_dict(json.loads(text))


def content_hash(text: str) -> str:
    """SHA-256 of canonical JSON text, hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
