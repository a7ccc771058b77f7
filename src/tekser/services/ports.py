"""Ports: the small interfaces services use to reach storage and the network.

Adapters implement them (``tekser.storage`` for SQL, ``tekser.adapters.http`` for downloads);
services never import an adapter.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from tekser.domain.policy import PolicyEvent, PolicyScope
from tekser.domain.watchlists import ImportFailure, ListEntry, ListVersion, SourceFile


@dataclass(frozen=True, slots=True)
class NewVersion:
    list_id: str
    reader: str
    source: str
    retrieved_at: datetime
    published_at: datetime | None
    imported_by: str
    content_hash: str
    counts: dict[str, int]
    warnings: tuple[str, ...]
    unparsed: dict[str, int]
    checks: dict[str, object]


@dataclass(frozen=True, slots=True)
class EntryRow:
    key: str
    hash: str
    kind: str
    caption: str
    data: str  # canonical JSON


@dataclass(frozen=True, slots=True)
class StoredFile:
    info: SourceFile
    content: bytes


@dataclass(frozen=True, slots=True)
class FetchState:
    url: str
    etag: str | None
    last_modified: str | None
    sha256: str | None
    fetched_at: datetime


class WatchlistStore(Protocol):
    def active_versions(self) -> list[ListVersion]: ...

    def versions(self, list_id: str | None = None) -> list[ListVersion]: ...

    def version(self, version_id: int) -> ListVersion: ...

    def version_by_number(self, list_id: str, number: int) -> ListVersion: ...

    def entry_hashes(self, version_id: int) -> dict[str, str]: ...

    def entries(self, version_id: int) -> Iterator[ListEntry]: ...

    def entries_by_hash(self, hashes: Iterable[str]) -> dict[str, ListEntry]: ...

    def save_version(
        self,
        new: NewVersion,
        rows: list[EntryRow],
        files: list[StoredFile],
        *,
        expected_active_id: int | None,
    ) -> ListVersion:
        """Store and activate a version in one transaction; Conflict if the active one changed."""
        ...

    def record_failure(
        self, list_id: str | None, source: str, reason: str, actor: str, files: list[StoredFile], at: datetime
    ) -> ImportFailure: ...

    def failures(self, limit: int = 50) -> list[ImportFailure]: ...

    def failure_file(self, failure_id: int, name: str) -> bytes: ...

    def policy_events(self) -> list[PolicyEvent]: ...

    def add_policy_event(
        self,
        list_id: str,
        scope: PolicyScope,
        value: str,
        enabled: bool,
        actor: str,
        reason: str,
        at: datetime,
    ) -> PolicyEvent: ...

    def fetch_state(self, url: str) -> FetchState | None: ...

    def save_fetch_state(self, state: FetchState) -> None: ...


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    not_modified: bool
    path: Path | None
    etag: str | None
    last_modified: str | None
    sha256: str | None


class Downloader(Protocol):
    def fetch(self, url: str, destination: Path, headers: dict[str, str], previous: FetchState | None) -> FetchResult:
        """GET ``url`` into ``destination`` with If-None-Match / If-Modified-Since from ``previous``."""
        ...
