"""FtM entity JSON lines reader: joins, mappings, provenance and refusals."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality, ParsedList, PartRole
from tekser.errors import SourceError
from tekser.ingest.lists import ftm


@pytest.fixture(scope="module")
def sample(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "ftm" / "sample.ftm.jsonl"


@pytest.fixture(scope="module")
def parsed(sample: Path) -> ParsedList:
    return ftm.read(sample)


def entry(parsed: ParsedList, source_id: str) -> ListEntry:
    return next(e for e in parsed.entries if e.source_id == source_id)


def write_lines(path: Path, *entities: dict[str, Any] | str) -> Path:
    lines = [e if isinstance(e, str) else json.dumps(e, ensure_ascii=False) for e in entities]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def person(entity_id: str = "p1", **properties: list[str]) -> dict[str, Any]:
    props = {"name": ["Test Person"], **properties}
    return {"id": entity_id, "schema": "Person", "properties": props, "target": True, "datasets": ["t"]}


# --- sniff and file-level facts ----------------------------------------------------------


def test_sniff_recognises_ftm_lines(sample: Path, tmp_path: Path) -> None:
    assert ftm.sniff(sample)
    assert ftm.sniff(write_lines(tmp_path / "x.json", "", person()))
    assert not ftm.sniff(write_lines(tmp_path / "list.json", '[{"schema": "Person"}]'))
    assert not ftm.sniff(write_lines(tmp_path / "other.jsonl", '{"id": "a", "name": "b"}'))
    assert not ftm.sniff(write_lines(tmp_path / "sample.xml", person()))
    assert not ftm.sniff(write_lines(tmp_path / "broken.json", '{"schema": "Person", "prop'))
    assert not ftm.sniff(tmp_path)


def test_reads_targets_only_and_reports_what_it_skipped(parsed: ParsedList) -> None:
    assert parsed.list_id == "ftm"
    assert parsed.reader == "ftm-jsonl/1"
    assert [e.key for e in parsed.entries] == [
        "ftm:tk-p-karimov",
        "ftm:tk-o-crescent",
        "ftm:tk-c-bosphorus",
        "ftm:tk-v-amber",
    ]
    assert [e.kind for e in parsed.entries] == [
        EntityKind.PERSON,
        EntityKind.ORGANIZATION,
        EntityKind.ORGANIZATION,
        EntityKind.VESSEL,
    ]
    assert parsed.warnings == ["1 non-target Person entities skipped"]
    assert parsed.files[0].name == "sample.ftm.jsonl"
    assert len(parsed.files[0].sha256) == 64


def test_list_id_names_the_keys(sample: Path) -> None:
    parsed = ftm.read(sample, list_id="opensanctions")
    karimov = entry(parsed, "tk-p-karimov")
    assert karimov.key == "opensanctions:tk-p-karimov"
    assert karimov.list_id == "opensanctions"
    assert {link.target_key for link in karimov.links} == {"opensanctions:tk-p-murad", "opensanctions:tk-o-crescent"}


# --- persons -----------------------------------------------------------------------------------


def test_person_names_parts_and_scripts(parsed: ParsedList) -> None:
    names = {n.full: n for n in entry(parsed, "tk-p-karimov").names}
    latin = names["Ruslan Akhmedovich Karimov"]
    assert latin.kind is NameKind.PRIMARY
    assert [(p.role, p.value) for p in latin.parts] == [
        (PartRole.GIVEN, "Ruslan"),
        (PartRole.PATRONYMIC, "Akhmedovich"),
        (PartRole.FAMILY, "Karimov"),
    ]
    assert latin.origin == "properties.name[0]"
    assert not latin.original_script
    cyrillic = names["Каримов Руслан Ахмедович"]
    assert (cyrillic.kind, cyrillic.script, cyrillic.original_script) == (NameKind.PRIMARY, "Cyrl", True)
    assert names["Руслан Каримов"].original_script
    assert names["Руслан Каримов"].origin == "properties.alias[1]"
    weak = names["Abu Salim"]
    assert (weak.kind, weak.quality, weak.source_quality) == (NameKind.ALIAS, NameQuality.WEAK, "weakAlias")
    assert names["Ruslan Karimov"].quality is NameQuality.STRONG
    assert names["Ruslan Akhmedov"].kind is NameKind.FORMER


def test_birth_dates_of_every_precision_are_intervals(parsed: ParsedList) -> None:
    dates = entry(parsed, "tk-p-karimov").birth_dates
    assert [(d.start, d.end, d.precision, d.origin) for d in dates] == [
        (date(1971, 1, 1), date(1971, 12, 31), DatePrecision.YEAR, "properties.birthDate[0]"),
        (date(1971, 3, 1), date(1971, 3, 31), DatePrecision.MONTH, "properties.birthDate[1]"),
        (date(1971, 3, 14), date(1971, 3, 14), DatePrecision.DAY, "properties.birthDate[2]"),
    ]


def test_person_facts(parsed: ParsedList) -> None:
    karimov = entry(parsed, "tk-p-karimov")
    assert karimov.gender == "male"
    assert [(c.name, c.code) for c in karimov.nationalities] == [("ru", "RU")]
    assert [c.code for c in karimov.citizenships] == ["TR"]
    assert [(p.text, p.country.code if p.country else None) for p in karimov.birth_places] == [
        ("Makhachkala, Dagestan", None),
        ("ru", "RU"),
    ]
    assert karimov.titles == ("Sheikh",)
    assert karimov.positions == ("Financier of a synthetic network",)
    assert [(c.kind, c.value) for c in karimov.contacts] == [
        ("email", "r.karimov@example.org"),
        ("phone", "+7 872 255-01-23"),
    ]
    assert [r.text for r in karimov.remarks] == ["Synthetic record written for tekser tests."]
    assert karimov.last_updated == (date(2024, 2, 1),)


def test_documents_join_passport_and_identification_without_duplicates(parsed: ParsedList) -> None:
    documents = {d.number_normalized: d for d in entry(parsed, "tk-p-karimov").documents}
    assert set(documents) == {"AB1234567", "7512345678", "98765432101"}  # passportNumber joins the Passport
    passport = documents["7512345678"]
    assert (passport.kind, passport.number, passport.origin) == ("passport", "75 1234 5678", "Passport:tk-pass-karimov")
    assert passport.country is not None and passport.country.code == "RU"
    assert (passport.issued_by, passport.issue_date, passport.expiry_date) == ("MVD 0512", "2012-05-04", "2022-05-04")
    identification = documents["98765432101"]
    assert (identification.kind, identification.kind_raw) == ("national_id", "Turkish Identification Number")
    assert documents["AB1234567"].origin == "properties.idNumber[0]"


def test_sanction_becomes_a_designation(parsed: ParsedList) -> None:
    karimov = entry(parsed, "tk-p-karimov")
    (designation,) = karimov.designations
    assert designation.authority == "UN Security Council"
    assert designation.programme == "ISIL (Da'esh) and Al-Qaida"
    assert designation.listed_on == date(2015, 6, 2)
    assert designation.reference == "QDi.901"
    assert designation.legal_basis == "Providing financial support to a synthetic armed group."
    assert designation.category == "terrorism"  # from the entity's crime.terror topic
    assert designation.origin == "Sanction:tk-s-karimov-un"
    provisions = [(a.value, a.origin) for a in karimov.attributes if a.name == "Sanction.provisions"]
    assert provisions == [
        ("Asset freeze", "Sanction:tk-s-karimov-un/provisions"),
        ("Travel ban", "Sanction:tk-s-karimov-un/provisions"),
    ]


def test_address_entity_is_joined_and_repeated_text_dropped(parsed: ParsedList) -> None:
    (address,) = entry(parsed, "tk-p-karimov").addresses
    assert address.text == "12 Lenina Street, Makhachkala, Russia"
    assert (address.street, address.city, address.postal_code) == ("12 Lenina Street", "Makhachkala", "367000")
    assert address.country is not None and address.country.code == "RU"
    assert address.origin == "Address:tk-addr-karimov"


def test_links_on_both_sides(parsed: ParsedList) -> None:
    def links(source_id: str) -> list[tuple[str, str, str | None, str]]:
        return [(x.relation, x.target_name, x.target_key, x.origin) for x in entry(parsed, source_id).links]

    assert links("tk-p-karimov") == [
        ("relative (brother)", "Murad Karimov", "ftm:tk-p-murad", "Family:tk-fam-karimov"),
        ("director of (Chairman)", "Crescent Relief Foundation", "ftm:tk-o-crescent", "Directorship:tk-dir-karimov"),
    ]
    assert links("tk-o-crescent")[1] == (
        "owner of",
        "Bosphorus Maritime Trading Ltd",
        "ftm:tk-c-bosphorus",
        "Ownership:tk-own-bosphorus",
    )
    assert links("tk-c-bosphorus")[0][:3] == ("owned by", "Crescent Relief Foundation", "ftm:tk-o-crescent")
    # What else the relationship states is kept, so that an export can write it back.
    ownership = [(a.name, a.value, a.origin) for a in entry(parsed, "tk-c-bosphorus").attributes if "." in a.name]
    assert ownership == [("Ownership.percentage", "60", "Ownership:tk-own-bosphorus/percentage")]


def test_primary_name_first_whatever_the_key_order(tmp_path: Path) -> None:
    # Exports often sort keys: "alias" then comes before "name" in the file.
    entity = person(name=["Amina Qasim"], alias=["Umm Ali"], weakAlias=["AQ"])
    path = tmp_path / "sorted.ftm.jsonl"
    path.write_text(json.dumps(entity, sort_keys=True) + "\n", encoding="utf-8")
    (found,) = ftm.read(path).entries
    assert [(n.full, n.kind) for n in found.names] == [
        ("Amina Qasim", NameKind.PRIMARY),
        ("Umm Ali", NameKind.ALIAS),
        ("AQ", NameKind.ALIAS),
    ]
    assert found.caption == "Amina Qasim"
    assert found.names[0].origin == "properties.name[0]"


def test_kosovo_code_is_a_country(tmp_path: Path) -> None:
    # FtM writes Kosovo as "xk", a code ISO 3166 leaves to its users.
    path = write_lines(tmp_path / "xk.ftm.jsonl", person(birthCountry=["xk"], nationality=["xk"]))
    (found,) = ftm.read(path).entries
    assert [p.country.code for p in found.birth_places if p.country] == ["XK"]
    assert [c.code for c in found.nationalities] == ["XK"]


def test_other_properties_and_metadata_become_attributes(parsed: ParsedList) -> None:
    attributes = {(a.name, a.value, a.origin) for a in entry(parsed, "tk-p-karimov").attributes}
    assert ("education", "Synthetic Institute of Economics", "properties.education[0]") in attributes
    assert ("topics", "crime.terror", "properties.topics[1]") in attributes
    assert ("dataset", "tk_test_sanctions", "datasets") in attributes
    assert ("referent", "tk-old-karimov", "referent") in attributes
    assert ("schema", "Person", "schema") in attributes
    assert ("first_seen", "2023-01-05T10:00:00", "first_seen") in attributes
    assert not any(name == "last_seen" for name, _, _ in attributes)  # changes with every export run


# --- organisations and vessels ---------------------------------------------------------------


def test_organization_and_company(parsed: ParsedList) -> None:
    crescent = entry(parsed, "tk-o-crescent")
    assert [(n.full, n.kind, n.quality) for n in crescent.names] == [
        ("Crescent Relief Foundation", NameKind.PRIMARY, NameQuality.STRONG),
        ("Hilal Relief", NameKind.ALIAS, NameQuality.STRONG),
        ("CRF", NameKind.ALIAS, NameQuality.WEAK),
        ("Crescent Aid Society", NameKind.FORMER, NameQuality.STRONG),
    ]
    assert [(d.authority, d.programme, d.reference) for d in crescent.designations] == [
        ("US Treasury OFAC", "SDGT", "99901")
    ]
    assert [a.text for a in crescent.addresses] == ["Fatih, Istanbul, Turkey"]
    bosphorus = entry(parsed, "tk-c-bosphorus")
    assert [(d.kind, d.number, d.kind_raw) for d in bosphorus.documents] == [("tax_id", "7707083893", "innCode")]
    assert ("schema", "Company") in {(a.name, a.value) for a in bosphorus.attributes}


def test_vessel_identifiers(parsed: ParsedList) -> None:
    amber = entry(parsed, "tk-v-amber")
    assert amber.kind is EntityKind.VESSEL
    assert [(d.kind, d.number) for d in amber.documents] == [("imo", "IMO9176187"), ("mmsi", "273456780")]
    assert ("flag", "km") in {(a.name, a.value) for a in amber.attributes}
    assert amber.designations[0].listed_on == date(2020, 3, 10)


# --- edge cases ---------------------------------------------------------------------------------


def test_name_composed_from_parts_when_no_name_holds_them(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "p.jsonl",
        person(name=["Умаров Доку"], firstName=["Doku"], fatherName=["Khamatovich"], lastName=["Umarov"]),
    )
    (only,) = ftm.read(path).entries
    composed = only.names[-1]
    assert composed.full == "Doku Khamatovich Umarov"
    assert [p.role for p in composed.parts] == [PartRole.GIVEN, PartRole.PATRONYMIC, PartRole.FAMILY]
    assert composed.origin == "properties.firstName[0]+properties.fatherName[0]+properties.lastName[0]"


def test_unsupported_schemas_and_dangling_references_are_reported(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "p.jsonl",
        person(addressEntity=["missing-address"], birthDate=["1980-02-30", "1975-06-01T00:00:00"]),
        {"id": "occ", "schema": "Occupancy", "properties": {"holder": ["p1"]}, "target": False},
        {"id": "s9", "schema": "Sanction", "properties": {"entity": ["nobody"], "program": ["X"]}},
    )
    parsed = ftm.read(path)
    assert parsed.warnings == [
        "1 unsupported schema entities skipped",
        "1 Sanction entities refer to no target entity",
        "1 addressEntity references find no Address entity",
    ]
    (only,) = parsed.entries
    assert [d.precision for d in only.birth_dates] == [DatePrecision.TEXT, DatePrecision.DAY]
    assert ("addressEntity", "missing-address") in {(a.name, a.value) for a in only.attributes}


def test_caption_names_an_entity_without_name_property(tmp_path: Path) -> None:
    vessel = {"id": "v1", "schema": "Vessel", "caption": "SEA BIRD", "properties": {"imoNumber": ["IMO1234567"]}}
    (only,) = ftm.read(write_lines(tmp_path / "v.jsonl", vessel)).entries
    assert [(n.full, n.origin) for n in only.names] == [("SEA BIRD", "caption")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\n  \n", "the file is empty"),
        (
            b'{"id": "p1", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "p2", "sch',
            "line 2: not valid JSON",
        ),
        (b"not json\n", "line 1: not valid JSON"),
        (b"[1, 2]\n", "line 1: not a JSON object"),
        (b'{"schema": "Person", "properties": {}}\n', "line 1: the entity has no id"),
        (b'{"id": "p1", "properties": {}}\n', "line 1: entity p1: no schema"),
        (b'{"id": "p1", "schema": "Persn", "target": true, "properties": {}}\n', "unknown schema 'Persn' for a target"),
        (b'{"id": "p1", "schema": "Person", "properties": []}\n', "line 1: entity p1: properties is not an object"),
        (
            b'{"id": "p1", "schema": "Person", "properties": {"name": "A"}}\n',
            "properties.name is not a list of strings",
        ),
        (
            b'{"id": "p1", "schema": "Person", "properties": {"name": [1]}}\n',
            "properties.name is not a list of strings",
        ),
        (b'{"id": "p1", "schema": "Person", "target": "yes", "properties": {}}\n', "target is not true or false"),
        (b'{"id": "p1", "schema": "Person", "datasets": "x", "properties": {}}\n', "datasets is not a list of strings"),
        (b'{"id": "p1", "schema": "Person", "caption": 5, "properties": {}}\n', "caption is not a string"),
        (b'{"id": "p1", "schema": "Person", "properties": {"name": ["\xff"]}}\n', "line 1: not valid UTF-8"),
        (b'{"id": "p1", "schema": "Person", "properties": {}}\n', "line 1: entity p1 has no name"),
        (b'{"id": "s1", "schema": "Sanction", "properties": {}}\n', "no target entity"),
    ],
)
def test_refusals_name_the_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.ftm.jsonl"
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        ftm.read(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_duplicate_id_is_refused(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "dup.jsonl", person(), person())
    with pytest.raises(SourceError, match=r"line 2: id p1 appears twice \(first on line 1\)"):
        ftm.read(path)


def test_truncated_last_line_is_refused_not_dropped(sample: Path, tmp_path: Path) -> None:
    text = sample.read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "cut.ftm.jsonl"
    path.write_text(text[: len(text) - 40], encoding="utf-8")
    lines = len(text.splitlines())
    with pytest.raises(SourceError, match=rf"line {lines}: not valid JSON .*truncated or corrupt"):
        ftm.read(path)


_LINES = (Path(__file__).resolve().parents[2] / "fixtures/lists/ftm/sample.ftm.jsonl").read_text("utf-8").splitlines()


@st.composite
def mutated_files(draw: st.DrawFn) -> str:
    """The sample with one line truncated, one character replaced or some text spliced in."""
    lines = list(_LINES)
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    position = draw(st.integers(0, len(line)))
    operation = draw(st.sampled_from(["truncate", "replace", "insert", "drop_line"]))
    if operation == "truncate":
        lines[index] = line[:position]
        lines = lines[: index + 1]
    elif operation == "replace":
        lines[index] = line[:position] + draw(st.characters()) + line[position + 1 :]
    elif operation == "insert":
        lines[index] = line[:position] + draw(st.text(max_size=12)) + line[position:]
    else:
        del lines[index]
    return "\n".join(lines)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_files())
def test_mutated_files_give_a_list_or_a_refusal(content: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.ftm.jsonl"
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
        refusal: SourceError | None = None
        try:
            parsed = ftm.read(path)
        except SourceError as error:
            refusal = error
        if refusal is not None:
            assert str(refusal).startswith(f"{path}: ")
        else:
            assert isinstance(parsed, ParsedList)
            assert all(e.names for e in parsed.entries)
