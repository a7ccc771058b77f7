"""The HTTP API: every workflow step the command line offers, over JSON.

Who is calling:

- a **browser** signs in with ``POST /api/session`` and gets a session cookie
  ``__Host-tekser_session`` — ``Secure``, ``HttpOnly``, ``SameSite=Strict``, ``Path=/``, no
  ``Domain`` — with an idle (15 min) and an absolute (8 h) timeout, enforced on the server. The
  ``__Host-`` prefix makes browsers refuse the cookie unless it is exactly that: host-only, sent
  over HTTPS only, so a sibling subdomain or a plain-http page cannot set or overwrite it. With
  ``cookie_secure`` off (a local test over plain http) browsers would refuse a ``__Host-`` cookie,
  so the cookie is then plain ``tekser_session``. ``GET /api/sessions`` lists the caller's
  sessions and ``DELETE /api/sessions/{id}`` (or ``?others=true``) ends them; approving and
  making API keys through a session need the password given within 15 minutes
  (``POST /api/session/confirm``);
- a **program** sends ``Authorization: Bearer tk_...`` (an API key).

No secret ever travels in a URL: a request whose query string carries something that looks like
a key, token or password, percent-encoded or not, is refused (400) before anything else. A
refused request body (422) is not echoed back: it may carry a password. State-changing requests from a
foreign ``Origin`` are refused (403). tekser errors become HTTP statuses here, and only here.
Responses carrying personal data are marked ``Cache-Control: no-store``.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from tekser import __version__
from tekser.api.guards import (
    MAX_ID,
    SECURITY_HEADERS,
    RequestLimits,
    client_address,
    install_problems,
    networks,
    own_origins,
    problem,
    server_problem,
)
from tekser.api.routes import matching
from tekser.domain.access import Principal, Role
from tekser.domain.alerts import alert_summary
from tekser.domain.limits import MAX_SHORT, MAX_TEXT
from tekser.domain.policy import PolicyScope
from tekser.domain.redaction import decoded, redact, secret_name, secret_value
from tekser.errors import (
    ConfigError,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    SourceError,
    TekserError,
    TooManyAttempts,
    Unauthenticated,
)
from tekser.services.access import SESSION_ABSOLUTE, Notices
from tekser.services.audit import parse_anchor
from tekser.settings import Settings
from tekser.wiring import Desk, open_desk

COOKIE = "__Host-tekser_session"  # over HTTPS (cookie_secure, the default)
PLAIN_COOKIE = "tekser_session"  # cookie_secure off: browsers refuse a __Host- cookie without Secure


def cookie_name(secure: bool) -> str:
    return COOKIE if secure else PLAIN_COOKIE


STATUS: dict[type[TekserError], int] = {
    InvalidInput: 422,
    SourceError: 422,
    NotFound: 404,
    Conflict: 409,
    Unauthenticated: 401,
    Forbidden: 403,
    ConfigError: 500,
}
_SAFE = {"GET", "HEAD", "OPTIONS"}


# --- request bodies -------------------------------------------------------------------------------


Text = Annotated[str, Field(max_length=MAX_TEXT)]  # a reason, note, summary
Short = Annotated[str, Field(max_length=MAX_SHORT)]  # a one-line value
UserName = Annotated[str, Field(max_length=64)]
Password = Annotated[str, Field(max_length=1024)]  # hashing a 50 MB password is a denial of service
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Count = Annotated[int, Query(ge=0, le=MAX_ID)]


Code = Annotated[str, Field(max_length=16)]  # an authenticator's code (6 digits)


class Login(BaseModel):
    username: UserName
    password: Password
    otp: Code | None = None  # the authenticator's current code, once the user has confirmed one


class TotpCode(BaseModel):
    code: Code


class Confirmation(BaseModel):
    password: Password
    otp: Code | None = None  # once the user has an authenticator, its current code too


class Enrol(BaseModel):
    username: UserName
    code: Password
    password: Password


class Reasoned(BaseModel):
    reason: Text = ""


class Note(BaseModel):
    note: Text = ""


class Decision(BaseModel):
    verdict: Short
    reason: Text = ""
    suppress: bool = False


class ActionRequest(BaseModel):
    action: Short
    reason: Text = ""


class OutcomeBody(BaseModel):
    outcome: Short
    note: Text = ""


class NewUser(BaseModel):
    username: UserName  # no password: the holder sets it with the enrolment code (POST /api/enrol)
    role: Role
    display_name: Short = ""


class RoleChange(BaseModel):
    role: Role
    reason: Text = ""


class NewKey(BaseModel):
    label: Short = "api"
    days: Annotated[int, Field(ge=1, le=MAX_ID)] = 30


class NewCase(BaseModel):
    title: Short


class CaseAlert(BaseModel):
    alert_id: BodyId
    note: Text = ""


class CaseSubject(BaseModel):
    subject: Short
    note: Text = ""


class CaseText(BaseModel):
    text: Text


class Assignee(BaseModel):
    assignee: Short


class Summary(BaseModel):
    summary: Text


class Transmission(BaseModel):
    recipient: Short
    reason: Text = ""


class Proposal(BaseModel):
    list_id: Short
    record: dict[str, Any]
    legal_basis: Text
    source: Text
    review_date: Short
    expires_on: Short | None = None
    reason: Text = ""


class ReviewBody(BaseModel):
    next_review: Short
    reason: Text = ""


class Anchor(BaseModel):
    seq: BodyId | None = None
    row_hash: Short | None = None


class PolicyBody(BaseModel):
    list_id: Short
    scope: PolicyScope = PolicyScope.LIST
    value: Short = ""
    enabled: bool
    reason: Text = Field(default="")


# --- the application ------------------------------------------------------------------------------


def _principal(request: Request) -> Principal:
    """Who calls: an API key (Authorization: Bearer) or a session cookie."""
    desk: Desk = request.app.state.desk
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return desk.access.api_key(header[7:].strip())
    token = request.cookies.get(request.app.state.cookie)
    if token:
        return desk.access.session(token)
    raise Unauthenticated("sign in (POST /api/session) or send an API key (Authorization: Bearer)")


Who = Annotated[Principal, Depends(_principal)]


def _notices(notices: Notices) -> list[dict[str, Any]]:
    return [n.as_dict() for n in notices.items]


def create_app(settings: Settings | None = None, desk: Desk | None = None) -> FastAPI:
    """The API over the configured database (``desk`` lets tests pass their own services)."""
    current = settings or Settings()
    the_desk = desk or open_desk(current)
    app = FastAPI(title="tekser", version=__version__, docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.desk = the_desk
    app.state.cookie = cookie = cookie_name(current.cookie_secure)
    app.add_middleware(RequestLimits)
    install_problems(app)
    app.state.proxies = proxies = networks(current.trusted_proxies)
    origins = own_origins(current.public_url, current.allowed_origins)

    @app.exception_handler(TekserError)
    async def tekser_error(request: Request, error: TekserError) -> JSONResponse:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        if status == 500:  # a deployment's configuration fails: the operator finds it by the incident id
            name = type(error).__name__
            return server_problem(request, error, str(error), name, error=name, message=str(error))
        body: dict[str, Any] = {"error": type(error).__name__, "message": str(error)}
        if isinstance(error, InvalidInput) and error.errors:
            body["fields"] = [{"record": e.record, "field": e.field, "message": e.message} for e in error.errors]
        return problem(status, str(error), type(error).__name__, **body)

    @app.middleware("http")
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        query = request.url.query
        if query and _secret_in_query(query):
            return JSONResponse(
                {"error": "InvalidInput", "message": "no secrets in URLs: send keys in the Authorization header"},
                status_code=400,
                headers=_HEADERS,
            )
        origin = request.headers.get("origin")
        if request.method not in _SAFE and origin and origin not in origins:
            return JSONResponse(
                {"error": "Forbidden", "message": f"requests from {origin} are not accepted"},
                status_code=403,
                headers=_HEADERS,
            )
        response = await call_next(request)
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def where(request: Request) -> str:
        return client_address(request, proxies)

    d = the_desk

    # --- sessions ---------------------------------------------------------------------------

    def refused(response: Response, error: TooManyAttempts) -> dict[str, Any]:
        # 429 and when to come back (RFC 6585, RFC 9110)
        response.status_code = 429
        response.headers["Retry-After"] = str(error.retry_after)
        return {"error": type(error).__name__, "message": str(error)}

    @app.post("/api/session")
    def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
        try:
            token, who = d.access.login(body.username, body.password, where(request), body.otp)
        except TooManyAttempts as error:
            return refused(response, error)
        # no Domain: host-only; Path=/ (a __Host- cookie must have it: one application per host)
        response.set_cookie(
            cookie,
            token,
            max_age=int(SESSION_ABSOLUTE.total_seconds()),
            secure=current.cookie_secure,
            httponly=True,
            samesite="strict",
            path="/",
        )
        # the changes to their authentication details since their previous sign-in (ASVS 2.2.3, 2.5.5)
        notices = d.access.notices(who, session_token=token)
        return {"username": who.username, "role": who.role.value, "session": who.session, "notices": _notices(notices)}

    def forget_cookie(response: Response) -> None:
        response.delete_cookie(cookie, path="/", secure=current.cookie_secure, httponly=True, samesite="strict")

    @app.delete("/api/session")
    def logout(request: Request, response: Response) -> dict[str, bool]:
        token = request.cookies.get(cookie)
        if token:
            d.access.logout(token, where(request))
        forget_cookie(response)
        return {"signed_out": True}

    @app.post("/api/session/confirm")
    def confirm(body: Confirmation, request: Request, response: Response) -> dict[str, Any]:
        token = request.cookies.get(cookie)
        if not token:
            raise Unauthenticated("not signed in: a password is confirmed for a session (POST /api/session)")
        try:
            who = d.access.confirm(token, body.password, where(request), body.otp)
        except TooManyAttempts as error:
            return refused(response, error)
        assert who.authenticated_at is not None
        return {"confirmed": True, "authenticated_at": who.authenticated_at.isoformat()}

    @app.get("/api/sessions")
    def sessions(who: Who) -> list[dict[str, Any]]:
        return d.access.sessions(who)

    @app.delete("/api/sessions")
    def end_other_sessions(who: Who, request: Request, others: bool = False) -> dict[str, Any]:
        if not others:
            raise InvalidInput("say which: DELETE /api/sessions/{id}, or ?others=true for all but this one")
        return {"ended": d.access.end_other_sessions(who, where(request))}

    @app.delete("/api/sessions/{session_id}")
    def end_session(
        session_id: Annotated[str, Path(max_length=16)], who: Who, request: Request, response: Response
    ) -> dict[str, Any]:
        d.access.end_session(who, session_id, where(request))
        if session_id == who.session:  # the caller ended the session it asks with
            forget_cookie(response)
        return {"ended": [session_id]}

    @app.get("/api/me")
    def me(who: Who, request: Request) -> dict[str, Any]:
        token = request.cookies.get(COOKIE) if who.via == "session" else None
        notices = d.access.notices(who, session_token=token)
        return {"username": who.username, "role": who.role.value, "via": who.via, "notices": _notices(notices)}

    @app.post("/api/me/totp")
    def totp_enrol(who: Who, request: Request) -> dict[str, str]:
        if who.via != "session":
            raise Forbidden("an authenticator is enrolled from a signed-in session, not with an API key")
        new = d.access.totp_enrol(who, where(request))  # shown once (every answer is Cache-Control: no-store)
        return {"secret": new.secret, "uri": new.uri}

    @app.post("/api/me/totp/confirm")
    def totp_confirm(body: TotpCode, who: Who, request: Request) -> dict[str, bool]:
        d.access.totp_confirm(who, body.code, where(request))
        return {"confirmed": True}

    # --- alerts -----------------------------------------------------------------------------

    @app.get("/api/alerts")
    def alerts(
        who: Who, request: Request, status: str | None = None, limit: Count = 50, purpose: str = ""
    ) -> list[dict[str, Any]]:
        found = d.workflow.list_alerts(
            who, status=status, limit=min(limit, 1000), origin=where(request), purpose=purpose
        )
        return [alert_summary(a) for a in found]

    @app.get("/api/alerts/{alert_id}")
    def alert(alert_id: Id, who: Who, request: Request, purpose: str = "") -> dict[str, Any]:
        return d.workflow.view(who, alert_id, origin=where(request), purpose=purpose)

    def _state(state: Any) -> dict[str, Any]:
        return {
            "status": state.status.value,
            "verdict": state.verdict.value if state.verdict else None,
            "pending_requests": [r.id for r in state.pending],
        }

    @app.post("/api/alerts/{alert_id}/review")
    def review(alert_id: Id, body: Note, who: Who, request: Request) -> dict[str, Any]:
        return _state(d.workflow.review(who, alert_id, body.note, where(request)))

    @app.post("/api/alerts/{alert_id}/decision")
    def decide(alert_id: Id, body: Decision, who: Who, request: Request) -> dict[str, Any]:
        state = d.workflow.decide(
            who, alert_id, body.verdict, body.reason, suppress=body.suppress, origin=where(request)
        )
        return _state(state)

    @app.post("/api/alerts/{alert_id}/reopen")
    def reopen(alert_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, Any]:
        return _state(d.workflow.reopen(who, alert_id, body.reason, where(request)))

    @app.post("/api/alerts/{alert_id}/requests")
    def request_action(alert_id: Id, body: ActionRequest, who: Who, request: Request) -> dict[str, int]:
        return {"request_id": d.workflow.request(who, alert_id, body.action, body.reason, where(request))}

    @app.post("/api/alerts/{alert_id}/outcomes")
    def outcome(alert_id: Id, body: OutcomeBody, who: Who, request: Request) -> dict[str, str]:
        d.workflow.record_outcome(who, alert_id, body.outcome, body.note, origin=where(request))
        return {"outcome": body.outcome}

    @app.get("/api/requests")
    def pending(who: Who) -> list[dict[str, Any]]:
        return d.workflow.pending(who)

    @app.post("/api/requests/{request_id}/approve")
    def approve(request_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, Any]:
        change = d.workflow.approve(who, request_id, body.reason, where(request))
        return {"approved": request_id, "status_change": change}

    @app.post("/api/requests/{request_id}/reject")
    def reject(request_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, int]:
        d.workflow.reject(who, request_id, body.reason, where(request))
        return {"rejected": request_id}

    @app.post("/api/suppressions/{suppression_id}/lift")
    def lift(suppression_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, int]:
        d.workflow.lift_suppression(who, suppression_id, body.reason, where(request))
        return {"lifted": suppression_id}

    # --- cases ------------------------------------------------------------------------------

    @app.get("/api/cases")
    def cases(who: Who, status: str | None = None) -> list[dict[str, Any]]:
        return d.cases.cases(who, status)

    @app.post("/api/cases")
    def create_case(body: NewCase, who: Who, request: Request) -> dict[str, int]:
        return {"case_id": d.cases.create(who, body.title, where(request))}

    @app.get("/api/cases/{case_id}")
    def case(case_id: Id, who: Who, request: Request, purpose: str = "") -> dict[str, Any]:
        return d.cases.view(who, case_id, where(request), purpose)

    @app.post("/api/cases/{case_id}/alerts")
    def case_alert(case_id: Id, body: CaseAlert, who: Who, request: Request) -> dict[str, int]:
        return {"item": d.cases.add_alert(who, case_id, body.alert_id, body.note, where(request))}

    @app.post("/api/cases/{case_id}/subjects")
    def case_subject(case_id: Id, body: CaseSubject, who: Who, request: Request) -> dict[str, int]:
        return {"item": d.cases.add_subject(who, case_id, body.subject, body.note, where(request))}

    @app.post("/api/cases/{case_id}/notes")
    def case_note(case_id: Id, body: CaseText, who: Who, request: Request) -> dict[str, int]:
        return {"item": d.cases.note(who, case_id, body.text, where(request))}

    @app.post("/api/cases/{case_id}/assignee")
    def case_assign(case_id: Id, body: Assignee, who: Who, request: Request) -> dict[str, int]:
        return {"item": d.cases.assign(who, case_id, body.assignee, where(request))}

    @app.post("/api/cases/{case_id}/close")
    def case_close(case_id: Id, body: Summary, who: Who, request: Request) -> dict[str, int]:
        return {"item": d.cases.close(who, case_id, body.summary, where(request))}

    @app.get("/api/cases/{case_id}/file.{kind}")
    def case_file(case_id: Id, kind: str, who: Who, request: Request, purpose: str = "") -> Response:
        if kind not in ("pdf", "html"):
            raise NotFound("a case file is file.pdf or file.html")
        exported = d.cases.export(who, case_id, where(request), purpose)
        headers = {"X-Content-SHA256": exported.sha256} if kind == "pdf" else {}
        disposition = f'attachment; filename="case-{case_id}.{kind}"'
        if kind == "pdf":
            return Response(
                exported.pdf, media_type="application/pdf", headers=headers | {"Content-Disposition": disposition}
            )
        return Response(
            exported.html, media_type="text/html; charset=utf-8", headers={"Content-Disposition": disposition}
        )

    @app.post("/api/cases/{case_id}/transmissions")
    def transmit(case_id: Id, body: Transmission, who: Who, request: Request) -> dict[str, int]:
        request_id = d.cases.request_transmission(who, case_id, body.recipient, body.reason, where(request))
        return {"request_id": request_id}

    @app.post("/api/transmissions/{request_id}/approve")
    def approve_transmission(request_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, Any]:
        signed = d.cases.approve_transmission(who, request_id, body.reason, where(request))
        return {
            "sha256": signed.sha256,
            "signature": signed.signature,
            "public_key": signed.public_key,
            "algorithm": "Ed25519",
            "pdf_base64": base64.b64encode(signed.pdf).decode("ascii"),
        }

    @app.post("/api/transmissions/{request_id}/reject")
    def reject_transmission(request_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, int]:
        d.cases.reject_transmission(who, request_id, body.reason, where(request))
        return {"rejected": request_id}

    # --- internal lists -------------------------------------------------------------------------

    @app.get("/api/internal")
    def internal(
        who: Who, request: Request, list_id: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        return d.internal.entries(who, list_id, status, where(request))

    @app.post("/api/internal")
    def propose(body: Proposal, who: Who, request: Request) -> dict[str, int]:
        entry = d.internal.propose(
            who,
            body.list_id,
            body.record,
            legal_basis=body.legal_basis,
            source=body.source,
            review_date=body.review_date,
            expires_on=body.expires_on,
            reason=body.reason,
            origin=where(request),
        )
        return {"entry_id": entry}

    @app.get("/api/internal/{entry_id}")
    def internal_entry(entry_id: Id, who: Who, request: Request) -> dict[str, Any]:
        return d.internal.entry(who, entry_id, where(request))

    @app.post("/api/internal/{entry_id}/approve")
    def internal_approve(entry_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, str]:
        return {"version": d.internal.approve(who, entry_id, body.reason, where(request))}

    @app.post("/api/internal/{entry_id}/reject")
    def internal_reject(entry_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, int]:
        d.internal.reject(who, entry_id, body.reason, where(request))
        return {"rejected": entry_id}

    @app.post("/api/internal/{entry_id}/delist")
    def internal_delist(entry_id: Id, body: Reasoned, who: Who, request: Request) -> dict[str, str]:
        return {"version": d.internal.delist(who, entry_id, body.reason, where(request))}

    @app.post("/api/internal/{entry_id}/review")
    def internal_review(entry_id: Id, body: ReviewBody, who: Who, request: Request) -> dict[str, str]:
        return {"version": d.internal.review(who, entry_id, body.next_review, body.reason, where(request))}

    # --- audit, users, keys, policy ------------------------------------------------------------------

    @app.get("/api/audit/events")
    def audit_events(
        who: Who,
        request: Request,
        after: Count = 0,
        limit: Count = 100,
        actor: str | None = None,
        action: str | None = None,
        object_id: str | None = None,
    ) -> list[dict[str, Any]]:
        return d.audit.events(
            who,
            after=after,
            limit=min(limit, 10_000),
            actor=actor,
            action=action,
            object_id=object_id,
            origin=where(request),
        )

    @app.post("/api/audit/verify")
    def audit_verify(body: Anchor, who: Who, request: Request) -> dict[str, Any]:
        anchor = None
        if body.seq is not None or body.row_hash is not None:
            anchor = parse_anchor(f'{{"seq": {body.seq or 0}, "row_hash": "{body.row_hash or ""}"}}')
        result = d.audit.verify(who, anchor, where(request))
        return {
            "ok": result.ok,
            "records": result.records,
            "head": result.head,
            "broken_at": result.broken_at,
            "reason": result.reason,
        }

    @app.get("/api/audit/head")
    def audit_head(who: Who, request: Request) -> dict[str, Any]:
        return d.audit.head(who, where(request))

    @app.get("/api/users")
    def users(who: Who) -> list[dict[str, Any]]:
        return d.access.users(who)

    def enrolment(new: Any) -> dict[str, Any]:
        return {
            "user_id": new.user_id,
            "enrolment_code": new.code,  # shown once: the holder's, to set their password with
            "expires_at": new.expires_at.isoformat(),
            "role_pending": new.pending,
            "code_part": new.part,  # a guarded role's code has 2 parts, from two administrators
            "code_parts": new.parts,
        }

    @app.post("/api/users")
    def add_user(body: NewUser, who: Who, request: Request) -> dict[str, Any]:
        return enrolment(d.access.add_user(who, body.username, body.role, body.display_name, where(request)))

    @app.post("/api/users/{username}/reset")
    def reset(username: str, body: Reasoned, who: Who, request: Request) -> dict[str, Any]:
        return enrolment(d.access.reset(who, username, body.reason, where(request)))

    @app.post("/api/users/{username}/approve-role")
    def approve_role(username: str, who: Who, request: Request) -> dict[str, Any]:
        second = d.access.approve_role(who, username, where(request))
        return {"approved": username} | (enrolment(second) if second else {})

    @app.post("/api/enrol")
    def enrol(body: Enrol, request: Request) -> dict[str, str]:
        d.access.enrol(body.username, body.code, body.password, where(request))
        return {"enrolled": body.username}

    @app.get("/api/audit/admin-report")
    def admin_report(who: Who, request: Request) -> list[dict[str, Any]]:
        return d.audit.admin_report(who, where(request))

    @app.post("/api/users/{username}/disable")
    def disable(username: str, body: Reasoned, who: Who, request: Request) -> dict[str, str]:
        d.access.set_active(who, username, False, body.reason, where(request))
        return {"disabled": username}

    @app.post("/api/users/{username}/enable")
    def enable(username: str, body: Reasoned, who: Who, request: Request) -> dict[str, str]:
        d.access.set_active(who, username, True, body.reason, where(request))
        return {"enabled": username}

    @app.post("/api/users/{username}/role")
    def role(username: str, body: RoleChange, who: Who, request: Request) -> dict[str, Any]:
        again = d.access.set_role(who, username, body.role, body.reason, where(request))
        return {"username": username, "role": body.role.value} | (enrolment(again) if again else {})

    @app.get("/api/keys")
    def keys(who: Who) -> list[dict[str, Any]]:
        return d.access.keys(who)

    @app.post("/api/keys")
    def create_key(body: NewKey, who: Who, request: Request) -> dict[str, Any]:
        if who.via != "session":
            raise Forbidden("an API key is made from a signed-in session, not from another key")
        new = d.access.create_key(who, body.label, body.days, where(request))
        return {"key": new.key, "key_id": new.key_id, "prefix": new.prefix, "expires_at": new.expires_at.isoformat()}

    @app.delete("/api/keys/{key_id}")
    def revoke_key(
        key_id: Id, who: Who, request: Request, reason: Annotated[str, Query(max_length=MAX_TEXT)] = ""
    ) -> dict[str, int]:
        d.access.revoke_key(who, key_id, reason, where(request))
        return {"revoked": key_id}

    @app.post("/api/policy")
    def policy(body: PolicyBody, who: Who) -> dict[str, Any]:
        event = d.administration.set_policy(
            who, body.list_id, body.scope, body.value, enabled=body.enabled, reason=body.reason
        )
        return {"id": event.id, "target": event.target, "enabled": event.enabled}

    from tekser.api.routes import lists, operations, travel  # they use Who, defined above

    app.include_router(lists.router)
    app.include_router(travel.router)
    app.include_router(operations.router)
    app.include_router(matching.router)  # yente-compatible /match, /search; /reconcile
    return app


_HEADERS = SECURITY_HEADERS


def _secret_in_query(query: str) -> bool:
    """Whether a query string carries something secret, however it is percent-encoded: a
    secret-named parameter (even empty), a value that is an API key, anything :func:`redact` hides."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(secret_name(name) or secret_value(name) or secret_value(value) for name, value in pairs):
        return True
    plain = decoded(query)
    return redact(plain) != plain
