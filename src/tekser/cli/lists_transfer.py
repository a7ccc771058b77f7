"""`tekser lists update` (download from the official addresses) and `tekser lists export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tekser.cli.auth import acting_as
from tekser.cli.common import ByOption, DbOption, DebugOption, console, errors, fail, handled, services
from tekser.cli.lists import JsonOption, _outcome_dict, _print_outcomes, app
from tekser.cli.output import QuietOption, progress
from tekser.domain.access import Action


@app.command("update")
def update(
    list_ids: Annotated[
        list[str] | None, typer.Argument(help="Lists to update (default: every configured list).")
    ] = None,
    keep: Annotated[Path | None, typer.Option(help="Keep the downloaded files in this folder.")] = None,
    by: ByOption = None,
    output_json: JsonOption = False,
    quiet: QuietOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Download lists from their configured addresses (conditional requests) and import them."""
    with handled(debug):
        from tekser.adapters.http import HttpDownloader
        from tekser.services.list_updates import ListUpdater

        found = services(db)
        secrets = {"eu_token": found.settings.eu_token, "kz_api_key": found.settings.kz_api_key}
        downloader = HttpDownloader(timeout=found.settings.http_timeout, secrets=secrets.values())
        updater = ListUpdater(found.watchlists, downloader, secrets)
        try:
            with progress(quiet) as report:
                outcomes = updater.update(
                    list_ids or None, actor=acting_as(db, by, Action.LIST_IMPORT), keep=keep, progress=report
                )
        finally:
            downloader.close()
        if output_json:
            console.print_json(json.dumps([_outcome_dict(o) for o in outcomes]))
        else:
            _print_outcomes(outcomes)
        if not all(o.ok for o in outcomes):
            raise typer.Exit(3)


@app.command("export")
def export(
    format_name: Annotated[
        str, typer.Option("--format", help="Export format: ftm (FollowTheMoney JSON lines).")
    ] = "ftm",
    list_ids: Annotated[list[str] | None, typer.Option("--list", help="Only these lists (repeatable).")] = None,
    version: Annotated[str | None, typer.Option(help="A version (id or LIST@N) instead of the active ones.")] = None,
    output: Annotated[str, typer.Option("--output", "-o", help="File to write, or - for standard output.")] = "-",
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Export list entries (active versions by default) as FollowTheMoney entities."""
    with handled(debug):
        if format_name != "ftm":
            fail(f"unknown export format {format_name!r} (known: ftm)", 2)
        from tekser.cli.lists import audited_view

        audited_view(db, "export", format_name)
        from tekser.exports.ftm import export_ftm

        service = services(db).watchlists
        if version is not None:
            entries = service.entries(service.resolve(version))
        else:
            entries = service.active_entries(list_ids or None)
        if output == "-":
            stats = export_ftm(entries, sys.stdout)
        else:
            with Path(output).open("w", encoding="utf-8") as handle:
                stats = export_ftm(entries, handle)
        # On stderr: standard output may be the export itself.
        for warning in stats.warnings():
            errors.print(f"warning: {warning}", highlight=False)
        if output != "-":
            console.print(f"wrote {stats.entities} FollowTheMoney entities to {output}", highlight=False)
