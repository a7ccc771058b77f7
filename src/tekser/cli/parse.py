"""`tekser parse`: read one PAXLST or PNRGOV message and print what tekser understood, as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from tekser.cli.common import DebugOption, console, handled
from tekser.errors import InvalidInput, MessageError


def parse(
    path: Annotated[str, typer.Argument(help="PAXLST, PNRGOV or manifest file, or - for stdin.")] = "-",
    debug: DebugOption = False,
) -> None:
    """Parse a travel message (PAXLST, PNRGOV or manifest): flights, travellers, bookings, findings."""
    with handled(debug):
        from tekser.ingest.messages import message_to_dict, parse_message

        if path == "-":
            data, name = sys.stdin.buffer.read(), "stdin"
        else:
            try:
                data, name = Path(path).read_bytes(), Path(path).name
            except OSError as error:
                raise InvalidInput(f"{path}: cannot read: {error.strerror or error}") from None
        try:
            message = parse_message(data, name=name)
        except MessageError as error:  # exit codes are looked up by exact type: report it as invalid input
            raise InvalidInput(str(error)) from None
        console.print_json(json.dumps(message_to_dict(message), ensure_ascii=False))
