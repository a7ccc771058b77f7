"""What the resource routers share: the services, the caller's address, and pagination."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from fastapi import Query, Request

from tekser.api.guards import MAX_ID, client_address
from tekser.domain.access import Action, Principal
from tekser.errors import ConfigError
from tekser.wiring import Desk

if TYPE_CHECKING:
    from tekser.services.iapi import IapiService
    from tekser.services.screening_service import ScreeningService

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=1000, description="At most this many items.")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="Skip this many items first.")]


def desk(request: Request) -> Desk:
    the_desk: Desk = request.app.state.desk
    return the_desk


def where(request: Request) -> str:
    """The caller's address, as the audit log records it (a trusted proxy's forwarded address)."""
    return client_address(request, request.app.state.proxies)


def begin(request: Request, who: Principal, action: Action, target: tuple[str, str], **details: Any) -> str:
    """Check ``who`` may do ``action`` and record it, as the command line's ``run_as`` does."""
    return desk(request).operations.begin(who, action, target, details, where(request))


def page(items: Sequence[T], limit: int, offset: int) -> dict[str, Any]:
    """One page of ``items`` and how many there are in all (``{"total", "limit", "offset", "items"}``)."""
    return {"total": len(items), "limit": limit, "offset": offset, "items": list(items[offset : offset + limit])}


def iapi(request: Request) -> IapiService:
    """The check-in service the workflow confirms matches with; its screening service screens arrivals."""
    from tekser.services.iapi import IapiService

    service = desk(request).workflow.confirmer
    if not isinstance(service, IapiService):
        raise ConfigError("this deployment has no screening service (iAPI) wired")
    return service


def screening(request: Request) -> ScreeningService:
    return iapi(request).screening


def raw_body(media_type: str) -> dict[str, Any]:
    """The OpenAPI description of a route that reads its body itself (a file or a message as sent)."""
    return {
        "requestBody": {"required": True, "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}
    }
