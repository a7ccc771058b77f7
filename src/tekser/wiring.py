"""How the workflow services are put together over one database (for the CLI and the API).

The composition root: storage adapters in, services out. Nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tekser.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tekser.ingest.lists.sources import Sources
    from tekser.services.access import AccessService
    from tekser.services.administration import ListAdministration
    from tekser.services.audit import AuditService
    from tekser.services.cases import CaseService
    from tekser.services.iapi import IapiService
    from tekser.services.internal_lists import InternalListService
    from tekser.services.operations import Operations
    from tekser.services.ports import WatchlistStore
    from tekser.services.screening_service import ScreeningService
    from tekser.services.totp import SecretBox
    from tekser.services.travel_ingest import TravelIngestService
    from tekser.services.watchlists import WatchlistService
    from tekser.services.workflow import WorkflowService
    from tekser.storage.screening import SqlScreeningStore
    from tekser.storage.workflow import SqlWorkflowStore


@dataclass
class Desk:
    """The workflow services of one database, as the command line uses them."""

    engine: Engine
    store: SqlWorkflowStore
    screening: SqlScreeningStore
    access: AccessService
    workflow: WorkflowService
    cases: CaseService
    internal: InternalListService
    audit: AuditService
    administration: ListAdministration
    operations: Operations
    api_key: str | None
    # screening one subject at a time (HTTP /match): the iAPI's service, so one index of the active lists
    matching: ScreeningService | None = None


def open_engine(current: Settings, *, create: bool = False, migrate: bool = False) -> Engine:
    """The deployment's database, its schema at head: a new one is made, one of an earlier release
    is refused unless ``migrate`` (``tekser db upgrade``, ``tekser serve``). A missing SQLite folder is
    refused unless ``create`` (``tekser db upgrade --create``) or it is the default one in the user's
    data directory."""
    from tekser.storage.database import open_database

    return open_database(current.db_url, create_folder=create or current.creates_database_folder(), migrate=migrate)


@dataclass(frozen=True)
class SchemaState:
    """Where the database is and which schema revision it has, against the newest one this release knows."""

    url: str
    revision: str | None
    head: str | None
    exists: bool = True

    @property
    def pending(self) -> bool:
        return self.revision != self.head


def schema_state(current: Settings) -> SchemaState:
    """The database's schema revision, read without migrating anything (``tekser db info``)."""
    from tekser.storage.database import head_revision, stored_revision

    url, revision, exists = stored_revision(current.db_url)
    return SchemaState(url, revision, head_revision(), exists)


def upgrade_database(current: Settings, *, create: bool = False) -> SchemaState:
    """Create the database or bring its schema to the newest revision (``tekser db upgrade``)."""
    from tekser.storage.database import head_revision, schema_revision

    engine = open_engine(current, create=create, migrate=True)
    try:
        return SchemaState(engine.url.render_as_string(), schema_revision(engine), head_revision())
    finally:
        engine.dispose()


def describe_database_error(error: BaseException) -> str:
    """A database error in one line, without its statement or parameters (they hold message data)."""
    from tekser.storage.database import describe_error

    return describe_error(error)


def watchlist_service(current: Settings, sources: Sources) -> WatchlistService:
    from tekser.services.watchlists import WatchlistService
    from tekser.storage.watchlists import SqlWatchlistStore

    return WatchlistService(SqlWatchlistStore(open_engine(current)), sources)


def stored_lists(current: Settings) -> WatchlistStore:
    """The list versions stored in the database (what ``tekser screen`` matches against)."""
    from tekser.storage.watchlists import SqlWatchlistStore

    return SqlWatchlistStore(open_engine(current))


def _screening(current: Settings, engine: Engine, store: SqlScreeningStore) -> ScreeningService:
    from datetime import timedelta

    from tekser.services.screening_service import ScreeningService
    from tekser.storage.watchlists import SqlWatchlistStore

    retention = timedelta(days=current.customer_retention_days)
    return ScreeningService(SqlWatchlistStore(engine), store, customer_retention=retention)


def screening_service(current: Settings) -> ScreeningService:
    """Screening against the lists stored in the database; customer subjects kept for the configured retention."""
    from tekser.storage.screening import SqlScreeningStore

    engine = open_engine(current)
    return _screening(current, engine, SqlScreeningStore(engine))


def iapi_service(current: Settings) -> IapiService:
    """Check-in requests answered against the stored lists (``tekser iapi``)."""
    from tekser.services.iapi import IapiService
    from tekser.storage.screening import SqlScreeningStore

    engine = open_engine(current)
    screening = SqlScreeningStore(engine)
    return IapiService(_screening(current, engine, screening), screening)


def travel_ingest_service(current: Settings) -> TravelIngestService:
    return travel_ingest(open_engine(current))


def _secret_box(current: Settings) -> SecretBox | None:
    from tekser.services.totp import SecretBox

    secret = current.deployment_secret()
    return SecretBox(secret) if secret is not None else None


def open_desk(current: Settings) -> Desk:
    from tekser.exports.signing import Ed25519Signer
    from tekser.ingest.lists.sources import load_sources
    from tekser.services.access import AccessService
    from tekser.services.administration import ListAdministration
    from tekser.services.audit import AuditService
    from tekser.services.cases import CaseService
    from tekser.services.iapi import IapiService
    from tekser.services.internal_lists import InternalListService, ListPublisher
    from tekser.services.operations import Operations
    from tekser.services.watchlists import WatchlistService
    from tekser.services.workflow import WorkflowService
    from tekser.storage.audit import SqlAuditStore
    from tekser.storage.screening import SqlScreeningStore
    from tekser.storage.watchlists import SqlWatchlistStore
    from tekser.storage.workflow import SqlWorkflowStore

    engine = open_engine(current)
    store = SqlWorkflowStore(engine)
    screening = SqlScreeningStore(engine)
    matching = _screening(current, engine, screening)
    iapi = IapiService(matching, screening)
    lists = WatchlistService(SqlWatchlistStore(engine), load_sources(current.sources_file))
    key_file = current.signing_key_file()
    signer = Ed25519Signer.from_file(key_file) if key_file is not None and key_file.is_file() else None
    return Desk(
        engine=engine,
        store=store,
        screening=screening,
        access=AccessService(
            store, pepper=current.pepper(), secret_box=_secret_box(current), require_admin_mfa=current.require_admin_mfa
        ),
        workflow=WorkflowService(store, screening, iapi),
        cases=CaseService(store, screening, signer),
        internal=InternalListService(store, ListPublisher(lists)),
        audit=AuditService(SqlAuditStore(engine)),
        administration=ListAdministration(lists),
        operations=Operations(SqlAuditStore(engine)),
        api_key=current.api_key,
        matching=matching,
    )


def travel_ingest(engine: Engine) -> TravelIngestService:
    """Storing and parsing travel messages over ``engine`` (the HTTP edge does not open storage itself)."""
    from tekser.services.travel_ingest import TravelIngestService
    from tekser.storage.travel import SqlTravelStore

    return TravelIngestService(SqlTravelStore(engine))
