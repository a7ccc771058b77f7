"""SQL storage for screening: subjects and their keys, screenings, alerts, outcomes, confirmations, batches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tekser.domain.alerts import RESCORE_MARGIN, Alert, NewAlert, comparison_hash, realert_hash, what_changed
from tekser.domain.audit import AuditEvent
from tekser.domain.workflow import subject_hash
from tekser.errors import NotFound
from tekser.storage.audit import append as audit
from tekser.storage.database import write_transaction
from tekser.storage.tables import (
    alert_decisions,
    alert_outcomes,
    alerts,
    batch_items,
    batch_runs,
    iapi_exchanges,
    pair_confirmations,
    screen_subjects,
    screenings,
    subject_keys,
    suppressions,
    travel_messages,
    travellers,
)

_MAX_PARAMETERS = 30_000  # below SQLite's (32,766) and PostgreSQL's (65,535) limits
_CHUNK = 500


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class StoredSubject:
    id: int
    origin: str
    origin_id: str
    fingerprint: str
    name: str
    data: dict[str, Any]


class SqlScreeningStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- subjects -------------------------------------------------------------------------------

    @staticmethod
    def _unregistered(named: bool = True) -> Any:
        """Travellers with (or without) a name not yet registered as screening subjects."""
        registered = select(screen_subjects.c.origin_id).where(screen_subjects.c.origin == "traveller")
        has_name = or_(func.coalesce(travellers.c.surname, "") != "", func.coalesce(travellers.c.given_names, "") != "")
        return (
            select(travellers.c.id, travellers.c.data, travel_messages.c.received_at)
            .join(travel_messages, travel_messages.c.id == travellers.c.message_id)
            .where(func.cast(travellers.c.id, screen_subjects.c.origin_id.type).not_in(registered))
            .where(has_name if named else ~has_name)
        )

    def unregistered_travellers(self, limit: int = 100_000, after: int = 0) -> list[tuple[int, str, datetime]]:
        """(traveller id, traveller JSON, received at) of named travellers not yet registered for
        screening, by id from ``after`` on (a traveller without any name cannot be screened)."""
        query = self._unregistered().where(travellers.c.id > after).order_by(travellers.c.id).limit(limit)
        with self.engine.connect() as connection:
            return [
                (int(r.id), str(r.data), _utc(r.received_at) or datetime.now(UTC)) for r in connection.execute(query)
            ]

    def unregistered_count(self, received_after: datetime, named: bool = True) -> int:
        """Travellers received after a date (within retention) not registered as subjects yet."""
        query = self._unregistered(named).where(travel_messages.c.received_at > received_after)
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())

    def add_subjects(
        self, rows: list[tuple[str, str, str, str, dict[str, Any], datetime, datetime, set[str]]]
    ) -> list[int]:
        """Register subjects with their blocking keys: (origin, origin id, fingerprint, name, data,
        created, expires, keys). An already registered (origin, origin id) returns its existing id."""

        def work(connection: Connection) -> list[int]:
            ids: list[int] = []
            for origin, origin_id, fingerprint, name, data, created, expires, keys in rows:
                found = connection.execute(
                    select(screen_subjects.c.id).where(
                        screen_subjects.c.origin == origin, screen_subjects.c.origin_id == origin_id
                    )
                ).scalar_one_or_none()
                if found is not None:  # registered before, or by a concurrent process
                    ids.append(int(found))
                    continue
                subject_id = int(
                    connection.execute(
                        insert(screen_subjects)
                        .values(
                            origin=origin,
                            origin_id=origin_id,
                            fingerprint=fingerprint,
                            name=name,
                            data=json.dumps(data, sort_keys=True),
                            created_at=created,
                            expires_at=expires,
                        )
                        .returning(screen_subjects.c.id)
                    ).scalar_one()
                )
                if keys:
                    connection.execute(insert(subject_keys), [{"key": k, "subject_id": subject_id} for k in keys])
                ids.append(subject_id)
            return ids

        # serialised with other writers: the check before each insert holds (no second registration)
        return write_transaction(self.engine, work)

    def subjects(self, ids: Iterable[int], alive_at: datetime | None = None) -> list[StoredSubject]:
        """Stored subjects by id, in that order (with ``alive_at``: only those within retention)."""
        wanted = list(ids)
        found: dict[int, StoredSubject] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                query = select(screen_subjects).where(screen_subjects.c.id.in_(chunk))
                if alive_at is not None:
                    query = query.where(screen_subjects.c.expires_at > alive_at)
                for row in connection.execute(query):
                    found[row.id] = StoredSubject(
                        row.id, row.origin, row.origin_id, row.fingerprint, row.name, json.loads(row.data)
                    )
        return [found[i] for i in wanted if i in found]

    def subjects_with_keys(self, keys: Iterable[str], alive_at: datetime) -> list[int]:
        """Subjects within retention that share any blocking key."""
        wanted = list(dict.fromkeys(keys))
        found: set[int] = set()
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                query = (
                    select(subject_keys.c.subject_id)
                    .join(screen_subjects, screen_subjects.c.id == subject_keys.c.subject_id)
                    .where(subject_keys.c.key.in_(chunk), screen_subjects.c.expires_at > alive_at)
                    .distinct()
                )
                found.update(int(r.subject_id) for r in connection.execute(query))
        return sorted(found)

    def subjects_by_keys(self, keys: Iterable[str]) -> Iterator[tuple[int, list[str]]]:
        """(subject id, the keys it holds among ``keys``) for every subject holding any of them,
        grouped by the database and read from the (key, subject) index alone; retention is
        applied later, to the few subjects selected from them."""
        wanted = sorted(set(keys))
        separator = " "  # keys never contain a space

        def grouped(chunk: list[str]) -> Any:
            return (
                select(subject_keys.c.subject_id, func.aggregate_strings(subject_keys.c.key, separator))
                .where(subject_keys.c.key.in_(chunk))
                .group_by(subject_keys.c.subject_id)
            )

        with self.engine.connect() as connection:
            if len(wanted) <= _MAX_PARAMETERS:  # one query: each subject comes once, streamed
                for subject_id, text in connection.execute(grouped(wanted)):
                    yield int(subject_id), text.split(separator)
                return
            found: dict[int, list[str]] = {}
            for start in range(0, len(wanted), _CHUNK):
                for subject_id, text in connection.execute(grouped(wanted[start : start + _CHUNK])):
                    found.setdefault(int(subject_id), []).extend(text.split(separator))
            yield from found.items()

    def screened_versions(self, list_id: str, ids: Iterable[int]) -> dict[int, int]:
        """Subject id → the version of a list it was last screened against."""
        wanted = list(ids)
        found: dict[int, int] = {}
        with self.engine.connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                query = select(screenings.c.subject_id, screenings.c.version_id).where(
                    screenings.c.list_id == list_id, screenings.c.subject_id.in_(chunk)
                )
                found.update({int(r.subject_id): int(r.version_id) for r in connection.execute(query)})
        return found

    def version_counts(self, list_id: str, alive_at: datetime) -> tuple[dict[int, int], list[int]]:
        """For the subjects within retention: how many stand screened against each version of a
        list, and the ids of those never screened against it."""
        alive = screen_subjects.c.expires_at > alive_at
        with self.engine.connect() as connection:
            counts = connection.execute(
                select(screenings.c.version_id, func.count())
                .select_from(screenings.join(screen_subjects, screen_subjects.c.id == screenings.c.subject_id))
                .where(screenings.c.list_id == list_id, alive)
                .group_by(screenings.c.version_id)
            ).all()
            seen = select(screenings.c.subject_id).where(screenings.c.list_id == list_id)
            never = connection.execute(
                select(screen_subjects.c.id)
                .where(alive, screen_subjects.c.id.not_in(seen))
                .order_by(screen_subjects.c.id)
            ).all()
        return {int(v): int(n) for v, n in counts}, [int(r.id) for r in never]

    def subject_ids(self, origin: str | None = None, alive_at: datetime | None = None) -> list[int]:
        query = select(screen_subjects.c.id).order_by(screen_subjects.c.id)
        if origin:
            query = query.where(screen_subjects.c.origin == origin)
        if alive_at:
            query = query.where(screen_subjects.c.expires_at > alive_at)
        with self.engine.connect() as connection:
            return [int(r.id) for r in connection.execute(query)]

    def subjects_of_flights(self, departure_from: str, departure_to: str) -> list[int]:
        """Registered travellers of flights departing between two dates (YYYY-MM-DD, inclusive)."""
        from tekser.storage.tables import flights

        query = (
            select(screen_subjects.c.id)
            .join(
                travellers, func.cast(travellers.c.id, screen_subjects.c.origin_id.type) == screen_subjects.c.origin_id
            )
            .join(flights, flights.c.id == travellers.c.flight_id)
            .where(
                screen_subjects.c.origin == "traveller",
                flights.c.departure_date >= departure_from,
                flights.c.departure_date <= departure_to,
            )
            .order_by(screen_subjects.c.id)
        )
        with self.engine.connect() as connection:
            return [int(r.id) for r in connection.execute(query)]

    # --- screening results ------------------------------------------------------------------------

    def _insert_alerts(self, connection: Connection, subject_id: int, new: list[NewAlert], at: datetime) -> int:
        created = 0
        fingerprint = connection.execute(
            select(screen_subjects.c.fingerprint).where(screen_subjects.c.id == subject_id)
        ).scalar_one()
        for alert in new:
            compared = alert.compared_hash or comparison_hash(alert.evidence["subject"], alert.entry_hash)
            earlier = self._pair_alerts(connection, fingerprint, alert.entry_key)
            reasons = self._realert_reasons(connection, fingerprint, alert, compared, earlier)
            if reasons is None:
                continue  # nothing compared changed: the earlier alert and its decision stand
            evidence, digest = alert.evidence, alert.evidence_hash
            if earlier:
                before = self._earlier(connection, earlier, alert, reasons)
                evidence, digest = evidence | {"earlier": before}, realert_hash(digest, before)
            connection.execute(
                insert(alerts).values(
                    subject_id=subject_id,
                    entry_key=alert.entry_key,
                    list_id=alert.list_id,
                    version_id=alert.version_id,
                    entry_hash=alert.entry_hash,
                    evidence_hash=digest,
                    compared_hash=compared,
                    score=alert.score,
                    priority=alert.priority,
                    cause=alert.cause,
                    status="new",
                    created_at=at,
                    evidence=json.dumps(evidence, sort_keys=True, ensure_ascii=False),
                )
            )
            created += 1
        return created

    @staticmethod
    def _pair_alerts(connection: Connection, fingerprint: str, entry_key: str) -> list[Any]:
        """Every alert on this person (one fingerprint, API and PNR alike) and entry, newest first."""
        return list(
            connection.execute(
                select(
                    alerts.c.id,
                    alerts.c.compared_hash,
                    alerts.c.evidence_hash,
                    alerts.c.score,
                    alerts.c.status,
                )
                .join(screen_subjects, screen_subjects.c.id == alerts.c.subject_id)
                .where(screen_subjects.c.fingerprint == fingerprint, alerts.c.entry_key == entry_key)
                .order_by(alerts.c.id.desc())
            )
        )

    @staticmethod
    def _realert_reasons(
        connection: Connection, fingerprint: str, alert: NewAlert, compared: str, earlier: list[Any]
    ) -> list[str] | None:
        """None when this is the same alert as an earlier one; else why it is a new one ([] for a
        first alert on the pair)."""
        if not earlier:
            return []  # a suppression is always decided on an alert of the pair: none can stand
        same = [a for a in earlier if a.compared_hash == compared or a.evidence_hash == alert.evidence_hash]
        pair = (suppressions.c.fingerprint == fingerprint, suppressions.c.entry_key == alert.entry_key)
        decided_on = (
            suppressions.c.entry_hash == alert.entry_hash,
            suppressions.c.subject_hash == subject_hash(alert.evidence["subject"]),
        )
        standing = connection.execute(
            select(suppressions.c.score, alert_decisions.c.alert_id)
            .join(alert_decisions, alert_decisions.c.id == suppressions.c.decision_id)
            .where(*pair, *decided_on, suppressions.c.lifted_at.is_(None))
            .order_by(suppressions.c.id.desc())
        ).first()
        if not same:
            # new data; but a false positive decided on exactly this data (before alerts had a
            # comparison hash) still holds
            return None if standing is not None else []
        latest = same[0]
        if standing is not None:
            decided_score = standing.score if standing.score is not None else latest.score
            if alert.score >= max(decided_score, latest.score) + RESCORE_MARGIN:
                return [f"score {latest.score:.3f} → {alert.score:.3f}, above the decided false positive"]
            return None
        lifted = connection.execute(
            select(func.max(alert_decisions.c.alert_id))
            .select_from(suppressions.join(alert_decisions, alert_decisions.c.id == suppressions.c.decision_id))
            .where(*pair, *decided_on, suppressions.c.lifted_at.is_not(None))
        ).scalar()
        if lifted is not None and int(lifted) >= latest.id:
            return ["the false-positive suppression was lifted"]
        return None

    @staticmethod
    def _earlier(connection: Connection, earlier: list[Any], alert: NewAlert, reasons: list[str]) -> dict[str, Any]:
        """The earlier alert on the pair (the last decided one, else the last), its last decision,
        and what changed since."""
        decision = connection.execute(
            select(
                alert_decisions.c.id,
                alert_decisions.c.alert_id,
                alert_decisions.c.kind,
                alert_decisions.c.value,
                alert_decisions.c.actor,
                alert_decisions.c.at,
            )
            .where(
                alert_decisions.c.alert_id.in_([a.id for a in earlier]),
                alert_decisions.c.kind.in_(("decide", "approve")),
            )
            .order_by(alert_decisions.c.id.desc())
        ).first()
        previous = next((a for a in earlier if decision is not None and a.id == decision.alert_id), earlier[0])
        # the one earlier evidence needed, read only for a re-alert (the pair's list is read on every hit)
        before = json.loads(
            connection.execute(select(alerts.c.evidence).where(alerts.c.id == previous.id)).scalar_one()
        )
        changed = [
            *what_changed(before.get("subject", {}), alert.evidence["subject"], "subject"),
            *what_changed(before.get("entry", {}), alert.evidence.get("entry", {}), "entry"),
        ]
        return {
            "alert": int(previous.id),
            "status": previous.status,
            "decision": None
            if decision is None
            else {
                "id": int(decision.id),
                "kind": decision.kind,
                "value": decision.value,
                "by": decision.actor,
                "at": (_utc(decision.at) or datetime.now(UTC)).isoformat(),
            },
            "why_new": [*reasons, *changed] or ["the data compared changed"],
        }

    def record_screening(
        self,
        subject_id: int,
        versions: dict[str, int],
        new: list[NewAlert],
        at: datetime,
        batch_run: int | None = None,
    ) -> int:
        """Alerts, the versions screened against, and (in a batch) the item done: one transaction."""
        return self.record_screenings([(subject_id, new)], versions, at, batch_run)

    def record_screenings(
        self,
        results: list[tuple[int, list[NewAlert]]],
        versions: dict[str, int],
        at: datetime,
        batch_run: int | None = None,
    ) -> int:
        """Several subjects' results in one transaction: all of them are recorded, or none (a batch
        killed mid-way redoes the whole chunk and, thanks to the alert identity, adds nothing twice)."""

        def work(connection: Connection) -> int:
            created = 0
            for subject_id, new in results:
                created += self._insert_alerts(connection, subject_id, new, at)
            ids = [subject_id for subject_id, _ in results]
            for list_id, version_id in versions.items():
                connection.execute(
                    delete(screenings).where(screenings.c.list_id == list_id, screenings.c.subject_id.in_(ids))
                )
                connection.execute(
                    insert(screenings),
                    [{"subject_id": i, "list_id": list_id, "version_id": version_id, "screened_at": at} for i in ids],
                )
            if batch_run is not None and ids:
                connection.execute(insert(batch_items), [{"run_id": batch_run, "subject_id": i} for i in ids])
                connection.execute(
                    update(batch_runs)
                    .where(batch_runs.c.id == batch_run)
                    .values(screened=batch_runs.c.screened + len(ids), alerts=batch_runs.c.alerts + created)
                )
            return created

        # serialised with other writers: two processes screening the same arrivals alert once
        return write_transaction(self.engine, work)

    def advance_screenings(self, list_id: str, from_version: int, to_version: int, at: datetime) -> int:
        """After a delta rescreen: subjects screened against the previous version now stand screened
        against the new one (the entries that did not change were already compared)."""
        with self.engine.begin() as connection:
            result = connection.execute(
                update(screenings)
                .where(screenings.c.list_id == list_id, screenings.c.version_id == from_version)
                .values(version_id=to_version, screened_at=at)
            )
        return int(result.rowcount or 0)

    def never_screened(self, list_ids: Iterable[str], alive_at: datetime, origin: str | None = None) -> list[int]:
        """Subjects within retention without any screening against at least one of these lists (a
        run that stopped between registering and screening, or `ingest --no-screen`)."""
        alive = screen_subjects.c.expires_at > alive_at
        found: set[int] = set()
        with self.engine.connect() as connection:
            for list_id in dict.fromkeys(list_ids):
                seen = select(screenings.c.subject_id).where(screenings.c.list_id == list_id)
                query = select(screen_subjects.c.id).where(alive, screen_subjects.c.id.not_in(seen))
                if origin:
                    query = query.where(screen_subjects.c.origin == origin)
                found.update(int(r.id) for r in connection.execute(query))
        return sorted(found)

    def unscreened_counts(self, active: dict[str, int], alive_at: datetime) -> dict[str, int]:
        """Per list: subjects within retention not screened against its active version."""
        result = {}
        with self.engine.connect() as connection:
            alive = connection.execute(
                select(func.count()).select_from(screen_subjects).where(screen_subjects.c.expires_at > alive_at)
            ).scalar_one()
            for list_id, version_id in active.items():
                current = connection.execute(
                    select(func.count())
                    .select_from(screenings.join(screen_subjects, screen_subjects.c.id == screenings.c.subject_id))
                    .where(
                        screenings.c.list_id == list_id,
                        screenings.c.version_id == version_id,
                        screen_subjects.c.expires_at > alive_at,
                    )
                ).scalar_one()
                result[list_id] = int(alive) - int(current)
        return result

    # --- alerts -------------------------------------------------------------------------------------

    def _alert(self, row: Any, label: str) -> Alert:
        return Alert(
            id=row.id,
            subject_id=row.subject_id,
            entry_key=row.entry_key,
            list_id=row.list_id,
            version_id=row.version_id,
            version_label=label,
            entry_hash=row.entry_hash,
            evidence_hash=row.evidence_hash,
            score=row.score,
            priority=row.priority,
            cause=row.cause,
            status=row.status,
            created_at=_utc(row.created_at) or datetime.now(UTC),
            evidence=json.loads(row.evidence),
        )

    def alerts(self, status: str | None = None, subject_id: int | None = None, limit: int = 1000) -> list[Alert]:
        query = select(alerts).order_by(alerts.c.priority.desc(), alerts.c.id).limit(limit)
        if status:
            query = query.where(alerts.c.status == status)
        if subject_id is not None:
            query = query.where(alerts.c.subject_id == subject_id)
        with self.engine.connect() as connection:
            return [
                self._alert(r, str(json.loads(r.evidence).get("list_version", ""))) for r in connection.execute(query)
            ]

    def alert(self, alert_id: int) -> Alert:
        with self.engine.connect() as connection:
            row = connection.execute(select(alerts).where(alerts.c.id == alert_id)).first()
        if row is None:
            raise NotFound(f"no alert #{alert_id}")
        return self._alert(row, str(json.loads(row.evidence).get("list_version", "")))

    def alert_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(alerts)).scalar_one())

    def add_outcome(self, alert_id: int, outcome: str, by: str, note: str, at: datetime, origin: str = "") -> None:
        self.alert(alert_id)
        with self.engine.begin() as connection:
            connection.execute(
                insert(alert_outcomes).values(alert_id=alert_id, outcome=outcome, recorded_by=by, note=note, at=at)
            )
            details = {"outcome": outcome}
            event = AuditEvent(by, "alert.outcome", "alert", str(alert_id), at, note, origin, details)
            audit(connection, event)

    def outcomes(self, alert_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(alert_outcomes).where(alert_outcomes.c.alert_id == alert_id).order_by(alert_outcomes.c.id)
            )
            return [
                {"outcome": r.outcome, "by": r.recorded_by, "note": r.note, "at": (_utc(r.at) or r.at).isoformat()}
                for r in rows
            ]

    def add_confirmation(
        self, fingerprint: str, entry_key: str, alert_id: int | None, by: str, reason: str, at: datetime
    ) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                insert(pair_confirmations).values(
                    fingerprint=fingerprint,
                    entry_key=entry_key,
                    alert_id=alert_id,
                    confirmed_by=by,
                    reason=reason,
                    at=at,
                )
            )
            details = {"fingerprint": fingerprint, "entry": entry_key, "alert": alert_id}
            audit(connection, AuditEvent(by, "pair.confirm", "alert", str(alert_id), at, reason, details=details))

    def confirmed(self, fingerprint: str, entry_keys: Iterable[str]) -> set[str]:
        keys = list(entry_keys)
        if not keys:
            return set()
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(pair_confirmations.c.entry_key).where(
                    and_(pair_confirmations.c.fingerprint == fingerprint, pair_confirmations.c.entry_key.in_(keys))
                )
            )
            return {r.entry_key for r in rows}

    # --- batches -----------------------------------------------------------------------------------

    def start_batch(self, selection: str, at: datetime) -> tuple[int, set[int]]:
        """The run for a selection (resumed when it exists) and the subjects it already did."""
        with self.engine.begin() as connection:
            run = connection.execute(
                select(batch_runs.c.id).where(batch_runs.c.selection == selection)
            ).scalar_one_or_none()
            if run is None:
                try:
                    run = connection.execute(
                        insert(batch_runs)
                        .values(selection=selection, started_at=at, screened=0, alerts=0)
                        .returning(batch_runs.c.id)
                    ).scalar_one()
                except IntegrityError:  # pragma: no cover - a concurrent start of the same selection
                    run = connection.execute(
                        select(batch_runs.c.id).where(batch_runs.c.selection == selection)
                    ).scalar_one()
            done = {
                int(r.subject_id)
                for r in connection.execute(select(batch_items.c.subject_id).where(batch_items.c.run_id == run))
            }
        return int(run), done

    def finish_batch(self, run: int, at: datetime) -> dict[str, Any]:
        with self.engine.begin() as connection:
            connection.execute(update(batch_runs).where(batch_runs.c.id == run).values(finished_at=at))
            row = connection.execute(select(batch_runs).where(batch_runs.c.id == run)).one()
        return {"run": run, "selection": row.selection, "screened": row.screened, "alerts": row.alerts}

    def forget_batch(self, selection: str) -> None:
        """Start a selection afresh (its alerts stay: they are deduplicated anyway)."""
        with self.engine.begin() as connection:
            run = connection.execute(
                select(batch_runs.c.id).where(batch_runs.c.selection == selection)
            ).scalar_one_or_none()
            if run is not None:
                connection.execute(delete(batch_items).where(batch_items.c.run_id == run))
                connection.execute(delete(batch_runs).where(batch_runs.c.id == run))

    # --- iAPI ----------------------------------------------------------------------------------------

    def log_exchange(
        self,
        direction: str,
        kind: str,
        content: str,
        at: datetime,
        flight: str | None = None,
        fingerprint: str | None = None,
        passenger_ref: str | None = None,
        directive: str | None = None,
    ) -> int:
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    insert(iapi_exchanges)
                    .values(
                        direction=direction,
                        kind=kind,
                        content=content,
                        at=at,
                        flight=flight,
                        fingerprint=fingerprint,
                        passenger_ref=passenger_ref,
                        directive=directive,
                    )
                    .returning(iapi_exchanges.c.id)
                ).scalar_one()
            )

    def last_directive(self, fingerprint: str) -> tuple[str | None, str | None, str | None]:
        """(directive, flight, passenger reference) last sent for a passenger."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(iapi_exchanges.c.directive, iapi_exchanges.c.flight, iapi_exchanges.c.passenger_ref)
                .where(iapi_exchanges.c.fingerprint == fingerprint, iapi_exchanges.c.direction == "out")
                .order_by(iapi_exchanges.c.id.desc())
                .limit(1)
            ).first()
        return (row.directive, row.flight, row.passenger_ref) if row else (None, None, None)
