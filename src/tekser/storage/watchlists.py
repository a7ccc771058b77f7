"""SQL implementation of :class:`tekser.services.ports.WatchlistStore`."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection, Row

from tekser.domain.audit import AuditEvent
from tekser.domain.policy import PolicyEvent, PolicyScope
from tekser.domain.redaction import redact
from tekser.domain.serialization import entry_from_json
from tekser.domain.watchlists import ImportFailure, ListEntry, ListVersion, SourceFile
from tekser.errors import Conflict, NotFound
from tekser.services.ports import EntryRow, FetchState, NewVersion, StoredFile
from tekser.storage.audit import append as audit
from tekser.storage.tables import (
    active_versions,
    entry_blobs,
    failure_files,
    fetch_state,
    import_failures,
    list_versions,
    policy_events,
    raw_files,
    version_entries,
    version_files,
)

_CHUNK = 500


def _utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes: they were stored as UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _files(raw: Any) -> tuple[SourceFile, ...]:
    return tuple(SourceFile(name=f["name"], sha256=f["sha256"], size=int(f["size"])) for f in raw or [])


def _file_dicts(files: Iterable[SourceFile]) -> list[dict[str, Any]]:
    return [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files]


class SqlWatchlistStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- versions -------------------------------------------------------------------------

    def _version(self, row: Row[Any], active_ids: set[int]) -> ListVersion:
        return ListVersion(
            id=row.id,
            list_id=row.list_id,
            number=row.number,
            reader=row.reader,
            source=row.source,
            retrieved_at=_utc(row.retrieved_at) or datetime.now(UTC),
            imported_at=_utc(row.imported_at) or datetime.now(UTC),
            published_at=_utc(row.published_at),
            imported_by=row.imported_by,
            content_hash=row.content_hash,
            entry_count=row.entry_count,
            counts=dict(row.counts),
            files=_files(row.files),
            warnings=tuple(row.warnings),
            unparsed=dict(row.unparsed),
            checks=dict(row.checks),
            previous_id=row.previous_id,
            active=row.id in active_ids,
        )

    def _active_ids(self, connection: Connection) -> set[int]:
        return {row.version_id for row in connection.execute(select(active_versions.c.version_id))}

    def active_versions(self) -> list[ListVersion]:
        with self.engine.connect() as connection:
            ids = self._active_ids(connection)
            rows = connection.execute(
                select(list_versions).where(list_versions.c.id.in_(ids)).order_by(list_versions.c.list_id)
            )
            return [self._version(row, ids) for row in rows]

    def versions(self, list_id: str | None = None) -> list[ListVersion]:
        query = select(list_versions).order_by(list_versions.c.list_id, list_versions.c.number)
        if list_id is not None:
            query = query.where(list_versions.c.list_id == list_id)
        with self.engine.connect() as connection:
            ids = self._active_ids(connection)
            return [self._version(row, ids) for row in connection.execute(query)]

    def version(self, version_id: int) -> ListVersion:
        with self.engine.connect() as connection:
            row = connection.execute(select(list_versions).where(list_versions.c.id == version_id)).first()
            if row is None:
                raise NotFound(f"no list version with id {version_id}")
            return self._version(row, self._active_ids(connection))

    def version_by_number(self, list_id: str, number: int) -> ListVersion:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(list_versions).where(list_versions.c.list_id == list_id, list_versions.c.number == number)
            ).first()
            if row is None:
                raise NotFound(f"no version {list_id}@{number}")
            return self._version(row, self._active_ids(connection))

    # --- entries --------------------------------------------------------------------------

    def entry_hashes(self, version_id: int) -> dict[str, str]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(version_entries.c.key, version_entries.c.entry_hash).where(
                    version_entries.c.version_id == version_id
                )
            )
            return {row.key: row.entry_hash for row in rows}

    def entries(self, version_id: int) -> Iterator[ListEntry]:
        query = (
            select(entry_blobs.c.data)
            .join(version_entries, version_entries.c.entry_hash == entry_blobs.c.hash)
            .where(version_entries.c.version_id == version_id)
            .order_by(version_entries.c.key)
        )
        with self.engine.connect() as connection:
            for row in connection.execute(query):
                yield entry_from_json(row.data)

    def entries_by_hash(self, hashes: Iterable[str]) -> dict[str, ListEntry]:
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, ListEntry] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                for row in connection.execute(select(entry_blobs).where(entry_blobs.c.hash.in_(chunk))):
                    found[row.hash] = entry_from_json(row.data)
        return found

    # --- writes ---------------------------------------------------------------------------

    def _store_files(self, connection: Connection, files: list[StoredFile]) -> None:
        for file in files:
            exists = connection.execute(
                select(raw_files.c.sha256).where(raw_files.c.sha256 == file.info.sha256)
            ).first()
            if exists is None:
                connection.execute(
                    insert(raw_files).values(
                        sha256=file.info.sha256, size=file.info.size, content=zlib.compress(file.content, 6)
                    )
                )

    def _store_blobs(self, connection: Connection, rows: list[EntryRow]) -> None:
        unique = {row.hash: row.data for row in rows}
        hashes = list(unique)
        existing: set[str] = set()
        for start in range(0, len(hashes), _CHUNK):
            chunk = hashes[start : start + _CHUNK]
            existing.update(
                r.hash for r in connection.execute(select(entry_blobs.c.hash).where(entry_blobs.c.hash.in_(chunk)))
            )
        new = [{"hash": h, "data": unique[h]} for h in hashes if h not in existing]
        if new:
            connection.execute(insert(entry_blobs), new)

    def save_version(
        self,
        new: NewVersion,
        rows: list[EntryRow],
        files: list[StoredFile],
        *,
        expected_active_id: int | None,
    ) -> ListVersion:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            current = connection.execute(
                select(active_versions.c.version_id).where(active_versions.c.list_id == new.list_id)
            ).scalar_one_or_none()
            if current != expected_active_id:
                raise Conflict(
                    f"the active version of {new.list_id} changed during the import "
                    f"(expected {expected_active_id}, found {current}); run the import again"
                )
            number = (
                connection.execute(
                    select(func.max(list_versions.c.number)).where(list_versions.c.list_id == new.list_id)
                ).scalar_one_or_none()
                or 0
            ) + 1
            self._store_files(connection, files)
            self._store_blobs(connection, rows)
            version_id = connection.execute(
                insert(list_versions)
                .values(
                    list_id=new.list_id,
                    number=number,
                    reader=new.reader,
                    source=new.source,
                    retrieved_at=new.retrieved_at,
                    imported_at=now,
                    published_at=new.published_at,
                    imported_by=new.imported_by,
                    content_hash=new.content_hash,
                    entry_count=len(rows),
                    counts=new.counts,
                    files=_file_dicts(f.info for f in files),
                    warnings=list(new.warnings),
                    unparsed=new.unparsed,
                    checks=new.checks,
                    previous_id=current,
                )
                .returning(list_versions.c.id)
            ).scalar_one()
            if files:
                connection.execute(
                    insert(version_files),
                    [{"version_id": version_id, "name": f.info.name, "sha256": f.info.sha256} for f in files],
                )
            if rows:
                connection.execute(
                    insert(version_entries),
                    [
                        {
                            "version_id": version_id,
                            "key": r.key,
                            "entry_hash": r.hash,
                            "kind": r.kind,
                            "caption": r.caption,
                        }
                        for r in rows
                    ],
                )
            values = {"version_id": version_id, "activated_at": now, "activated_by": new.imported_by}
            if current is None:
                connection.execute(insert(active_versions).values(list_id=new.list_id, **values))
            else:
                connection.execute(
                    update(active_versions).where(active_versions.c.list_id == new.list_id).values(**values)
                )
            details = {
                "version": f"{new.list_id}@{number}",
                "previous_version_id": current,
                "content_hash": new.content_hash,
                "entries": len(rows),
                "source": new.source,
                "checks": new.checks,
            }
            forced = new.checks.get("forced")
            why = str(forced["reason"]) if isinstance(forced, dict) else ""  # an operator forced the import
            event = AuditEvent(new.imported_by, "list.import", "list", new.list_id, now, why, details=details)
            audit(connection, event)
        return self.version(version_id)

    # --- failures ---------------------------------------------------------------------------

    def record_failure(
        self, list_id: str | None, source: str, reason: str, actor: str, files: list[StoredFile], at: datetime
    ) -> ImportFailure:
        # the caller redacts its configured secrets; this catches secret-named parameters and API keys
        source, reason = redact(source), redact(reason)
        with self.engine.begin() as connection:
            self._store_files(connection, files)
            failure_id = connection.execute(
                insert(import_failures)
                .values(
                    list_id=list_id,
                    source=source,
                    reason=reason,
                    failed_at=at,
                    attempted_by=actor,
                    files=_file_dicts(f.info for f in files),
                )
                .returning(import_failures.c.id)
            ).scalar_one()
            details = {"failure": failure_id, "source": source, "reason": reason[:2000]}
            audit(connection, AuditEvent(actor, "list.import_refused", "list", list_id or "?", at, details=details))
            names: set[str] = set()
            for file in files:
                if file.info.name not in names:
                    names.add(file.info.name)
                    connection.execute(
                        insert(failure_files).values(
                            failure_id=failure_id, name=file.info.name, sha256=file.info.sha256
                        )
                    )
        return ImportFailure(
            id=failure_id,
            list_id=list_id,
            source=source,
            reason=reason,
            failed_at=at,
            attempted_by=actor,
            files=tuple(f.info for f in files),
        )

    def failures(self, limit: int = 50) -> list[ImportFailure]:
        query = select(import_failures).order_by(import_failures.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            return [
                ImportFailure(
                    id=row.id,
                    list_id=row.list_id,
                    source=row.source,
                    reason=row.reason,
                    failed_at=_utc(row.failed_at) or datetime.now(UTC),
                    attempted_by=row.attempted_by,
                    files=_files(row.files),
                )
                for row in connection.execute(query)
            ]

    def failure_file(self, failure_id: int, name: str) -> bytes:
        query = (
            select(raw_files.c.content)
            .join(failure_files, failure_files.c.sha256 == raw_files.c.sha256)
            .where(failure_files.c.failure_id == failure_id, failure_files.c.name == name)
        )
        with self.engine.connect() as connection:
            content = connection.execute(query).scalar_one_or_none()
        if content is None:
            raise NotFound(f"failure {failure_id} has no file named {name!r}")
        return zlib.decompress(content)

    # --- policy -----------------------------------------------------------------------------

    def policy_events(self) -> list[PolicyEvent]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(policy_events).order_by(policy_events.c.id))
            return [
                PolicyEvent(
                    id=row.id,
                    list_id=row.list_id,
                    scope=PolicyScope(row.scope),
                    value=row.value,
                    enabled=row.enabled,
                    actor=row.actor,
                    reason=row.reason,
                    at=_utc(row.at) or datetime.now(UTC),
                )
                for row in rows
            ]

    def add_policy_event(
        self,
        list_id: str,
        scope: PolicyScope,
        value: str,
        enabled: bool,
        actor: str,
        reason: str,
        at: datetime,
    ) -> PolicyEvent:
        with self.engine.begin() as connection:
            event_id = connection.execute(
                insert(policy_events)
                .values(
                    list_id=list_id,
                    scope=str(scope),
                    value=value,
                    enabled=enabled,
                    actor=actor,
                    reason=reason,
                    at=at,
                )
                .returning(policy_events.c.id)
            ).scalar_one()
            details = {"event": event_id, "scope": str(scope), "value": value, "enabled": enabled}
            audit(connection, AuditEvent(actor, "policy.change", "list", list_id, at, reason, details=details))
        return PolicyEvent(
            id=event_id,
            list_id=list_id,
            scope=scope,
            value=value,
            enabled=enabled,
            actor=actor,
            reason=reason,
            at=at,
        )

    # --- downloads --------------------------------------------------------------------------

    def fetch_state(self, url: str) -> FetchState | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(fetch_state).where(fetch_state.c.url == url)).first()
        if row is None:
            return None
        return FetchState(
            url=row.url,
            etag=row.etag,
            last_modified=row.last_modified,
            sha256=row.sha256,
            fetched_at=_utc(row.fetched_at) or datetime.now(UTC),
        )

    def save_fetch_state(self, state: FetchState) -> None:
        values = {
            "etag": state.etag,
            "last_modified": state.last_modified,
            "sha256": state.sha256,
            "fetched_at": state.fetched_at,
        }
        with self.engine.begin() as connection:
            updated = connection.execute(update(fetch_state).where(fetch_state.c.url == state.url).values(**values))
            if updated.rowcount == 0:
                connection.execute(insert(fetch_state).values(url=state.url, **values))
