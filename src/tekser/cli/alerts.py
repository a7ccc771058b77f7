"""`tekser alerts`, `tekser rescreen`, `tekser screening-status`: what screening found and what happened."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tekser.cli.common import ByOption, DbOption, DebugOption, actor, console, handled, settings

if TYPE_CHECKING:
    from tekser.services.iapi import IapiService
    from tekser.services.screening_service import ScreeningService

app = typer.Typer(help="Alerts: list, show the frozen evidence, record outcomes.", no_args_is_help=True)


def screening_service(db: str | None) -> ScreeningService:
    from tekser.services.screening_service import ScreeningService
    from tekser.storage.database import open_database
    from tekser.storage.screening import SqlScreeningStore
    from tekser.storage.watchlists import SqlWatchlistStore

    engine = open_database(settings(db).db_url)
    return ScreeningService(SqlWatchlistStore(engine), SqlScreeningStore(engine))


def iapi_service(db: str | None) -> IapiService:
    from tekser.services.iapi import IapiService

    screening = screening_service(db)
    return IapiService(screening, screening.store)  # type: ignore[arg-type]


@app.command("list")
def list_alerts(
    status: Annotated[str | None, typer.Option(help="Only alerts with this status (new, ...).")] = None,
    limit: Annotated[int, typer.Option(help="How many, highest priority first.")] = 50,
    output_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Alerts, highest priority first. No alert is a decision: every one awaits an analyst."""
    with handled(debug):
        found = screening_service(db).store.alerts(status=status, limit=limit)  # type: ignore[attr-defined]
        rows = [
            {
                "id": a.id,
                "subject": a.evidence["subject"]["name"],
                "entry": a.entry_key,
                "name": a.evidence["entry"]["names"][0]["full"],
                "score": round(a.score, 3),
                "priority": round(a.priority, 3),
                "list_version": a.evidence["list_version"],
                "cause": a.cause,
                "status": a.status,
                "created_at": a.created_at.isoformat(),
            }
            for a in found
        ]
        if output_json:
            console.print_json(json.dumps(rows))
            return
        table = Table(title=f"Alerts ({len(rows)})")
        for column in ("#", "subject", "entry", "listed name", "score", "priority", "version", "cause", "status"):
            table.add_column(column, overflow="fold")
        for r in rows:
            table.add_row(
                str(r["id"]), r["subject"], r["entry"], r["name"], f"{r['score']:.2f}", f"{r['priority']:.2f}",
                r["list_version"], r["cause"], r["status"],
            )  # fmt: skip
        console.print(table)


@app.command("show")
def show_alert(
    alert_id: Annotated[int, typer.Argument(help="Alert number.")],
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """One alert with its frozen evidence (JSON) and the outcomes recorded for it."""
    with handled(debug):
        service = screening_service(db)
        alert = service.store.alert(alert_id)  # type: ignore[attr-defined]
        outcomes = service.store.outcomes(alert_id)  # type: ignore[attr-defined]
        console.print_json(
            json.dumps(
                {
                    "id": alert.id,
                    "status": alert.status,
                    "cause": alert.cause,
                    "created_at": alert.created_at.isoformat(),
                    "evidence_sha256": alert.evidence_hash,
                    "evidence": alert.evidence,
                    "outcomes": outcomes,
                },
                ensure_ascii=False,
            )
        )


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
        screening_service(db).record_outcome(alert_id, value, actor(by), note)
        console.print(f"alert #{alert_id}: outcome {value} recorded by {actor(by)}")


@app.command("confirm")
def confirm(
    alert_id: Annotated[int, typer.Argument(help="Alert number.")],
    reason: Annotated[str, typer.Option(help="Why this person is this list entry (documents seen, ...).")],
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Confirm that the alert's person is the list entry (an analyst's decision, with why).

    From now on an iAPI request for this person answers 1Z (no board).
    If the passenger was told something else before, the status change for the airline (CUSRES BGM+132) is printed.
    """
    with handled(debug):
        change = iapi_service(db).confirm(alert_id, actor(by), reason)
        console.print(f"alert #{alert_id}: match confirmed by {actor(by)}")
        if change:
            console.print("status change for the airline (CUSRES BGM+132):")
            console.out(change, highlight=False)


def rescreen(
    list_id: Annotated[str, typer.Argument(help="The list whose new version is screened (its difference only).")],
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Screen the added and changed entries of a list's active version against every stored subject."""
    with handled(debug):
        console.print_json(json.dumps(screening_service(db).rescreen(list_id)))


def screening_status(db: DbOption = None, debug: DebugOption = False) -> None:
    """Stored subjects and how many are not yet screened against each list's active version."""
    with handled(debug):
        console.print_json(json.dumps(screening_service(db).status()))
