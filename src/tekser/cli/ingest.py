"""`tekser ingest`: store, parse and link travel messages (PAXLST, PNRGOV)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from tekser.cli.common import DbOption, DebugOption, console, handled, settings, styled
from tekser.cli.output import FormatOption, QuietOption, chosen, emit, progress
from tekser.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from tekser.services.travel_ingest import IngestOutcome


def ingest(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Message files or folders, or - for standard input.")
    ] = None,
    failed: Annotated[bool, typer.Option("--failed", help="List the messages that failed to parse.")] = False,
    retry: Annotated[bool, typer.Option("--retry", help="Parse the failed messages again (after a fix).")] = False,
    message: Annotated[list[int] | None, typer.Option("--message", help="With --retry: only this message id.")] = None,
    output_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    format_: FormatOption = None,
    screen: Annotated[bool, typer.Option(help="Screen the new travellers against the active lists right away.")] = True,
    quiet: QuietOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Store each raw message once (sensitive data redacted), parse it and link PNR versions.

    A message that fails is kept with its error: `--failed` lists them (--format table, json, jsonl
    or csv), `--retry` parses them again. Exit code 3 when a message fails.
    """
    with handled(debug):
        from tekser.cli.auth import run_as
        from tekser.domain.access import Action

        what = "--failed" if failed else "--retry" if retry else ", ".join(paths or ["-"])
        run_as(db, Action.TRAVEL_INGEST, ("messages", what), screen=screen)
        from tekser.wiring import travel_ingest_service

        service = travel_ingest_service(settings(db))
        if failed:
            rows = [
                {"id": m.id, "name": m.name, "received_at": m.received_at.isoformat(), "error": m.error}
                for m in service.failed()
            ]

            def table() -> None:
                table = Table(title="Messages that failed to parse")
                for column in ("#", "received", "name", "error"):
                    table.add_column(column, overflow="fold")
                for row in rows:
                    table.add_row(str(row["id"]), str(row["received_at"])[:16], str(row["name"]), str(row["error"]))
                console.print(table if rows else "No failed message.")

            emit(rows, chosen(format_, output_json), table, ("id", "name", "received_at", "error"))
            return
        outcomes: list[IngestOutcome]
        if retry:
            if message:
                known = {m.id for m in service.failed(limit=100_000)}
                unknown = [str(i) for i in message if i not in known]
                if unknown:
                    raise NotFound(f"no failed message {', '.join(unknown)} (see tekser ingest --failed)")
            outcomes = service.retry(message or None)
        else:
            missing = [p for p in paths or [] if p != "-" and not Path(p).exists()]
            if missing:
                raise InvalidInput(f"{', '.join(missing)}: no such file or folder")
            outcomes = []
            with progress(quiet) as report:
                for path in paths or ["-"]:
                    if path == "-":
                        outcomes.append(service.ingest(sys.stdin.buffer.read(), "stdin"))
                    else:
                        outcomes.extend(service.ingest_path(Path(path), report))
        _show(outcomes, output_json)
        if not output_json:
            console.print(this_run(outcomes), highlight=False)
            counts = service.totals()
            parsed, failed_count = counts.get("messages_parsed", 0), counts.get("messages_failed", 0)
            console.print(
                f"database totals: {parsed} parsed and {failed_count} failed messages, {counts['flights']} flights, "
                f"{counts['travellers']} travellers, {counts['bookings']} bookings "
                f"({counts['booking_versions']} versions)",
                highlight=False,
            )
        if screen:  # what this run stored, and whatever an earlier run stored but did not screen
            _screen_arrivals(db, output_json, quiet)
        if any(not o.ok for o in outcomes):
            raise typer.Exit(3)


def this_run(outcomes: list[IngestOutcome]) -> str:
    """What this run did, by status (a duplicate adds nothing: its travellers were stored before)."""
    statuses = [o.status for o in outcomes]
    new = [o for o in outcomes if o.status in ("ingested", "reparsed")]
    by_status = ", ".join(
        f"{statuses.count(s)} {s}" for s in ("ingested", "reparsed", "duplicate", "failed") if s in statuses
    )
    travellers, bookings = sum(o.travellers for o in new), sum(o.bookings for o in new)
    return (
        f"this run: {_count(len(outcomes), 'message')} ({by_status or 'none'}); "
        f"stored {_count(travellers, 'traveller')}, {_count(bookings, 'booking')}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _screen_arrivals(db: str | None, output_json: bool, quiet: bool = False) -> None:
    from tekser.cli.alerts import screening_service
    from tekser.errors import NotFound

    try:
        with progress(quiet) as report:
            summary = screening_service(db).screen_arrivals(report)
    except NotFound:
        if not output_json:
            console.print(styled("[yellow]not screened:[/yellow] no active list version (tekser lists import); "
                                 "the travellers show as not screened"))  # fmt: skip
        return
    if not output_json and (summary["screened"] or summary["brought_up_to_date"]):
        caught_up = summary["brought_up_to_date"]
        console.print(
            f"screened {summary['screened']} new travellers on arrival: {summary['alerts']} new alerts"
            + (f" ({caught_up} brought up to the active list versions)" if caught_up else ""),
            highlight=False,
        )


def _show(outcomes: list[IngestOutcome], output_json: bool) -> None:
    from dataclasses import asdict

    rows = [asdict(o) for o in outcomes]
    if output_json:
        console.print_json(json.dumps(rows))
        return
    table = Table(title="Ingest")
    for column in ("#", "name", "status", "kind", "travellers", "bookings", "findings", "sensitive dropped"):
        table.add_column(column, overflow="fold")
    for row in rows:
        colour = {"ingested": "green", "reparsed": "green", "duplicate": "blue", "failed": "red"}[row["status"]]
        table.add_row(
            str(row["message_id"]),
            Path(row["name"]).name,
            styled(f"[{colour}]{{}}[/{colour}]", row["status"]),
            row["kind"] or "",
            str(row["travellers"]),
            str(row["bookings"]),
            str(len(row["findings"])),
            str(row["sensitive_dropped"]),
        )
    console.print(table)
    for row in rows:
        if row["error"]:
            console.print(styled("[red]failed:[/red] {}: {}", Path(row["name"]).name, row["error"]))
