"""Who may do what: roles, actions and the authorisation matrix.

The matrix is the whole policy: an action is allowed to a role only if the matrix says so (deny
by default), and the services check it before anything else. Separation of duties follows the
assurance targets: administrators manage users, keys and configuration but read no personal
data; auditors and the data-protection officer read (and verify the audit log) but decide
nothing; analysts propose, supervisors approve; every adverse action needs a second person
(four eyes, checked separately: see :func:`require_second_person`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tekser.domain.audit import AuditEvent
from tekser.errors import Forbidden, ReauthenticationRequired

# a session approves, grants or makes keys only this long after its holder last gave the password
REAUTHENTICATE_AFTER = timedelta(minutes=15)


class Role(StrEnum):
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    DPO = "dpo"  # data-protection officer
    SERVICE = "service"  # a program (ingest daemon, check-in gateway): ingests, screens; reads no alert


class Action(StrEnum):
    # alerts
    ALERT_LIST = "alert.list"
    ALERT_VIEW = "alert.view"
    ALERT_REVIEW = "alert.review"
    ALERT_DECIDE = "alert.decide"
    ALERT_REOPEN = "alert.reopen"
    OUTCOME_RECORD = "outcome.record"
    SUPPRESSION_LIFT = "suppression.lift"
    # adverse actions (no board, refuse entry, freeze, transmission): four eyes
    ACTION_REQUEST = "action.request"
    ACTION_APPROVE = "action.approve"
    ACTION_REJECT = "action.reject"
    # internal watchlists
    INTERNAL_VIEW = "internal.view"
    INTERNAL_PROPOSE = "internal.propose"
    INTERNAL_APPROVE = "internal.approve"
    INTERNAL_DELIST = "internal.delist"
    # cases
    CASE_VIEW = "case.view"
    CASE_EDIT = "case.edit"  # create, add alerts, subjects and notes, assign
    CASE_CLOSE = "case.close"
    CASE_EXPORT = "case.export"
    # audit
    AUDIT_VIEW = "audit.view"
    AUDIT_VERIFY = "audit.verify"
    AUDIT_EXPORT_HEAD = "audit.export_head"
    AUDIT_ADMIN_REPORT = "audit.admin_report"  # who added, enrolled, granted, reset whom: no personal data
    # users, keys, configuration
    USER_MANAGE = "user.manage"
    KEY_OWN = "key.own"  # create and revoke one's own API keys
    KEY_MANAGE = "key.manage"  # revoke anyone's
    POLICY_CHANGE = "policy.change"
    LIST_IMPORT = "list.import"
    LIST_VIEW = "list.view"  # list versions, differences, refused imports, exports, screening status

    TRAVEL_INGEST = "travel.ingest"  # store and screen travel messages; answer check-ins (iAPI)
    SCREENING_RUN = "screening.run"  # screen files, customers and stored subjects; rescreen


_A, _S, _U, _M, _D, _V = Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR, Role.DPO, Role.SERVICE
_READERS = frozenset({_A, _S, _U, _D})  # who may read personal data (and that reading is audited)
_WORKERS = frozenset({_A, _S})

MATRIX: dict[Action, frozenset[Role]] = {
    Action.ALERT_LIST: _READERS,
    Action.ALERT_VIEW: _READERS,
    Action.ALERT_REVIEW: _WORKERS,
    Action.ALERT_DECIDE: _WORKERS,
    Action.ALERT_REOPEN: _WORKERS,
    Action.OUTCOME_RECORD: _WORKERS,
    Action.SUPPRESSION_LIFT: frozenset({_S}),
    Action.ACTION_REQUEST: _WORKERS,
    Action.ACTION_APPROVE: frozenset({_S}),
    Action.ACTION_REJECT: frozenset({_S}),
    Action.INTERNAL_VIEW: _READERS,
    Action.INTERNAL_PROPOSE: _WORKERS,
    Action.INTERNAL_APPROVE: frozenset({_S}),
    Action.INTERNAL_DELIST: frozenset({_S}),
    Action.CASE_VIEW: _READERS,
    Action.CASE_EDIT: _WORKERS,
    Action.CASE_CLOSE: _WORKERS,
    Action.CASE_EXPORT: frozenset({_A, _S, _U}),
    Action.AUDIT_VIEW: frozenset({_U, _D}),
    Action.AUDIT_VERIFY: frozenset({_U, _M, _D}),
    Action.AUDIT_EXPORT_HEAD: frozenset({_U, _M}),
    Action.AUDIT_ADMIN_REPORT: frozenset({_U, _M, _D}),
    Action.USER_MANAGE: frozenset({_M}),
    Action.KEY_OWN: frozenset(Role),
    Action.LIST_VIEW: frozenset(Role),
    Action.KEY_MANAGE: frozenset({_M}),
    Action.POLICY_CHANGE: frozenset({_M, _D}),
    Action.LIST_IMPORT: frozenset({_M}),
    Action.TRAVEL_INGEST: frozenset({_A, _S, _V}),
    Action.SCREENING_RUN: frozenset({_A, _S, _V}),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated user acting (through a session, an API key or the CLI)."""

    user_id: int
    username: str
    role: Role
    via: str = "session"  # session | api-key:<prefix> | cli
    # where refusals are recorded (every authorisation decision that says no is an audit event)
    audit: Callable[[AuditEvent], object] | None = field(default=None, compare=False, repr=False)
    # an administrator without a confirmed second factor (where the deployment requires one): may
    # sign in, enrol an authenticator and look after their own keys, and administer nothing
    needs_mfa: bool = False
    session: str = ""  # through a session: its public id (what its holder's list of sessions shows)
    authenticated_at: datetime | None = None  # through a session: when the password was last given

    @property
    def label(self) -> str:
        """How the audit log names them."""
        return self.username if self.via == "session" else f"{self.username} ({self.via})"


def allowed(role: Role, action: Action) -> bool:
    return role in MATRIX.get(action, frozenset())


def _refuse(principal: Principal, action: str, message: str) -> Forbidden:
    if principal.audit is not None:
        details = {"role": principal.role.value, "refused": message}
        principal.audit(
            AuditEvent(principal.label, "access.denied", "action", action, datetime.now(UTC), details=details)
        )
    return Forbidden(message)


# what an administrator without a second factor may still do: their own keys (list, revoke), list status
WITHOUT_MFA = frozenset({Action.KEY_OWN, Action.LIST_VIEW})


def authorize(principal: Principal, action: Action) -> None:
    """Raise :class:`Forbidden` (and record the refusal) unless the principal's role may do ``action``
    (and, for an administrator who must have one, unless they have a second factor)."""
    if not allowed(principal.role, action):
        raise _refuse(principal, action.value, f"{principal.username} ({principal.role}) may not {action}")
    if action not in WITHOUT_MFA:
        require_second_factor(principal, action.value)


def require_second_factor(principal: Principal, action: str) -> None:
    """Administration needs a confirmed authenticator (ASVS 4.3.1): refuse, saying how to enrol one."""
    if principal.needs_mfa:
        message = (
            f"{principal.username}: administration needs a second factor; enrol an authenticator first "
            f"(tekser users totp-enrol --user {principal.username}, or POST /api/me/totp)"
        )
        raise _refuse(principal, action, message)


def require_second_person(principal: Principal, maker: str, what: str) -> None:
    """Four eyes: the checker is not the maker (also when acting through an API key)."""
    if principal.username == maker:
        message = f"{what} needs a second person: {maker} cannot approve their own request"
        raise _refuse(principal, "four-eyes", message)


def require_recent_authentication(principal: Principal, now: datetime, what: str) -> None:
    """Re-authentication before a sensitive action (ASVS 3.7.1): through a session, the password
    must have been given within :data:`REAUTHENTICATE_AFTER`. An API key (a program) and the command
    line (which asks for the password, or acts with a key) are not sessions: nothing to re-confirm."""
    if principal.via != "session":
        return
    if principal.authenticated_at is not None and now - principal.authenticated_at <= REAUTHENTICATE_AFTER:
        return
    minutes = int(REAUTHENTICATE_AFTER.total_seconds() // 60)
    message = (
        f"{what} needs your password again (signed in more than {minutes} minutes ago): "
        "confirm it with POST /api/session/confirm and retry"
    )
    if principal.audit is not None:
        details = {"role": principal.role.value, "refused": message}
        principal.audit(AuditEvent(principal.label, "access.denied", "action", "reauthenticate", now, details=details))
    raise ReauthenticationRequired(message)
