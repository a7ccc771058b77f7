"""Watchlists over HTTP: active versions, a list's history, the difference between two versions,
the policy that applies, and a new version by upload (``tekser lists show | diff | import``,
``tekser lists policy show``). Viewing is audited as the command line's views are; an import is
authorised and recorded by the list service, naming the caller in the new version."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from starlette.concurrency import run_in_threadpool

from tekser.api.app import Who
from tekser.api.routes.support import Limit, Offset, begin, desk, page, raw_body, screening
from tekser.domain.access import Action
from tekser.domain.limits import MAX_SHORT, MAX_TEXT
from tekser.domain.policy import version_record
from tekser.domain.watchlists import ListVersion
from tekser.errors import InvalidInput, NotFound

router = APIRouter(prefix="/api/v1", tags=["lists"])

ListId = Annotated[str, PathParam(max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Reference = Annotated[str | None, Query(max_length=MAX_SHORT)]
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


@router.get("/lists")
def active_lists(who: Who, request: Request, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    """The active version of each list."""
    begin(request, who, Action.LIST_VIEW, ("lists.active", "*"))
    service = desk(request).administration.watchlists
    policy = service.policy()
    return page([version_record(v, policy, findings=False) for v in service.active_versions()], limit, offset)


@router.get("/lists/{list_id}/versions")
def list_versions(
    list_id: ListId, who: Who, request: Request, limit: Limit = 100, offset: Offset = 0
) -> dict[str, Any]:
    """Every version of one list, oldest first."""
    begin(request, who, Action.LIST_VIEW, ("lists.versions", list_id))
    service = desk(request).administration.watchlists
    versions = service.versions(list_id)
    if not versions:
        raise NotFound(f"list {list_id!r} has never been imported")
    policy = service.policy()
    return page([version_record(v, policy, findings=False) for v in versions], limit, offset)


def _version(service: Any, list_id: str, reference: str) -> ListVersion:
    """``3`` (the third version of this list), ``un@3``, a version id as ``#12``, or the list id (active)."""
    reference = reference.strip()
    if reference.isdigit():
        reference = f"{list_id}@{reference}"
    elif reference.startswith("#") and reference[1:].isdigit():
        reference = reference[1:]
    version: ListVersion = service.resolve(reference)
    if version.list_id != list_id:
        raise InvalidInput(f"{version.label} is not a version of {list_id}")
    return version


@router.get("/lists/{list_id}/diff")
def list_diff(
    list_id: ListId,
    who: Who,
    request: Request,
    from_: Annotated[str | None, Query(alias="from", max_length=MAX_SHORT)] = None,
    to: Reference = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Added, removed and changed entries between two versions of a list (``to``: the active one by
    default; ``from``: the version before ``to``). Items are the changes, added then removed then changed."""
    begin(request, who, Action.LIST_VIEW, ("lists.diff", f"{list_id} {from_ or ''} {to or ''}".strip()))
    service = desk(request).administration.watchlists
    after = _version(service, list_id, to or list_id)
    if from_ is None:
        before = service.store.version(after.previous_id) if after.previous_id else None
    else:
        before = _version(service, list_id, from_)
    result = service.diff(before, after).as_dict()
    items = [{"change": kind, **item} for kind in ("added", "removed", "changed") for item in result[kind]]
    counts = {kind: len(result[kind]) for kind in ("added", "removed", "changed")}
    return {"before": result["before"], "after": result["after"], "counts": counts} | page(items, limit, offset)


@router.get("/policy")
def policy(
    who: Who,
    request: Request,
    history: Annotated[bool, Query(description="Every change, not only what is excluded now.")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> dict[str, Any]:
    """What is left out of screening now (lists, programmes, categories), or every change."""
    begin(request, who, Action.LIST_VIEW, ("lists.policy", "history" if history else "now"))
    current = desk(request).administration.watchlists.policy()
    events = current.events if history else current.exclusions
    rows = [
        {"id": e.id, "list": e.list_id, "scope": str(e.scope), "value": e.value, "enabled": e.enabled,
         "by": e.actor, "at": e.at.isoformat(), "reason": e.reason}
        for e in events
    ]  # fmt: skip
    return page(rows, limit, offset)


@router.post("/lists/{list_id}/import", openapi_extra=raw_body("application/octet-stream"))
async def import_list(
    list_id: ListId,
    who: Who,
    request: Request,
    response: Response,
    format_: Annotated[str | None, Query(alias="format", max_length=64)] = None,
    filename: Annotated[
        str | None, Query(max_length=128, description="The file's name (how its format is recognised).")
    ] = None,
    min_entries: Annotated[int | None, Query(ge=0, le=10_000_000)] = None,
    force_reason: Annotated[str | None, Query(max_length=MAX_TEXT)] = None,
    rescreen: bool = True,
) -> dict[str, Any]:
    """The request body is the list file, as published (send it as ``application/octet-stream``
    or its own type, not JSON): a new version, or the reason it was refused (the active version
    then stays active). ``force_reason`` accepts a shrink beyond the list's limit, recorded."""
    body = await request.body()
    if not body:
        raise InvalidInput("the request body is empty: send the list file as the body")
    name = _UNSAFE.sub("_", Path(filename).name) if filename else f"{list_id}.upload"
    d = desk(request)
    with tempfile.TemporaryDirectory(prefix="tekser-upload-") as folder:
        path = Path(folder) / (name.lstrip(".") or "upload")
        path.write_bytes(body)
        outcomes = await run_in_threadpool(
            d.administration.import_path,
            who,
            path,
            list_id=list_id,
            format_name=format_,
            min_entries=min_entries,
            force_reason=force_reason.strip() if force_reason and force_reason.strip() else None,
        )
        result = [_outcome(o, folder) for o in outcomes]
    imported = sorted({o.list_id for o in outcomes if o.status == "imported" and o.list_id})
    rescreened = []
    if rescreen and imported:  # as `tekser lists import` does: a new version is screened against stored subjects
        service = screening(request)
        if service.store.subject_ids():
            rescreened = [_summary(await run_in_threadpool(service.rescreen, i)) for i in imported]
    ok = all(o.ok for o in outcomes)
    if not ok:  # refused (kept as a failure): the active version is unchanged
        response.status_code = 422
    return {"ok": ok, "outcomes": result, "rescreened": rescreened}


def _outcome(outcome: Any, folder: str) -> dict[str, Any]:
    version = outcome.version
    reason = outcome.reason.replace(f"{folder}/", "") if outcome.reason else None  # not the server's folder
    return {
        "source": Path(outcome.source).name,  # not the server's temporary folder
        "status": outcome.status,
        "list": outcome.list_id,
        "version": version.label if version else None,
        "entries": version.entry_count if version else None,
        "added": outcome.added,
        "removed": outcome.removed,
        "changed": outcome.changed,
        "reason": reason,
        "failure_id": outcome.failure.id if outcome.failure else None,
        "warnings": outcome.warnings,
    }


def _summary(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in summary.items() if isinstance(v, str | int | float | bool | None)}
