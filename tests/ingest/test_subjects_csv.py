"""Subjects as CSV: the header checked once, the delimiter found, columns mapped, dates read as told."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tekser.domain.subjects import Subject
from tekser.errors import InvalidInput
from tekser.ingest.subjects import parse_column_map, read_subjects, sniff_delimiter


def _read(text: str, **options: object) -> tuple[list[Subject | InvalidInput], list[str]]:
    warnings: list[str] = []
    found = list(read_subjects(io.StringIO(text), warn=warnings.append, **options))  # type: ignore[arg-type]
    return found, warnings


def test_an_unknown_column_is_ignored_with_one_warning() -> None:
    found, warnings = _read("id,name,branch,notes\n1,Ivan Petrov,Almaty,x\n2,Boris Ivanov,Astana,y\n")
    assert [s.name for s in found if isinstance(s, Subject)] == ["Ivan Petrov", "Boris Ivanov"]
    assert all(isinstance(s, Subject) and s.warnings == () for s in found)
    (warning,) = warnings
    assert warning.startswith("header (row 1): columns 'branch', 'notes' not a subject field: ignored")


def test_a_header_without_a_name_is_refused_once_before_any_row() -> None:
    with pytest.raises(InvalidInput) as refused:
        read_subjects(io.StringIO("id,fullname\n1,Ivan\n2,Boris\n"))  # (not even iterated)
    assert str(refused.value).startswith("header (row 1): no name column")
    assert "--map name=COLUMN" in str(refused.value)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found_in_the_header(delimiter: str) -> None:
    text = delimiter.join(["id", "name", "nationality"]) + "\n" + delimiter.join(["7", "Ana Lima", "BR"]) + "\n"
    ((subject,), warnings) = _read(text)
    assert isinstance(subject, Subject)
    assert (subject.id, subject.name, subject.nationality, warnings) == ("7", "Ana Lima", "BR", [])


def test_columns_are_mapped_to_fields() -> None:
    text = "Ref;FullName;DOB\nc1;Ivan Petrov;1964-04-13\n"
    ((subject,), _) = _read(text, column_map=parse_column_map("id=Ref,name=FullName,birth_date=DOB"))
    assert isinstance(subject, Subject)
    assert subject.id == "c1" and subject.name == "Ivan Petrov"
    assert subject.birth_date is not None and subject.birth_date.start == date(1964, 4, 13)
    with pytest.raises(InvalidInput, match=r"header \(row 1\): --map name=Full: no such column"):
        read_subjects(io.StringIO(text), column_map={"name": "Full"})


@pytest.mark.parametrize(
    ("text", "problem"),
    [("nom=FullName", "not a subject field"), ("name", "write FIELD=COLUMN"), ("name=A,name=B", "given twice")],
)
def test_a_bad_map_is_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        parse_column_map(text)


def test_dates_are_read_with_the_date_format_and_never_guessed() -> None:
    text = "id,name,birth_date\n1,Ivan Petrov,13/04/1964\n2,Boris Ivanov,1964-13-04\n"
    ivan, boris = _read(text, date_format="%d/%m/%Y")[0]
    assert isinstance(ivan, Subject) and ivan.birth_date is not None
    assert ivan.birth_date.start == ivan.birth_date.end == date(1964, 4, 13) and ivan.warnings == ()
    assert isinstance(boris, Subject) and boris.birth_date is None
    assert boris.warnings == (
        "row 3 (id 2), field birth_date: does not match --date-format %d/%m/%Y: not used (got '1964-13-04')",
    )
    (unsure,) = _read("id,name,birth_date\n1,Ivan Petrov,13/04/1964\n")[0]
    assert isinstance(unsure, Subject) and unsure.birth_date is None
    (warning,) = unsure.warnings
    assert warning.startswith("row 2 (id 1), field birth_date: day and month order unknown: give --date-format")
    ((year_only,), _) = _read("id,name,birth_date\n1,Ivan Petrov,born 1964\n", date_format="born %Y")
    assert isinstance(year_only, Subject) and year_only.birth_date is not None
    assert (year_only.birth_date.start, year_only.birth_date.end) == (date(1964, 1, 1), date(1964, 12, 31))


def test_a_trailing_delimiter_is_harmless_and_an_extra_value_names_its_row() -> None:
    assert _read("id,name,\n1,Ivan Petrov,\n")[1] == []  # (a trailing delimiter in the header too)
    found, _ = _read("id,name\n1,Ivan Petrov,\n2,Boris Ivanov,Astana\n")
    first, second = found
    assert isinstance(first, Subject) and first.name == "Ivan Petrov"
    assert isinstance(second, InvalidInput) and str(second).startswith("row 3: 3 values for 2 columns")


def test_json_lines_take_the_map_and_the_date_format_too() -> None:
    line = '{"ref": "j1", "FullName": "Ana Lima", "DOB": "13.04.1964"}\n'
    ((subject,), _) = _read(line, column_map={"id": "ref", "name": "FullName", "birth_date": "DOB"},
                            date_format="%d.%m.%Y")  # fmt: skip
    assert isinstance(subject, Subject) and subject.id == "j1" and subject.warnings == ()
    assert subject.birth_date is not None and subject.birth_date.start == date(1964, 4, 13)


_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Zl", "Zp", "Cc"), blacklist_characters="\x85"), max_size=20
)
_COLUMN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


@given(
    names=st.lists(_CELL.filter(lambda t: t.strip() != ""), min_size=1, max_size=6),
    extra=st.lists(_CELL, min_size=6, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    name_column=_COLUMN.map(lambda c: "Full" + c),
    extra_column=_COLUMN.map(lambda c: "x" + c),
)
def test_any_written_csv_reads_back(
    names: list[str], extra: list[str], delimiter: str, name_column: str, extra_column: str
) -> None:
    """Whatever the delimiter, the column names and the cells (quotes, delimiters and all), a file
    written by a CSV writer reads back as its subjects, with one warning for the extra column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["id", name_column, extra_column])
    writer.writerows([f"s{i}", name, extra[i]] for i, name in enumerate(names))
    found, warnings = _read(buffer.getvalue(), column_map={"name": name_column})
    assert [(s.id, s.name) for s in found if isinstance(s, Subject)] == [
        (f"s{i}", " ".join(name.split())) for i, name in enumerate(names)
    ]
    assert len(found) == len(names)
    assert len(warnings) == 1 and repr(extra_column) in warnings[0]


@given(columns=st.lists(_COLUMN, min_size=2, max_size=8), delimiter=st.sampled_from([",", ";", "\t"]))
def test_the_delimiter_of_any_header_is_found(columns: list[str], delimiter: str) -> None:
    assert sniff_delimiter(delimiter.join(columns)) == delimiter
