"""Listings in one of four formats, and progress on long work: shared by every command.

``--format table`` is for people (Rich, outside text made safe); ``json`` (one array),
``jsonl`` (one record a line) and ``csv`` (a header row, then one record a line) are for
programs, with the same records and field names as the HTTP API. The shapes are in docs/cli.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tekser.cli.common import errors, visible
from tekser.errors import InvalidInput

if TYPE_CHECKING:
    from tekser.services.watchlists import Progress as ProgressCallback


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format", help="table (for people), or json, jsonl, csv (the HTTP API's field names; see docs/cli.md)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress on standard error.")]

# C1 controls are left raw by json.dumps(ensure_ascii=False): escaped, they cannot act on a terminal
_C1 = re.compile(r"[\x7f-\x9f]")
# a cell a spreadsheet would run as a formula (OWASP "CSV injection"): kept as text with a quote
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def chosen(format_: Format | None, as_json: bool = False, default: Format = Format.TABLE) -> Format:
    """The format asked for: ``--json`` is kept as another way to say ``--format json``."""
    if format_ is not None and as_json and format_ is not Format.JSON:
        raise InvalidInput(f"--json and --format {format_} disagree: give one")
    return format_ or (Format.JSON if as_json else default)


def to_json(data: Any, indent: int | None = None) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    return _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, (list, tuple, dict)):
        return to_json(value)  # nested values (lists of files, counts by kind) as JSON in one cell
    text = visible(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_text(records: Sequence[Mapping[str, Any]], fields: Sequence[str] | None = None) -> str:
    """A header of field names, then one row a record (the fields of the first record if not given)."""
    columns = list(fields or (records[0].keys() if records else []))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if columns:
        writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
    return buffer.getvalue()


def write_records(records: Sequence[Mapping[str, Any]], format_: Format, fields: Sequence[str] | None = None) -> None:
    """Write records in a machine format to standard output (not through Rich: no wrapping, no colour)."""
    out = sys.stdout
    if format_ is Format.JSON:
        out.write(to_json(list(records), indent=2) + "\n")
    elif format_ is Format.JSONL:
        out.writelines(to_json(r) + "\n" for r in records)
    elif format_ is Format.CSV:
        out.write(csv_text(records, fields))
    else:  # pragma: no cover - tables are the caller's
        raise ValueError(format_)
    out.flush()


def emit(
    records: Sequence[Mapping[str, Any]],
    format_: Format,
    table: Callable[[], None],
    fields: Sequence[str] | None = None,
) -> None:
    """Print a listing: ``table`` draws it for people, the other formats write the records themselves."""
    if format_ is Format.TABLE:
        table()
    else:
        write_records(records, format_, fields)


class RecordWriter:
    """Records written one at a time (``tekser screen``: results stream out as they come)."""

    def __init__(self, sink: io.TextIOBase | Any, format_: Format, fields: Sequence[str]) -> None:
        self.sink, self.format, self.fields = sink, format_, list(fields)
        self.count = 0
        self._csv = csv.writer(sink, lineterminator="\n") if format_ is Format.CSV else None
        if format_ is Format.JSON:
            sink.write("[")

    def write(self, record: Mapping[str, Any]) -> None:
        if self._csv is not None:
            if self.count == 0:
                self._csv.writerow(self.fields)
            self._csv.writerow([_cell(record.get(f)) for f in self.fields])
        elif self.format is Format.JSON:
            self.sink.write(("," if self.count else "") + "\n" + to_json(record))
        else:
            self.sink.write(to_json(record) + "\n")
        self.count += 1

    def close(self) -> None:
        if self._csv is not None and self.count == 0:
            self._csv.writerow(self.fields)
        if self.format is Format.JSON:
            self.sink.write("\n]\n" if self.count else "]\n")


# --- progress ------------------------------------------------------------------------------------

STATUS_EVERY = 5.0  # seconds between two status lines when standard error is not a terminal


@contextmanager
def progress(quiet: bool = False) -> Iterator[ProgressCallback]:
    """The callback services report long work to: ``report(stage, done, total)``.

    A Rich bar on standard error when it is a terminal; otherwise a status line at most every
    ``STATUS_EVERY`` seconds, the first one ``STATUS_EVERY`` seconds after the counted work began
    (a log or a CI job sees long work go on, short work stays silent); nothing with --quiet.
    """
    if quiet:
        yield lambda stage, done, total: None
    elif errors.is_terminal:
        with _bar() as report:
            yield report
    else:
        yield _StatusLines(time.monotonic)


class _StatusLines:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.last = clock()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self.clock()
        if done == 0:  # the work only starts (after loading what it needs): count from here
            self.last = max(self.last, now)
            return
        if now - self.last < STATUS_EVERY:
            return
        self.last = now
        share = f" ({100 * done // total}%)" if total > 0 else ""
        errors.print(f"{stage}: {done}/{total}{share}", highlight=False, soft_wrap=True)


@contextmanager
def _bar() -> Iterator[ProgressCallback]:
    from rich.progress import BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=1)

        def report(stage: str, done: int, total: int) -> None:
            bar.update(task, description=visible(stage), completed=done, total=total)

        yield report
