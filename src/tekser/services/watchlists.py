"""Watchlist use cases: import a list file as a new version, compare versions, set policy.

An import is all or nothing: the file is read, checked (size, entries removed from the active
version, references to absent records, structure) and stored with its entries and its raw files in one transaction that
also makes it the active version. A refused file is kept with its reason, and the active
version stays active.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tekser.domain.policy import Policy, PolicyEvent, PolicyScope
from tekser.domain.serialization import canonical_json, content_hash, entry_to_dict
from tekser.domain.watchlists import ImportFailure, ListEntry, ListVersion, entry_counts
from tekser.errors import InvalidInput, NotFound, SourceError
from tekser.ingest.lists import registry
from tekser.ingest.lists.checks import run_checks
from tekser.ingest.lists.common import file_info
from tekser.ingest.lists.sources import Checks, Sources
from tekser.services.diff import ListDiff, diff_entries
from tekser.services.ports import EntryRow, NewVersion, StoredFile, WatchlistStore

Progress = Callable[[str, int, int], None]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class ImportOutcome:
    """What happened to one source: imported, unchanged or refused (with the reason)."""

    source: str
    status: str  # imported | unchanged | refused
    list_id: str | None = None
    version: ListVersion | None = None
    previous: ListVersion | None = None
    reason: str | None = None
    failure: ImportFailure | None = None
    added: int = 0
    removed: int = 0
    changed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "refused"


def version_hash(rows: list[EntryRow]) -> str:
    """Content hash of a whole list: its keys and entry hashes, whatever the file bytes."""
    digest = hashlib.sha256()
    for row in sorted(rows, key=lambda r: r.key):
        digest.update(f"{row.key}\t{row.hash}\n".encode())
    return digest.hexdigest()


def entry_rows(entries: list[ListEntry]) -> list[EntryRow]:
    rows = []
    for entry in entries:
        data = canonical_json(entry_to_dict(entry))
        rows.append(EntryRow(entry.key, content_hash(data), str(entry.kind), entry.caption, data))
    return rows


def _forced_notes(results: dict[str, object]) -> list[str]:
    """What an operator's --force let through, to be shown with the outcome."""
    forced = results.get("forced")
    if not isinstance(forced, dict):
        return []
    return [f"forced by {forced['by']} ({forced['reason']}): {problem}" for problem in forced["problems"]]


class WatchlistService:
    def __init__(self, store: WatchlistStore, sources: Sources, clock: Callable[[], datetime] = _utcnow) -> None:
        self.store = store
        self.sources = sources
        self.clock = clock

    # --- import -----------------------------------------------------------------------------

    def import_path(
        self,
        path: Path,
        *,
        actor: str,
        list_id: str | None = None,
        format_name: str | None = None,
        source_label: str | None = None,
        retrieved_at: datetime | None = None,
        min_entries: int | None = None,
        force_reason: str | None = None,
        progress: Progress | None = None,
    ) -> list[ImportOutcome]:
        """Import a file, or every list found under a folder; one transaction per list.

        ``force_reason``: accept what a cut-short file looks like but a publication may really do
        (a shrink beyond ``max_shrink``, references to absent records); recorded with the version.
        """
        if format_name:
            sources = [(path, registry.reader_for(path, format_name))]
            skipped: list[Path] = []
        else:
            sources, skipped = registry.discover(path)
        if not sources:
            if path.is_file() and path.stat().st_size == 0:
                reason = f"{path}: the file is empty"
            else:
                reason = f"{path}: not a list file tekser recognises (use --format to name its format)"
            return [self._refuse(path, None, reason, actor, progress=None)]
        outcomes = [
            self.import_source(
                source,
                reader,
                actor=actor,
                list_id=list_id,
                source_label=source_label,
                retrieved_at=retrieved_at,
                min_entries=min_entries,
                force_reason=force_reason,
                progress=progress,
            )
            for source, reader in sources
        ]
        if skipped and outcomes:
            outcomes[0].warnings.extend(f"skipped (not a list file): {p}" for p in skipped)
        return outcomes

    def _raw_files(self, path: Path) -> list[StoredFile]:
        return [StoredFile(file_info(p), p.read_bytes()) for p in registry.source_files(path)]

    def _refuse(
        self, path: Path, list_id: str | None, reason: str, actor: str, progress: Progress | None
    ) -> ImportOutcome:
        failure = self.store.record_failure(
            list_id, str(path), reason, actor, self._raw_files(path) if path.exists() else [], self.clock()
        )
        if progress:
            progress("refused", 1, 1)
        return ImportOutcome(source=str(path), status="refused", list_id=list_id, reason=reason, failure=failure)

    def import_source(
        self,
        path: Path,
        reader: registry.Reader,
        *,
        actor: str,
        list_id: str | None = None,
        source_label: str | None = None,
        retrieved_at: datetime | None = None,
        min_entries: int | None = None,
        force_reason: str | None = None,
        progress: Progress | None = None,
    ) -> ImportOutcome:
        target = list_id or reader.list_id
        if progress:
            progress(f"reading {path.name}", 0, 4)
        try:
            parsed = reader.read(path, list_id)
        except (SourceError, InvalidInput) as error:
            return self._refuse(path, target, str(error), actor, progress)
        except Exception as error:
            # Fail closed and keep the evidence, then let the bug surface.
            self._refuse(path, target, f"internal error while reading: {type(error).__name__}: {error}", actor, None)
            raise
        target = parsed.list_id
        if progress:
            progress(f"hashing {len(parsed.entries)} entries", 1, 4)
        active = next((v for v in self.store.active_versions() if v.list_id == target), None)
        checks = self.sources.checks_for(target)
        if min_entries is not None:
            checks = Checks(min_entries=min_entries, max_shrink=checks.max_shrink)
        old = self.store.entry_hashes(active.id) if active is not None else {}
        rows = entry_rows(parsed.entries)
        new = {row.key: row.hash for row in rows}
        if progress:
            progress(f"checking {target}", 2, 4)
        outcome = run_checks(
            parsed,
            checks,
            active_count=active.entry_count if active else None,
            removed=len(old.keys() - new.keys()),
            force_reason=force_reason,
            forced_by=actor,
        )
        if outcome.problems:
            return self._refuse(path, target, "; ".join(outcome.problems), actor, progress)
        whole = version_hash(rows)
        if active is not None and active.content_hash == whole:
            if progress:
                progress("unchanged", 4, 4)
            return ImportOutcome(
                source=str(path),
                status="unchanged",
                list_id=target,
                version=active,
                warnings=list(parsed.warnings),
            )
        used = {f.name for f in parsed.files}
        files = [f for f in self._raw_files(path) if f.info.name in used]
        results = dict(outcome.results)
        if min_entries is not None:
            results["min_entries_override"] = f"{min_entries} (set by {actor})"
        if progress:
            progress(f"storing {target}", 3, 4)
        version = self.store.save_version(
            NewVersion(
                list_id=target,
                reader=parsed.reader,
                source=source_label or str(path),
                retrieved_at=retrieved_at or self.clock(),
                published_at=parsed.published_at,
                imported_by=actor,
                content_hash=whole,
                counts=entry_counts(parsed.entries),
                warnings=tuple(parsed.warnings),
                unparsed=parsed.unparsed,
                checks=results,
            ),
            rows,
            files,
            expected_active_id=active.id if active else None,
        )
        if progress:
            progress("done", 4, 4)
        result = ImportOutcome(
            source=str(path),
            status="imported",
            list_id=target,
            version=version,
            previous=active,
            warnings=list(parsed.warnings) + _forced_notes(results),
        )
        if active is not None:
            result.added = len(new.keys() - old.keys())
            result.removed = len(old.keys() - new.keys())
            result.changed = sum(1 for key in new.keys() & old.keys() if new[key] != old[key])
        return result

    # --- reading ----------------------------------------------------------------------------

    def active_versions(self) -> list[ListVersion]:
        return self.store.active_versions()

    def versions(self, list_id: str | None = None) -> list[ListVersion]:
        return self.store.versions(list_id)

    def resolve(self, reference: str) -> ListVersion:
        """``12`` (version id), ``un@3`` (third version of un) or ``un`` (its active version)."""
        reference = reference.strip()
        if reference.isdigit():
            return self.store.version(int(reference))
        if "@" in reference:
            list_id, _, number = reference.partition("@")
            if not number.isdigit():
                raise InvalidInput(f"version reference {reference!r}: expected LIST@NUMBER, e.g. un@3")
            return self.store.version_by_number(list_id, int(number))
        for version in self.store.active_versions():
            if version.list_id == reference:
                return version
        raise NotFound(f"list {reference!r} has no active version")

    def entries(self, version: ListVersion) -> Iterator[ListEntry]:
        return self.store.entries(version.id)

    def active_entries(self, list_ids: list[str] | None = None) -> Iterator[ListEntry]:
        for version in self.store.active_versions():
            if list_ids is None or version.list_id in list_ids:
                yield from self.store.entries(version.id)

    def diff(self, before: ListVersion | None, after: ListVersion) -> ListDiff:
        if before is not None and before.list_id != after.list_id:  # every entry would be "added" and "removed"
            raise InvalidInput(
                f"{before.label} and {after.label} are versions of different lists: compare two versions of one list"
            )
        old = self.store.entry_hashes(before.id) if before else {}
        new = self.store.entry_hashes(after.id)
        changed_keys = {k for k in old.keys() & new.keys() if old[k] != new[k]}
        wanted = [new[k] for k in new.keys() - old.keys()] + [old[k] for k in old.keys() - new.keys()]
        wanted += [old[k] for k in changed_keys] + [new[k] for k in changed_keys]
        blobs = self.store.entries_by_hash(wanted)
        return diff_entries(before, after, old, new, blobs)

    def failures(self, limit: int = 50) -> list[ImportFailure]:
        return self.store.failures(limit)

    def failure_file(self, failure_id: int, name: str) -> bytes:
        """A file of a refused import, exactly as it was received."""
        return self.store.failure_file(failure_id, name)

    def previous(self, version: ListVersion) -> ListVersion | None:
        """The version ``version`` replaced (None for a list's first)."""
        return self.store.version(version.previous_id) if version.previous_id else None

    # --- policy -----------------------------------------------------------------------------

    def policy(self) -> Policy:
        return Policy(tuple(self.store.policy_events()))

    def set_policy(
        self, list_id: str, scope: PolicyScope, value: str, *, enabled: bool, actor: str, reason: str
    ) -> PolicyEvent:
        errors = []
        if not actor.strip():
            errors.append("who: the person making the change must be named (--by)")
        if not reason.strip():
            errors.append("why: a reason is required (--reason)")
        if scope is not PolicyScope.LIST and not value.strip():
            errors.append(f"{scope}: a value is required")
        if errors:
            raise InvalidInput("policy change refused: " + "; ".join(errors))
        known_lists = set(self.sources.lists) | {v.list_id for v in self.store.versions()}
        if list_id not in known_lists:
            raise InvalidInput(f"unknown list {list_id!r} (known: {', '.join(sorted(known_lists))})")
        if scope is not PolicyScope.LIST:
            self._check_value_exists(list_id, scope, value)
        return self.store.add_policy_event(
            list_id,
            scope,
            value.strip() if scope is not PolicyScope.LIST else "",
            enabled,
            actor,
            reason,
            self.clock(),
        )

    def _check_value_exists(self, list_id: str, scope: PolicyScope, value: str) -> None:
        active = next((v for v in self.store.active_versions() if v.list_id == list_id), None)
        if active is None:
            return  # nothing loaded yet: the rule applies once the list arrives
        values: set[str] = set()
        for entry in self.store.entries(active.id):
            for designation in entry.designations:
                found = designation.programme if scope is PolicyScope.PROGRAMME else designation.category
                if found:
                    values.add(found)
        if value.strip().casefold() not in {v.casefold() for v in values}:
            shown = ", ".join(sorted(values)[:30])
            raise InvalidInput(f"{list_id} has no {scope} {value!r} in {active.label} (known: {shown})")
