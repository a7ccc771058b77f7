"""Users, passwords, API keys and sessions: who is acting.

- Passwords are hashed with **argon2id** (argon2-cffi; 64 MiB, t = 3 by default, above the ASVS
  floor of 46 MiB, t = 1) and checked in constant time; a wrong user name and a wrong password
  get the same answer (:class:`Unauthenticated`), and both are audited. With a **pepper** (a
  deployment secret kept outside the database), what is hashed is HMAC-SHA256(pepper, password),
  and the stored hash says so (``pepper1$`` + the argon2 string): a copy of the database alone
  cannot be guessed against. Older hashes (no pepper, weaker argon2 parameters) still verify and
  are hashed anew at the holder's next sign-in.
- **API keys** are 256 random bits shown once; only their SHA-256 is stored (a key is not a
  password: nothing to stretch), with a prefix for listing, an expiry (at most 90 days) and a
  revocation time. Keys travel in the ``Authorization`` header, never in a URL.
- **Sign-in is throttled** (:class:`Throttle`): after 5 failures in a row under one user name
  (existing or not, so that a lockout does not tell which names exist) the name is locked for
  15 minutes, doubling with each further lockout; a client address with 20 failures in 10 minutes
  is refused until the oldest leaves the window. While refused, even the right password is (no
  password is checked), with the time to retry. The counts are in the database: every process
  shares them.
- Every sign-in that checks a password runs **one** argon2 verification, against a dummy hash for
  an unknown user name, so that the time taken does not tell which names exist or are disabled.
- **Sessions** are random tokens kept as SHA-256 with an idle timeout (15 minutes) and an
  absolute one (8 hours); disabling a user ends their sessions. Each has a public id (random,
  neither the token nor its hash) by which its holder lists and ends their sessions (``sessions``,
  ``end_session``, ``end_other_sessions``), audited as ``session.end``.
- **Re-authentication**: through a session, approving an adverse action or a role grant and making
  an API key need the password given within 15 minutes (at sign-in, or again with ``confirm``,
  which the sign-in throttle counts like a sign-in); programs (API keys) are not asked.
- The first administrator is created from the command line, when there is no user yet.
- **Notices**: at sign-in (and on ``/api/me``, ``tekser users whoami``) a user is told of the changes
  to their own authentication details since their previous sign-in — password changed or set,
  reset, role changed, API keys made or revoked, failed sign-ins and lockouts on their name —
  read from the audit log (offline deployments have no mail to send them by).
- **Enrolment**: an administrator adds an account *without a password* and gets a one-time
  enrolment code (128 random bits, kept as SHA-256, 72 hours, usable once) to hand to its holder;
  the holder sets their own password with it (``tekser users enrol``). The administrator never
  knows it, so only the holder can make the account's API keys. ``reset`` issues a new code.
- **Four eyes on administration**: granting a role that decides or approves adverse actions, or
  manages users (analyst, supervisor, administrator) leaves the grant *pending* until a second
  administrator approves it; a pending account cannot act. Such an account is enrolled with a code
  in **two parts**, one from the granting administrator and one from the approving one, so that no
  single administrator can set its password and act as it: a new account, a reset one, and an
  account promoted to such a role from one that is not (its password was set with one
  administrator's code, so it is set again).
- **Bootstrap**, once per deployment: the first administrator, while no other administrator has
  ever existed, makes the second one alone (audited as ``bootstrap``), or nobody could ever approve
  anything. That one step rests on the installers; it is flagged in the administration report.
- **Second factor** (TOTP, RFC 6238; :mod:`tekser.services.totp`): a user enrols an authenticator
  (its secret shown once) and confirms it with a first code; from then on signing in needs the
  current code as well, each code usable once (a replay is refused and audited as
  ``auth.otp_replay``), a wrong or missing code counting as a failed sign-in in the throttle. An
  administrator without a confirmed authenticator may sign in and enrol one, and administer
  nothing, not even make an API key (``require_admin_mfa``, on unless the deployment turns it
  off). ``reset`` removes the authenticator with the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import math
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tekser.domain.access import (
    Action,
    Principal,
    Role,
    allowed,
    authorize,
    require_recent_authentication,
    require_second_factor,
    require_second_person,
)
from tekser.domain.audit import AuditEvent, AuditRecord
from tekser.errors import ConfigError, Conflict, Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthenticated
from tekser.services.totp import SecretBox, matching_step, new_secret, provisioning_uri

log = logging.getLogger(__name__)

KEY_PREFIX = "tk_"
UNKNOWN_USER = "unknown user"  # how a failed sign-in with a name no user has is audited
# one answer for a wrong name, password or code: which of them was wrong is not told
WRONG = "wrong user name or password (or authenticator code)"
NO_SECRET_KEY = (
    "a second factor needs the deployment secret that seals authenticator secrets: "
    "set TEKSER_SECRET_KEY or TEKSER_SECRET_KEY_FILE (at least 32 random characters)"
)
MAX_KEY_DAYS = 90
SESSION_IDLE = timedelta(minutes=15)
SESSION_ABSOLUTE = timedelta(hours=8)
ENROL_VALID = timedelta(hours=72)
CODE_CHARS = 22  # an enrolment code (part): 16 random bytes in URL-safe base64
PEPPERED = "pepper1$"  # marks a hash of HMAC-SHA256(pepper, password); the rest is argon2's string
NO_PASSWORD = "!"  # an account awaiting enrolment: not an argon2 hash, nothing verifies against it
# roles whose grant needs a second administrator: they decide or approve adverse actions, or grant roles
GUARDED = frozenset(
    r for r in Role if any(allowed(r, a) for a in (Action.ALERT_DECIDE, Action.ACTION_APPROVE, Action.USER_MANAGE))
)
MIN_PASSWORD = 12
MAX_PASSWORD = 256
# words of this deployment's context, refused as a password's stem like breached passwords
_CONTEXT = frozenset({"tekser", "admin", "administrator", "screening", "watchlist", "sanctions"})
# what people append to a breached password to pass a length rule ("Password1234!")
_TRAILING = re.compile(r"[\d\W_]+$")
# runs typed without thinking: digits, the alphabet, keyboard rows (a password inside one is refused)
_SEQUENCES = (
    "0123456789" * 26,  # as long as the longest password
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)


@cache
def breached_passwords() -> frozenset[str]:
    """The passwords of zxcvbn's frequency list (30,000, ranked from leaked password corpora),
    read once on first use; shipped with the package, so it works offline."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def breached(password: str) -> bool:
    """Whether ``password`` is a breached one, or one with digits or punctuation appended."""
    folded = password.casefold()
    stem = _TRAILING.sub("", folded)
    known = breached_passwords()
    return folded in known or (bool(stem) and (stem in known or stem in _CONTEXT))


def repetitive(password: str) -> bool:
    """Few distinct characters, one part repeated ("letmeinletmein"), or a run along the digits,
    the alphabet or a keyboard row, either way ("123456789012", "qwertyuiopas")."""
    folded = password.casefold()
    repeated = re.fullmatch(r"(.+?)\1+", folded, flags=re.S) is not None
    run = any(folded in seq or folded[::-1] in seq for seq in _SEQUENCES)
    return len(set(folded)) < 4 or repeated or run


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AccessStore(Protocol):
    def transaction(self) -> Any: ...
    def audit(self, event: AuditEvent) -> None: ...
    def user_count(self) -> int: ...
    def user(self, user_id: int) -> Any: ...
    def user_by_name(self, username: str) -> Any: ...
    def users(self) -> list[Any]: ...
    def key_by_hash(self, key_hash: str) -> Any: ...
    def sign_in_account(self, username: str) -> Any: ...
    def client_failures(self, client: str, since: datetime) -> list[datetime]: ...
    def forget_sign_in_failures(self, window_start: datetime, quiet_since: datetime) -> None: ...
    def api_keys(self, user_id: int | None = None) -> list[Any]: ...
    def session(self, token_hash: str) -> Any: ...
    def open_sessions(self, user_id: int) -> list[Any]: ...
    def touch_session(self, token_hash: str, at: datetime) -> None: ...
    def sign_ins(self, username: str, until: datetime | None = None, limit: int = 2) -> list[int]: ...
    def events_about(
        self, username: str, key_ids: list[str], actions: frozenset[str], after: int, limit: int = 1000
    ) -> list[AuditRecord]: ...


@dataclass(frozen=True, slots=True)
class Throttle:
    """When sign-in stops checking passwords for a while."""

    account_failures: int = 5  # failures in a row under one user name ...
    lock: timedelta = timedelta(minutes=15)  # ... lock it this long, doubling with each lockout
    max_lock: timedelta = timedelta(hours=24)
    client_failures: int = 20  # failures from one client address ...
    window: timedelta = timedelta(minutes=10)  # ... within this sliding window
    quiet: timedelta = timedelta(days=1)  # this long without a failure or lock: a name starts again

    def lock_for(self, lockouts: int) -> timedelta:
        """The lock after ``lockouts`` earlier ones (capped: also keeps 2**n small)."""
        doubled: timedelta = self.lock * 2 ** min(lockouts, 16)
        return min(doubled, self.max_lock)


def _too_many(message: str, until: datetime, at: datetime) -> TooManyAttempts:
    wait = max(1, math.ceil((until - at).total_seconds()))
    return TooManyAttempts(f"{message}: try again after {until:%Y-%m-%d %H:%M:%S} UTC", wait)


@dataclass(frozen=True, slots=True)
class NewKey:
    key: str  # shown once
    key_id: int
    prefix: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Enrolment:
    """A new or reset account: the one-time code its holder sets their password with."""

    user_id: int
    code: str  # shown once
    expires_at: datetime
    pending: bool  # the role awaits a second administrator's approval
    part: int = 1  # which part of the code this is
    parts: int = 1  # how many parts the holder needs: 2, one from each of two administrators


# what a user is told of, by audit action: (kind, the sentence); failures and lockouts are counted
_NOTICE = {
    "user.password": ("password_changed", "your password was changed"),
    "user.enrol": ("password_set", "your password was set with an enrolment code"),
    "user.reset": ("reset", "your account was reset: password, sessions and API keys stopped working"),
    "user.role": ("role_changed", "your role was changed"),
    "user.role_approve": ("role_approved", "your role was approved by a second administrator"),
    "key.create": ("key_created", "an API key of yours was made"),
    "key.revoke": ("key_revoked", "an API key of yours was revoked"),
    "auth.failure": ("sign_in_failures", "failed sign-ins with your user name"),
    "auth.lockout": ("lockouts", "your user name was locked after failed sign-ins"),
    "user.enrol_failure": ("enrolment_failures", "wrong enrolment codes given for your account"),
    "user.totp_confirm": ("authenticator_set", "an authenticator (TOTP) was set up for your account"),
    "auth.otp_replay": ("otp_replays", "a used code of your authenticator was given again (refused)"),
}
_COUNTED = frozenset({"auth.failure", "auth.lockout", "user.enrol_failure", "auth.otp_replay"})


@dataclass(frozen=True, slots=True)
class Notice:
    """A change to the user's authentication details (or, counted, failed attempts on their name)."""

    kind: str  # see _NOTICE
    message: str
    at: datetime  # when (for a count: the last one)
    origin: str  # from where (an address, cli@host; for a count: the last one)
    by: str = ""  # who made the change (an administrator, themselves); "" for attempts
    detail: str = ""  # what changed: "analyst -> supervisor", a key's number and prefix
    count: int = 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "at": self.at.isoformat(),
            "origin": self.origin,
            "by": self.by,
            "detail": self.detail,
            "count": self.count,
        }


@dataclass(frozen=True, slots=True)
class Notices:
    """What a user is told at sign-in: the notices since their previous sign-in."""

    username: str
    previous_sign_in: int | None  # its audit sequence number; None: this is the first
    items: tuple[Notice, ...]


def _notices(records: list[AuditRecord]) -> tuple[Notice, ...]:
    """One notice per change, oldest first; the counted attempts as one notice each, last."""
    changes: list[Notice] = []
    counted: dict[str, Notice] = {}
    for record in records:
        e = record.event
        kind, message = _NOTICE[e.action]
        if e.action in _COUNTED:
            if e.object_type != "user":  # a client address's lockout: not about this user
                continue
            earlier = counted.get(kind)
            count = earlier.count + 1 if earlier is not None else 1
            counted[kind] = Notice(kind, message, e.at, e.origin, count=count)
            continue
        detail = ""
        if e.action == "user.role":
            detail = f"{e.details.get('from', '?')} -> {e.details.get('to', '?')}"
        elif e.action == "user.role_approve":
            detail = str(e.details.get("role", ""))
        elif e.object_type == "api_key":
            prefix = e.details.get("prefix")
            detail = f"#{e.object_id}" + (f" ({prefix}...)" if prefix else "")
        changes.append(Notice(kind, message, e.at, e.origin, e.actor, detail))
    return tuple(changes) + tuple(counted.values())


@dataclass(frozen=True, slots=True)
class TotpEnrolment:
    """A new authenticator, shown once: active after its holder confirms a first code."""

    secret: str  # base32, to type into an authenticator app
    uri: str  # otpauth://totp/..., the same as a link or QR code


def check_password(password: str, username: str) -> None:
    problems = []
    if len(password) < MIN_PASSWORD:
        problems.append(f"at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        problems.append(f"at most {MAX_PASSWORD} characters")
    if breached(password) or repetitive(password):
        problems.append("not a common, breached or repetitive password")
    if username.casefold() in password.casefold():
        problems.append("not containing the user name")
    if problems:
        raise InvalidInput("the password must be " + ", ".join(problems))


def check_username(username: str) -> str:
    cleaned = username.strip()
    if not cleaned or len(cleaned) > 64 or not all(c.isalnum() or c in "._-@" for c in cleaned):
        raise InvalidInput("a user name is 1-64 letters, digits and . _ - @")
    return cleaned


def _keep_an_administrator(tx: Any, user: Any, change: str) -> None:
    """Refuse a change that would leave no active administrator (nobody could manage users, and
    ``create-admin`` refuses once users exist)."""
    if user.id in (remaining := tx.active_administrators()) and len(remaining) == 1:
        raise Conflict(
            f"cannot {change} {user.username}: the last active administrator (make another administrator first)"
        )


def _code_matches(typed: str, first_hash: str, second_hash: str | None) -> bool:
    """Whether ``typed`` is the one-part code, or both parts in either order (spaces ignored)."""
    code = "".join(typed.split())
    if second_hash is None:
        return hmac.compare_digest(first_hash, _sha256(code))
    if len(code) != 2 * CODE_CHARS:
        return False
    a, b = _sha256(code[:CODE_CHARS]), _sha256(code[CODE_CHARS:])
    in_order = hmac.compare_digest(first_hash, a) & hmac.compare_digest(second_hash, b)
    swapped = hmac.compare_digest(first_hash, b) & hmac.compare_digest(second_hash, a)
    return in_order or swapped


def _new_code() -> tuple[str, str]:
    """A one-time enrolment code (128 random bits) and the SHA-256 kept of it."""
    code = secrets.token_urlsafe(16)
    return code, _sha256(code)


class AccessService:
    def __init__(
        self,
        store: AccessStore,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = _utcnow,
        throttle: Throttle | None = None,
        pepper: bytes | None = None,
        secret_box: SecretBox | None = None,
        require_admin_mfa: bool = True,
    ) -> None:
        self.store = store
        self.secret_box = secret_box  # seals authenticator secrets; None: no deployment secret, no TOTP
        self.require_admin_mfa = require_admin_mfa
        self.hasher = hasher or PasswordHasher()  # argon2id, 64 MiB, t=3, p=4
        self._pepper = pepper  # never logged, never stored
        self.clock = clock
        self.throttle = throttle or Throttle()
        self._dummy: str | None = None
        # refusals this process already decided, until they end: a flood of attempts from a refused
        # client or at a locked name is answered without reading the database (the database stays
        # the shared truth; this only repeats what it said)
        self._refused: dict[tuple[str, str], tuple[str, datetime]] = {}

    # --- users ----------------------------------------------------------------------------

    def has_users(self) -> bool:
        """Whether any user exists (before the first one, the operator acts under their own name)."""
        return bool(self.store.user_count())

    def asks_for_code(self, username: str) -> bool:
        """Whether signing in as ``username`` needs an authenticator code (an unknown name: no)."""
        user = self.store.user_by_name(username.strip())
        return user is not None and user.totp_secret is not None

    def role_pending(self, username: str) -> bool:
        """Whether ``username``'s new role still awaits a second administrator's approval."""
        user = self.store.user_by_name(username)
        return user is not None and bool(user.role_pending)

    def create_first_administrator(
        self, username: str, password: str, display_name: str = "", origin: str = "cli"
    ) -> int:
        """The first user, an administrator; refused once any user exists."""
        if self.store.user_count():
            raise Conflict("users exist already: an administrator adds the others")
        return self._add_user("(bootstrap)", username, password, Role.ADMINISTRATOR, display_name, origin)

    def add_user(
        self, principal: Principal, username: str, role: Role, display_name: str = "", origin: str = ""
    ) -> Enrolment:
        """A new account without a password: its holder enrols with the code returned."""
        authorize(principal, Action.USER_MANAGE)
        username = check_username(username)
        at = self.clock()
        code, code_hash = _new_code()
        with self.store.transaction() as tx:
            pending, details = self._grant(tx, principal, role)
            user_id: int = tx.add_user(
                username, display_name or username, role.value, NO_PASSWORD, principal.label, at,
                enrol_hash=code_hash, enrol_expires=at + ENROL_VALID, role_pending=pending,
                role_granted_by=principal.username,
            )  # fmt: skip
            tx.audit(AuditEvent(principal.label, "user.create", "user", username, at, origin=origin, details=details))
        return Enrolment(user_id, code, at + ENROL_VALID, pending, parts=2 if pending else 1)

    def _add_user(self, by: str, username: str, password: str, role: Role, display_name: str, origin: str) -> int:
        username = check_username(username)
        check_password(password, username)
        at = self.clock()
        with self.store.transaction() as tx:
            user_id: int = tx.add_user(username, display_name or username, role.value, self._hash(password), by, at)
            tx.audit(AuditEvent(by, "user.create", "user", username, at, origin=origin, details={"role": role.value}))
        return user_id

    def _grant(self, tx: Any, principal: Principal, role: Role) -> tuple[bool, dict[str, Any]]:
        """Whether granting ``role`` waits for a second administrator, and what the audit says."""
        details: dict[str, Any] = {"role": role.value}
        if role not in GUARDED:
            return False, details
        if role is Role.ADMINISTRATOR and tx.may_bootstrap(principal.user_id):
            return False, details | {"bootstrap": True}  # the only administrator ever makes a second one
        return True, details | {"pending": True}

    def approve_role(self, principal: Principal, username: str, origin: str = "") -> Enrolment | None:
        """A second administrator confirms a pending role grant. If the account awaits enrolment,
        the answer is the second part of its code, which only this administrator sees."""
        authorize(principal, Action.USER_MANAGE)
        require_recent_authentication(principal, self.clock(), "approving a role grant")
        user = self._user(username)
        if not user.role_pending:
            raise Conflict(f"{username} has no role grant awaiting approval")
        require_second_person(principal, user.role_granted_by or "", f"granting {username} the role {user.role}")
        require_second_person(principal, user.username, f"granting {username} the role {user.role}")
        at = self.clock()
        second = _new_code() if user.enrol_hash is not None else None
        with self.store.transaction() as tx:
            if second is None:
                tx.update_user(user.id, role_pending=False)
            else:  # both parts are valid for the same time from now
                tx.update_user(user.id, role_pending=False, enrol2_hash=second[1], enrol_expires=at + ENROL_VALID)
            details = {"role": user.role, "granted_by": user.role_granted_by} | (
                {"second_code": True} if second else {}
            )
            tx.audit(AuditEvent(principal.label, "user.role_approve", "user", username, at, "", origin, details))
        if second is None:
            return None
        return Enrolment(user.id, second[0], at + ENROL_VALID, False, part=2, parts=2)

    def enrol(self, username: str, code: str, password: str, origin: str = "cli") -> None:
        """The holder sets their password with the one-time code (then it is spent)."""
        at = self.clock()
        user = self.store.user_by_name(username.strip())
        good = (
            user is not None
            and user.enrol_hash is not None
            and _code_matches(code, user.enrol_hash, user.enrol2_hash)
            and user.enrol_expires is not None
            and at < user.enrol_expires
        )
        if not good or user is None:
            name = user.username if user is not None else UNKNOWN_USER
            self.store.audit(AuditEvent(name, "user.enrol_failure", "user", name, at, origin=origin))
            raise Unauthenticated("the enrolment code is wrong, used or expired")
        if user.role_pending and Role(user.role) in GUARDED:  # the first part only: said to its holder
            self.store.audit(AuditEvent(user.username, "user.enrol_failure", "user", user.username, at, origin=origin,
                                        details={"awaiting": "second part"}))  # fmt: skip
            raise Forbidden(
                f"{user.username}: the role {user.role} awaits a second administrator's approval, "
                "which gives the second part of the enrolment code"
            )
        check_password(password, user.username)
        with self.store.transaction() as tx:
            tx.update_user(
                user.id, password_hash=self._hash(password), enrol_hash=None, enrol2_hash=None, enrol_expires=None
            )
            tx.audit(AuditEvent(user.username, "user.enrol", "user", user.username, at, origin=origin))

    def reset(self, principal: Principal, username: str, reason: str, origin: str = "") -> Enrolment:
        """A new enrolment code: the password, sessions and API keys stop working. For a guarded
        role, the code is the first part: a second administrator's approval gives the second."""
        authorize(principal, Action.USER_MANAGE)
        user = self._user(username)
        if user.id == principal.user_id:
            raise Conflict("an administrator cannot reset themselves (tekser users password)")
        at = self.clock()
        with self.store.transaction() as tx:
            two = Role(user.role) in GUARDED
            if two and not set(tx.active_administrators()) - {principal.user_id, user.id}:
                raise Conflict(
                    f"cannot reset {username}: the second part of the new code needs another administrator "
                    "than you, and there is none (keep at least three administrators)"
                )
            enrolment = self._re_enrol(tx, principal, user, at, pending=two or bool(user.role_pending))
            details: dict[str, Any] = {"parts": enrolment.parts}
            if user.totp_secret or user.totp_pending:
                details["authenticator_removed"] = True
            tx.audit(AuditEvent(principal.label, "user.reset", "user", username, at, reason, origin, details))
        return enrolment

    def _re_enrol(self, tx: Any, principal: Principal, user: Any, at: datetime, pending: bool) -> Enrolment:
        """Clear the account's password, authenticator, sessions and keys and issue a (first-part) code
        (an authenticator enrolled after a password set by one administrator's code may be theirs)."""
        code, code_hash = _new_code()
        tx.update_user(
            user.id, password_hash=NO_PASSWORD, enrol_hash=code_hash, enrol2_hash=None,
            enrol_expires=at + ENROL_VALID, role_pending=pending, role_granted_by=principal.username,
            totp_secret=None, totp_pending=None, totp_last_step=None,
        )  # fmt: skip
        tx.end_sessions(at, user_id=user.id)
        tx.revoke_keys_of(user.id, at)
        return Enrolment(user.id, code, at + ENROL_VALID, pending, parts=2 if pending else 1)

    def set_active(self, principal: Principal, username: str, active: bool, reason: str, origin: str = "") -> None:
        authorize(principal, Action.USER_MANAGE)
        user = self._user(username)
        if user.id == principal.user_id and not active:
            raise Conflict("an administrator cannot disable themselves")
        at = self.clock()
        with self.store.transaction() as tx:
            if not active:
                _keep_an_administrator(tx, user, "disable")
            tx.update_user(user.id, active=active)
            if not active:
                tx.end_sessions(at, user_id=user.id)
            action = "user.enable" if active else "user.disable"
            tx.audit(AuditEvent(principal.label, action, "user", username, at, reason, origin))

    def set_role(
        self, principal: Principal, username: str, role: Role, reason: str, origin: str = ""
    ) -> Enrolment | None:
        """Change a role. Promoting an account to a guarded role from one that is not re-enrols it
        (the answer is the first part of its new code): its password was set with one
        administrator's code, so that administrator could be holding it."""
        authorize(principal, Action.USER_MANAGE)
        user = self._user(username)
        at = self.clock()
        enrolment = None
        with self.store.transaction() as tx:
            if role is not Role.ADMINISTRATOR:
                _keep_an_administrator(tx, user, "demote")
            pending, grant = self._grant(tx, principal, role)
            if role.value == user.role:  # no new grant: nothing more to approve than before
                pending, grant = bool(user.role_pending), {}
            tx.update_user(user.id, role=role.value, role_pending=pending, role_granted_by=principal.username)
            tx.end_sessions(at, user_id=user.id)
            if pending and Role(user.role) not in GUARDED:
                enrolment = self._re_enrol(tx, principal, user, at, pending=True)
                grant = grant | {"re_enrol": True}
            details = {"from": user.role, "to": role.value} | {k: v for k, v in grant.items() if k != "role"}
            tx.audit(AuditEvent(principal.label, "user.role", "user", username, at, reason, origin, details))
        return enrolment

    def change_password(self, principal: Principal, current: str, new: str, origin: str = "") -> None:
        user = self.store.user(principal.user_id)
        self._verify(user, current)
        check_password(new, user.username)
        at = self.clock()
        with self.store.transaction() as tx:
            tx.update_user(user.id, password_hash=self._hash(new))
            tx.end_sessions(at, user_id=user.id)
            tx.audit(AuditEvent(principal.label, "user.password", "user", user.username, at, origin=origin))

    def users(self, principal: Principal) -> list[dict[str, Any]]:
        authorize(principal, Action.USER_MANAGE)
        return [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role,
                "active": u.active,
                "enrolled": u.enrol_hash is None,
                "role_pending": u.role_pending,
                "totp": u.totp_secret is not None,
            }
            for u in self.store.users()
        ]

    def _user(self, username: str) -> Any:
        user = self.store.user_by_name(username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        return user

    # --- password hashes ----------------------------------------------------------------

    def _hash(self, password: str) -> str:
        """argon2id of the password, or with a pepper of its HMAC (marked, so that hashes made
        before the pepper was configured still verify)."""
        if self._pepper is None:
            return self.hasher.hash(password)
        return PEPPERED + self.hasher.hash(self._peppered(password))

    def _peppered(self, password: str) -> str:
        assert self._pepper is not None
        digest = hmac.new(self._pepper, password.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")

    def _matches(self, stored: str, password: str) -> bool:
        """Whether ``password`` is the one ``stored`` was made of. A peppered hash with no pepper
        configured cannot be checked: a configuration error, never a pass (while it lasts, every
        enrolled user's sign-in fails with it)."""
        if stored.startswith(PEPPERED):
            if self._pepper is None:
                log.error("a password hash needs the pepper and none is configured")
                raise ConfigError(
                    "the stored password hashes need the password pepper, and none is configured "
                    "(TEKSER_PASSWORD_PEPPER or TEKSER_PASSWORD_PEPPER_FILE)"
                )
            stored, password = stored[len(PEPPERED) :], self._peppered(password)
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):  # VerifyMismatchError is a VerificationError
            return False

    def _outdated(self, stored: str) -> bool:
        """Whether a verified hash should be made anew: no pepper where one is configured now, or
        argon2 parameters other than this hasher's."""
        if self._pepper is not None and not stored.startswith(PEPPERED):
            return True
        return self.hasher.check_needs_rehash(stored.removeprefix(PEPPERED))

    def _rehash(self, user: Any, password: str) -> None:
        """The verified password hashed as this deployment hashes today, if the stored hash is
        older; only if it is still the stored one (a reset in between wins)."""
        if not self._outdated(user.password_hash):
            return
        with self.store.transaction() as tx:
            tx.replace_password_hash(user.id, user.password_hash, self._hash(password))

    def _verify(self, user: Any, password: str) -> None:
        if not self._matches(user.password_hash, password):
            raise Unauthenticated("wrong user name or password")

    def _dummy_hash(self) -> str:
        """A hash of a random password made with this hasher's cost: what an unknown user name is
        verified against. Made at the first sign-in, whoever signs in."""
        if self._dummy is None:
            self._dummy = self._hash(secrets.token_urlsafe(16))
        return self._dummy

    # --- authentication -------------------------------------------------------------------

    def _principal(self, user: Any, via: str, session: Any = None) -> Principal:
        if user.role_pending:  # a grant awaiting its second administrator confers nothing
            raise Forbidden(f"{user.username}: the role {user.role} awaits a second administrator's approval")
        role = Role(user.role)
        needs_mfa = self.require_admin_mfa and role is Role.ADMINISTRATOR and user.totp_secret is None
        principal = Principal(user.id, user.username, role, via, self.store.audit, needs_mfa)
        if session is None:
            return principal
        # a session from before re-authentication was recorded counts as authenticated at its creation
        signed_in = session.authenticated_at or session.created_at
        return replace(principal, session=session.public_id, authenticated_at=signed_in)

    def _box(self) -> SecretBox:
        if self.secret_box is None:
            raise ConfigError(NO_SECRET_KEY)
        return self.secret_box

    def _authenticate(self, username: str, password: str, origin: str, otp: str | None = None) -> Any:
        """The active user with this name and password (and the current code of their
        authenticator, if they have one); throttled, and one argon2 verification whether the name
        exists, is disabled or is active."""
        name = username.strip()
        key = name[:64]  # the throttle's key: the name as typed (column width)
        dummy = self._dummy_hash()
        at = self.clock()
        record = self._refuse_if_throttled(key, origin, at)
        user = self.store.user_by_name(name)
        verified = self._matches(user.password_hash if user is not None else dummy, password)
        if user is None or not user.active or not verified:
            self._failed(key, origin, at, known=user is not None)
            raise Unauthenticated(WRONG)
        step = None
        if user.totp_secret is not None:
            secret = self._box().open(user.totp_secret, user.id)
            step = matching_step(secret, otp or "", at)
            if step is None:  # missing or wrong: a failure like a wrong password
                self._failed(key, origin, at, known=True)
                raise Unauthenticated(WRONG)
        if step is not None:
            with self.store.transaction() as tx:
                fresh = tx.use_totp_step(user.id, step)
                if fresh and record is not None:  # a success starts the count again
                    tx.clear_sign_in_account(key)
            if not fresh:  # a code of this step (or a later one) was used already: a replay
                replay = AuditEvent(user.username, "auth.otp_replay", "user", user.username, at, origin=origin,
                                    details={"step": step})  # fmt: skip
                self._failed(key, origin, at, known=True, also=[replay])
                raise Unauthenticated(WRONG)
        elif record is not None:  # a success starts the count again
            with self.store.transaction() as tx:
                tx.clear_sign_in_account(key)
        self._rehash(user, password)
        return user

    def _refuse_if_throttled(self, key: str, origin: str, at: datetime) -> Any:
        """Refuse (without checking the password) a client over its limit or a locked name;
        otherwise the name's failure record, if any."""
        for scope in (("client", origin), ("name", key)):
            remembered = self._refused.get(scope)
            if remembered is not None and remembered[1] > at:
                raise _too_many(remembered[0], remembered[1], at)
        limit = self.throttle
        recent = self.store.client_failures(origin, at - limit.window)
        if len(recent) >= limit.client_failures:
            # the window slides: it opens again when the oldest failure keeping it full leaves it
            reopens = recent[len(recent) - limit.client_failures] + limit.window
            raise self._remember(("client", origin), f"too many failed sign-ins from {origin or 'this address'}",
                                 reopens, at)  # fmt: skip
        record = self.store.sign_in_account(key)
        if record is not None and record.locked_until is not None and record.locked_until > at:
            raise self._remember(("name", key), f"too many failed sign-ins as {key!r}", record.locked_until, at)
        return record

    def _remember(self, scope: tuple[str, str], message: str, until: datetime, at: datetime) -> TooManyAttempts:
        if len(self._refused) > 10_000:  # bounded: the ended ones go first
            self._refused = {k: v for k, v in self._refused.items() if v[1] > at}
        self._refused[scope] = (message, until)
        return _too_many(message, until, at)

    def _failed(self, key: str, origin: str, at: datetime, known: bool, also: Sequence[AuditEvent] = ()) -> None:
        """Count a failure for the name and the client, lock either when over its limit, audit (a
        name no user has as ``unknown user``: it is often a password typed into the wrong field;
        ``also``: what else to record about this failure)."""
        limit = self.throttle
        self.store.forget_sign_in_failures(at - limit.window, at - limit.quiet)
        name = key if known else UNKNOWN_USER
        events = [AuditEvent(name or "?", "auth.failure", "user", name, at, origin=origin), *also]
        with self.store.transaction() as tx:
            # rows first, the audit log (its writers' lock) last: no two sign-ins wait on each other
            record = tx.lock_sign_in_account(key, at)
            failures = record.failures + 1
            if failures < limit.account_failures:
                tx.update_sign_in_account(key, failures=failures, last_failure=at)
            else:
                until = at + limit.lock_for(record.lockouts)
                tx.update_sign_in_account(
                    key, failures=0, lockouts=record.lockouts + 1, locked_until=until, last_failure=at
                )
                details = {"failures": failures, "until": until.isoformat(), "lockouts": record.lockouts + 1}
                events.append(AuditEvent(name or "?", "auth.lockout", "user", name, at, origin=origin, details=details))
            recent = tx.add_client_failure(origin, at, at - limit.window)
            if len(recent) == limit.client_failures:
                details = {"failures": len(recent), "until": (recent[0] + limit.window).isoformat()}
                events.append(
                    AuditEvent(name or "?", "auth.lockout", "client", origin, at, origin=origin, details=details)
                )
            for event in events:
                tx.audit(event)

    def login(self, username: str, password: str, origin: str = "", otp: str | None = None) -> tuple[str, Principal]:
        """A new session: its token (for the cookie) and who it is (``otp``: the authenticator's
        current code, needed once the user has one)."""
        user = self._authenticate(username, password, origin, otp)
        at = self.clock()
        token = secrets.token_urlsafe(32)
        public_id = secrets.token_hex(6)  # shown in the holder's list: not derived from the token
        principal = replace(self._principal(user, "session"), session=public_id, authenticated_at=at)
        with self.store.transaction() as tx:
            tx.add_session(_sha256(token), user.id, at, public_id, origin)
            tx.audit(AuditEvent(user.username, "auth.login", "user", user.username, at, origin=origin))
        return token, principal

    def _live(self, found: Any, at: datetime) -> bool:
        return (
            found is not None
            and found.ended_at is None
            and at - found.last_seen <= SESSION_IDLE
            and at - found.created_at <= SESSION_ABSOLUTE
        )

    def session(self, token: str) -> Principal:
        """Who holds this session token (refreshing its idle timer); expired or ended: refused."""
        at = self.clock()
        found = self.store.session(_sha256(token))
        if found is None or found.ended_at is not None:
            raise Unauthenticated("not signed in")
        if not self._live(found, at):
            with self.store.transaction() as tx:
                tx.end_sessions(at, token_hash=found.token_hash)
            raise Unauthenticated("the session has expired: sign in again")
        user = self.store.user(found.user_id)
        if not user.active:
            raise Unauthenticated("not signed in")
        self.store.touch_session(found.token_hash, at)
        return self._principal(user, "session", found)

    def confirm(self, token: str, password: str, origin: str = "", otp: str | None = None) -> Principal:
        """The session's holder gives the password again (re-authentication before a sensitive
        action): the session counts as signed in now. A wrong password counts in the sign-in
        throttle like a failed sign-in, and a locked name is refused here as there."""
        principal = self.session(token)
        user = self._authenticate(principal.username, password, origin, otp)
        at = self.clock()
        with self.store.transaction() as tx:
            tx.confirm_session(_sha256(token), at)
            tx.audit(AuditEvent(user.username, "auth.confirm", "session", principal.session, at, origin=origin))
        return replace(principal, authenticated_at=at)

    def sessions(self, principal: Principal) -> list[dict[str, Any]]:
        """The caller's own sessions still running, oldest first; ``current`` marks the one asking."""
        at = self.clock()
        return [
            {
                "id": s.public_id,
                "created_at": s.created_at.isoformat(),
                "last_seen": s.last_seen.isoformat(),
                "client": s.client,
                "current": bool(principal.session) and s.public_id == principal.session,
            }
            for s in self.store.open_sessions(principal.user_id)
            if self._live(s, at) and s.public_id
        ]

    def end_session(self, principal: Principal, session_id: str, origin: str = "") -> None:
        """End one of the caller's own sessions (another user's id is not found, as an unknown one)."""
        at = self.clock()
        found = [s for s in self.store.open_sessions(principal.user_id) if s.public_id == session_id]
        if not session_id or not found or not self._live(found[0], at):
            raise NotFound(f"no session {session_id!r} of yours is running")
        with self.store.transaction() as tx:
            tx.end_sessions(at, user_id=principal.user_id, public_id=session_id)
            details = {"current": session_id == principal.session}
            tx.audit(AuditEvent(principal.label, "session.end", "session", session_id, at, "", origin, details))

    def end_other_sessions(self, principal: Principal, origin: str = "") -> list[str]:
        """End every session of the caller's but the one asking (all of them, asked with an API
        key); the public ids of those ended."""
        at = self.clock()
        rows = self.store.open_sessions(principal.user_id)
        current = next((s for s in rows if principal.session and s.public_id == principal.session), None)
        ended = [s.public_id for s in rows if s is not current and self._live(s, at)]
        with self.store.transaction() as tx:
            tx.end_sessions(at, user_id=principal.user_id, keep=current.token_hash if current else None)
            if ended:
                details = {"ended": ended}
                tx.audit(AuditEvent(principal.label, "session.end", "session", "others", at, "", origin, details))
        return ended

    def logout(self, token: str, origin: str = "") -> None:
        at = self.clock()
        found = self.store.session(_sha256(token))
        if found is None:
            return
        user = self.store.user(found.user_id)
        with self.store.transaction() as tx:
            tx.end_sessions(at, token_hash=found.token_hash)
            tx.audit(AuditEvent(user.username, "auth.logout", "user", user.username, at, origin=origin))

    def api_key(self, key: str) -> Principal:
        """Who holds this API key; unknown, revoked, expired or of a disabled user: refused."""
        at = self.clock()
        found = self.store.key_by_hash(_sha256(key.strip())) if key.startswith(KEY_PREFIX) else None
        if found is None or found.revoked_at is not None or found.expires_at <= at:
            raise Unauthenticated("the API key is unknown, revoked or expired")
        user = self.store.user(found.user_id)
        if not user.active:
            raise Unauthenticated("the API key is unknown, revoked or expired")
        return self._principal(user, f"api-key:{found.prefix}")

    # --- API keys -------------------------------------------------------------------------

    def create_key(self, principal: Principal, label: str, days: int = MAX_KEY_DAYS, origin: str = "") -> NewKey:
        authorize(principal, Action.KEY_OWN)
        require_second_factor(principal, "key.create")  # an administrator's key would administer
        require_recent_authentication(principal, self.clock(), "making an API key")
        if not 1 <= days <= MAX_KEY_DAYS:
            raise InvalidInput(f"an API key lives 1 to {MAX_KEY_DAYS} days")
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        prefix = key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8]
        at = self.clock()
        expires = at + timedelta(days=days)
        with self.store.transaction() as tx:
            key_id: int = tx.add_key(principal.user_id, prefix, _sha256(key), label.strip() or "key", at, expires)
            details = {"prefix": prefix, "expires_at": expires.isoformat()}
            tx.audit(AuditEvent(principal.label, "key.create", "api_key", str(key_id), at, label, origin, details))
        return NewKey(key, key_id, prefix, expires)

    def revoke_key(self, principal: Principal, key_id: int, reason: str, origin: str = "") -> None:
        owned = {k.id for k in self.store.api_keys(principal.user_id)}
        authorize(principal, Action.KEY_OWN if key_id in owned else Action.KEY_MANAGE)
        if key_id not in {k.id for k in self.store.api_keys()}:
            raise NotFound(f"no API key #{key_id}")
        at = self.clock()
        with self.store.transaction() as tx:
            tx.revoke_key(key_id, at)
            tx.audit(AuditEvent(principal.label, "key.revoke", "api_key", str(key_id), at, reason, origin))

    def keys(self, principal: Principal) -> list[dict[str, Any]]:
        authorize(principal, Action.KEY_OWN)
        return [
            {
                "id": k.id,
                "prefix": k.prefix,
                "label": k.label,
                "created_at": k.created_at.isoformat(),
                "expires_at": k.expires_at.isoformat(),
                "revoked": k.revoked_at is not None,
            }
            for k in self.store.api_keys(principal.user_id)
        ]

    def cli_principal(self, username: str, password: str, origin: str = "cli", otp: str | None = None) -> Principal:
        """The CLI's sign-in (user name, password and, once the user has an authenticator, its
        current code; no session kept; throttled as the API's)."""
        user = self._authenticate(username, password, origin, otp)
        principal = self._principal(user, "cli")
        at = self.clock()
        details = {"via": "cli"}
        self.store.audit(
            AuditEvent(user.username, "auth.login", "user", user.username, at, origin=origin, details=details)
        )
        return principal

    # --- notices --------------------------------------------------------------------------

    def notices(self, principal: Principal, session_token: str | None = None, signed_in: bool = False) -> Notices:
        """The changes to the principal's own authentication details since their previous sign-in:
        the one before this session's (``session_token``), before the sign-in just made
        (``signed_in``), else (an API key) their latest."""
        until = None
        current = 1 if session_token is not None or signed_in else 0  # sign-ins to pass over
        if session_token is not None:
            found = self.store.session(_sha256(session_token))
            if found is None or found.user_id != principal.user_id:
                raise Unauthenticated("not signed in")
            until = found.created_at
        seqs = self.store.sign_ins(principal.username, until, limit=current + 1)
        previous = seqs[current] if len(seqs) > current else None
        keys = [str(k.id) for k in self.store.api_keys(principal.user_id)]
        records = self.store.events_about(principal.username, keys, frozenset(_NOTICE), previous or 0)
        return Notices(principal.username, previous, _notices(records))

    # --- second factor (TOTP) -------------------------------------------------------------

    def totp_enrol(self, principal: Principal, origin: str = "") -> TotpEnrolment:
        """A new authenticator secret for the signed-in user, shown once; it replaces the current
        authenticator (if any) only when confirmed with a code (:meth:`totp_confirm`)."""
        if principal.via.startswith("api-key"):  # a key is a derived credential: it enrols no factor
            raise Forbidden("an authenticator is enrolled after signing in with a password, not with an API key")
        box = self._box()
        secret = new_secret()
        at = self.clock()
        with self.store.transaction() as tx:
            tx.update_user(principal.user_id, totp_pending=box.seal(secret, principal.user_id))
            tx.audit(AuditEvent(principal.label, "user.totp_enrol", "user", principal.username, at, origin=origin))
        return TotpEnrolment(secret, provisioning_uri(secret, principal.username))

    def totp_confirm(self, principal: Principal, code: str, origin: str = "") -> None:
        """Activate the enrolled authenticator with one of its codes (which is then used)."""
        user = self.store.user(principal.user_id)
        if user.totp_pending is None:
            raise Conflict("no authenticator awaits confirmation: enrol one first (tekser users totp-enrol)")
        at = self.clock()
        step = matching_step(self._box().open(user.totp_pending, user.id), code, at)
        if step is None:
            self.store.audit(AuditEvent(principal.label, "user.totp_confirm_failure", "user", user.username, at,
                                        origin=origin))  # fmt: skip
            raise InvalidInput("the code does not match the new authenticator (is its clock right?): try the next one")
        with self.store.transaction() as tx:
            tx.update_user(user.id, totp_secret=user.totp_pending, totp_pending=None,
                           totp_last_step=max(step, user.totp_last_step or step))  # fmt: skip
            details = {"replaced": user.totp_secret is not None}
            tx.audit(AuditEvent(principal.label, "user.totp_confirm", "user", user.username, at, "", origin, details))
