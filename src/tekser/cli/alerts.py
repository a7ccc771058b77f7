"""`tekser alerts`, `tekser rescreen`, `tekser screening-status`: what screening found and what happened."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tekser.cli.auth import desk, origin, run_as, signed_in
from tekser.cli.common import ByOption, DbOption, DebugOption, actor, console, handled, settings
from tekser.cli.output import FormatOption, JsonOption, QuietOption, chosen, emit, progress
from tekser.wiring import Desk

if TYPE_CHECKING:
    from tekser.domain.access import Principal
    from tekser.domain.workflow import AlertState
    from tekser.services.iapi import IapiService
    from tekser.services.screening_service import ScreeningService

app = typer.Typer(
    help="Alerts: list, show the frozen evidence, review and decide, adverse actions with four eyes, outcomes.",
    no_args_is_help=True,
)


def screening_service(db: str | None) -> ScreeningService:
    from tekser.wiring import screening_service as wired

    return wired(settings(db))


def iapi_service(db: str | None) -> IapiService:
    from tekser.wiring import iapi_service as wired

    return wired(settings(db))


def _reader(d: Desk, by: str | None) -> Principal:
    """Who reads: the API key's holder, or — before any user exists — the --by name, audited."""
    from tekser.domain.access import Principal, Role

    if not d.api_key and not d.access.has_users():
        return Principal(0, actor(by), Role.ANALYST, "cli, no users yet")
    return signed_in(d)


Purpose = Annotated[str, typer.Option(help="Why you look (recorded with the view in the audit log).")]


@app.command("list")
def list_alerts(
    status: Annotated[str | None, typer.Option(help="Only alerts with this status (new, in_review, decided).")] = None,
    limit: Annotated[int, typer.Option(help="How many, highest priority first.")] = 50,
    output_json: JsonOption = False,
    format_: FormatOption = None,
    purpose: Purpose = "",
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Alerts, highest priority first. No alert is a decision: every one awaits an analyst."""
    with handled(debug):
        from tekser.domain.alerts import alert_summary

        d = desk(db)
        found = d.workflow.list_alerts(_reader(d, by), status=status, limit=limit, origin=origin(), purpose=purpose)
        rows = [alert_summary(a) for a in found]

        def table() -> None:
            table = Table(title=f"Alerts ({len(rows)})")
            for column in ("#", "subject", "entry", "listed name (matched name)", "score", "priority", "version",
                           "cause", "status"):  # fmt: skip
                table.add_column(column, overflow="fold")
            for r in rows:
                # the name that matched (an alias, another script) beside the entry's primary name
                names = r["listed_name"] + (
                    f"\n(matched: {r['matched_name']})" if r["matched_name"] != r["listed_name"] else ""
                )
                table.add_row(
                    str(r["id"]), r["subject"], r["entry"], names, f"{r['score']:.2f}",
                    f"{r['priority']:.2f}", r["list_version"],
                    r["cause"] + (f" (again: see #{r['realert_of']})" if r["realert_of"] else ""), r["status"],
                )  # fmt: skip
            console.print(table)

        emit(rows, chosen(format_, output_json), table, ALERT_FIELDS)


ALERT_FIELDS = (
    "id", "subject", "entry", "listed_name", "matched_name", "score", "priority", "list_version", "cause", "status",
    "created_at", "realert_of",
)  # fmt: skip


@app.command("show")
def show_alert(
    alert_id: Annotated[int, typer.Argument(help="Alert number.")],
    purpose: Purpose = "",
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """One alert: its frozen evidence, its decisions, pending requests and outcomes (JSON)."""
    with handled(debug):
        d = desk(db)
        view = d.workflow.view(_reader(d, by), alert_id, origin=origin(), purpose=purpose)
        console.print_json(json.dumps(view, ensure_ascii=False))


@app.command("outcome")
def outcome(
    alert_id: Annotated[int, typer.Argument(help="Alert number.")],
    value: Annotated[
        str,
        typer.Argument(
            help="not_encountered, denied_boarding, refused_entry, secondary_positive, secondary_negative, missed."
        ),
    ],
    note: Annotated[str, typer.Option(help="What happened.")] = "",
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Record what happened at the border: the ground truth for measuring precision."""
    with handled(debug):
        d = desk(db)
        if not d.api_key and not d.access.has_users():
            screening_service(db).record_outcome(alert_id, value, actor(by), note)
            console.print(f"alert #{alert_id}: outcome {value} recorded by {actor(by)}")
            return
        principal = signed_in(d)
        d.workflow.record_outcome(principal, alert_id, value, note, origin())
        console.print(f"alert #{alert_id}: outcome {value} recorded by {principal.label}")


Reason = Annotated[str, typer.Option("--reason", help="Why: mandatory, recorded with the decision.")]


def _state(alert_id: int, state: AlertState) -> None:
    verdict = f" ({state.verdict.value})" if state.verdict else ""
    pending = (
        f"; awaiting approval: {', '.join(f'#{r.id} {r.action.value}' for r in state.pending)}" if state.pending else ""
    )
    console.print(f"alert #{alert_id}: {state.status.value}{verdict}{pending}")


@app.command("review")
def review(
    alert_id: Annotated[int, typer.Argument(help="Alert number.")],
    note: Annotated[str, typer.Option(help="A note with taking it up.")] = "",
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Take a new alert into review."""
    with handled(debug):
        d = desk(db)
        _state(alert_id, d.workflow.review(signed_in(d), alert_id, note, origin()))


@app.command("decide")
def decide(
    alert_id: Annotated[int, typer.Argument(help="Alert number.")],
    verdict: Annotated[str, typer.Argument(help="true_match, false_positive or inconclusive.")],
    reason: Reason,
    suppress: Annotated[
        bool,
        typer.Option(help="False positive: no new alert for this person and entry until either's data change."),
    ] = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Decide an alert in review, with why. Never edited afterwards: reopen adds a record."""
    with handled(debug):
        d = desk(db)
        _state(alert_id, d.workflow.decide(signed_in(d), alert_id, verdict, reason, suppress=suppress, origin=origin()))


@app.command("reopen")
def reopen(alert_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Put a decided alert back in review (its decision stays on record)."""
    with handled(debug):
        d = desk(db)
        _state(alert_id, d.workflow.reopen(signed_in(d), alert_id, reason, origin()))


@app.command("request")
def request(
    alert_id: Annotated[int, typer.Argument(help="Alert number (decided a true match).")],
    action: Annotated[str, typer.Argument(help="no_board, refuse_entry, freeze or transmit.")],
    reason: Reason,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Ask for an adverse action; it takes effect only when a second person approves it."""
    with handled(debug):
        d = desk(db)
        request_id = d.workflow.request(signed_in(d), alert_id, action, reason, origin())
        console.print(f"request #{request_id}: {action} on alert #{alert_id}, awaiting a second person's approval")


@app.command("approve")
def approve(request_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Approve someone else's adverse-action request (supervisors). An approved no_board makes
    the interactive API answer 1Z; if the passenger was told otherwise, the status change for
    the airline (CUSRES BGM+132) is printed."""
    with handled(debug):
        d = desk(db)
        change = d.workflow.approve(signed_in(d), request_id, reason, origin())
        console.print(f"request #{request_id} approved")
        if change:
            console.print("status change for the airline (CUSRES BGM+132):")
            console.out(change, highlight=False)


@app.command("reject")
def reject(request_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Reject someone else's adverse-action request (supervisors)."""
    with handled(debug):
        d = desk(db)
        d.workflow.reject(signed_in(d), request_id, reason, origin())
        console.print(f"request #{request_id} rejected")


@app.command("pending")
def pending(
    output_json: JsonOption = False, format_: FormatOption = None, db: DbOption = None, debug: DebugOption = False
) -> None:
    """Adverse actions awaiting a second person."""
    with handled(debug):
        d = desk(db)
        found = d.workflow.pending(signed_in(d))

        def table() -> None:
            table = Table(title=f"Awaiting approval ({len(found)})")
            for column in ("request", "alert", "action", "requested by", "at", "reason"):
                table.add_column(column, overflow="fold")
            for r in found:
                table.add_row(str(r["id"]), str(r["alert_id"]), r["value"], r["actor"], r["at"][:16], r["reason"])
            console.print(table)

        emit(found, chosen(format_, output_json), table)


@app.command("lift-suppression")
def lift_suppression(suppression_id: int, reason: Reason, db: DbOption = None, debug: DebugOption = False) -> None:
    """Lift a false-positive suppression (supervisors): the pair alerts again on new evidence."""
    with handled(debug):
        d = desk(db)
        d.workflow.lift_suppression(signed_in(d), suppression_id, reason, origin())
        console.print(f"suppression #{suppression_id} lifted")


def rescreen(
    list_id: Annotated[str, typer.Argument(help="The list whose new version is screened (its difference only).")],
    quiet: QuietOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Screen the added and changed entries of a list's active version against every stored subject."""
    with handled(debug):
        from tekser.domain.access import Action

        run_as(db, Action.SCREENING_RUN, ("list", list_id))
        with progress(quiet) as report:
            summary = screening_service(db).rescreen(list_id, report)
        console.print_json(json.dumps(summary))


def screening_status(format_: FormatOption = None, db: DbOption = None, debug: DebugOption = False) -> None:
    """Stored subjects and how many are not yet screened against each list's active version.

    Without --format: one JSON object; with --format, one record per list."""
    with handled(debug):
        from tekser.domain.access import Action

        run_as(db, Action.LIST_VIEW, ("screening", "status"))
        status = screening_service(db).status()
        if format_ is None:  # the summary object, as before --format
            console.print_json(json.dumps(status))
            return
        rows = [
            {"list": list_id, "active_version": label,
             "not_screened": status["not_screened_against_active_version"].get(list_id, 0),
             "subjects": status["subjects"], "not_registered_yet": status["not_registered_yet"],
             "without_a_name": status["without_a_name"]}
            for list_id, label in sorted(status["active_versions"].items())
        ]  # fmt: skip

        def table() -> None:
            table = Table(title=f"Screening status: {status['subjects']} subjects")
            for column in ("list", "active version", "not screened against it"):
                table.add_column(column)
            for r in rows:
                table.add_row(r["list"], r["active_version"], str(r["not_screened"]))
            console.print(table)
            console.print(f"not registered yet: {status['not_registered_yet']}; "
                          f"without a name: {status['without_a_name']}", highlight=False)  # fmt: skip

        emit(rows, format_, table, SCREENING_STATUS_FIELDS)


SCREENING_STATUS_FIELDS = ("list", "active_version", "not_screened", "subjects", "not_registered_yet", "without_a_name")
