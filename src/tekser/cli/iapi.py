"""`tekser iapi`: answer an interactive API request (PAXLST) with boarding directives (CUSRES)."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from tekser.cli.common import DbOption, DebugOption, console, handled
from tekser.errors import InvalidInput, MessageError


def iapi(
    path: Annotated[str, typer.Argument(help="PAXLST request file, or - for stdin.")] = "-",
    output_json: Annotated[bool, typer.Option("--json", help="Print the directives as JSON, not CUSRES.")] = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Answer a check-in request (PAXLST) with a boarding directive per passenger (CUSRES).

    0Z OK to board; 2Z advisory (an unconfirmed hit: an alert is raised);
    1Z no board (only for a match an analyst confirmed); 4Z insufficient data.
    An error or a timeout never answers 0Z.
    """
    with handled(debug):
        from tekser.cli.alerts import iapi_service
        from tekser.cli.auth import run_as
        from tekser.domain.access import Action

        run_as(db, Action.TRAVEL_INGEST, ("iapi", path))
        if path == "-":
            data, name = sys.stdin.read(), "stdin"
        else:
            try:
                data, name = Path(path).read_text(encoding="utf-8", errors="replace"), Path(path).name
            except OSError as error:
                raise InvalidInput(f"{path}: cannot read: {error.strerror or error}") from None
        try:
            response, directives = iapi_service(db).respond(data, name=name)
        except MessageError as error:
            raise InvalidInput(str(error)) from None
        if output_json:
            rows = [{**asdict(d), "directive": d.directive.value} for d in directives]
            console.print_json(json.dumps(rows, ensure_ascii=False))
        else:
            sys.stdout.write(response)
