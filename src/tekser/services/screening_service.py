"""Screening as a service: arrivals, rescreening on list changes, resumable batches, outcomes.

- **Arrival**: every stored traveller becomes a screening subject (with its blocking keys and a
  retention date) and is screened against the active list versions under the deployment policy.
  A hit becomes an alert with its evidence frozen; the same subject, entry and evidence never
  make a second alert.
- **Rescreening**: a new list version is compared with its predecessor; only the added and
  changed entries are screened, against the stored subjects that share a blocking key with them,
  and each new alert records the list change that produced it. Subjects screened against the
  predecessor then stand screened against the new version; any other subject shows as not
  screened, never as clear.
- **Batch**: a named selection is screened subject by subject, each in one transaction with its
  alerts and its "done" mark, so a run killed at any point resumes where it stopped and ends with
  exactly the alerts of an uninterrupted run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from pydantic import TypeAdapter

from tekser.domain.alerts import NewAlert, Outcome, comparison_hash, evidence_hash, subject_fingerprint
from tekser.domain.policy import Policy
from tekser.domain.serialization import content_hash, entry_json, entry_to_dict
from tekser.domain.subjects import Subject, parse_birth_date
from tekser.domain.travel import Traveller
from tekser.domain.watchlists import EntityKind, ListEntry, ListVersion
from tekser.errors import InvalidInput, NotFound
from tekser.matching.config import MatchConfig
from tekser.matching.index import ListIndex
from tekser.matching.reverse import ReverseKeys, subject_keys
from tekser.matching.screener import Match, Screener
from tekser.services.ports import WatchlistStore

_TRAVELLER = TypeAdapter(Traveller)


class ScreeningStore(Protocol):  # implemented by tekser.storage.screening.SqlScreeningStore
    def unregistered_travellers(self, limit: int = ..., after: int = ...) -> list[tuple[int, str, datetime]]: ...
    def unregistered_count(self, received_after: datetime, named: bool = ...) -> int: ...
    def never_screened(self, list_ids: Iterable[str], alive_at: datetime, origin: str | None = ...) -> list[int]: ...
    def add_subjects(self, rows: list[Any]) -> list[int]: ...
    def subjects(self, ids: Iterable[int], alive_at: datetime | None = ...) -> list[Any]: ...
    def subjects_with_keys(self, keys: Iterable[str], alive_at: datetime) -> list[int]: ...
    def subjects_by_keys(self, keys: Iterable[str]) -> Iterable[tuple[int, list[str]]]: ...
    def subject_ids(self, origin: str | None = ..., alive_at: datetime | None = ...) -> list[int]: ...

    def subjects_of_flights(self, departure_from: str, departure_to: str) -> list[int]: ...
    def record_screening(
        self, subject_id: int, versions: dict[str, int], new: list[Any], at: datetime, batch_run: int | None = ...
    ) -> int: ...
    def record_screenings(
        self, results: list[Any], versions: dict[str, int], at: datetime, batch_run: int | None = ...
    ) -> int: ...
    def advance_screenings(self, list_id: str, from_version: int, to_version: int, at: datetime) -> int: ...
    def version_counts(self, list_id: str, alive_at: datetime) -> tuple[dict[int, int], list[int]]: ...
    def screened_versions(self, list_id: str, ids: Iterable[int]) -> dict[int, int]: ...
    def unscreened_counts(self, active: dict[str, int], alive_at: datetime) -> dict[str, int]: ...
    def add_outcome(self, alert_id: int, outcome: str, by: str, note: str, at: datetime) -> None: ...
    def start_batch(self, selection: str, at: datetime) -> tuple[int, set[int]]: ...
    def finish_batch(self, run: int, at: datetime) -> dict[str, Any]: ...


def subject_data(subject: Subject) -> dict[str, Any]:
    """The screened facts of a subject, as frozen in an alert's evidence."""
    data: dict[str, Any] = {"name": subject.name}
    for field in (
        "family_name",
        "nationality",
        "gender",
        "document",
        "document_country",
        "document_type",
        "birth_place",
    ):
        value = getattr(subject, field)
        if value:
            data[field] = value
    if subject.birth_date is not None:
        data["birth_date"] = subject.birth_date.text
    if subject.kind is not None:
        data["schema"] = str(subject.kind)
    return data


def subject_from_data(subject_id: str, data: dict[str, Any]) -> Subject:
    return Subject(
        id=subject_id,
        name=data["name"],
        kind=EntityKind(data["schema"]) if data.get("schema") else None,
        family_name=data.get("family_name"),
        birth_date=parse_birth_date(data["birth_date"]) if data.get("birth_date") else None,
        nationality=data.get("nationality"),
        gender=data.get("gender"),
        document=data.get("document"),
        document_country=data.get("document_country"),
        document_type=data.get("document_type"),
        birth_place=data.get("birth_place"),
    )


def subject_from_traveller(traveller: Traveller, subject_id: str) -> Subject | None:
    """A traveller as a screening subject; None when the name is missing (insufficient data)."""
    name = traveller.name
    if not name:
        return None
    document = traveller.documents[0] if traveller.documents else None
    gender = {"M": "male", "F": "female"}.get((traveller.gender or "").upper())
    nationality = traveller.nationality if traveller.nationality and len(traveller.nationality) == 2 else None
    issuing = (
        document.issuing_country
        if document and document.issuing_country and len(document.issuing_country) == 2
        else None
    )
    return Subject(
        id=subject_id,
        name=name,
        kind=EntityKind.PERSON,
        family_name=traveller.surname,
        birth_date=parse_birth_date(traveller.birth_date.isoformat()) if traveller.birth_date else None,
        nationality=nationality,
        gender=gender,
        document=document.number if document else None,
        document_country=issuing,
        birth_place=traveller.birth_place,
    )


@dataclass(slots=True)
class _Active:
    signature: tuple[tuple[str, int], ...]
    versions: dict[str, ListVersion]
    screener: Screener
    entries: dict[str, ListEntry]


class ScreeningService:
    def __init__(
        self,
        watchlists: WatchlistStore,
        store: ScreeningStore,
        config: MatchConfig | None = None,
        retention: timedelta = timedelta(days=183),
        customer_retention: timedelta = timedelta(days=5 * 365),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        chunk: int = 200,
    ) -> None:
        self.watchlists = watchlists
        self.chunk = chunk  # subjects screened, then committed, at a time
        self.store = store
        self.config = config or MatchConfig()
        self.retention = retention  # of travellers, from their message's arrival
        self.customer_retention = customer_retention  # of customer subjects, from their batch
        self.clock = clock
        self._active: _Active | None = None
        # HTTP requests run in threads: the first requests after a list change build one index, not one each
        self._building = threading.Lock()

    # --- the active lists ---------------------------------------------------------------------

    def active(self) -> _Active:
        versions = {v.list_id: v for v in self.watchlists.active_versions()}
        events = self.watchlists.policy_events()
        signature = (*sorted((k, v.id) for k, v in versions.items()), ("policy", len(events)))
        with self._building:
            return self._active_for(versions, events, signature)

    def _active_for(
        self, versions: dict[str, ListVersion], events: list[Any], signature: tuple[tuple[str, int], ...]
    ) -> _Active:
        if self._active is None or self._active.signature != signature:
            if not versions:
                raise NotFound("no active list version to screen against: import lists first (tekser lists import)")
            policy = Policy(tuple(events))
            entries = [e for v in versions.values() for e in self.watchlists.entries(v.id)]
            screener = Screener.from_entries(
                entries,
                self.config,
                policy=policy,
                versions={k: f"{v.label} ({v.content_hash[:12]})" for k, v in versions.items()},
            )
            self._active = _Active(signature, versions, screener, {e.key: e for e in screener.index.entries})
        return self._active

    # --- alerts from matches ------------------------------------------------------------------------

    def new_alerts(
        self, subject: Subject, matches: Iterable[Match], active: _Active, screener: Screener, cause: str
    ) -> list[NewAlert]:
        data = subject_data(subject)
        found = []
        for match in matches:
            if not match.alert:
                continue
            entry = active.entries.get(match.key) or next(e for e in screener.index.entries if e.key == match.key)
            version = active.versions[entry.list_id]
            entry_hash = content_hash(entry_json(entry))
            features = [dict(e) for e in match.explanation if e.get("feature") != "summary"]
            found.append(
                NewAlert(
                    entry_key=match.key,
                    list_id=entry.list_id,
                    version_id=version.id,
                    entry_hash=entry_hash,
                    evidence_hash=evidence_hash(data, entry_hash, features),
                    compared_hash=comparison_hash(data, entry_hash),
                    score=match.score,
                    priority=match.priority,
                    cause=cause,
                    evidence={
                        "subject": data,
                        "entry": entry_to_dict(entry),
                        "entry_hash": entry_hash,
                        "list_version": version.label,
                        "list_content_hash": version.content_hash,
                        "algorithm": screener.algorithm,
                        "config": self.config.model_dump(),
                        "score": match.score,
                        "priority": match.priority,
                        "matched_name": match.matched_name,
                        "features": features,
                        "policy": screener.policy.describe(entry.list_id) if screener.policy else [],
                    },
                )
            )
        return found

    # --- arrivals -------------------------------------------------------------------------------------

    def register_travellers(self, chunk: int = 5_000) -> list[int]:
        """Register every stored, named traveller not registered yet (a chunk at a time: memory stays flat)."""
        registered: list[int] = []
        after = 0
        while batch := self.store.unregistered_travellers(limit=chunk, after=after):
            after = batch[-1][0]
            registered += self.store.add_subjects([row for row in map(self._traveller_row, batch) if row])
        return registered

    def _traveller_row(self, stored: tuple[int, str, datetime]) -> tuple[Any, ...] | None:
        traveller_id, data, received = stored
        traveller = _TRAVELLER.validate_json(data)
        subject = subject_from_traveller(traveller, str(traveller_id))
        if subject is None:
            return None  # no name: nothing to screen (reported by the parser, counted by status())
        document = traveller.documents[0].number if traveller.documents else None
        birth = traveller.birth_date.isoformat() if traveller.birth_date else None
        return (
            "traveller",
            str(traveller_id),
            subject_fingerprint(subject.name, birth, document),
            subject.name,
            subject_data(subject),
            received,
            received + self.retention,
            subject_keys(subject),
        )

    def add_customers(self, subjects: Iterable[Subject]) -> list[int]:
        """Store customer subjects for a batch (kept for the deployment's customer retention); their ids."""
        now = self.clock()
        rows = [
            (
                "customer",
                subject.id,
                subject_fingerprint(
                    subject.name, subject.birth_date.text if subject.birth_date else None, subject.document
                ),
                subject.name,
                subject_data(subject),
                now,
                now + self.customer_retention,
                subject_keys(subject),
            )
            for subject in subjects
        ]
        return self.store.add_subjects(rows)

    def has_subjects(self) -> bool:
        """Whether any subject is stored (travellers or customers, within retention or not)."""
        return bool(self.store.subject_ids())

    def stored_subject_ids(self) -> list[int]:
        """Every stored subject still within its retention."""
        return self.store.subject_ids(alive_at=self.clock())

    def flight_subject_ids(self, first: str, last: str) -> list[int]:
        """The stored travellers of the flights departing from ``first`` to ``last`` (YYYY-MM-DD)."""
        return self.store.subjects_of_flights(first, last)

    def screen_subjects(
        self,
        subject_ids: Iterable[int],
        cause: str,
        batch_run: int | None = None,
        chunk: int | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, int]:
        """Screen stored subjects against the active versions; results are committed a chunk at a
        time (the subjects are read a chunk at a time too: memory stays flat whatever the batch)."""
        active = self.active()
        screener = active.screener
        versions = {k: v.id for k, v in active.versions.items()}
        wanted = list(subject_ids)
        chunk = chunk or self.chunk
        screened = alerts = 0
        for start in range(0, len(wanted), chunk):
            if progress is not None:
                progress(f"screening ({cause})", start, len(wanted))
            results = []
            for stored in self.store.subjects(wanted[start : start + chunk]):
                subject = subject_from_data(str(stored.id), stored.data)
                matches = screener.screen(subject).matches
                results.append((stored.id, self.new_alerts(subject, matches, active, screener, cause)))
            alerts += self.store.record_screenings(results, versions, self.clock(), batch_run)
            screened += len(results)
        return {"screened": screened, "alerts": alerts}

    def screen_arrivals(self, progress: Callable[[str, int, int], None] | None = None) -> dict[str, int]:
        """Screen every stored traveller not yet screened against the active versions, whatever
        stopped it before (a crash after storing, `ingest --no-screen`, a failed screening):
        register the new ones, screen those never screened against a list in full, and bring
        those screened against an older version up to date by the list's difference."""
        registered = self.register_travellers()
        at = self.clock()
        active = {v.list_id: v.id for v in self.watchlists.active_versions()}
        waiting = (
            self.store.never_screened(active, at, origin="traveller")
            if active
            else self.store.subject_ids(origin="traveller", alive_at=at)
        )
        if not waiting and not active:
            return {"registered": len(registered), "screened": 0, "alerts": 0, "brought_up_to_date": 0}
        result = self.screen_subjects(waiting, "arrival", progress=progress)  # NotFound without an active version
        behind = 0
        for list_id, version_id in active.items():
            counts, _ = self.store.version_counts(list_id, at)
            if any(v != version_id for v in counts):
                summary = self.rescreen(list_id, progress)
                behind += int(summary["subjects_now_screened_against_new_version"])
                result["alerts"] += int(summary["alerts"])
        return {"registered": len(registered), **result, "brought_up_to_date": behind}

    # --- rescreening on a list change -------------------------------------------------------------

    def rescreen(self, list_id: str, progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
        """Bring every stored subject up to a list's active version by screening only what changed.

        Subjects screened against an older version are compared with the entries added or changed
        since *that* version (found through their blocking keys, not by a full rescreen); subjects
        never screened against the list are screened in full. Run again after an interruption, it
        creates no duplicate alert. Each alert records the list change that produced it."""
        active = self.active()
        version = active.versions.get(list_id)
        if version is None:
            raise NotFound(f"list {list_id!r} has no active version")
        at = self.clock()
        counts, never = self.store.version_counts(list_id, at)
        summary: dict[str, Any] = {"list": list_id, "version": version.label, "added": 0, "changed": 0}
        summary.update(subjects_compared=0, alerts=0, subjects_now_screened_against_new_version=0)
        new = self.watchlists.entry_hashes(version.id)
        for from_id in sorted(v for v in counts if v != version.id):
            before = self.watchlists.version(from_id)
            result = self._rescreen_delta(active, version, before, new, progress)
            summary["previous"] = before.label
            for field in ("added", "changed", "subjects_compared", "alerts"):
                summary[field] += result[field]
            advanced = self.store.advance_screenings(list_id, from_id, version.id, self.clock())
            summary["subjects_now_screened_against_new_version"] += advanced
        if never:
            cause = f"rescreen {version.label} (not screened against {list_id} before)"
            full = self.screen_subjects(never, cause, progress=progress)
            summary["screened_in_full"] = full["screened"]
            summary["alerts"] += full["alerts"]
        return summary

    def _rescreen_delta(
        self,
        active: _Active,
        version: ListVersion,
        before: ListVersion,
        new: dict[str, str],
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, int]:
        old = self.watchlists.entry_hashes(before.id)
        added = sorted(k for k in new if k not in old)
        changed = sorted(k for k in new if k in old and old[k] != new[k])
        delta_entries = [active.entries[k] for k in (*added, *changed) if k in active.entries]
        result = {"added": len(added), "changed": len(changed), "subjects_compared": 0, "alerts": 0}
        if not delta_entries:
            return result
        index = ListIndex.build(delta_entries, None, weights=active.screener.index.weights)
        delta = Screener(index, self.config, versions=active.screener.versions, policy=active.screener.policy)
        reverse = ReverseKeys(index)
        candidates = reverse.select(self.store.subjects_by_keys(reverse.keys))
        at_before = self.store.screened_versions(version.list_id, candidates)
        candidates = [i for i in candidates if at_before.get(i) == before.id]
        added_set = set(added)
        for start in range(0, len(candidates), 500):
            if progress is not None:
                progress(f"rescreening {version.label} (changes since {before.label})", start, len(candidates))
            found: list[tuple[int, list[NewAlert]]] = []
            for stored in self.store.subjects(candidates[start : start + 500], alive_at=self.clock()):
                subject = subject_from_data(str(stored.id), stored.data)
                new_alerts: list[NewAlert] = []
                for match in delta.screen(subject).matches:
                    if match.alert:
                        change = "added" if match.key in added_set else "changed"
                        cause = f"rescreen {version.label} ({change} since {before.label})"
                        new_alerts += self.new_alerts(subject, [match], active, delta, cause)
                if new_alerts:
                    found.append((stored.id, new_alerts))
                result["subjects_compared"] += 1
            # the versions screened against move forward for everyone at the end (advance_screenings)
            result["alerts"] += self.store.record_screenings(found, {}, self.clock())
        return result

    # --- batches ------------------------------------------------------------------------------------

    def batch(
        self,
        selection: str,
        subject_ids: list[int],
        fresh: bool = False,
        chunk: int = 200,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> dict[str, Any]:
        """Screen a named selection; killed and run again, it resumes and ends with the same alerts."""
        if fresh:
            self.store.forget_batch(selection)  # type: ignore[attr-defined]
        run, done = self.store.start_batch(selection, self.clock())
        todo = [i for i in subject_ids if i not in done]
        self.screen_subjects(todo, f"batch {selection}", batch_run=run, chunk=chunk, progress=progress)
        return self.store.finish_batch(run, self.clock())

    # --- status and outcomes -----------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """Every stored subject within retention not screened against each active version,
        counting the travellers stored but not registered yet (they are not screened either)."""
        at = self.clock()
        versions = self.watchlists.active_versions()
        active = {v.list_id: v.id for v in versions}
        waiting = self.store.unregistered_count(at - self.retention)
        unscreened = self.store.unscreened_counts(active, at)
        return {
            "subjects": len(self.store.subject_ids(alive_at=at)) + waiting,
            "active_versions": {v.list_id: v.label for v in versions},
            "not_screened_against_active_version": {k: n + waiting for k, n in unscreened.items()},
            "not_registered_yet": waiting,
            "without_a_name": self.store.unregistered_count(at - self.retention, named=False),
        }

    def record_outcome(self, alert_id: int, outcome: str, by: str, note: str) -> None:
        value = Outcome.parse(outcome)
        if not by.strip():
            raise InvalidInput("an outcome needs the person recording it (--by)")
        self.store.add_outcome(alert_id, str(value), by, note, self.clock())
