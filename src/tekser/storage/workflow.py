"""The analyst workflow in the database: users, keys, sessions, decisions, suppressions, internal
list entries, cases — and the audit event of every change, in the same transaction.

Services work through :meth:`SqlWorkflowStore.transaction` (a unit of work: everything it does
is committed together, or nothing) and read through the store's plain methods. Decision records,
internal-list events and case items are append-only (triggers refuse UPDATE and DELETE); the
alert status, an internal entry's status and a case's status are projections of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError

from tekser.domain.audit import AuditEvent, AuditRecord
from tekser.domain.serialization import canonical_json
from tekser.domain.workflow import DecisionRecord, RecordKind, subject_hash
from tekser.errors import Conflict, NotFound
from tekser.storage import audit as audit_log
from tekser.storage.tables import (
    alert_decisions,
    alerts,
    api_keys,
    audit_events,
    case_items,
    cases,
    internal_entries,
    internal_events,
    screen_subjects,
    sign_in_accounts,
    sign_in_failures,
    suppressions,
    users,
    web_sessions,
)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    display_name: str
    role: str
    password_hash: str
    active: bool
    created_at: datetime
    created_by: str
    enrol_hash: str | None = None
    enrol_expires: datetime | None = None
    role_pending: bool = False
    role_granted_by: str | None = None
    enrol2_hash: str | None = None
    totp_secret: str | None = None  # sealed
    totp_pending: str | None = None  # sealed, awaiting its first code
    totp_last_step: int | None = None


@dataclass(frozen=True, slots=True)
class KeyRow:
    id: int
    user_id: int
    prefix: str
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class SessionRow:
    token_hash: str
    user_id: int
    created_at: datetime
    last_seen: datetime
    ended_at: datetime | None
    public_id: str = ""  # what its holder sees in their list of sessions
    client: str = ""  # the address it signed in from
    authenticated_at: datetime | None = None  # sign-in or the last password confirmation


@dataclass(frozen=True, slots=True)
class SignInRow:
    """Failed sign-ins under one typed user name (which may name nobody)."""

    username: str
    failures: int
    lockouts: int
    locked_until: datetime | None
    last_failure: datetime


def _sign_in(row: Any) -> SignInRow:
    return SignInRow(
        row.username,
        int(row.failures),
        int(row.lockouts),
        _utc(row.locked_until),
        _utc(row.last_failure) or row.last_failure,
    )


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _iso(value: Any) -> str:
    moment = _utc(value)
    assert moment is not None
    return moment.isoformat()


def _session(row: Any) -> SessionRow:
    return SessionRow(
        row.token_hash,
        int(row.user_id),
        _utc(row.created_at) or row.created_at,
        _utc(row.last_seen) or row.last_seen,
        _utc(row.ended_at),
        row.public_id or "",
        row.client or "",
        _utc(row.authenticated_at),
    )


def _user(row: Any) -> UserRow:
    return UserRow(
        int(row.id),
        row.username,
        row.display_name,
        row.role,
        row.password_hash,
        bool(row.active),
        _utc(row.created_at) or row.created_at,
        row.created_by,
        row.enrol_hash,
        _utc(row.enrol_expires),
        bool(row.role_pending),
        row.role_granted_by,
        row.enrol2_hash,
        row.totp_secret,
        row.totp_pending,
        None if row.totp_last_step is None else int(row.totp_last_step),
    )


def _key(row: Any) -> KeyRow:
    return KeyRow(
        int(row.id),
        int(row.user_id),
        row.prefix,
        row.label,
        _utc(row.created_at) or row.created_at,
        _utc(row.expires_at) or row.expires_at,
        _utc(row.revoked_at),
    )


def _decision(row: Any) -> DecisionRecord:
    return DecisionRecord(
        int(row.id),
        int(row.alert_id),
        RecordKind(row.kind),
        row.value,
        row.reason,
        row.actor,
        _utc(row.at) or row.at,
        row.request_id,
    )


class WorkflowTransaction:
    """Everything one change does, on one connection; :meth:`audit` records why and by whom."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def audit(self, event: AuditEvent) -> None:
        audit_log.append(self.connection, event)

    # users, keys, sessions
    def add_user(
        self, username: str, display_name: str, role: str, password_hash: str, by: str, at: datetime, **more: Any
    ) -> int:
        try:
            with self.connection.begin_nested():
                result = self.connection.execute(
                    insert(users).values(
                        username=username,
                        display_name=display_name,
                        role=role,
                        password_hash=password_hash,
                        active=True,
                        created_at=at,
                        created_by=by,
                        **more,
                    )
                )
        except IntegrityError:
            raise Conflict(f"user {username!r} already exists") from None
        return _new_id(result)

    def update_user(self, user_id: int, **values: Any) -> None:
        self.connection.execute(update(users).where(users.c.id == user_id).values(**values))

    def replace_password_hash(self, user_id: int, old: str, new: str) -> bool:
        """Replace a user's password hash if it is still ``old`` (a stronger hash of the same
        password must not undo a reset made meanwhile)."""
        result = self.connection.execute(
            update(users).where(users.c.id == user_id, users.c.password_hash == old).values(password_hash=new)
        )
        return bool(result.rowcount)

    def use_totp_step(self, user_id: int, step: int) -> bool:
        """Record that a code of ``step`` was used; False when that step or a later one already was
        (one conditional update: two sign-ins racing with the same code cannot both win)."""
        last = users.c.totp_last_step
        result = self.connection.execute(
            update(users).where(users.c.id == user_id, or_(last.is_(None), last < step)).values(totp_last_step=step)
        )
        return bool(result.rowcount == 1)

    def active_administrators(self) -> list[int]:
        """The active administrators' ids, locked until the transaction ends: two administrators
        demoting each other at the same moment must not leave none."""
        query = select(users.c.id).where(
            users.c.role == "administrator", users.c.active.is_(True), users.c.role_pending.is_(False)
        )
        if self.connection.dialect.name == "postgresql":
            query = query.with_for_update()
        else:  # SQLite: take the write lock first (a no-op update), so that the read is not stale
            self.connection.execute(update(users).where(users.c.role == "administrator").values(role=users.c.role))
        return sorted(int(i) for i in self.connection.execute(query).scalars())

    def may_bootstrap(self, administrator_id: int) -> bool:
        """Whether ``administrator_id`` is the only administrator this deployment has ever had: no
        other account holds the role (in any state) and no bootstrap was audited before."""
        others = (
            select(func.count())
            .select_from(users)
            .where(users.c.role == "administrator", users.c.id != administrator_id)
        )
        earlier = (
            select(func.count())
            .select_from(audit_events)
            .where(
                audit_events.c.action.in_(("user.create", "user.role")),
                audit_events.c.details.like('%"bootstrap":true%'),  # RFC 8785 JSON: no spaces
            )
        )
        return not self.connection.execute(others).scalar_one() and not self.connection.execute(earlier).scalar_one()

    def add_key(self, user_id: int, prefix: str, key_hash: str, label: str, at: datetime, expires_at: datetime) -> int:
        result = self.connection.execute(
            insert(api_keys).values(
                user_id=user_id,
                prefix=prefix,
                key_hash=key_hash,
                label=label,
                created_at=at,
                expires_at=expires_at,
            )
        )
        return _new_id(result)

    def revoke_key(self, key_id: int, at: datetime) -> None:
        self.connection.execute(
            update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=at)
        )

    def revoke_keys_of(self, user_id: int, at: datetime) -> None:
        self.connection.execute(
            update(api_keys).where(api_keys.c.user_id == user_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=at)
        )

    def add_session(self, token_hash: str, user_id: int, at: datetime, public_id: str, client: str) -> None:
        self.connection.execute(
            insert(web_sessions).values(
                token_hash=token_hash,
                user_id=user_id,
                created_at=at,
                last_seen=at,
                public_id=public_id,
                client=client[:255],
                authenticated_at=at,
            )
        )

    def end_sessions(
        self,
        at: datetime,
        *,
        token_hash: str | None = None,
        user_id: int | None = None,
        public_id: str | None = None,
        keep: str | None = None,
    ) -> int:
        """End the open sessions that match (``keep``: a token hash spared); how many ended."""
        query = update(web_sessions).where(web_sessions.c.ended_at.is_(None))
        if token_hash is not None:
            query = query.where(web_sessions.c.token_hash == token_hash)
        if user_id is not None:
            query = query.where(web_sessions.c.user_id == user_id)
        if public_id is not None:
            query = query.where(web_sessions.c.public_id == public_id)
        if keep is not None:
            query = query.where(web_sessions.c.token_hash != keep)
        return int(self.connection.execute(query.values(ended_at=at)).rowcount)

    def confirm_session(self, token_hash: str, at: datetime) -> None:
        """Its holder gave the password again: the session counts as freshly authenticated."""
        self.connection.execute(
            update(web_sessions)
            .where(web_sessions.c.token_hash == token_hash)
            .values(authenticated_at=at, last_seen=at)
        )

    # sign-in throttling
    def lock_sign_in_account(self, username: str, at: datetime) -> SignInRow:
        """The failures of a typed name (a new record if none), locked until the transaction ends:
        concurrent failures all count."""
        postgresql = self.connection.dialect.name == "postgresql"
        make = postgresql_insert if postgresql else sqlite_insert  # SQLite: this takes the write lock
        self.connection.execute(
            make(sign_in_accounts)
            .values(username=username, failures=0, lockouts=0, last_failure=at)
            .on_conflict_do_nothing()
        )
        query = select(sign_in_accounts).where(sign_in_accounts.c.username == username)
        return _sign_in(self.connection.execute(query.with_for_update() if postgresql else query).one())

    def update_sign_in_account(self, username: str, **values: Any) -> None:
        self.connection.execute(
            update(sign_in_accounts).where(sign_in_accounts.c.username == username).values(**values)
        )

    def clear_sign_in_account(self, username: str) -> None:
        self.connection.execute(delete(sign_in_accounts).where(sign_in_accounts.c.username == username))

    def add_client_failure(self, client: str, at: datetime, since: datetime) -> list[datetime]:
        """Record a failed sign-in from ``client``; its failures after ``since``, oldest first."""
        self.connection.execute(insert(sign_in_failures).values(client=client, at=at))
        query = (
            select(sign_in_failures.c.at)
            .where(sign_in_failures.c.client == client, sign_in_failures.c.at > since)
            .order_by(sign_in_failures.c.at)
        )
        return [_utc(moment) or moment for moment in self.connection.execute(query).scalars()]

    # alert decisions
    def lock_alert(self, alert_id: int) -> None:
        """Serialise the writers of one alert (row lock on PostgreSQL, the write lock on SQLite)."""
        if self.connection.dialect.name == "postgresql":
            self.connection.execute(select(alerts.c.id).where(alerts.c.id == alert_id).with_for_update())
        else:
            self.connection.execute(update(alerts).where(alerts.c.id == alert_id).values(status=alerts.c.status))

    def decisions(self, alert_id: int) -> list[DecisionRecord]:
        rows = self.connection.execute(
            select(alert_decisions).where(alert_decisions.c.alert_id == alert_id).order_by(alert_decisions.c.id)
        )
        return [_decision(r) for r in rows]

    def add_decision(
        self,
        alert_id: int,
        kind: RecordKind,
        value: str,
        reason: str,
        actor: str,
        at: datetime,
        request_id: int | None = None,
    ) -> int:
        result = self.connection.execute(
            insert(alert_decisions).values(
                alert_id=alert_id,
                kind=kind.value,
                value=value,
                reason=reason,
                actor=actor,
                at=at,
                request_id=request_id,
            )
        )
        return _new_id(result)

    def set_alert_status(self, alert_id: int, status: str) -> None:
        self.connection.execute(update(alerts).where(alerts.c.id == alert_id).values(status=status))

    def add_suppression(self, alert_id: int, decision_id: int, at: datetime) -> int:
        row = self.connection.execute(
            select(
                alerts.c.entry_key,
                alerts.c.entry_hash,
                alerts.c.evidence,
                alerts.c.score,
                screen_subjects.c.fingerprint,
            )
            .join(screen_subjects, screen_subjects.c.id == alerts.c.subject_id)
            .where(alerts.c.id == alert_id)
        ).one()
        evidence = json.loads(row.evidence)
        result = self.connection.execute(
            insert(suppressions).values(
                fingerprint=row.fingerprint,
                entry_key=row.entry_key,
                entry_hash=row.entry_hash,
                subject_hash=subject_hash(evidence["subject"]),
                decision_id=decision_id,
                score=row.score,
                created_at=at,
            )
        )
        return _new_id(result)

    def lift_suppression(self, suppression_id: int, by: str, at: datetime) -> None:
        result = self.connection.execute(
            update(suppressions)
            .where(suppressions.c.id == suppression_id, suppressions.c.lifted_at.is_(None))
            .values(lifted_at=at, lifted_by=by)
        )
        if not result.rowcount:
            raise NotFound(f"no active suppression #{suppression_id}")

    # internal watchlists
    def add_internal(
        self,
        list_id: str,
        record: dict[str, Any],
        legal_basis: str,
        source: str,
        review_date: str,
        expires_on: str | None,
        by: str,
        at: datetime,
    ) -> int:
        result = self.connection.execute(
            insert(internal_entries).values(
                list_id=list_id,
                record=canonical_json(record),
                legal_basis=legal_basis,
                source=source,
                review_date=review_date,
                expires_on=expires_on,
                status="proposed",
                proposed_by=by,
                proposed_at=at,
            )
        )
        return _new_id(result)

    def internal_event(self, entry_id: int, kind: str, actor: str, reason: str, at: datetime, **changes: Any) -> None:
        self.connection.execute(
            insert(internal_events).values(entry_id=entry_id, kind=kind, actor=actor, reason=reason, at=at)
        )
        if changes:
            self.connection.execute(update(internal_entries).where(internal_entries.c.id == entry_id).values(**changes))

    # cases
    def add_case(self, title: str, by: str, at: datetime) -> int:
        result = self.connection.execute(
            insert(cases).values(title=title, status="open", created_by=by, created_at=at, summary="")
        )
        return _new_id(result)

    def add_case_item(
        self, case_id: int, kind: str, ref: str, text: str, actor: str, at: datetime, request_id: int | None = None
    ) -> int:
        result = self.connection.execute(
            insert(case_items).values(
                case_id=case_id, kind=kind, ref=ref, text=text, actor=actor, at=at, request_id=request_id
            )
        )
        return _new_id(result)

    def update_case(self, case_id: int, **values: Any) -> None:
        self.connection.execute(update(cases).where(cases.c.id == case_id).values(**values))


class SqlWorkflowStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def transaction(self) -> Iterator[WorkflowTransaction]:
        with self.engine.begin() as connection:
            yield WorkflowTransaction(connection)

    def audit(self, event: AuditEvent) -> None:
        """An audit event on its own (a view of personal data, a verification)."""
        with self.engine.begin() as connection:
            audit_log.append(connection, event)

    # --- users, keys, sessions ----------------------------------------------------------------

    def user_count(self) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(users)).scalar_one())

    def user(self, user_id: int) -> UserRow:
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.id == user_id)).first()
        if row is None:
            raise NotFound(f"no user #{user_id}")
        return _user(row)

    def user_by_name(self, username: str) -> UserRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(users).where(users.c.username == username)).first()
        return _user(row) if row is not None else None

    def users(self) -> list[UserRow]:
        with self.engine.connect() as connection:
            return [_user(r) for r in connection.execute(select(users).order_by(users.c.username))]

    def sign_in_account(self, username: str) -> SignInRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(sign_in_accounts).where(sign_in_accounts.c.username == username)).first()
        return _sign_in(row) if row is not None else None

    def forget_sign_in_failures(self, window_start: datetime, quiet_since: datetime) -> None:
        """Housekeeping, in its own transaction: drop client failures older than the window, and the
        records of names quiet since ``quiet_since`` (no failure, no lock): their count and lock
        doubling start again. Should it collide with another sign-in's, the rows go next time."""
        try:
            with self.engine.begin() as connection:
                connection.execute(delete(sign_in_failures).where(sign_in_failures.c.at <= window_start))
                connection.execute(
                    delete(sign_in_accounts).where(
                        sign_in_accounts.c.last_failure < quiet_since,
                        or_(sign_in_accounts.c.locked_until.is_(None), sign_in_accounts.c.locked_until < quiet_since),
                    )
                )
        except OperationalError:  # a deadlock (PostgreSQL) or a busy database (SQLite)
            pass

    def client_failures(self, client: str, since: datetime) -> list[datetime]:
        """When this client's sign-ins failed after ``since``, oldest first."""
        query = (
            select(sign_in_failures.c.at)
            .where(sign_in_failures.c.client == client, sign_in_failures.c.at > since)
            .order_by(sign_in_failures.c.at)
        )
        with self.engine.connect() as connection:
            return [_utc(at) or at for at in connection.execute(query).scalars()]

    def sign_ins(self, username: str, until: datetime | None = None, limit: int = 2) -> list[int]:
        """The audit sequence numbers of the user's successful sign-ins (made at or before
        ``until``), newest first."""
        query = select(audit_events.c.seq).where(
            audit_events.c.object_type == "user",
            audit_events.c.object_id == username,
            audit_events.c.action == "auth.login",
        )
        if until is not None:
            query = query.where(audit_events.c.at <= until)
        with self.engine.connect() as connection:
            return [int(seq) for seq in connection.execute(query.order_by(audit_events.c.seq.desc()).limit(limit))
                    .scalars()]  # fmt: skip

    def events_about(
        self, username: str, key_ids: list[str], actions: frozenset[str], after: int, limit: int = 1000
    ) -> list[AuditRecord]:
        """Audit records after ``after`` about the user or their API keys with one of ``actions``,
        oldest first (at most ``limit``, the newest)."""
        about = audit_events.c.object_type == "user", audit_events.c.object_id == username
        keys = audit_events.c.object_type == "api_key", audit_events.c.object_id.in_(key_ids)
        query = (
            select(audit_events)
            .where(audit_events.c.seq > after, audit_events.c.action.in_(actions), or_(and_(*about), and_(*keys)))
            .order_by(audit_events.c.seq.desc())
            .limit(limit)
        )
        with self.engine.connect() as connection:
            return [audit_log.record_of(row) for row in connection.execute(query)][::-1]

    def key_by_hash(self, key_hash: str) -> KeyRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(api_keys).where(api_keys.c.key_hash == key_hash)).first()
        return _key(row) if row is not None else None

    def api_keys(self, user_id: int | None = None) -> list[KeyRow]:
        query = select(api_keys).order_by(api_keys.c.id)
        if user_id is not None:
            query = query.where(api_keys.c.user_id == user_id)
        with self.engine.connect() as connection:
            return [_key(r) for r in connection.execute(query)]

    def session(self, token_hash: str) -> SessionRow | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(web_sessions).where(web_sessions.c.token_hash == token_hash)).first()
        return _session(row) if row is not None else None

    def open_sessions(self, user_id: int) -> list[SessionRow]:
        """A user's sessions not ended (some may have timed out: the caller decides), oldest first."""
        query = (
            select(web_sessions)
            .where(web_sessions.c.user_id == user_id, web_sessions.c.ended_at.is_(None))
            .order_by(web_sessions.c.created_at, web_sessions.c.public_id)
        )
        with self.engine.connect() as connection:
            return [_session(row) for row in connection.execute(query)]

    def touch_session(self, token_hash: str, at: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(update(web_sessions).where(web_sessions.c.token_hash == token_hash).values(last_seen=at))

    # --- decisions and suppressions -------------------------------------------------------------

    def decisions(self, alert_id: int) -> list[DecisionRecord]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(alert_decisions).where(alert_decisions.c.alert_id == alert_id).order_by(alert_decisions.c.id)
            )
            return [_decision(r) for r in rows]

    def alert_ids_with_request(self, request_id: int) -> int:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(alert_decisions.c.alert_id).where(
                    alert_decisions.c.id == request_id, alert_decisions.c.kind == RecordKind.REQUEST.value
                )
            ).first()
        if row is None:
            raise NotFound(f"no adverse-action request #{request_id}")
        return int(row.alert_id)

    def pending_requests(self) -> list[DecisionRecord]:
        answered = select(alert_decisions.c.request_id).where(alert_decisions.c.request_id.is_not(None))
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(alert_decisions)
                .where(alert_decisions.c.kind == RecordKind.REQUEST.value, alert_decisions.c.id.not_in(answered))
                .order_by(alert_decisions.c.id)
            )
            return [_decision(r) for r in rows]

    def suppressions(self, active_only: bool = True) -> list[dict[str, Any]]:
        query = select(suppressions).order_by(suppressions.c.id)
        if active_only:
            query = query.where(suppressions.c.lifted_at.is_(None))
        with self.engine.connect() as connection:
            return [
                {
                    "id": r.id,
                    "fingerprint": r.fingerprint,
                    "entry_key": r.entry_key,
                    "decision_id": r.decision_id,
                    "created_at": _iso(r.created_at),
                    "lifted_at": _iso(r.lifted_at) if r.lifted_at else None,
                    "lifted_by": r.lifted_by,
                }
                for r in connection.execute(query)
            ]

    # --- internal lists -------------------------------------------------------------------------

    def internal_entries(self, list_id: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        query = select(internal_entries).order_by(internal_entries.c.id)
        if list_id is not None:
            query = query.where(internal_entries.c.list_id == list_id)
        if status is not None:
            query = query.where(internal_entries.c.status == status)
        with self.engine.connect() as connection:
            return [self._internal(r) for r in connection.execute(query)]

    def internal_entry(self, entry_id: int) -> dict[str, Any]:
        with self.engine.connect() as connection:
            row = connection.execute(select(internal_entries).where(internal_entries.c.id == entry_id)).first()
            if row is None:
                raise NotFound(f"no internal list entry #{entry_id}")
            entry = self._internal(row)
            entry["events"] = [
                {"kind": e.kind, "actor": e.actor, "reason": e.reason, "at": _iso(e.at)}
                for e in connection.execute(
                    select(internal_events).where(internal_events.c.entry_id == entry_id).order_by(internal_events.c.id)
                )
            ]
            return entry

    @staticmethod
    def _internal(row: Any) -> dict[str, Any]:
        return {
            "id": int(row.id),
            "list_id": row.list_id,
            "record": json.loads(row.record),
            "legal_basis": row.legal_basis,
            "source": row.source,
            "review_date": row.review_date,
            "expires_on": row.expires_on,
            "approved_on": row.approved_on,
            "status": row.status,
            "proposed_by": row.proposed_by,
            "proposed_at": _iso(row.proposed_at),
        }

    # --- cases ------------------------------------------------------------------------------

    def case(self, case_id: int) -> dict[str, Any]:
        with self.engine.connect() as connection:
            row = connection.execute(select(cases).where(cases.c.id == case_id)).first()
            if row is None:
                raise NotFound(f"no case #{case_id}")
            items = connection.execute(
                select(case_items).where(case_items.c.case_id == case_id).order_by(case_items.c.id)
            )
            return {
                "id": int(row.id),
                "title": row.title,
                "status": row.status,
                "assignee": row.assignee,
                "created_by": row.created_by,
                "created_at": _iso(row.created_at),
                "closed_at": _iso(row.closed_at) if row.closed_at else None,
                "summary": row.summary,
                "items": [
                    {
                        "id": int(i.id),
                        "kind": i.kind,
                        "ref": i.ref,
                        "text": i.text,
                        "actor": i.actor,
                        "at": _iso(i.at),
                        "request_id": i.request_id,
                    }
                    for i in items
                ],
            }

    def cases(self, status: str | None = None) -> list[dict[str, Any]]:
        query = select(cases).order_by(cases.c.id.desc())
        if status is not None:
            query = query.where(cases.c.status == status)
        with self.engine.connect() as connection:
            return [
                {"id": int(r.id), "title": r.title, "status": r.status, "assignee": r.assignee}
                for r in connection.execute(query)
            ]

    def case_of_request(self, request_id: int) -> int:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(case_items.c.case_id).where(and_(case_items.c.id == request_id, case_items.c.kind == "request"))
            ).first()
        if row is None:
            raise NotFound(f"no transmission request #{request_id}")
        return int(row.case_id)
