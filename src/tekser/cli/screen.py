"""`tekser screen`: subjects (JSON Lines or CSV) in, one JSON line of explained matches per subject out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from tekser.cli.common import DbOption, DebugOption, console, errors, fail, handled, settings, text_lines
from tekser.cli.output import Format, QuietOption, RecordWriter, progress
from tekser.errors import InvalidInput

if TYPE_CHECKING:
    from tekser.domain.subjects import Subject


def screen(
    lists: Annotated[
        Path | None, typer.Option("--lists", help="Read list files in this folder directly (no import, no database).")
    ] = None,
    input_path: Annotated[
        str, typer.Option("--input", "-i", help="Subjects: JSON Lines or CSV file, or - for stdin.")
    ] = "-",
    output_path: Annotated[str, typer.Option("--output", "-o", help="Results file, or - for stdout.")] = "-",
    threshold: Annotated[float | None, typer.Option(help="Alert threshold on the match score (default 0.86).")] = None,
    top: Annotated[
        int | None,
        typer.Option(
            help="Also report the N best candidates that do not alert (score and a short explanation); "
            "the alerts are the same whatever N is."
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Full evidence for the candidates below the threshold too.")
    ] = False,
    workers: Annotated[int, typer.Option(help="Processes (default: every core).")] = 0,
    only: Annotated[list[str] | None, typer.Option("--list", help="Only these lists (with --db).")] = None,
    stored: Annotated[
        bool, typer.Option("--stored", help="Screen the stored travellers (and customers) as a resumable batch.")
    ] = False,
    flights: Annotated[
        str | None, typer.Option(help="With --stored: only travellers of flights departing FROM..TO (YYYY-MM-DD).")
    ] = None,
    store: Annotated[
        bool, typer.Option("--store", help="Keep the input's subjects as customers, screened as a resumable batch.")
    ] = False,
    fresh: Annotated[
        bool, typer.Option(help="With --stored/--store: start the batch again from the beginning.")
    ] = False,
    format_: Annotated[
        Format,
        typer.Option(
            "--format",
            help="Results: jsonl (one object a subject), json (one array) or csv (one row a match; see docs/cli.md).",
        ),
    ] = Format.JSONL,
    column_map: Annotated[
        str | None,
        typer.Option("--map", help="Input columns (or keys) under other names: FIELD=COLUMN,... e.g. name=FullName."),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(help="How birth dates are written if not YYYY-MM-DD, e.g. %d/%m/%Y (never guessed)."),
    ] = None,
    quiet: QuietOption = False,
    db: DbOption = None,
    debug: DebugOption = False,
) -> None:
    """Screen subjects against the active lists (or list files): one JSON line per subject.

    Input fields: id, name (or given_name/family_name), and optional birth_date (YYYY, YYYY-MM or
    YYYY-MM-DD), nationality (ISO code or country name), gender (male/female), document,
    document_country, document_type, birth_place, schema (Person or Organization).

    A field that cannot be used (unknown country, impossible date ...) is left out with a warning
    on the subject's result; a record without a name is rejected (an error line) and the exit
    status is 2, the other subjects screened all the same. A CSV header is checked once: its
    delimiter (, ; or tab) is detected, unknown columns are ignored with one warning.
    """
    with handled(debug):
        if flights is not None:
            flights = _flight_range(flights)  # before anything runs: a typo must not screen nothing, exit 0
        from tekser.ingest.subjects import parse_column_map

        if format_ is Format.TABLE:
            fail("--format: jsonl, json or csv (results are records, not a table)", 2)
        reading: dict[str, Any] = {"column_map": parse_column_map(column_map), "date_format": date_format,
                                   "warn": _warn}  # fmt: skip
        if lists is None or stored or store or flights:  # the database: its users decide who may
            from tekser.cli.auth import run_as
            from tekser.domain.access import Action

            selection = "stored" if stored or flights else input_path
            run_as(db, Action.SCREENING_RUN, ("subjects", selection), store=store, flights=flights, fresh=fresh)
        if stored or store or flights:
            _batch(db, input_path if store else None, flights, fresh, quiet, reading)
            return
        from tekser.ingest.subjects import read_subjects
        from tekser.matching.config import MatchConfig
        from tekser.services.screening import screener_from_files, screener_from_store

        if threshold is not None and not 0 < threshold <= 1:
            fail("--threshold must be in (0, 1]", 2)
        config = MatchConfig()
        rejected = screened = alerts = warned = 0
        with ExitStack() as stack:
            source = stack.enter_context(text_lines(input_path))  # a missing input is refused before any work
            if lists is not None:
                screener = screener_from_files(lists, config)
            else:
                from tekser.wiring import stored_lists  # (not needed for list files: 0.3 s)

                screener = screener_from_store(stored_lists(settings(db)), config, only or None)
            sink: TextIO = (
                sys.stdout if output_path == "-" else stack.enter_context(Path(output_path).open("w", encoding="utf-8"))
            )
            bad: list[InvalidInput] = []
            subjects = read_subjects(source, **reading)  # (a header that cannot work stops here)
            writer = RecordWriter(sink, format_, RESULT_FIELDS)

            def valid() -> Iterator[Subject]:
                nonlocal rejected
                for item in subjects:
                    if isinstance(item, InvalidInput):
                        rejected += 1
                        bad.append(item)
                        continue
                    yield item

            total = _line_count(input_path)
            if not workers and total is not None and total < FEW_SUBJECTS:
                workers = 1  # (starting worker processes takes longer than screening a few subjects)
            results = screener.screen_many(
                valid(), threshold=threshold, top=top, workers=workers or None, explain=explain
            )
            report = stack.enter_context(progress(quiet))
            for result in results:
                if screened % 256 == 0:
                    report("screening", screened, total or screened + 1)
                while bad:
                    _write(writer, {"error": str(bad.pop(0))})
                screened += 1
                alerts += any(m.alert for m in result.matches)
                warned += bool(result.warnings)
                _write(writer, result.as_dict())
            for error in bad:
                _write(writer, {"error": str(error)})
            writer.close()
        policy = screener.policy.describe_all() if screener.policy else []
        errors.print(
            f"screened {screened} subjects, {alerts} with alerts, {warned} with warnings, {rejected} rejected; "
            f"index: {len(screener.index.entries)} entries, {len(screener.index.records)} names"
            + (f", {screener.index.excluded} left out by policy" if screener.index.excluded else ""),
            highlight=False,
        )
        for line in policy:
            errors.print(f"policy: {line}", highlight=False)
        if rejected:
            raise typer.Exit(2)


FEW_SUBJECTS = 1000  # fewer subjects are screened in this process

# --format csv: one row a match (a subject without a match, or rejected, has one row with its id or error)
RESULT_FIELDS = (
    "id", "key", "list", "name", "matched_name", "score", "priority", "alert", "warnings", "notes", "error",
)  # fmt: skip


def _write(writer: RecordWriter, result: dict[str, Any]) -> None:
    if writer.format is not Format.CSV:
        writer.write(result)
        return
    common = {k: result.get(k) for k in ("id", "warnings", "notes", "error")}
    for match in result.get("matches") or [{}]:
        writer.write(common | {k: v for k, v in match.items() if k != "explanation"})


def _warn(message: str) -> None:
    errors.print(f"warning: {message}", highlight=False, soft_wrap=True)


def _line_count(path: str) -> int | None:
    """Lines in an input file (for the progress bar): None for stdin or a pipe."""
    if path == "-" or not Path(path).is_file():
        return None
    with Path(path).open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))


def _flight_range(text: str) -> str:
    """``FROM..TO`` (or one day) as ``YYYY-MM-DD..YYYY-MM-DD``; InvalidInput for anything else."""
    first, dots, last = text.strip().partition("..")
    start = _day(first.strip(), text)
    end = _day(last.strip(), text) if dots else start
    if start > end:
        raise InvalidInput(f"--flights {text}: {start} is after {end} (FROM..TO, earliest first)")
    return f"{start}..{end}"


def _day(part: str, text: str) -> date:
    try:
        if len(part) == 10:  # (fromisoformat would also take 20261120)
            return date.fromisoformat(part)
    except ValueError:
        pass
    raise InvalidInput(f"--flights {text}: {part or '(nothing)'} is not a date YYYY-MM-DD (FROM..TO)")


def _batch(
    db: str | None, customers: str | None, flights: str | None, fresh: bool, quiet: bool, reading: dict[str, Any]
) -> None:
    """Resumable batch screening with alerts kept in the database."""
    import hashlib

    from tekser.cli.alerts import screening_service
    from tekser.ingest.subjects import read_subjects

    service = screening_service(db)
    if customers is not None:
        if customers == "-":
            fail("--store needs --input FILE (a batch must be re-readable to resume)", 2)
        path = Path(customers)
        accepted, rejected = [], 0
        with text_lines(path) as lines:
            items = list(read_subjects(lines, **reading))
        for item in items:
            if isinstance(item, InvalidInput):
                rejected += 1
                errors.print(f"rejected: {item}", highlight=False)
                continue
            for warning in item.warnings:
                errors.print(f"warning: {warning}", highlight=False)
            accepted.append(item)
        ids = service.add_customers(accepted)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        selection = f"customers {path.name} {digest}"
    else:
        service.register_travellers()
        if flights:
            first, _, last = flights.partition("..")
            ids = service.flight_subject_ids(first, last)
            selection = f"flights {first}..{last}"
        else:
            ids = service.stored_subject_ids()
            selection = f"stored subjects up to #{max(ids) if ids else 0}"
        rejected = 0
    with progress(quiet) as report:
        summary = service.batch(selection, ids, fresh=fresh, progress=report)
    summary["subjects_selected"] = len(ids)
    summary["rejected"] = rejected
    console.print_json(json.dumps(summary))
    if rejected:
        raise typer.Exit(2)
