"""A deployment with one list, one screened flight, users of every role and every workflow service."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select

from tekser.api.app import create_app
from tekser.domain.access import Principal, Role
from tekser.exports.signing import Ed25519Signer, create_key_file
from tekser.ingest.lists.sources import load_sources
from tekser.services.access import AccessService
from tekser.services.administration import ListAdministration
from tekser.services.audit import AuditService
from tekser.services.cases import CaseService
from tekser.services.iapi import IapiService
from tekser.services.internal_lists import InternalListService, ListPublisher
from tekser.services.operations import Operations
from tekser.services.screening_service import ScreeningService
from tekser.services.watchlists import WatchlistService
from tekser.services.workflow import WorkflowService
from tekser.settings import Settings
from tekser.simulate.traffic import Planted, make_flights, paxlst
from tekser.storage.audit import SqlAuditStore
from tekser.storage.screening import SqlScreeningStore
from tekser.storage.tables import alerts
from tekser.storage.watchlists import SqlWatchlistStore
from tekser.storage.workflow import SqlWorkflowStore
from tekser.wiring import Desk

ASKAR = Planted("un:QDi.901", "NURLANOV", "ASKAR", date(1975, 3, 12), "KAZ", "N01234567")
PASSWORD = "correct horse battery staple"
# argon2id still, with test-sized cost (the deployment default is 64 MiB, t=3)
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
USERS = {
    "ana": Role.ANALYST,
    "ali": Role.ANALYST,
    "sue": Role.SUPERVISOR,
    "sam": Role.SUPERVISOR,
    "aud": Role.AUDITOR,
    "dpo": Role.DPO,
    "svc": Role.SERVICE,
}


class Clock:
    """A settable clock, so that timeouts and review dates can be tested without waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    engine: Engine
    clock: Clock
    lists: WatchlistService
    screening: SqlScreeningStore
    iapi: IapiService
    store: SqlWorkflowStore
    audit_store: SqlAuditStore
    access: AccessService
    workflow: WorkflowService
    cases: CaseService
    internal: InternalListService
    audit: AuditService
    administration: ListAdministration
    operations: Operations
    fixtures: Path
    who: dict[str, Principal]
    first_alert: int

    def new_alert(self) -> int:
        """Another alert on the same traveller (its evidence differs): a fresh life cycle."""
        with self.engine.begin() as connection:
            row = connection.execute(select(alerts).where(alerts.c.id == self.first_alert)).one()._asdict()
            row.pop("id")
            row["evidence_hash"] = secrets.token_hex(32)
            row["status"] = "new"
            key = connection.execute(insert(alerts).values(**row)).inserted_primary_key
        assert key is not None
        return int(key[0])


def add_enrolled(access: AccessService, admin: Principal, name: str, role: Role, approve: bool = True) -> Principal:
    """A user added by ``admin`` who enrols with the code (password PASSWORD); their role's grant,
    if pending, approved as a second administrator would (tests/workflow/test_enrolment.py shows
    that the approval is a second administrator's)."""
    enrolment = access.add_user(admin, name, role)
    if enrolment.pending and approve:  # as if approved, without the second part of the code
        with access.store.transaction() as tx:
            tx.update_user(enrolment.user_id, role_pending=False)
    access.enrol(name, enrolment.code, PASSWORD)
    return access.cli_principal(name, PASSWORD)


@pytest.fixture
def world(engine: Engine, fixtures_dir: Path, tmp_path: Path) -> World:
    clock = Clock()
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources())
    lists.import_path(
        fixtures_dir / "lists" / "un" / "consolidated-small.xml", actor="admin", list_id="un", min_entries=3
    )
    screening = SqlScreeningStore(engine)
    iapi = IapiService(ScreeningService(SqlWatchlistStore(engine), screening), screening)
    (flight,) = make_flights(seed=5, flights=1, passengers=6, planted=[ASKAR])
    iapi.respond(paxlst(flight, 1, iapi=True))
    (alert,) = screening.alerts()
    store = SqlWorkflowStore(engine)
    # administrators here administer without an authenticator: the rule that they need one is
    # tested on its own (tests/workflow/test_totp.py), the deployment default keeps it on
    access = AccessService(store, FAST_HASHER, clock, require_admin_mfa=False)
    access.create_first_administrator("admin", PASSWORD)
    admin = access.cli_principal("admin", PASSWORD)
    who = {"admin": admin}
    for name, role in USERS.items():
        who[name] = add_enrolled(access, admin, name, role)
    create_key_file(tmp_path / "signing.pem")
    signer = Ed25519Signer.from_file(tmp_path / "signing.pem")
    audit_store = SqlAuditStore(engine)
    return World(
        engine=engine,
        clock=clock,
        lists=lists,
        screening=screening,
        iapi=iapi,
        store=store,
        audit_store=audit_store,
        access=access,
        workflow=WorkflowService(store, screening, iapi, clock),
        cases=CaseService(store, screening, signer, clock),
        internal=InternalListService(store, ListPublisher(lists), clock),
        audit=AuditService(audit_store, clock),
        administration=ListAdministration(lists),
        operations=Operations(audit_store, clock),
        fixtures=fixtures_dir,
        who=who,
        first_alert=alert.id,
    )


@pytest.fixture
def desk(world: World) -> Desk:
    """The services as the HTTP API gets them."""
    return Desk(world.engine, world.store, world.screening, world.access, world.workflow, world.cases,
                world.internal, world.audit, world.administration, world.operations, None)  # fmt: skip


@pytest.fixture
def api(desk: Desk) -> TestClient:
    return TestClient(create_app(Settings(db_url="sqlite://"), desk), base_url="https://testserver")
