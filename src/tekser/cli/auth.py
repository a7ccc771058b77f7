"""Who is acting on the command line, and `tekser users` / `tekser keys`.

A command acts as the holder of the API key in ``TEKSER_API_KEY`` (environment, not an option:
a key on the command line ends up in the shell history and the process list). Before the first
administrator exists, list and screening commands run as the ``--by`` name (setting a
deployment up); decisions never do. ``tekser keys create`` is the one place a password is
typed for work: it makes the key the other commands use (``users password`` and the
authenticator commands ``users totp-enrol`` / ``totp-confirm`` take it too). Once an account has
an authenticator, each of them also takes its current code (``--otp``, or asked for).
"""

from __future__ import annotations

import json
import socket
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tekser.cli.common import ByOption, DbOption, DebugOption, actor, console, errors, handled, settings
from tekser.cli.output import FormatOption, JsonOption, chosen, emit
from tekser.errors import ConfigError, InvalidInput, Unauthenticated
from tekser.wiring import Desk, open_desk

if TYPE_CHECKING:
    from rich.console import Console

    from tekser.domain.access import Action, Principal
    from tekser.services.access import Notices


@cache
def origin() -> str:
    """Where a command-line action comes from, for the audit log."""
    return f"cli@{socket.gethostname()}"


def desk(db: str | None) -> Desk:
    return open_desk(settings(db))


def signed_in(d: Desk, action: Action | None = None) -> Principal:
    """The holder of ``TEKSER_API_KEY``, allowed to do ``action``."""
    from tekser.domain.access import authorize

    if not d.api_key:
        if not d.access.has_users():
            raise Unauthenticated("no user exists yet: create the first administrator (tekser users create-admin)")
        raise Unauthenticated("sign in: set TEKSER_API_KEY to your API key (tekser keys create makes one)")
    principal = d.access.api_key(d.api_key)
    if action is not None:
        authorize(principal, action)
    return principal


def _caller(d: Desk, by: str | None, action: Action | None = None) -> Principal | str:
    """The API key's holder (allowed to do ``action`` when given), or before any user exists the
    operator setting the deployment up (``--by`` or the login name)."""
    if not d.api_key and not d.access.has_users():
        return actor(by)
    principal = signed_in(d, action)
    if by and by != principal.username:
        raise InvalidInput(f"--by {by}: the API key belongs to {principal.username}; leave --by out")
    return principal


def run_as(db: str | None, action: Action, target: tuple[str, str], by: str | None = None, **details: Any) -> str:
    """Who runs an ingest, a screening or a list view: the API key's holder, checked against the
    matrix (without a key, once users exist, nobody: exit 7), or before any user exists the
    operator. Each run is an audit event."""
    d = desk(db)
    return d.operations.begin(_caller(d, by), action, target, details, origin())


def acting_as(db: str | None, by: str | None, action: Action) -> str:
    """Who a list or policy command runs as (its service audits it): the API key's holder
    (checked against the matrix) or, before any user exists, the operator."""
    caller = _caller(desk(db), by, action)
    return caller if isinstance(caller, str) else caller.label


def read_password(from_stdin: bool, confirm: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=confirm))


def print_notices(notices: Notices, out: Console, say_none: bool = True) -> None:
    """The changes to the caller's authentication details since their previous sign-in."""
    if not notices.items:
        if say_none:
            out.print("no change to your sign-in details since your previous sign-in")
        return
    out.print("since your previous sign-in:")
    for n in notices.items:
        count = f"{n.count} " if n.kind in ("sign_in_failures", "lockouts", "enrolment_failures") else ""
        last = "last " if count else ""
        by = f"by {n.by}, " if n.by else ""
        detail = f" {n.detail}" if n.detail else ""
        out.print(f"  {count}{n.message}{detail} ({by}{last}{n.at:%Y-%m-%d %H:%M} UTC from {n.origin or '?'})")


def print_json(data: Any) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of standard input.")
]
OtpOption = Annotated[
    str | None,
    typer.Option("--otp", help="The current code of your authenticator (asked for when your account has one)."),
]
UserOption = Annotated[str, typer.Option("--user", help="Your user name (you type your password).")]


def sign_in(d: Desk, username: str, password: str, otp: str | None) -> Principal:
    """The CLI's sign-in with a password, and the authenticator's code if the account has one
    (asked for when not given: the next line of standard input without a terminal)."""
    if otp is None and d.access.asks_for_code(username):
        otp = str(typer.prompt("Authenticator code"))
    return d.access.cli_principal(username, password, origin(), otp)


Reason = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit log).")]

users_app = typer.Typer(help="Users and their roles (administrators).", no_args_is_help=True)
keys_app = typer.Typer(
    help="API keys (who you are on the command line and the API) and the signing key.", no_args_is_help=True
)


@users_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Argument(help="User name of the first administrator.")],
    display_name: Annotated[str, typer.Option(help="Full name.")] = "",
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Create the first administrator (only while no user exists)."""
    with handled(debug):
        d = desk(db)
        d.access.create_first_administrator(username, read_password(password_stdin, True), display_name, origin())
        console.print(f"administrator {username} created; next: tekser keys create --user {username}")


@users_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="User name (letters, digits, . _ - @).")],
    role: Annotated[str, typer.Option(help="analyst, supervisor, auditor, administrator, dpo or service.")],
    display_name: Annotated[str, typer.Option(help="Full name.")] = "",
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Add a user without a password; prints (last line) the one-time enrolment code for its holder."""
    with handled(debug):
        d = desk(db)
        new = d.access.add_user(signed_in(d), username, _role(role), display_name, origin())
        _print_code(username, new)


def _role(role: str) -> Any:
    from tekser.domain.access import Role

    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(f"role: {role!r} (one of: {', '.join(r.value for r in Role)})") from None


def _print_code(username: str, new: Any, what: str = "added") -> None:
    pending = "; the role awaits a second administrator (tekser users approve-role)" if new.pending else ""
    part = f"part {new.part} of 2 of " if new.parts == 2 else ""
    console.print(
        f"user {username} {what}{pending}; {part}their enrolment code"
        f" (once, until {new.expires_at:%Y-%m-%d %H:%M} UTC):"
    )
    console.out(new.code, highlight=False)


@users_app.command("enrol")
def enrol(
    username: Annotated[str, typer.Argument(help="Your user name.")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Set your password with the enrolment code (TEKSER_ENROL_CODE, or asked): for an analyst,
    supervisor or administrator, both parts, from the two administrators, one after the other."""
    import os

    with handled(debug):
        d = desk(db)
        code = os.environ.get("TEKSER_ENROL_CODE") or str(typer.prompt("Enrolment code", hide_input=True))
        d.access.enrol(username, code, read_password(password_stdin, True), origin())
        console.print(f"{username} enrolled; next: tekser keys create --user {username}")


@users_app.command("reset")
def reset(username: str, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """A new enrolment code: the user's password, sessions and API keys stop working."""
    with handled(debug):
        d = desk(db)
        new = d.access.reset(signed_in(d), username, reason, origin())
        _print_code(username, new, "reset")


@users_app.command("approve-role")
def approve_role(username: str, db: DbOption = None, debug: DebugOption = False) -> None:
    """Approve a role granted by another administrator (four eyes on administration)."""
    with handled(debug):
        d = desk(db)
        second = d.access.approve_role(signed_in(d), username, origin())
        if second is None:
            console.print(f"the role of {username} is approved")
        else:  # the holder enrols with both parts: one from each administrator
            _print_code(username, second, "approved")


@users_app.command("list")
def list_users(
    output_json: JsonOption = False, format_: FormatOption = None, db: DbOption = None, debug: DebugOption = False
) -> None:
    """Users, their roles and whether they are active."""
    with handled(debug):
        d = desk(db)
        found = d.access.users(signed_in(d))

        def table() -> None:
            table = Table(title=f"Users ({len(found)})")
            for column in ("user", "name", "role", "active", "totp"):
                table.add_column(column)
            for u in found:
                role = u["role"] + (" (awaiting approval)" if u["role_pending"] else "")
                active = ("yes" if u["active"] else "no") + ("" if u["enrolled"] else " (not enrolled)")
                table.add_row(u["username"], u["display_name"], role, active, "yes" if u["totp"] else "no")
            console.print(table)

        emit(found, chosen(format_, output_json), table)


def _set_active(username: str, active: bool, reason: str, db: str | None, debug: bool) -> None:
    with handled(debug):
        d = desk(db)
        d.access.set_active(signed_in(d), username, active, reason, origin())
        console.print(f"user {username} {'enabled' if active else 'disabled (sessions ended)'}")


@users_app.command("disable")
def disable(username: str, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Disable a user: their sessions end and their API keys stop working."""
    _set_active(username, False, reason, db, debug)


@users_app.command("enable")
def enable(username: str, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Enable a disabled user again."""
    _set_active(username, True, reason, db, debug)


@users_app.command("role")
def set_role(username: str, role: str, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Give a user another role (their sessions end; analyst, supervisor, administrator await approval)."""
    with handled(debug):
        d = desk(db)
        chosen = _role(role)
        again = d.access.set_role(signed_in(d), username, chosen, reason, origin())
        if again is not None:  # promoted to a guarded role: enrolled again, with two parts
            _print_code(username, again, f"is now {chosen.value} and enrols again")
            return
        pending = d.access.role_pending(username)
        console.print(f"user {username} is now {chosen.value}" + (" (awaiting approval)" if pending else ""))


@users_app.command("whoami")
def whoami(
    output_json: Annotated[bool, typer.Option("--json")] = False, db: DbOption = None, debug: DebugOption = False
) -> None:
    """Who TEKSER_API_KEY acts as, and the changes to your sign-in details since your previous sign-in."""
    with handled(debug):
        d = desk(db)
        principal = signed_in(d)
        notices = d.access.notices(principal)
        if output_json:
            items = [n.as_dict() for n in notices.items]
            print_json({"username": principal.username, "role": principal.role.value, "via": principal.via,
                        "notices": items})  # fmt: skip
            return
        console.print(f"{principal.username} ({principal.role.value}), via {principal.via}")
        print_notices(notices, console)


@users_app.command("password")
def change_password(
    username: Annotated[str, typer.Option("--user", help="Your user name.")],
    otp: OtpOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Change your own password (asks for the current one and the new one)."""
    with handled(debug):
        d = desk(db)
        current = str(typer.prompt("Current password", hide_input=True))
        principal = sign_in(d, username, current, otp)
        print_notices(d.access.notices(principal, signed_in=True), errors, say_none=False)
        new = str(typer.prompt("New password", hide_input=True, confirmation_prompt=True))
        d.access.change_password(principal, current, new, origin())
        console.print("password changed; your sessions were ended")


@users_app.command("totp-enrol")
def totp_enrol(
    username: UserOption,
    password_stdin: PasswordStdin = False,
    otp: OtpOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Enrol an authenticator app (TOTP): prints, once, its otpauth:// URI and (last line) its secret."""
    with handled(debug):
        d = desk(db)
        principal = sign_in(d, username, read_password(password_stdin, False), otp)
        new = d.access.totp_enrol(principal, origin())
        console.print(
            f"authenticator for {principal.username}: add it to your app (shown once), then confirm it with "
            f"a code: tekser users totp-confirm CODE --user {principal.username}"
        )
        console.out(new.uri, highlight=False)
        console.out(new.secret, highlight=False)


@users_app.command("totp-confirm")
def totp_confirm(
    code: Annotated[str, typer.Argument(help="A code the new authenticator shows.")],
    username: UserOption,
    password_stdin: PasswordStdin = False,
    otp: OtpOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Activate the enrolled authenticator: from now on, signing in needs its current code."""
    with handled(debug):
        d = desk(db)
        principal = sign_in(d, username, read_password(password_stdin, False), otp)
        d.access.totp_confirm(principal, code, origin())
        console.print(f"authenticator confirmed: signing in as {principal.username} now needs its code (--otp)")


@keys_app.command("create")
def create_key(
    username: UserOption,
    label: Annotated[str, typer.Option(help="What the key is for.")] = "command line",
    days: Annotated[int, typer.Option(help="Days until it expires (at most 90).")] = 30,
    password_stdin: PasswordStdin = False,
    otp: OtpOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Create an API key for yourself. It is shown once: keep it in TEKSER_API_KEY."""
    with handled(debug):
        d = desk(db)
        principal = sign_in(d, username, read_password(password_stdin, False), otp)
        print_notices(
            d.access.notices(principal, signed_in=True), errors, say_none=False
        )  # standard error: the key is the output
        new = d.access.create_key(principal, label, days, origin())
        console.print(f"key #{new.key_id} ({new.prefix}…) expires {new.expires_at:%Y-%m-%d %H:%M} UTC; shown once:")
        console.out(new.key, highlight=False)


@keys_app.command("list")
def list_keys(format_: FormatOption = None, db: DbOption = None, debug: DebugOption = False) -> None:
    """Your API keys (never the keys themselves: only their prefixes are kept readable)."""
    with handled(debug):
        d = desk(db)
        found = d.access.keys(signed_in(d))

        def table() -> None:
            table = Table(title=f"API keys ({len(found)})")
            for column in ("#", "prefix", "label", "created", "expires", "revoked"):
                table.add_column(column)
            for k in found:
                table.add_row(
                    str(k["id"]),
                    k["prefix"],
                    k["label"],
                    k["created_at"][:16],
                    k["expires_at"][:16],
                    "yes" if k["revoked"] else "",
                )
            console.print(table)

        emit(found, chosen(format_), table)


@keys_app.command("revoke")
def revoke_key(key_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Revoke an API key (yours, or anyone's as an administrator)."""
    with handled(debug):
        d = desk(db)
        d.access.revoke_key(signed_in(d), key_id, reason, origin())
        console.print(f"key #{key_id} revoked")


@keys_app.command("signing-init")
def signing_init(
    path: Annotated[
        Path | None,
        typer.Option(help="Where (default: TEKSER_SIGNING_KEY, else signing-key.pem beside the SQLite database)."),
    ] = None,
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Create the Ed25519 key that signs transmitted case files (never overwrites one)."""
    from tekser.domain.access import Action
    from tekser.exports.signing import create_key_file

    with handled(debug):
        target = path or settings(db).signing_key_file()
        if target is None:
            raise ConfigError(
                "where should the signing key be kept? set TEKSER_SIGNING_KEY (or --path): a PostgreSQL "
                "deployment has no database folder to keep it beside"
            )
        who = acting_as(db, by, Action.POLICY_CHANGE)
        public = create_key_file(target)
        desk(db).operations.record(
            who, "config.signing_key", ("config", "signing_key"), {"path": str(target), "public_key": public}, origin()
        )
        console.print(f"signing key written to {target} (mode 600); public key: {public}")
