"""National / internal list format (docs/formats/national-list.md) on synthetic fixtures."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality, ParsedList, PartRole
from tekser.errors import FieldError, InvalidInput, SourceError
from tekser.ingest.lists import national

HEADER = "id,name,birth_date,nationality,gender,schema"


@pytest.fixture(scope="module")
def national_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "national"


@pytest.fixture(scope="module")
def from_csv(national_dir: Path) -> dict[str, ListEntry]:
    return {e.source_id: e for e in national.read(national_dir / "refused-entry.csv").entries}


@pytest.fixture(scope="module")
def from_jsonl(national_dir: Path) -> dict[str, ListEntry]:
    return {e.source_id: e for e in national.read(national_dir / "refused-entry.jsonl").entries}


def _write(tmp_path: Path, text: str, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _errors(path: Path, list_id: str | None = "internal") -> list[FieldError]:
    with pytest.raises(InvalidInput) as caught:
        national.read(path, list_id)
    return caught.value.errors


def _fields(errors: list[FieldError]) -> list[tuple[str, str]]:
    return [(e.record, e.field) for e in errors]


# --- reading the fixtures ----------------------------------------------------------------------


def test_person_with_name_parts(from_csv: dict[str, ListEntry]) -> None:
    entry = from_csv["P-001"]
    assert entry.key == "refused-entry:P-001"
    assert entry.kind is EntityKind.PERSON
    primary = entry.names[0]
    assert primary.full == "ASANOV Bakhyt Yerlanovich"
    assert [(p.role, p.value) for p in primary.parts] == [
        (PartRole.FAMILY, "ASANOV"),
        (PartRole.GIVEN, "Bakhyt"),
        (PartRole.PATRONYMIC, "Yerlanovich"),
    ]
    assert primary.origin == "row 2/family_name+given_name+patronymic"
    names = {(n.full, n.kind, n.quality, n.original_script) for n in entry.names[1:]}
    assert names == {
        ("Bakhyt Asanov", NameKind.ALIAS, NameQuality.STRONG, False),
        ("Bakha Asanov", NameKind.ALIAS, NameQuality.STRONG, False),
        ("Baha", NameKind.ALIAS, NameQuality.WEAK, False),
        ("Асанов Бахыт Ерланович", NameKind.PRIMARY, NameQuality.STRONG, True),
    }
    assert entry.gender == "male"
    assert [(d.start, d.precision, d.origin) for d in entry.birth_dates] == [
        (date(1985, 3, 2), DatePrecision.DAY, "row 2/birth_date[1]")
    ]
    assert [(p.text, p.country and p.country.code) for p in entry.birth_places] == [("Shymkent, Kazakhstan", "KZ")]
    assert [c.code for c in entry.nationalities] == ["KZ"]
    documents = [(d.kind, d.number, d.country and d.country.code, d.origin) for d in entry.documents]
    assert documents == [
        ("passport", "N12345678", "KZ", "row 2/documents[1]"),
        ("iin", "850302363052", "KZ", "row 2/documents[2]"),
    ]
    assert entry.addresses[0].country is not None and entry.addresses[0].country.code == "KZ"


def test_designation_and_dates(from_csv: dict[str, ListEntry]) -> None:
    entry = from_csv["P-001"]
    (designation,) = entry.designations
    assert designation.authority == "Border Service"
    assert designation.programme == "Refused entry"
    assert designation.category == "immigration"
    assert designation.legal_basis == "Migration Law Art. 48"
    assert designation.listed_on == date(2023, 5, 10)
    attributes = {a.name: (a.value, a.origin) for a in entry.attributes}
    assert attributes == {
        "review_date": ("2025-05-10", "row 2/review_date"),
        "expires_on": ("2030-05-10", "row 2/expires_on"),
    }
    assert [r.text for r in entry.remarks] == ["Refused entry at the Almaty airport"]


def test_several_birth_dates_ranges_and_approximate(from_csv: dict[str, ListEntry]) -> None:
    dates = [(d.start, d.end, d.precision, d.approximate) for d in from_csv["P-002"].birth_dates]
    assert dates == [
        (date(1979, 1, 1), date(1981, 12, 31), DatePrecision.RANGE, False),
        (date(1980, 7, 1), date(1980, 7, 31), DatePrecision.MONTH, False),
    ]
    (circa,) = from_csv["P-003"].birth_dates
    assert (circa.start, circa.end, circa.precision, circa.approximate, circa.text) == (
        date(1970, 1, 1),
        date(1970, 12, 31),
        DatePrecision.YEAR,
        True,
        "~1970",
    )
    assert [c.code for c in from_csv["P-002"].nationalities] == ["UA", "RU"]


def test_cyrillic_parts_and_remark_with_semicolon(from_csv: dict[str, ListEntry]) -> None:
    entry = from_csv["P-003"]
    assert entry.caption == "ТАСБОЛАТОВА Меруерт Серікқызы"
    assert entry.names[0].script == "Cyrl"
    assert entry.names[0].parts[2] == entry.names[0].parts[2].__class__(PartRole.PATRONYMIC, "Серікқызы")
    assert entry.remarks[0].text == "Two entries at one crossing; keep under review"  # remarks are one value


def test_organisation_and_vessel(from_csv: dict[str, ListEntry]) -> None:
    organisation = from_csv["O-001"]
    assert organisation.kind is EntityKind.ORGANIZATION
    assert [n.full for n in organisation.names] == ["Northern Dawn Trading LLP", "NDT LLP", "Северный рассвет"]
    assert organisation.documents[0].kind == "registration"
    vessel = from_csv["V-001"]
    assert vessel.kind is EntityKind.VESSEL
    assert [(d.kind, d.number) for d in vessel.documents] == [("imo", "9123456")]


def _without_origins(entry: ListEntry) -> ListEntry:
    return replace(
        entry,
        names=tuple(replace(n, origin="") for n in entry.names),
        birth_dates=tuple(replace(d, origin="") for d in entry.birth_dates),
        birth_places=tuple(replace(p, origin="") for p in entry.birth_places),
        documents=tuple(replace(d, origin="") for d in entry.documents),
        addresses=tuple(replace(a, origin="") for a in entry.addresses),
        designations=tuple(replace(d, origin="") for d in entry.designations),
        attributes=tuple(replace(a, origin="") for a in entry.attributes),
        remarks=tuple(replace(r, origin="") for r in entry.remarks),
    )


def test_csv_and_json_lines_give_the_same_entries(
    from_csv: dict[str, ListEntry], from_jsonl: dict[str, ListEntry]
) -> None:
    assert list(from_csv) == list(from_jsonl)
    for key, entry in from_csv.items():
        assert _without_origins(entry) == _without_origins(from_jsonl[key])
    assert from_jsonl["P-002"].birth_dates[1].origin == "line 2/birth_date[2]"


def test_json_array_and_list_id_from_the_caller(tmp_path: Path) -> None:
    records = [{"id": "W-1", "name": "Ivan PETROV", "birth_date": ["1960..1965"], "nationality": ["RU"]}]
    parsed = national.read(_write(tmp_path, json.dumps(records), "list.json"), "internal-watch")
    (entry,) = parsed.entries
    assert (parsed.list_id, parsed.reader, entry.key) == ("internal-watch", "national/1", "internal-watch:W-1")
    assert entry.designations[0].authority == "internal-watch"
    assert entry.birth_dates[0].precision is DatePrecision.RANGE


def test_escaped_semicolon_in_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,aliases\nA-1,Ali KARIMOV,Karimov\\; Ali;A. Karimov\n")
    (entry,) = national.read(path, "internal").entries
    assert [n.full for n in entry.names[1:]] == ["Karimov; Ali", "A. Karimov"]


def test_expired_entries_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,listed_on,expires_on\nA-1,Ali KARIMOV,2019-01-01,2020-01-01\n")
    assert national.read(path, "internal").warnings == ["internal:A-1: expired on 2020-01-01"]


def test_sniff(national_dir: Path, tmp_path: Path) -> None:
    assert national.sniff(national_dir / "refused-entry.csv")
    assert national.sniff(national_dir / "refused-entry.jsonl")
    assert not national.sniff(_write(tmp_path, '36,"AEROCARIBBEAN AIRLINES",-0-\n'))
    assert not national.sniff(tmp_path)


# --- validation: every error, with row and field --------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        ("P-1,Ann LEE,1985-13-01,,,", "birth_date", "not a date"),
        ("P-1,Ann LEE,1990..1980,,,", "birth_date", "starts after it ends"),
        ("P-1,Ann LEE,,XX,,", "nationality", "unknown country"),
        ("P-1,Ann LEE,,,f,", "gender", "male or female"),
        ("P-1,Ann LEE,,,,company", "schema", "unknown schema"),
        ("P-1,,,,,", "name", "required"),
        (",Ann LEE,,,,", "id", "required"),
        ("P 1,Ann LEE,,,,", "id", "letters, digits"),
        ("P-1,Acme Ltd,1990,,,organization", "birth_date", "only for schema person"),
    ],
)
def test_each_field_error_names_row_and_field(tmp_path: Path, row: str, field: str, message: str) -> None:
    (error,) = _errors(_write(tmp_path, f"{HEADER}\n{row}\n"))
    assert error.record.startswith("list.csv row 2")
    assert error.field == field
    assert message in error.message


def test_all_errors_are_reported_at_once(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "id,name,birth_date,nationality,gender,documents,category,colour",
            "P-17,Ann LEE,1985-13-01,XX,,passport,terror,red",
            "P-18,,1985,KZ,male,passport:N1:ZZ,,",
            "P-17,Bob LEE,,,unknown,,,",
        ]
    )
    errors = _errors(_write(tmp_path, text + "\n"))
    assert _fields(errors) == [
        ("list.csv header", "colour"),
        ("list.csv row 2 (id P-17)", "birth_date"),
        ("list.csv row 2 (id P-17)", "nationality"),
        ("list.csv row 2 (id P-17)", "documents"),
        ("list.csv row 2 (id P-17)", "category"),
        ("list.csv row 3 (id P-18)", "name"),
        ("list.csv row 3 (id P-18)", "documents"),
        ("list.csv row 4 (id P-17)", "id"),
        ("list.csv row 4 (id P-17)", "gender"),
    ]
    assert errors[1].value == "1985-13-01"
    assert errors[7].message == "duplicate id, first used in row 2"
    with pytest.raises(InvalidInput, match="9 errors, nothing loaded"):
        national.read(_write(tmp_path, text + "\n"), "internal")


def test_json_errors_name_the_line(tmp_path: Path) -> None:
    lines = [
        '{"id": "A", "name": "Ann LEE", "birth_date": 1985, "colour": "red"}',
        "{not json",
        '["a list"]',
        '{"id": "B", "name": "Bob LEE", "documents": [{"type": "passport"}], "aliases": [1]}',
    ]
    errors = _errors(_write(tmp_path, "\n".join(lines), "list.jsonl"))
    assert _fields(errors) == [
        ("list.jsonl line 1 (id A)", "colour"),
        ("list.jsonl line 1 (id A)", "birth_date"),
        ("list.jsonl line 2", "(line)"),
        ("list.jsonl line 3", "(record)"),
        ("list.jsonl line 4 (id B)", "aliases"),
        ("list.jsonl line 4 (id B)", "documents"),
    ]


def test_wrong_json_types_are_reported_once(tmp_path: Path) -> None:
    line = '{"id": 17, "name": ["Ann"], "aliases": ["", "Ann L."], "list": ""}'
    errors = _errors(_write(tmp_path, line, "list.jsonl"))
    assert [(e.field, e.message) for e in errors] == [("id", "must be a string"), ("name", "must be a string")]


def test_invalid_iin_document_is_kept_with_a_note(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,documents\nA-1,Ann LEE,iin:751218369913:KZ;iin:850302463052\n")
    (entry,) = national.read(path, "internal").entries
    assert [(d.kind, d.note) for d in entry.documents] == [
        ("iin", "invalid IIN: check digit is 3, expected 2"),
        ("iin", None),
    ]


def test_expiry_before_listing(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name,listed_on,expires_on\nA-1,Ann LEE,2020-01-01,2019-01-01\n")
    assert _fields(_errors(path)) == [("list.csv row 2 (id A-1)", "expires_on")]


def test_row_with_too_many_cells(tmp_path: Path) -> None:
    path = _write(tmp_path, "id,name\nA-1,Ann LEE,extra\n")
    assert _fields(_errors(path)) == [("list.csv row 2", "(row)")]


# --- list id ---------------------------------------------------------------------------------------


def test_list_id_missing(tmp_path: Path) -> None:
    errors = _errors(_write(tmp_path, "id,name\nA-1,Ann LEE\n"), None)
    assert _fields(errors) == [("list.csv", "list")]


def test_rows_disagree_on_the_list(tmp_path: Path) -> None:
    path = _write(tmp_path, "list,id,name\nwatch,A-1,Ann LEE\nother,A-2,Bob LEE\n")
    (error,) = _errors(path, None)
    assert (error.record, error.field, error.value) == ("list.csv row 3", "list", "other")
    (error,) = _errors(path, "watch")
    assert error.message == "differs from 'watch' given in the command line"


def test_list_id_must_be_a_slug(tmp_path: Path) -> None:
    (error,) = _errors(_write(tmp_path, "id,name\nA-1,Ann LEE\n"), "Refused Entry")
    assert error.field == "list"


# --- refused files ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n", "the file is empty"),
        (b"id,name\n", "no records"),
        (b"id,name\nA-1,\xff\xfe\n", "not UTF-8"),
        (b'[{"id": "A", "name": "Ann"', "not well-formed JSON"),
    ],
)
def test_refused_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason):
        national.read(path, "internal")


# --- property: mutated input ------------------------------------------------------------------------


@settings()
@given(
    name=st.sampled_from(["refused-entry.csv", "refused-entry.jsonl"]),
    cut=st.integers(min_value=0, max_value=3000),
    position=st.integers(min_value=0, max_value=3000),
    junk=st.text(max_size=6),
)
def test_mutated_input_gives_a_list_or_a_refusal(
    national_dir: Path, name: str, cut: int, position: int, junk: str
) -> None:
    text = (national_dir / name).read_text(encoding="utf-8")
    text = text[: max(cut, 1)] if cut < len(text) else text
    text = text[:position] + junk + text[position + len(junk) :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            parsed = national.read(path)
        except (SourceError, InvalidInput):
            return
    assert isinstance(parsed, ParsedList)
