"""Subjects to screen from JSON Lines or CSV, one per line; bad records are reported, not dropped.

A CSV file's header is checked once, before any row: its delimiter (``,`` ``;`` or tab) is
found by counting in the header line, columns are renamed by ``column_map`` (``--map
name=FullName``), columns that are no subject field are ignored with one warning, and a header
without a name column is refused as a whole (not once per row).

Dates of birth are ISO (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) unless ``date_format`` is given
(``%d/%m/%Y``). Without it a date such as ``13/04/1964`` is never guessed: day and month cannot
be told apart in ``03/04/1964``, and a guess that is right on some rows and wrong on others
would be worse than none. The date is left out with a warning that names ``--date-format``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from tekser.domain.subjects import KNOWN_FIELDS, Subject, subject_from_record
from tekser.errors import FieldError, InvalidInput

NAME_FIELDS = ("name", "given_name", "family_name")
DELIMITERS = (",", ";", "\t")
# a day and month in some order, then a 4-digit year: ambiguous without --date-format
_LOCAL_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{4}")

Warn = Callable[[str], None]


def parse_column_map(text: str | None) -> dict[str, str]:
    """``name=FullName,birth_date=DOB`` → {field: column}; an unknown field or a bad pair is refused."""
    mapping: dict[str, str] = {}
    for pair in (text or "").split(","):
        if not pair.strip():
            continue
        field, sep, column = pair.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise InvalidInput(f"--map {pair.strip()!r}: write FIELD=COLUMN, e.g. name=FullName")
        if field not in KNOWN_FIELDS:
            raise InvalidInput(f"--map {field}: not a subject field (known: {', '.join(sorted(KNOWN_FIELDS))})")
        if field in mapping:
            raise InvalidInput(f"--map {field}: given twice")
        mapping[field] = column
    return mapping


def read_subjects(
    lines: Iterable[str],
    *,
    csv_format: bool | None = None,
    column_map: Mapping[str, str] | None = None,
    date_format: str | None = None,
    warn: Warn | None = None,
) -> Iterator[Subject | InvalidInput]:
    """Yield a Subject per record, or the InvalidInput that names the record and field.

    ``csv_format`` None: decided by the first non-blank character (``{`` means JSON Lines).
    A CSV header is checked here, before the first record is asked for: a header that cannot
    work raises InvalidInput at once; what it holds but is not used goes to ``warn`` once.
    """
    iterator = iter(lines)
    first = ""
    buffered: list[str] = []
    for line in iterator:
        buffered.append(line)
        if line.strip():
            first = line.strip()
            break
    is_csv = csv_format if csv_format is not None else not first.startswith("{")

    def all_lines() -> Iterator[str]:
        yield from buffered
        yield from iterator

    dates = _DateReader(date_format)
    if is_csv:
        return _from_csv(all_lines(), first, dict(column_map or {}), dates, warn or (lambda _: None))
    return _from_jsonl(all_lines(), {column: field for field, column in (column_map or {}).items()}, dates)


class _DateReader:
    """Dates of birth written otherwise than ISO, made ISO by ``--date-format`` (or a warning)."""

    def __init__(self, date_format: str | None) -> None:
        self.format = date_format
        # what the format says: a day (YYYY-MM-DD), a month (YYYY-MM) or only a year
        self.shape = "%Y-%m-%d" if date_format and "%d" in date_format else "%Y-%m"
        if date_format and "%d" not in date_format and "%m" not in date_format and "%b" not in date_format:
            self.shape = "%Y"

    def fix(self, record: dict[str, Any], label: str) -> FieldError | None:
        """Rewrite ``birth_date`` in place as ISO; the warning when it cannot be used."""
        value = record.get("birth_date")
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        if self.format:
            try:
                record["birth_date"] = datetime.strptime(text, self.format).strftime(self.shape)
            except ValueError:
                del record["birth_date"]
                return FieldError(label, "birth_date", f"does not match --date-format {self.format}: not used", text)
        elif _LOCAL_DATE.fullmatch(text):
            del record["birth_date"]
            hint = "day and month order unknown: give --date-format (e.g. %d/%m/%Y or %m/%d/%Y); not used"
            return FieldError(label, "birth_date", hint, text)
        return None


def _subject(record: dict[str, Any], label: str, dates: _DateReader) -> Subject | InvalidInput:
    problem = dates.fix(record, label)
    try:
        subject = subject_from_record(record, label)
    except InvalidInput as error:
        return error
    return replace(subject, warnings=(*subject.warnings, str(problem))) if problem else subject


def _from_jsonl(
    lines: Iterator[str], renamed: Mapping[str, str], dates: _DateReader
) -> Iterator[Subject | InvalidInput]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        label = f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield InvalidInput(f"{label}: not JSON ({error.msg} at column {error.colno})")
            continue
        if not isinstance(record, dict):
            yield InvalidInput(f"{label}: expected a JSON object", [FieldError(label, "(record)", "not an object")])
            continue
        if renamed:
            record = {renamed.get(k, k): v for k, v in record.items()}
        if record.get("id") is not None:
            label = f"line {number} (id {record['id']})"
        yield _subject(record, label, dates)


def sniff_delimiter(header: str) -> str:
    """The delimiter a header line uses: the most frequent of ``,`` ``;`` and tab (``,`` if none)."""
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties go to the earlier: the comma first
    return best if counts[best] else ","


def _header_fields(columns: list[str], column_map: dict[str, str], warn: Warn) -> list[str | None]:
    """Each column's subject field (None: ignored); refuses a header no row could pass."""
    place = "header (row 1)"
    by_column = {column: field for field, column in column_map.items()}
    missing = [f"{field}={column}" for field, column in column_map.items() if column not in columns]
    if missing:
        raise InvalidInput(
            f"{place}: --map {', '.join(missing)}: no such column (columns: {', '.join(columns)})",
            [FieldError(place, m.partition("=")[0], "mapped column not in the header", m) for m in missing],
        )
    fields: list[str | None] = []
    ignored: list[str] = []
    for column in columns:
        field = by_column.get(column)
        if field is None:
            plain = column.strip().casefold()
            field = plain if plain in KNOWN_FIELDS and plain not in column_map else None
        if field is None:
            if column:  # (a nameless column: a trailing delimiter in the header, nothing to say)
                ignored.append(column)
        elif field in fields:
            raise InvalidInput(f"{place}: two columns for {field}", [FieldError(place, field, "given twice")])
        fields.append(field)
    if not any(f in NAME_FIELDS for f in fields):
        raise InvalidInput(
            f"{place}: no name column (name, or given_name and family_name; columns: {', '.join(columns)}); "
            "rename one with --map name=COLUMN",
            [FieldError(place, "name", "no column")],
        )
    if ignored:
        warn(
            f"{place}: column{'s' * (len(ignored) > 1)} {', '.join(repr(c) for c in ignored)} "
            f"not a subject field: ignored (known: {', '.join(sorted(KNOWN_FIELDS))}; --map FIELD=COLUMN)"
        )
    return fields


def _from_csv(
    lines: Iterator[str], header: str, column_map: dict[str, str], dates: _DateReader, warn: Warn
) -> Iterator[Subject | InvalidInput]:
    reader = csv.reader(lines, delimiter=sniff_delimiter(header))
    columns = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if columns is None:
        return iter(())
    columns[0] = columns[0].removeprefix("\ufeff")  # a spreadsheet's byte-order mark
    fields = _header_fields([c.strip() for c in columns], column_map, warn)
    return _csv_rows(reader, fields, dates)


def _csv_rows(reader: Any, fields: list[str | None], dates: _DateReader) -> Iterator[Subject | InvalidInput]:
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        label = f"row {reader.line_num}"
        extra = row[len(fields) :]
        if any(cell.strip() for cell in extra):  # (empty ones: a trailing delimiter, harmless)
            yield InvalidInput(
                f"{label}: {len(row)} values for {len(fields)} columns",
                [FieldError(label, "(record)", "more values than columns")],
            )
            continue
        record = {f: v for f, v in zip(fields, row, strict=False) if f is not None and v.strip()}
        if record.get("id"):
            label = f"{label} (id {record['id']})"
        yield _subject(record, label, dates)
