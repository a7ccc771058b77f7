"""`tekser parse`: read one PAXLST or PNRGOV message and print what tekser understood, as JSON."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from tekser.cli.common import DebugOption, console, handled
from tekser.errors import InvalidInput, MessageError

# Control characters json leaves raw (DEL, C1): a name from a message is outside text. Inside a
# JSON string "\u0087" is the same character, so the output stays exact and safe to print.
_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def write_json(data: dict[str, Any], out: IO[str]) -> None:
    """``data`` as JSON: one top-level key a line, and one item a line in the lists (a traveller,
    a booking, a finding), each written as soon as it is encoded.

    Not ``console.print_json``: Rich parses the text again and styles every token, which for a
    100,000-segment message took 1.3 GB and 20 s (docs/travel.md, "Memory"); nor an indented
    ``json.dump``, whose pure-Python encoder takes seconds for the same message.
    """

    def dumps(value: Any) -> str:
        return _RAW_CONTROL.sub(_escaped, json.dumps(value, ensure_ascii=False))

    out.write("{")
    for index, (key, value) in enumerate(data.items()):
        out.write(f"{',' if index else ''}\n  {dumps(key)}: ")
        if isinstance(value, list) and value:
            out.write("[")
            for number, item in enumerate(value):
                out.write(f"{',' if number else ''}\n    {dumps(item)}")
            out.write("\n  ]")
        else:
            out.write(dumps(value))
    out.write("\n}\n")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


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
        write_json(message_to_dict(message), console.file)
