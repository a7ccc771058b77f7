"""How the workflow services are put together over one database (for the CLI and the API).

The composition root: storage adapters in, services out. Nothing here decides anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tekser.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tekser.services.access import AccessService
    from tekser.services.administration import ListAdministration
    from tekser.services.audit import AuditService
    from tekser.services.cases import CaseService
    from tekser.services.internal_lists import InternalListService
    from tekser.services.operations import Operations
    from tekser.services.screening_service import ScreeningService
    from tekser.services.totp import SecretBox
    from tekser.services.travel_ingest import TravelIngestService
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


def open_engine(current: Settings, *, create: bool = False) -> Engine:
    """The deployment's database, its schema migrated. A missing SQLite folder is refused unless
    ``create`` (``tekser db upgrade --create``) or it is the default one in the user's data directory."""
    from tekser.storage.database import open_database

    return open_database(current.db_url, create_folder=create or current.creates_database_folder())


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
    from tekser.services.screening_service import ScreeningService
    from tekser.services.watchlists import WatchlistService
    from tekser.services.workflow import WorkflowService
    from tekser.storage.audit import SqlAuditStore
    from tekser.storage.screening import SqlScreeningStore
    from tekser.storage.watchlists import SqlWatchlistStore
    from tekser.storage.workflow import SqlWorkflowStore

    engine = open_engine(current)
    store = SqlWorkflowStore(engine)
    screening = SqlScreeningStore(engine)
    matching = ScreeningService(SqlWatchlistStore(engine), screening)
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
