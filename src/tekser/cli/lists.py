"""`tekser lists ...`: import, update, show, diff, policy, export, failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from tekser.cli.auth import acting_as
from tekser.cli.common import ByOption, DbOption, DebugOption, console, errors, fail, handled, services, styled
from tekser.cli.output import Format, FormatOption, QuietOption, chosen, progress, write_records
from tekser.domain.access import Action
from tekser.domain.policy import PolicyScope, version_record

if TYPE_CHECKING:
    from tekser.services.watchlists import ImportOutcome

FORMATS = "un-xml, ofac-csv, eu-fsf-xml, uk-fcdo, kz-afm-xml, ftm, national"  # tekser.ingest.lists.registry

app = typer.Typer(help="Watchlists: import, update, inspect, compare, policy and export.", no_args_is_help=True)
policy_app = typer.Typer(help="Deployment policy: leave out a list, a programme or a category.", no_args_is_help=True)
app.add_typer(policy_app, name="policy")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _outcome_dict(outcome: ImportOutcome) -> dict[str, Any]:
    version = outcome.version
    return {
        "source": outcome.source,
        "status": outcome.status,
        "list": outcome.list_id,
        "version": version.label if version else None,
        "entries": version.entry_count if version else None,
        "added": outcome.added,
        "removed": outcome.removed,
        "changed": outcome.changed,
        "reason": outcome.reason,
        "failure_id": outcome.failure.id if outcome.failure else None,
        "warnings": outcome.warnings,
    }


def _print_outcomes(outcomes: list[ImportOutcome]) -> None:
    table = Table(title="Import")
    for column in ("list", "status", "version", "entries", "change"):
        table.add_column(column, no_wrap=True)
    table.add_column("source / reason", overflow="fold")
    for outcome in outcomes:
        version = outcome.version
        change = ""
        if outcome.status == "imported" and outcome.previous is not None:
            change = f"+{outcome.added} −{outcome.removed} ~{outcome.changed}"
        elif outcome.status == "imported":
            change = "first version"
        colour = {"imported": "green", "unchanged": "blue", "refused": "red"}[outcome.status]
        table.add_row(
            outcome.list_id or "?",
            styled(f"[{colour}]{{}}[/{colour}]", outcome.status),
            version.label if version else "",
            str(version.entry_count) if version else "",
            change,
            outcome.reason or outcome.source,
        )
    console.print(table)
    for outcome in outcomes:
        for warning in outcome.warnings:
            console.print(styled("[yellow]warning:[/yellow] {}", warning))
        if outcome.failure:
            console.print(
                f"refused file kept as failure #{outcome.failure.id} (see `tekser lists failures`); "
                f"the active version of {outcome.list_id or 'the list'} is unchanged"
            )


@app.command("import")
def import_(
    paths: Annotated[list[Path], typer.Argument(help="List files or folders (folders are searched).")],
    list_id: Annotated[str | None, typer.Option("--list", help="List id, for formats that do not fix it.")] = None,
    format_name: Annotated[str | None, typer.Option("--format", help=f"Reader to use: {FORMATS}.")] = None,
    min_entries: Annotated[
        int | None, typer.Option(help="Override the minimum size check (recorded with the version).")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            "--accept-shrink",
            help="Accept more entries removed than the list's max_shrink, or rows referring to absent records "
            "(needs --reason; recorded with the version). A missing end marker is never accepted.",
        ),
    ] = False,
    reason: Annotated[str | None, typer.Option(help="Why a check is overridden (recorded).")] = None,
    by: ByOption = None,
    rescreen: Annotated[
        bool, typer.Option(help="Screen each new version's changes against the stored subjects right away.")
    ] = True,
    output_json: JsonOption = False,
    quiet: QuietOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Import list files as new versions; a refused file leaves the active version active."""
    with handled(debug):
        if force and not (reason and reason.strip()):
            fail("--force needs --reason: say why the import is forced (it is recorded)", 2)
        who = acting_as(db, by, Action.LIST_IMPORT)
        service = services(db).watchlists
        outcomes: list[ImportOutcome] = []
        with progress(quiet) as report:
            for path in paths:
                outcomes += service.import_path(
                    path,
                    actor=who,
                    list_id=list_id,
                    format_name=format_name,
                    min_entries=min_entries,
                    force_reason=reason if force else None,
                    progress=report,
                )
        if output_json:
            console.print_json(json.dumps([_outcome_dict(o) for o in outcomes]))
        else:
            _print_outcomes(outcomes)
        if rescreen:
            _rescreen({o.list_id for o in outcomes if o.status == "imported" and o.list_id}, db, output_json, quiet)
        if not all(o.ok for o in outcomes):
            raise typer.Exit(3)


def _rescreen(list_ids: set[str], db: str | None, output_json: bool, quiet: bool = False) -> None:
    """A new list version triggers screening of its difference against the stored subjects."""
    if not list_ids:
        return
    from tekser.cli.alerts import screening_service

    service = screening_service(db)
    if not service.has_subjects():
        return
    for list_id in sorted(list_ids):
        with progress(quiet) as report:
            summary = service.rescreen(list_id, report)
        if not output_json:
            console.print(
                f"rescreened {summary['version']}: {summary.get('added')} added and {summary.get('changed')} changed "
                f"entries against {summary.get('subjects_compared', summary.get('screened'))} subjects: "
                f"{summary['alerts']} new alerts",
                highlight=False,
            )


VERSION_FIELDS = (
    "list", "version", "id", "active", "entries", "counts", "published_at", "retrieved_at", "imported_at",
    "imported_by", "source", "reader", "content_hash", "files", "checks", "warnings", "unparsed_facts", "policy",
    "enabled",
)  # fmt: skip


def audited_view(db: str | None, what: str, which: str | None) -> None:
    """Lists are seen by someone: once users exist, the key's holder (audited)."""
    from tekser.cli.auth import run_as
    from tekser.domain.access import Action

    run_as(db, Action.LIST_VIEW, (f"lists.{what}", which or "*"))


@app.command("show")
def show(
    history: Annotated[bool, typer.Option("--versions", help="Show every version, not only the active ones.")] = False,
    list_id: Annotated[str | None, typer.Option("--list", help="Only this list.")] = None,
    output_json: JsonOption = False,
    format_: FormatOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Active list versions with their counts by kind, and the policy that applies."""
    with handled(debug):
        audited_view(db, "versions" if history else "active", list_id)
        service = services(db).watchlists
        versions = service.versions(list_id) if history else service.active_versions()
        if list_id and not history:
            versions = [v for v in versions if v.list_id == list_id]
        policy = service.policy()
        shown = chosen(format_, output_json)
        if shown is not Format.TABLE:
            write_records([version_record(v, policy) for v in versions], shown, VERSION_FIELDS)
            return
        if not versions:
            console.print("No list loaded yet: `tekser lists import FILE|DIR` or `tekser lists update`.")
            return
        table = Table(title="Watchlist versions" if history else "Active watchlists")
        for column in (
            "version",
            "entries",
            "persons",
            "orgs",
            "other",
            "aliases s/w",
            "orig.",
            "docs",
            "DOBs",
        ):
            table.add_column(column, justify="left" if column == "version" else "right", no_wrap=True)
        table.add_column("published", no_wrap=True)
        for v in versions:
            c = v.counts
            table.add_row(
                v.label + (" *" if v.active and history else ""),
                str(v.entry_count),
                str(c.get("person", 0)),
                str(c.get("organization", 0)),
                str(c.get("vessel", 0) + c.get("aircraft", 0)),
                f"{c.get('aliases_strong', 0)}/{c.get('aliases_weak', 0)}",
                str(c.get("names_original_script", 0)),
                str(c.get("documents", 0)),
                str(c.get("birth_dates", 0)),
                f"{v.published_at:%Y-%m-%d}" if v.published_at else "—",
            )
        console.print(table)
        for v in versions:
            for line in policy.describe(v.list_id):
                console.print(styled("[yellow]policy[/yellow] {}: {}", v.list_id, line))


@app.command("diff")
def diff(
    first: Annotated[str, typer.Argument(help="Version: id, LIST@N, or LIST (its active version).")],
    second: Annotated[str | None, typer.Argument(help="Newer version; omitted: FIRST against its predecessor.")] = None,
    limit: Annotated[int, typer.Option(help="Entries shown per section in the table.")] = 20,
    output_json: JsonOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Added, removed and changed entries between two versions, with the fields that changed."""
    with handled(debug):
        audited_view(db, "diff", f"{first} {second or ''}".strip())
        service = services(db).watchlists
        if second is None:
            after = service.resolve(first)
            before = service.previous(after)
        else:
            before, after = service.resolve(first), service.resolve(second)
        result = service.diff(before, after)
        if output_json:
            console.print_json(json.dumps(result.as_dict()))
            return
        console.print(
            styled(
                "[bold]{} → {}[/bold]: [green]+{} added[/green], [red]−{} removed[/red], [yellow]~{} changed[/yellow]",
                before.label if before else "(nothing)",
                after.label,
                len(result.added),
                len(result.removed),
                len(result.changed),
            )
        )
        for title, items, colour in (("added", result.added, "green"), ("removed", result.removed, "red")):
            for item in items[:limit]:
                sign = "+" if title == "added" else "−"
                console.print(styled(f"  [{colour}]{sign}[/{colour}] {{}}  {{}}", item.key, item.caption))
            if len(items) > limit:
                console.print(f"  … and {len(items) - limit} more {title}")
        for item in result.changed[:limit]:
            console.print(styled("  [yellow]~[/yellow] {}  {}", item.key, item.caption))
            for change in item.fields:
                detail = "; ".join([*(f"+ {a}" for a in change.added[:3]), *(f"− {r}" for r in change.removed[:3])])
                console.print(f"      {change.field}: {detail}")
        if len(result.changed) > limit:
            console.print(f"  … and {len(result.changed) - limit} more changed (use --json for all)")


@app.command("failures")
def failures(
    limit: Annotated[int, typer.Option(help="How many to show, newest first.")] = 20,
    extract: Annotated[int | None, typer.Option(help="Write the files of this failure to --to.")] = None,
    to: Annotated[Path, typer.Option(help="Folder for --extract.")] = Path("."),
    output_json: JsonOption = False,
    format_: FormatOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Refused imports, kept with their reason and their files."""
    with handled(debug):
        audited_view(db, "failures", "*")
        service = services(db).watchlists
        found = service.failures(limit if extract is None else 10_000)
        if extract is not None:
            failure = next((f for f in found if f.id == extract), None)
            if failure is None:
                fail(f"no failure #{extract}", 4)
                return
            to.mkdir(parents=True, exist_ok=True)
            for file in failure.files:
                (to / file.name).write_bytes(service.failure_file(failure.id, file.name))
                console.print(f"wrote {to / file.name}")
            return
        rows = [
            {
                "id": f.id,
                "list": f.list_id,
                "source": f.source,
                "reason": f.reason,
                "failed_at": f.failed_at.isoformat(),
                "by": f.attempted_by,
                "files": [x.name for x in f.files],
            }
            for f in found
        ]
        shown = chosen(format_, output_json)
        if shown is not Format.TABLE:
            write_records(rows, shown, ("id", "list", "source", "reason", "failed_at", "by", "files"))
            return
        table = Table(title="Refused imports")
        for column in ("#", "list", "when", "by", "reason"):
            table.add_column(column)
        for failure in found:
            table.add_row(
                str(failure.id),
                failure.list_id or "?",
                f"{failure.failed_at:%Y-%m-%d %H:%M}",
                failure.attempted_by,
                failure.reason,
            )
        console.print(table)


def _set_policy(
    list_id: str,
    programme: str | None,
    category: str | None,
    enabled: bool,
    by: str | None,
    reason: str,
    db: str | None,
) -> None:
    if programme and category:
        fail("give --programme or --category, not both", 2)
    scope = PolicyScope.PROGRAMME if programme else PolicyScope.CATEGORY if category else PolicyScope.LIST
    watchlists = services(db).watchlists
    event = watchlists.set_policy(
        list_id,
        scope,
        programme or category or "",
        enabled=enabled,
        actor=acting_as(db, by, Action.POLICY_CHANGE),
        reason=reason,
    )
    state = "enabled" if event.enabled else "disabled"
    console.print(f"{event.target} {state} by {event.actor} at {event.at:%Y-%m-%d %H:%M} UTC: {event.reason}")
    imported = sorted({v.list_id for v in watchlists.versions()})
    if list_id not in imported:  # allowed (a deployment sets its policy before the first import), but say so
        errors.print(
            styled(
                "[yellow]warning:[/yellow] {} has never been imported: the policy applies from its first import "
                "(imported: {})",
                list_id,
                ", ".join(imported) or "none yet",
            ),
            soft_wrap=True,
        )


ProgrammeOption = Annotated[str | None, typer.Option(help="Only this programme / regime (e.g. SDGT, Al-Qaida).")]
CategoryOption = Annotated[str | None, typer.Option(help="Only this category (e.g. extremism, narcotics).")]
ReasonOption = Annotated[str, typer.Option(help="Why (recorded; required).")]


@policy_app.command("disable")
def policy_disable(
    list_id: Annotated[str, typer.Argument(help="List id, e.g. kz.")],
    reason: ReasonOption,
    programme: ProgrammeOption = None,
    category: CategoryOption = None,
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Leave a list, programme or category out of screening (recorded: who, when, why)."""
    with handled(debug):
        _set_policy(list_id, programme, category, False, by, reason, db)


@policy_app.command("enable")
def policy_enable(
    list_id: Annotated[str, typer.Argument(help="List id.")],
    reason: ReasonOption,
    programme: ProgrammeOption = None,
    category: CategoryOption = None,
    by: ByOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Bring a list, programme or category back into screening (recorded: who, when, why)."""
    with handled(debug):
        _set_policy(list_id, programme, category, True, by, reason, db)


@policy_app.command("show")
def policy_show(
    history: Annotated[bool, typer.Option("--history", help="Every change, not only what applies now.")] = False,
    output_json: JsonOption = False,
    format_: FormatOption = None,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """What is excluded now (or every change with --history)."""
    with handled(debug):
        audited_view(db, "policy", "history" if history else "now")
        policy = services(db).watchlists.policy()
        events = policy.events if history else policy.exclusions
        rows = [
            {
                "id": e.id,
                "list": e.list_id,
                "scope": str(e.scope),
                "value": e.value,
                "enabled": e.enabled,
                "by": e.actor,
                "at": e.at.isoformat(),
                "reason": e.reason,
            }
            for e in events
        ]
        shown = chosen(format_, output_json)
        if shown is not Format.TABLE:
            write_records(rows, shown, ("id", "list", "scope", "value", "enabled", "by", "at", "reason"))
            return
        if not rows:
            console.print("Every list, programme and category is enabled.")
            return
        table = Table(title="Policy changes" if history else "Excluded from screening")
        for column in ("#", "list", "scope", "value", "state", "by", "when", "reason"):
            table.add_column(column)
        for event in events:
            state = "enabled" if event.enabled else styled("[red]disabled[/red]")
            table.add_row(
                str(event.id),
                event.list_id,
                str(event.scope),
                event.value,
                state,
                event.actor,
                f"{event.at:%Y-%m-%d %H:%M}",
                event.reason,
            )
        console.print(table)
