"""`tekser cases`, `tekser internal` and `tekser audit`: case files, internal watchlists, the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tekser.cli.auth import Reason, desk, origin, print_json, signed_in
from tekser.cli.common import DbOption, DebugOption, console, fail, handled, text_lines
from tekser.cli.output import FormatOption, JsonOption, chosen, emit
from tekser.errors import InvalidInput

cases_app = typer.Typer(
    help="Cases: alerts, subjects and notes together; case files; transmissions.", no_args_is_help=True
)
internal_app = typer.Typer(help="Internal watchlists: propose, approve, review, expire, delist.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log: verify the chain, export its head, read events.", no_args_is_help=True)

Out = Annotated[Path, typer.Option("--out", help="Folder the case file is written to.")]


@cases_app.command("create")
def create(title: str, db: DbOption = None, debug: DebugOption = False) -> None:
    """Open a case."""
    with handled(debug):
        d = desk(db)
        console.print(f"case #{d.cases.create(signed_in(d), title, origin())} opened")


@cases_app.command("add-alert")
def add_alert(case_id: int, alert_id: int, note: str = "", db: DbOption = None, debug: DebugOption = False) -> None:
    """Add an alert (with its frozen evidence) to a case."""
    with handled(debug):
        d = desk(db)
        d.cases.add_alert(signed_in(d), case_id, alert_id, note, origin())
        console.print(f"alert #{alert_id} added to case #{case_id}")


@cases_app.command("add-subject")
def add_subject(case_id: int, subject: str, note: str = "", db: DbOption = None, debug: DebugOption = False) -> None:
    """Add a person or organisation (as text: name, date of birth, document) to a case."""
    with handled(debug):
        d = desk(db)
        d.cases.add_subject(signed_in(d), case_id, subject, note, origin())
        console.print(f"subject added to case #{case_id}")


@cases_app.command("note")
def note(case_id: int, text: str, db: DbOption = None, debug: DebugOption = False) -> None:
    """Add a note to a case."""
    with handled(debug):
        d = desk(db)
        d.cases.note(signed_in(d), case_id, text, origin())
        console.print(f"note added to case #{case_id}")


@cases_app.command("assign")
def assign(case_id: int, assignee: str, db: DbOption = None, debug: DebugOption = False) -> None:
    """Assign a case to a user."""
    with handled(debug):
        d = desk(db)
        d.cases.assign(signed_in(d), case_id, assignee, origin())
        console.print(f"case #{case_id} assigned to {assignee}")


@cases_app.command("close")
def close(
    case_id: int,
    summary: Annotated[str, typer.Option(help="What was found and done.")],
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Close a case with a summary."""
    with handled(debug):
        d = desk(db)
        d.cases.close(signed_in(d), case_id, summary, origin())
        console.print(f"case #{case_id} closed")


@cases_app.command("list")
def list_cases(
    status: str | None = None, format_: FormatOption = None, db: DbOption = None, debug: DebugOption = False
) -> None:
    """Cases, newest first."""
    with handled(debug):
        d = desk(db)
        found = d.cases.cases(signed_in(d), status)

        def table() -> None:
            table = Table(title=f"Cases ({len(found)})")
            for column in ("#", "title", "status", "assignee"):
                table.add_column(column)
            for c in found:
                table.add_row(str(c["id"]), c["title"], c["status"], c["assignee"] or "")
            console.print(table)

        emit(found, chosen(format_), table)


@cases_app.command("show")
def show(case_id: int, purpose: str = "", db: DbOption = None, debug: DebugOption = False) -> None:
    """A case with its items and its alerts' evidence and decisions (JSON; audited)."""
    with handled(debug):
        d = desk(db)
        print_json(d.cases.view(signed_in(d), case_id, origin(), purpose))


def _write(case_id: int, out: Path, html: str, pdf: bytes, suffix: str = "") -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    html_path, pdf_path = out / f"case-{case_id}{suffix}.html", out / f"case-{case_id}{suffix}.pdf"
    html_path.write_text(html, encoding="utf-8")
    pdf_path.write_bytes(pdf)
    return html_path, pdf_path


@cases_app.command("export")
def export(case_id: int, out: Out, purpose: str = "", db: DbOption = None, debug: DebugOption = False) -> None:
    """Write the case file (HTML and PDF) with the frozen evidence."""
    with handled(debug):
        d = desk(db)
        case_file = d.cases.export(signed_in(d), case_id, origin(), purpose)
        html_path, pdf_path = _write(case_id, out, case_file.html, case_file.pdf)
        console.print(f"{html_path}\n{pdf_path} (SHA-256 {case_file.sha256})")


@cases_app.command("transmit")
def transmit(
    case_id: int,
    recipient: Annotated[str, typer.Option("--to", help="The competent authority.")],
    reason: Reason,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Ask for the case to be transmitted; a second person approves it (an adverse action)."""
    with handled(debug):
        d = desk(db)
        request_id = d.cases.request_transmission(signed_in(d), case_id, recipient, reason, origin())
        console.print(f"transmission request #{request_id} for case #{case_id}, awaiting a second person's approval")


@cases_app.command("approve-transmission")
def approve_transmission(
    request_id: int, reason: Reason, out: Out, db: DbOption = None, debug: DebugOption = False
) -> None:
    """Approve a transmission (supervisors, not the requester): writes the signed case file."""
    with handled(debug):
        d = desk(db)
        signed = d.cases.approve_transmission(signed_in(d), request_id, reason, origin())
        case_id = d.cases.case_of_request(request_id)
        html_path, pdf_path = _write(case_id, out, signed.html, signed.pdf, "-transmitted")
        signature = pdf_path.with_suffix(".pdf.sig.json")
        signature.write_text(
            json.dumps(
                {
                    "sha256": signed.sha256,
                    "signature": signed.signature,
                    "public_key": signed.public_key,
                    "algorithm": "Ed25519",
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        console.print(f"{html_path}\n{pdf_path}\n{signature}")


@cases_app.command("reject-transmission")
def reject_transmission(request_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Reject a transmission request."""
    with handled(debug):
        d = desk(db)
        d.cases.reject_transmission(signed_in(d), request_id, reason, origin())
        console.print(f"transmission request #{request_id} rejected")


@cases_app.command("verify-signature")
def verify_signature(pdf: Path, signature: Path, debug: DebugOption = False) -> None:
    """Check a transmitted case file against its signature file (what a recipient runs)."""
    from tekser.exports.signing import verify

    with handled(debug):
        with text_lines(signature) as lines:
            text = "".join(lines)
        try:
            data = json.loads(text)
            signed, public_key = str(data["signature"]), str(data["public_key"])
        except (ValueError, KeyError, TypeError):  # a recipient may be handed any file: say what is expected
            raise InvalidInput(
                f'{signature}: not a signature file (expected JSON {{"signature": ..., "public_key": ...}})'
            ) from None
        if not verify(pdf.read_bytes(), signed, public_key):
            fail(f"{pdf}: the signature does not match (altered, or another key)", 9)
        console.print(f"{pdf}: signature valid (Ed25519, public key {public_key})")


# --- internal watchlists ------------------------------------------------------------------------


@internal_app.command("propose")
def propose(
    list_id: Annotated[str, typer.Argument(help="The internal list, e.g. kz-watch.")],
    field: Annotated[
        list[str],
        typer.Option(
            "--field",
            "-f",
            help="name=..., family_name=, given_name=, patronymic=, birth_date=, nationality=, documents=, "
            "category=, schema=person|organization ... (the national/1 fields; repeat).",
        ),
    ],
    legal_basis: Annotated[str, typer.Option(help="The act and article the listing rests on.")],
    source: Annotated[str, typer.Option(help="Who or what the information comes from.")],
    review_date: Annotated[str, typer.Option(help="When the listing must be reviewed (YYYY-MM-DD).")],
    expires_on: Annotated[str | None, typer.Option(help="When it lapses (YYYY-MM-DD).")] = None,
    reason: str = "",
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Propose a person or organisation for an internal list; a supervisor approves it."""
    with handled(debug):
        record: dict[str, str] = {}
        for item in field:
            key, sep, value = item.partition("=")
            if not sep:
                raise InvalidInput(f"--field {item!r}: write name=value")
            record[key.strip()] = value.strip()
        d = desk(db)
        entry = d.internal.propose(
            signed_in(d),
            list_id,
            record,
            legal_basis=legal_basis,
            source=source,
            review_date=review_date,
            expires_on=expires_on,
            reason=reason,
            origin=origin(),
        )
        console.print(f"entry #{entry} proposed for {list_id}, awaiting a supervisor's approval")


@internal_app.command("list")
def internal_list(
    list_id: str | None = None,
    status: str | None = None,
    format_: FormatOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Internal list entries (proposed, active, rejected, delisted, expired)."""
    with handled(debug):
        d = desk(db)
        found = d.internal.entries(signed_in(d), list_id, status, origin())

        def table() -> None:
            table = Table(title=f"Internal list entries ({len(found)})")
            for column in ("#", "list", "name", "status", "proposed by", "review", "expires"):
                table.add_column(column, overflow="fold")
            for e in found:
                r = e["record"]
                parts = (r.get(k, "") for k in ("family_name", "given_name", "patronymic"))
                name = r.get("name") or " ".join(parts).strip()
                table.add_row(
                    str(e["id"]), e["list_id"], name, e["status"], e["proposed_by"], e["review_date"],
                    e["expires_on"] or "",
                )  # fmt: skip
            console.print(table)

        emit(found, chosen(format_), table)


@internal_app.command("show")
def internal_show(entry_id: int, db: DbOption = None, debug: DebugOption = False) -> None:
    """One entry with its history."""
    with handled(debug):
        d = desk(db)
        print_json(d.internal.entry(signed_in(d), entry_id, origin()))


@internal_app.command("approve")
def internal_approve(entry_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Approve a proposal (a supervisor other than the proposer); the list is republished."""
    with handled(debug):
        d = desk(db)
        console.print(f"entry #{entry_id} approved: {d.internal.approve(signed_in(d), entry_id, reason, origin())}")


@internal_app.command("reject")
def internal_reject(entry_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Reject a proposal."""
    with handled(debug):
        d = desk(db)
        d.internal.reject(signed_in(d), entry_id, reason, origin())
        console.print(f"entry #{entry_id} rejected")


@internal_app.command("delist")
def internal_delist(entry_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Take an entry off its list, with why."""
    with handled(debug):
        d = desk(db)
        console.print(f"entry #{entry_id} delisted: {d.internal.delist(signed_in(d), entry_id, reason, origin())}")


@internal_app.command("review")
def internal_review(
    entry_id: int,
    next_review: Annotated[str, typer.Option("--next", help="The next review date (YYYY-MM-DD).")],
    reason: Reason,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Record a review that keeps an entry, until the next review date."""
    with handled(debug):
        d = desk(db)
        version = d.internal.review(signed_in(d), entry_id, next_review, reason, origin())
        console.print(f"entry #{entry_id} reviewed: {version}")


@internal_app.command("due")
def internal_due(db: DbOption = None, debug: DebugOption = False) -> None:
    """Active entries whose review date has come."""
    with handled(debug):
        d = desk(db)
        print_json(d.internal.due_for_review(signed_in(d)))


@internal_app.command("expire")
def internal_expire(db: DbOption = None, debug: DebugOption = False) -> None:
    """Take entries past their expiry date off their lists (run daily)."""
    with handled(debug):
        d = desk(db)
        expired = d.internal.expire(signed_in(d), origin=origin())
        console.print(f"{len(expired)} entr{'y' if len(expired) == 1 else 'ies'} expired: {expired}")


# --- the audit log --------------------------------------------------------------------------------


@audit_app.command("verify")
def audit_verify(
    anchor: Annotated[Path | None, typer.Option(help="A head exported earlier (tekser audit head --out).")] = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Walk the hash chain; any altered, removed or inserted record is named. Exit 9 if broken."""
    from tekser.services.audit import parse_anchor

    with handled(debug):
        kept = None
        if anchor is not None:  # read first: a missing or garbled anchor is refused before the walk
            with text_lines(anchor) as lines:
                kept = parse_anchor("".join(lines))
        d = desk(db)
        result = d.audit.verify(signed_in(d), kept, origin())
        if not result.ok:
            fail(f"audit chain broken at record {result.broken_at} of {result.records}: {result.reason}", 9)
        head = f"head {result.head[0]} {result.head[1]}" if result.head else "empty"
        against = f", agrees with the exported head {kept[0]}" if kept else ""
        console.print(f"audit chain intact: {result.records} records, {head}{against}")


@audit_app.command("head")
def audit_head(
    out: Annotated[Path | None, typer.Option(help="Write it to this file (JSON) as well.")] = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """The chain head, to keep somewhere else (printed, mailed, in another system)."""
    with handled(debug):
        d = desk(db)
        head = d.audit.head(signed_in(d), origin())
        text = json.dumps(head, indent=1)
        if out:
            out.write_text(text + "\n", encoding="utf-8")
        console.out(text, highlight=False)


@audit_app.command("events")
def audit_events(
    after: int = 0,
    limit: int = 100,
    actor: str | None = None,
    action: Annotated[str | None, typer.Option(help="Action or its prefix: alert., list.import ...")] = None,
    object_id: str | None = None,
    output_json: JsonOption = False,
    format_: FormatOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Audit events, oldest first (reading them is audited too)."""
    with handled(debug):
        d = desk(db)
        found = d.audit.events(
            signed_in(d), after=after, limit=limit, actor=actor, action=action, object_id=object_id, origin=origin()
        )

        def table() -> None:
            table = Table(title=f"Audit events ({len(found)})")
            for column in ("#", "at", "who", "what", "object", "why", "from"):
                table.add_column(column, overflow="fold")
            for e in found:
                table.add_row(
                    str(e["seq"]),
                    e["at"][:19],
                    e["actor"],
                    e["action"],
                    f"{e['object_type']} {e['object_id']}",
                    e["purpose"][:60],
                    e["origin"],
                )
            console.print(table)

        emit(found, chosen(format_, output_json), table)


@audit_app.command("admin-report")
def audit_admin_report(
    output_json: JsonOption = False, format_: FormatOption = None, db: DbOption = None, debug: DebugOption = False
) -> None:
    """Every administration event (users, enrolments, roles and approvals, resets, keys) for auditors."""
    with handled(debug):
        d = desk(db)
        found = d.audit.admin_report(signed_in(d), origin())

        def table() -> None:
            table = Table(title=f"Administration events ({len(found)})")
            for column in ("#", "at", "who", "what", "whom", "details"):
                table.add_column(column, overflow="fold")
            for e in found:
                details = ", ".join(f"{k}={v}" for k, v in sorted((e["details"] or {}).items()))
                table.add_row(str(e["seq"]), e["at"][:19], e["actor"], e["action"], e["object_id"], details)
            console.print(table)

        emit(found, chosen(format_, output_json), table)
