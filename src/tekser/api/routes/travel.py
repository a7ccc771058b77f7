"""Travel data over HTTP: a PAXLST or PNRGOV message stored, parsed and screened on arrival
(``tekser ingest``); a check-in request answered with boarding directives (``tekser iapi``);
how much is screened against the active lists (``tekser screening-status``). Each call is
authorised and recorded in the audit log as the command line's are."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from tekser.api.app import Who
from tekser.api.routes.support import begin, desk, iapi, raw_body, screening
from tekser.domain.access import Action
from tekser.errors import InvalidInput, MessageError, NotFound
from tekser.wiring import travel_ingest

router = APIRouter(prefix="/api/v1", tags=["travel"])

Name = Annotated[str, Query(max_length=128, description="What the message is called in the store and the log.")]
EDIFACT = "application/edifact"


async def _body(request: Request) -> bytes:
    body = await request.body()
    if not body.strip():
        raise InvalidInput(
            "the request body is empty: send the message as the body (Content-Type: application/edifact)"
        )
    return body


@router.post("/messages", openapi_extra=raw_body(EDIFACT))
async def ingest_message(
    who: Who,
    request: Request,
    response: Response,
    name: Name = "http",
    screen: Annotated[bool, Query(description="Screen the new travellers against the active lists now.")] = True,
) -> dict[str, Any]:
    """Store a PAXLST or PNRGOV message once (sensitive data redacted, as ``tekser ingest`` does),
    parse it, link booking versions, and screen its travellers on arrival. A message that does
    not parse is kept with its error (``status: failed``, HTTP 422) for a retry after a fix."""
    begin(request, who, Action.TRAVEL_INGEST, ("messages", name), screen=screen)
    data = await _body(request)
    outcome = await run_in_threadpool(travel_ingest(desk(request).engine).ingest, data, name)
    screened: dict[str, Any] | None = None
    if screen:  # what this message stored, and whatever an earlier one stored but did not screen
        try:
            screened = await run_in_threadpool(screening(request).screen_arrivals)
        except NotFound:  # no active list version: the travellers show as not screened
            screened = None
    if not outcome.ok:
        response.status_code = 422
    return {"message": asdict(outcome), "screening": screened}


@router.post("/iapi", openapi_extra=raw_body(EDIFACT), responses={200: {"content": {EDIFACT: {}}}})
async def answer_check_in(who: Who, request: Request, name: Name = "iapi") -> Response:
    """A check-in request (PAXLST, interactive API) answered with a boarding directive per
    passenger (CUSRES): 0Z OK to board, 2Z advisory (an alert is raised), 1Z no board (only
    for a match an analyst confirmed), 4Z insufficient data. An error never answers 0Z."""
    begin(request, who, Action.TRAVEL_INGEST, ("iapi", name))
    text = (await _body(request)).decode("utf-8", errors="replace")
    try:
        answer, directives = await run_in_threadpool(iapi(request).respond, text, name)
    except MessageError as error:
        raise InvalidInput(str(error)) from None
    codes = ",".join(sorted({d.directive.value for d in directives}))
    return Response(answer, media_type=EDIFACT, headers={"X-Tekser-Directives": codes})


@router.get("/screening-status")
def screening_status(who: Who, request: Request) -> dict[str, Any]:
    """Stored subjects, and how many are not yet screened against each list's active version."""
    begin(request, who, Action.LIST_VIEW, ("screening", "status"))
    return screening(request).status()
