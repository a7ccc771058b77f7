"""The `tekser` command line."""

from __future__ import annotations

from typing import Annotated

import typer

from tekser import __version__
from tekser.cli import alerts, lists, lists_transfer, simulate  # noqa: F401  (lists_transfer adds update/export to `lists`)
from tekser.cli.auth import keys_app, users_app
from tekser.cli.casework import audit_app, cases_app, internal_app
from tekser.cli.common import DbOption, DebugOption, console, errors, handled, settings
from tekser.cli.iapi import iapi
from tekser.cli.ingest import ingest
from tekser.cli.parse import parse
from tekser.cli.screen import screen

app = typer.Typer(
    help="tekser: counter-terrorism screening. Watchlists, matching, travel data, alerts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(lists.app, name="lists")
app.command("screen")(screen)
app.command("parse")(parse)
app.command("ingest")(ingest)
app.command("iapi")(iapi)
app.add_typer(simulate.app, name="simulate")
app.add_typer(alerts.app, name="alerts")
app.command("rescreen")(alerts.rescreen)
app.command("screening-status")(alerts.screening_status)
app.add_typer(cases_app, name="cases")
app.add_typer(internal_app, name="internal")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
db_app = typer.Typer(help="Database: create or upgrade the schema, show where it is.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _version(value: bool) -> None:
    if value:
        console.print(f"tekser {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """tekser: counter-terrorism screening."""


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (behind a TLS-terminating proxy).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8080,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Serve the HTTP API (/api/...): sessions for browsers, API keys for programs."""
    with handled(debug):
        import uvicorn

        from tekser.api.access_log import log_config
        from tekser.api.app import create_app

        # the access log writes paths without their query strings (a refused key stays out of it);
        # X-Forwarded-For is the application's to judge (TEKSER_TRUSTED_PROXIES), not uvicorn's
        current = settings(db)
        pepper = current.pepper()
        if pepper is None:
            errors.print(
                "warning: no password pepper is configured (TEKSER_PASSWORD_PEPPER_FILE): a copy of the "
                "database is enough to guess passwords against"
            )
        from tekser.wiring import upgrade_database

        upgrade_database(current)  # the server migrates at start; the other commands leave the schema alone
        api = create_app(current)
        secrets = [pepper.decode("utf-8")] if pepper is not None else []
        uvicorn.run(api, host=host, port=port, log_level="info", proxy_headers=False, log_config=log_config(secrets))


@db_app.command("upgrade")
def db_upgrade(
    create: Annotated[
        bool,
        typer.Option(
            "--create", help="Make the SQLite database's folder if it does not exist (other commands refuse one)."
        ),
    ] = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Create the database or bring its schema to the newest revision."""
    with handled(debug):
        from tekser.wiring import upgrade_database

        state = upgrade_database(settings(db), create=create)
        console.print(f"{state.url}: schema at revision {state.revision}")


@db_app.command("info")
def db_info(db: DbOption = None, debug: DebugOption = False) -> None:
    """Where the database is and which schema revision it has (read only: nothing is migrated)."""
    with handled(debug):
        from tekser.wiring import schema_state

        state = schema_state(settings(db))
        console.print(f"database: {state.url}")
        if not state.exists:
            console.print(
                "schema revision: none (no database yet: the first command, or `tekser db upgrade`, makes it)"
            )
        else:
            console.print(f"schema revision: {state.revision}")
        console.print(f"newest revision: {state.head}")
        if state.exists and state.pending:
            console.print("upgrade pending: run `tekser db upgrade` (back up the database first)")
