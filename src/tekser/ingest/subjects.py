"""Subjects to screen from JSON Lines or CSV, one per line; bad records are reported, not dropped."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from tekser.domain.subjects import Subject, subject_from_record
from tekser.errors import FieldError, InvalidInput


def read_subjects(lines: Iterable[str], *, csv_format: bool | None = None) -> Iterator[Subject | InvalidInput]:
    """Yield a Subject per record, or the InvalidInput that names the record and field.

    ``csv_format`` None: decided by the first non-blank character (``{`` means JSON Lines).
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

    if is_csv:
        yield from _from_csv(all_lines())
    else:
        yield from _from_jsonl(all_lines())


def _from_jsonl(lines: Iterator[str]) -> Iterator[Subject | InvalidInput]:
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
        if record.get("id") is not None:
            label = f"line {number} (id {record['id']})"
        try:
            yield subject_from_record(record, label)
        except InvalidInput as error:
            yield error


def _from_csv(lines: Iterator[str]) -> Iterator[Subject | InvalidInput]:
    reader = csv.DictReader(lines)
    for record in reader:
        label = f"row {reader.line_num}"
        cleaned = {k.strip(): v for k, v in record.items() if k is not None and v not in (None, "")}
        if None in record:
            yield InvalidInput(f"{label}: more values than columns")
            continue
        if cleaned.get("id"):
            label = f"row {reader.line_num} (id {cleaned['id']})"
        try:
            yield subject_from_record(cleaned, label)
        except InvalidInput as error:
            yield error
