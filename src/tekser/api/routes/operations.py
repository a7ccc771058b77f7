"""Liveness and readiness for an orchestrator or a load balancer: no sign-in, no personal data.

``/healthz`` answers while the process serves requests; ``/readyz`` only when the database
answers and at least one list version is active (before that, screening would pass everyone:
an instance that is not ready must not get traffic).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response

from tekser.api.routes.support import desk

router = APIRouter(tags=["operations"])
logger = logging.getLogger("tekser.api")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request, response: Response) -> dict[str, Any]:
    try:
        lists = len(desk(request).administration.watchlists.active_versions())
    except Exception as error:  # the database does not answer: say so, never how (no internals)
        logger.warning("readyz: the database does not answer: %s", type(error).__name__)
        response.status_code = 503
        return {"status": "unavailable", "database": False, "active_lists": 0}
    if not lists:
        response.status_code = 503
        return {"status": "no active list version", "database": True, "active_lists": 0}
    return {"status": "ready", "database": True, "active_lists": lists}
