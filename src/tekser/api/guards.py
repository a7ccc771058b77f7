"""What the HTTP API checks before a route sees a request, and how it says no.

- **Sizes**: a body is read only up to its route's limit (16 KiB; 64 KiB for a proposed internal
  list entry, 1 MiB for an iAPI request, 16 MiB for a travel message, 200 MiB for a list upload)
  and refused with 413 past it — whether ``Content-Length`` announces it or the bytes just keep
  coming. Nothing is parsed before the limit is known to hold. A request without credentials gets
  16 KiB whatever the route.
- **Odd input**: a JSON body must be JSON a database can store: no ``NaN``/``Infinity``, no
  number outside 64 bits, no NUL byte or unpaired surrogate in a string, nesting at most 32 deep;
  a path or query string carries no control character. Refused with 400.
- **Errors** are ``application/problem+json`` (RFC 9457: ``type``, ``title``, ``status``,
  ``detail``), and every response — an error raised before routing, a 500 — carries the same
  security headers. A 500 says nothing internal but carries an ``incident`` id (48 random bits),
  and the server logs the traceback under the same id (logger ``tekser.api``): what a user quotes
  to support, and what the operator searches the log for.
- **Who is calling from where**: ``X-Forwarded-For`` counts only when the connection comes from
  a configured proxy (``TEKSER_TRUSTED_PROXIES``); a browser's ``Origin`` is compared with the
  configured public address and allowed origins, never with the request's own ``Host``.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tekser.errors import new_incident

logger = logging.getLogger("tekser.api")

MAX_ID = 2**31 - 1  # ids are INTEGER columns (32 bits on PostgreSQL)
MAX_BODY = 16 * 1024
LARGER_BODIES = {
    ("POST", "/api/internal"): 64 * 1024,  # a proposed entry's record
    ("POST", "/api/v1/messages"): 16 * 1024 * 1024,  # a PAXLST or PNRGOV message of a full flight
    ("POST", "/api/v1/iapi"): 1024 * 1024,  # a check-in request: a few passengers
}
MAX_LIST_UPLOAD = 200 * 1024 * 1024  # a list file (OFAC's advanced XML is about 100 MB)
_LIST_IMPORT = re.compile(r"^/api/v1/lists/[^/]+/import$")
# a batch of up to 100 subjects (yente's /match, an OpenRefine /reconcile batch), by path prefix
BATCH_BODIES = {("POST", "/match/"): 256 * 1024, ("POST", "/reconcile"): 256 * 1024}
MAX_DEPTH = 32
_INT64 = 2**63
_CONTROL = re.compile(rb"[\x00-\x1f\x7f]")
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProblemResponse(JSONResponse):
    media_type = "application/problem+json"


def problem(
    status: int, detail: str, kind: str = "", headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """An RFC 9457 problem: ``type`` names the kind of failure, ``detail`` this occurrence."""
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body = {"type": f"urn:tekser:problem:{kind}" if kind else "about:blank", "title": title, "status": status}
    body |= {"detail": detail} | extra
    return ProblemResponse(body, status_code=status, headers=SECURITY_HEADERS | (headers or {}))


def body_limit(method: str, path: str) -> int:
    stripped = path.rstrip("/")
    if method == "POST" and _LIST_IMPORT.match(stripped):
        return MAX_LIST_UPLOAD
    exact = LARGER_BODIES.get((method, stripped))
    if exact is not None:
        return exact
    return next((size for (verb, start), size in BATCH_BODIES.items() if verb == method and path.startswith(start)),
                MAX_BODY)  # fmt: skip


class RequestLimits:
    """ASGI middleware: refuses oversized bodies (413) and odd paths, queries or JSON (400) before
    the application reads anything; the body it accepted is handed on whole."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _url_problem(scope)
        limit = body_limit(scope["method"], scope["path"])
        if limit > MAX_BODY and not (_header(scope, b"authorization") or _header(scope, b"cookie")):
            limit = MAX_BODY  # a large body is buffered only for a caller who at least claims to be someone
        announced = _header(scope, b"content-length")
        if refusal is None and announced is not None:
            if not announced.isdigit():
                refusal = problem(400, "Content-Length is not a number", "bad-length")
            elif int(announced) > limit:
                refusal = _too_large(limit)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _too_large(limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if body and _is_json(_header(scope, b"content-type")):
            detail = json_problem(bytes(body))
            if detail is not None:
                await problem(400, detail, "unacceptable-json")(scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # what follows the body: a disconnect

    return replay


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return None


def _is_json(content_type: str | None) -> bool:
    # FastAPI parses a body without a Content-Type as JSON too
    kind = (content_type or "").split(";")[0].strip().lower()
    return not kind or kind == "application/json" or kind.endswith("+json")


def _too_large(limit: int) -> JSONResponse:
    return problem(413, f"the request body is larger than this route accepts ({limit} bytes)", "body-too-large")


def _url_problem(scope: Scope) -> JSONResponse | None:
    path = scope["path"]
    if _CONTROL.search(path.encode("utf-8", "surrogatepass")) or _UNSTORABLE.search(path):
        return problem(400, "the path contains a control character", "unacceptable-url")
    if _CONTROL.search(unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))):
        return problem(400, "the query string contains a control character", "unacceptable-url")
    return None


class _Refused(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _Refused(f"{name} is not a JSON number")


def json_problem(body: bytes) -> str | None:
    """Why ``body`` is not JSON the API accepts, or None when it is."""
    try:
        value = json.loads(body, parse_constant=_no_constant)
    except _Refused as refused:
        return str(refused)
    except UnicodeDecodeError:
        return "the body is not UTF-8"
    except json.JSONDecodeError as error:
        return f"the body is not JSON: {error.msg} (line {error.lineno}, column {error.colno})"
    except RecursionError:
        return f"the JSON is nested more than {MAX_DEPTH} deep"
    return _value_problem(value)


def _value_problem(value: Any) -> str | None:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"the JSON is nested more than {MAX_DEPTH} deep"
        if isinstance(item, str):
            if _UNSTORABLE.search(item):
                return "a JSON string contains a NUL character or an unpaired surrogate (\\ud800-\\udfff)"
        elif isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -_INT64 <= item < _INT64:
                return "a JSON number is outside the 64-bit range"
        elif isinstance(item, float):
            if item != item or item in (float("inf"), float("-inf")):
                return "a JSON number is too large"
        elif isinstance(item, dict):
            stack.extend((part, depth + 1) for pair in item.items() for part in pair)
        elif isinstance(item, list):
            stack.extend((part, depth + 1) for part in item)
    return None


# --- errors -----------------------------------------------------------------------------------------


def install_problems(app: FastAPI) -> None:
    """Every error the framework raises becomes a problem with the security headers."""

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        # the offending input is not echoed: it may be a password, and it may not be encodable
        errors = [{"type": e.get("type"), "loc": e.get("loc"), "msg": e.get("msg")} for e in error.errors()]
        shown = "; ".join(f"{'.'.join(str(part) for part in e['loc'] or ())}: {e['msg']}" for e in errors[:5])
        return problem(422, f"the request does not fit: {shown}", "invalid-request", errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, error: HTTPException) -> JSONResponse:
        return problem(error.status_code, str(error.detail), headers=dict(error.headers or {}))

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> JSONResponse:
        # raised past every middleware: the headers are set here, nothing internal is shown
        return server_problem(request, error)


def server_problem(
    request: Request, failure: BaseException, detail: str = "", kind: str = "server-error", **extra: Any
) -> JSONResponse:
    """A 500 whose body says nothing internal but an incident id; the log has the traceback under it."""
    incident = new_incident()
    # the path only: a query string is not logged (it is refused when it carries a secret, but
    # it may carry a name)
    logger.error(
        "incident %s: %s %s failed", incident, request.method, request.url.path,
        exc_info=(type(failure), failure, failure.__traceback__),
    )  # fmt: skip
    shown = detail or f"the server failed; quote incident {incident} to support"
    return problem(500, shown, kind, incident=incident, **extra)


# --- who is calling, from where --------------------------------------------------------------------


def networks(entries: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


def _within(address: str, proxies: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request, proxies: list[Network]) -> str:
    """The caller's address: the connection's peer, or — only when the peer is a trusted proxy —
    the nearest address in ``X-Forwarded-For`` that is not one of the trusted proxies."""
    peer = request.client.host if request.client else ""
    if not _within(peer, proxies):
        return peer
    hops = [hop.strip() for line in request.headers.getlist("x-forwarded-for") for hop in line.split(",")]
    for hop in reversed([h for h in hops if h]):
        if not _within(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:  # not an address: the header is not trusted past this hop
                return peer
        peer = hop
    return peer


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` as a browser sends it in ``Origin`` (default port left out)."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        return url
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


def own_origins(public_url: str | None, allowed: Iterable[str]) -> frozenset[str]:
    """The origins whose browsers may send state-changing requests: the configured public address
    and the allowed origins. The request's ``Host`` header is not among them: a client sets it."""
    return frozenset(origin_of(url) for url in ([public_url] if public_url else []) + list(allowed))
