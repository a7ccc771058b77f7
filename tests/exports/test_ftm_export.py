"""FtM export: valid per the followthemoney library, deterministic, and a round trip through the reader.

The acceptance round trip (export → FtM validation with the library → import → export gives the same
entities and ids) runs on every list fixture of the project and, when the shared data is there, on the
real UN and OFAC lists.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from followthemoney.exc import InvalidData
from followthemoney.types import registry

from tekser.domain.countries import country
from tekser.domain.watchlists import (
    Address,
    Contact,
    DatePrecision,
    Designation,
    Document,
    EntityKind,
    FuzzyDate,
    ListEntry,
    Name,
    NameKind,
    NamePart,
    NameQuality,
    PartRole,
    Place,
    Remark,
)
from tekser.exports import ftm as export
from tekser.ingest.lists import ftm, ofac, un
from tekser.ingest.lists import registry as readers
from tekser.ingest.lists.dates import parse_date, year_range


@pytest.fixture(scope="module")
def sample_entries(fixtures_dir: Path) -> list[ListEntry]:
    return ftm.read(fixtures_dir / "lists" / "ftm" / "sample.ftm.jsonl").entries


def synthetic(**fields: Any) -> ListEntry:
    """A UN-like person designated for terrorism, with the traps the export must handle."""
    base: dict[str, Any] = {
        "key": "un:QDi.999",
        "list_id": "un",
        "source_id": "QDi.999",
        "kind": EntityKind.PERSON,
        "names": (
            Name(
                full="Aslan Vakhaevich Dudarov",
                parts=(
                    NamePart(PartRole.GIVEN, "Aslan"),
                    NamePart(PartRole.PATRONYMIC, "Vakhaevich"),
                    NamePart(PartRole.FAMILY, "Dudarov"),
                ),
                origin="FIRST_NAME..FOURTH_NAME",
            ),
            Name(full="Дударов Аслан Вахаевич", script="Cyrl", original_script=True, origin="NAME_ORIGINAL_SCRIPT"),
            Name(full="Abu Hamza", kind=NameKind.ALIAS, quality=NameQuality.WEAK, origin="INDIVIDUAL_ALIAS[1]"),
            Name(full="Aslan Dudaev", kind=NameKind.ALIAS, origin="INDIVIDUAL_ALIAS[2]"),
            Name(full="Aslan Vakhaev", kind=NameKind.FORMER, origin="INDIVIDUAL_ALIAS[3]"),
        ),
        "gender": "male",
        "birth_dates": (parse_date("1964"), parse_date("1964-04"), parse_date("13 Apr 1964")),
        "birth_places": (Place(text="Grozny, Russian Federation", city="Grozny", country=country("Russia")),),
        "nationalities": (country("Russian Federation"),),
        "citizenships": (country("Georgia"),),
        "documents": (
            Document("passport", "96 03 464086", "9603464086", "Passport", country("Russia"), "01 Jun. 2003"),
            Document("national_id", "1234-5678", "12345678", "National Identification Number", country("Georgia")),
        ),
        "designations": (
            Designation(
                authority="UN Security Council",
                programme="Al-Qaida",
                category="terrorism",
                listed_on=date(2011, 3, 10),
                reference="QDi.999",
                legal_basis="Resolution 2253 (2015)",
                origin="UN_LIST_TYPE",
            ),
        ),
        "titles": ("Amir",),
        "contacts": (Contact("email", "a.dudarov@example.org"), Contact("phone", "00 7 123")),
        "remarks": (Remark("Synthetic record.", "COMMENTS1"),),
    }
    base.update(fields)
    return ListEntry(**base)


def write_entities(path: Path, *entities: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e | {"target": e["schema"] == "Person"}) + "\n" for e in entities), "utf-8")
    return path


def properties_of(entities: Iterable[dict[str, Any]], schema: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = next(e["properties"] for e in entities if e["schema"] == schema)
    return found


def ftm_problems(entities: Iterable[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """Values the followthemoney library finds invalid, and values its own cleaning would change."""
    invalid: list[str] = []
    changed: list[str] = []
    for entity in entities:
        schema = model.get(entity["schema"])
        assert schema is not None and not schema.abstract, entity["schema"]
        try:
            schema.validate(entity)
        except InvalidData as error:
            invalid.append(f"{entity['id']}: {error}")
        proxy = model.make_entity(schema)
        for prop_name, values in entity["properties"].items():
            prop = schema.properties[prop_name]
            for value in values:
                if not prop.type.validate(value, format=prop.format):
                    invalid.append(f"{entity['id']} {prop_name}: {value!r}")
                if prop.type.clean_text(value, format=prop.format, proxy=proxy) != value:
                    changed.append(f"{entity['id']} {prop_name}: {value!r}")
    return invalid, changed


def assert_valid(entity: dict[str, Any]) -> None:
    """Loads with followthemoney, no value is invalid, and FtM's cleaning changes or drops nothing."""
    assert registry.entity.validate(entity["id"]), entity["id"]
    schema = model.get(entity["schema"])
    assert schema is not None and not schema.abstract
    cleaned = model.get_proxy(entity, cleaned=False).to_dict()
    assert cleaned["id"] == entity["id"]
    for prop, values in entity["properties"].items():
        assert prop in schema.properties, f"{schema.name} has no property {prop}"
        assert not schema.properties[prop].stub, prop
        assert values, prop
        assert cleaned["properties"].get(prop, []) == values, prop
    assert ftm_problems([entity]) == ([], [])


def test_fixture_export_is_valid_ftm(sample_entries: list[ListEntry]) -> None:
    for entry in sample_entries:
        for entity in export.entry_to_ftm(entry):
            assert_valid(entity)


def test_synthetic_export_is_valid_ftm() -> None:
    for entity in export.entry_to_ftm(synthetic()):
        assert_valid(entity)


def test_target_and_helpers() -> None:
    entities = export.entry_to_ftm(synthetic())
    target = entities[0]
    assert (target["id"], target["schema"], target["target"]) == ("tekser-un-QDi.999", "Person", True)
    assert target["caption"] == "Aslan Vakhaevich Dudarov"
    assert target["datasets"] == ["un"]
    assert [e["schema"] for e in entities[1:]] == ["Passport", "Identification", "Sanction"]
    assert all(e["target"] is False and e["id"].startswith("tekser-") for e in entities[1:])
    props = target["properties"]
    assert props["name"] == ["Aslan Vakhaevich Dudarov", "Дударов Аслан Вахаевич"]
    assert props["weakAlias"] == ["Abu Hamza"]
    assert props["alias"] == ["Aslan Dudaev"]
    assert props["previousName"] == ["Aslan Vakhaev"]
    assert (props["firstName"], props["fatherName"], props["lastName"]) == (["Aslan"], ["Vakhaevich"], ["Dudarov"])
    assert props["birthDate"] == ["1964", "1964-04", "1964-04-13"]
    assert (props["nationality"], props["citizenship"], props["birthCountry"]) == (["ru"], ["ge"], ["ru"])
    assert props["birthPlace"] == ["Grozny, Russian Federation"]
    assert props["topics"] == ["sanction", "crime.terror"]  # listed, under a terrorism programme
    assert props["passportNumber"] == ["96 03 464086"]
    assert props["idNumber"] == ["1234-5678"]
    assert props["title"] == ["Amir"]
    assert props["email"] == ["a.dudarov@example.org"]
    assert props["notes"] == ["Synthetic record.", "phone: 00 7 123"]  # FtM's cleaning refuses that number


def test_helper_entities_carry_documents_and_designations() -> None:
    entities = export.entry_to_ftm(synthetic())
    passport = properties_of(entities, "Passport")
    assert passport == {
        "holder": ["tekser-un-QDi.999"],
        "number": ["96 03 464086"],
        "type": ["Passport"],
        "country": ["ru"],
        "startDate": ["2003-06-01"],
    }
    assert properties_of(entities, "Identification")["country"] == ["ge"]
    sanction = properties_of(entities, "Sanction")
    assert sanction == {
        "entity": ["tekser-un-QDi.999"],
        "authority": ["UN Security Council"],
        "program": ["Al-Qaida"],
        "listingDate": ["2011-03-10"],
        "unscId": ["QDi.999"],
        "reason": ["Resolution 2253 (2015)"],
    }


def test_ids_are_deterministic_and_valid_for_any_source_id() -> None:
    first, again = export.entry_to_ftm(synthetic()), export.entry_to_ftm(synthetic())
    assert [e["id"] for e in first] == [e["id"] for e in again]
    odd = synthetic(list_id="kz_afm", source_id="№ 12/3 ", key="kz_afm:№ 12/3")
    ids = [e["id"] for e in export.entry_to_ftm(odd)]
    assert all(registry.entity.validate(i) for i in ids), ids
    assert ids[0].startswith("tekser-kz-afm-")
    assert ids[0] != export.entry_to_ftm(synthetic(list_id="kz_afm", source_id="№ 12/4"))[0]["id"]


@pytest.mark.parametrize(
    ("birth", "values", "note"),
    [
        (parse_date("1964"), ["1964"], None),
        (parse_date("Apr 1964"), ["1964-04"], None),
        (parse_date("13.04.1964"), ["1964-04-13"], None),
        (year_range(1961, 1963, text="1961-1963", origin=""), ["1961", "1962", "1963"], None),
        (year_range(1950, 1960, text="1950-1960", origin=""), [], "Date of birth: 1950-1960"),
        (parse_date("Between Aug. and Sep. 1977"), ["1977"], None),
        (parse_date("circa 1951"), ["1951"], "Date of birth: circa 1951 (approximate)"),
        (parse_date("from false passport"), [], "Date of birth: from false passport"),
    ],
)
def test_birth_dates_at_their_precision(birth: FuzzyDate, values: list[str], note: str | None) -> None:
    (target, *_) = export.entry_to_ftm(synthetic(birth_dates=(birth,), remarks=(), contacts=()))
    assert target["properties"].get("birthDate", []) == values
    assert target["properties"].get("notes", []) == ([note] if note else [])
    assert_valid(target)


def test_positional_name_parts_are_not_exported() -> None:
    name = Name(
        full="DOKU KHAMATOVICH UMAROV",
        parts=(NamePart(PartRole.FIRST, "DOKU"), NamePart(PartRole.SECOND, "KHAMATOVICH")),
    )
    (target, *_) = export.entry_to_ftm(synthetic(names=(name,)))
    assert target["properties"]["name"] == ["DOKU KHAMATOVICH UMAROV"]
    assert "firstName" not in target["properties"]


def test_vessel_and_organization_use_their_own_properties() -> None:
    vessel = synthetic(
        kind=EntityKind.VESSEL,
        names=(Name(full="SEA BIRD"),),
        documents=(Document("other", "IMO 1234567", "IMO1234567", "Vessel Registration Identification"),),
        nationalities=(),
        citizenships=(),
        birth_dates=(),
        birth_places=(),
        titles=(),
        contacts=(),
    )
    entities = export.entry_to_ftm(vessel)
    assert [e["schema"] for e in entities] == ["Vessel", "Sanction"]
    assert "gender" not in entities[0]["properties"]
    assert entities[0]["properties"]["notes"][-1] == "Vessel Registration Identification: IMO 1234567"
    for entity in entities:
        assert_valid(entity)
    organization = synthetic(kind=EntityKind.ORGANIZATION, names=(Name(full="Crescent Relief"),), birth_dates=())
    entities = export.entry_to_ftm(organization)
    props = entities[0]["properties"]
    assert entities[0]["schema"] == "Organization"
    assert props["country"] == ["ru", "ge"]
    assert "Title: Amir" in props["notes"]
    assert [e["schema"] for e in entities[1:]] == ["Identification", "Identification", "Sanction"]
    for entity in entities:
        assert_valid(entity)


def test_write_ftm_writes_json_lines(sample_entries: list[ListEntry], fixtures_dir: Path) -> None:
    out = io.StringIO()
    count = export.write_ftm(sample_entries, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(lines) == 14
    # An FtM import is written back with the ids it came with, each entity once.
    source = fixtures_dir / "lists" / "ftm" / "sample.ftm.jsonl"
    stated = source.read_text(encoding="utf-8").splitlines()
    assert sorted(e["id"] for e in lines) == sorted(json.loads(line)["id"] for line in stated)


def test_values_are_written_as_ftm_cleans_them() -> None:
    entry = synthetic(
        names=(
            Name(full="Ahmed Abdi GODANE"),
            Name(full='"GODANE"', kind=NameKind.ALIAS),
            Name(full="'FUPI'", kind=NameKind.ALIAS, quality=NameQuality.WEAK),
        ),
        contacts=(Contact("website", "www.havanaintbank.co.uk"), Contact("phone", "+31 10-4360037")),
        documents=(Document("ssn", "523-33-8386", "523338386", "SSN"),),
    )
    (target, *helpers) = export.entry_to_ftm(entry)
    props = target["properties"]
    assert props["alias"] == ["GODANE"]
    assert props["weakAlias"] == ["FUPI"]
    assert props["website"] == ["http://www.havanaintbank.co.uk/"]
    assert props["phone"] == ["+31104360037"]
    assert props["socialSecurityNumber"] == ["523338386"]
    assert ftm_problems([target, *helpers]) == ([], [])


def test_values_ftm_refuses_go_to_notes_and_are_counted() -> None:
    sentence = "Central African Republic armed forces (FACA) Military identification number 911-10-77"
    several = "Branch Office 1: " + "; ".join(
        f"{n}) Shop number {n}, Dr. Bano Road, Quetta, Pakistan" for n in range(6)
    )
    assert len(sentence) > 64 and len(several) > 250  # FtM's longest identifier and address
    entry = synthetic(
        documents=(Document("national_id", sentence, sentence, "Identification Number"),),
        addresses=(Address(several), Address("Kabul, Afghanistan")),
        contacts=(),
    )
    stats = export.ExportStats()
    entities = export.entry_to_ftm(entry, stats)
    props = entities[0]["properties"]
    assert f"Identification Number: {sentence}" in props["notes"]
    assert f"Address: {several}" in props["notes"]
    assert props["address"] == ["Kabul, Afghanistan"]
    assert "idNumber" not in props
    assert [e["schema"] for e in entities[1:]] == ["Sanction"]  # no Identification without a number
    assert stats.refused == {"idNumber": 1, "number": 1, "address": 1}
    assert stats.warnings() == [
        "1 address values refused by FtM's cleaning (kept in notes)",
        "1 idNumber values refused by FtM's cleaning (kept in notes)",
        "1 number values refused by FtM's cleaning (kept in notes)",
    ]
    assert ftm_problems(entities) == ([], [])


def test_topics_only_where_the_source_says_so(sample_entries: list[ListEntry]) -> None:
    def topics(entry: ListEntry) -> list[str]:
        found: list[str] = export.entry_to_ftm(entry)[0]["properties"].get("topics", [])
        return found

    assert topics(synthetic(designations=())) == []

    def listed(programme: str, category: str, legal_basis: str | None = None) -> ListEntry:
        return synthetic(designations=(Designation("X", programme, category, legal_basis=legal_basis),))

    assert topics(listed("SDNTK", "narcotics")) == ["sanction"]
    assert topics(listed("SDGT", "terrorism")) == ["sanction", "crime.terror"]
    assert topics(listed("Participants in terrorist activities (category 2)", "terrorism")) == [
        "sanction",
        "crime.terror",
    ]
    # Filed under terrorism by categories.yml, but the entry does not say terrorism.
    assert topics(listed("Taliban", "terrorism")) == ["sanction"]
    assert topics(listed("FSE-SY", "terrorism")) == ["sanction"]
    assert topics(listed("Financing of terrorism and extremism (category 1)", "extremism")) == ["sanction"]
    # An FtM import keeps exactly its topics: none added, none dropped.
    stated = {e.source_id: topics(e) for e in sample_entries}
    assert stated == {
        "tk-p-karimov": ["sanction", "crime.terror"],
        "tk-o-crescent": ["sanction", "crime.terror"],
        "tk-c-bosphorus": ["sanction.linked"],
        "tk-v-amber": ["sanction"],
    }


def test_ids_referents_and_relationships_of_an_ftm_import_are_kept(sample_entries: list[ListEntry]) -> None:
    out = io.StringIO()
    export.write_ftm(sample_entries, out)
    by_id = {e["id"]: e for e in map(json.loads, out.getvalue().splitlines())}
    karimov = by_id["tk-p-karimov"]
    assert karimov["referents"] == ["tk-old-karimov"]
    assert karimov["datasets"] == ["tk_test_sanctions"]
    assert (karimov["first_seen"], karimov["last_change"]) == ("2023-01-05T10:00:00", "2024-02-01T08:30:00")
    assert karimov["properties"]["addressEntity"] == ["tk-addr-karimov"]
    assert by_id["tk-addr-karimov"]["properties"]["postalCode"] == ["367000"]
    assert by_id["tk-own-bosphorus"]["properties"] == {
        "owner": ["tk-o-crescent"],
        "asset": ["tk-c-bosphorus"],
        "percentage": ["60"],
    }
    assert by_id["tk-dir-karimov"]["properties"]["role"] == ["Chairman"]
    assert by_id["tk-fam-karimov"]["properties"]["relationship"] == ["brother"]
    # The relative is no target: an entity with his name keeps the link readable.
    murad = by_id["tk-p-murad"]
    assert (murad["schema"], murad["target"], murad["properties"]) == ("Person", False, {"name": ["Murad Karimov"]})
    assert [by_id[i]["schema"] for i in ("tk-s-karimov-un", "tk-pass-karimov", "tk-idn-karimov")] == [
        "Sanction",
        "Passport",
        "Identification",
    ]
    assert by_id["tk-s-karimov-un"]["properties"]["provisions"] == ["Asset freeze", "Travel ban"]


def test_an_entity_shared_by_two_targets_is_written_once_with_both(tmp_path: Path) -> None:
    path = write_entities(
        tmp_path / "shared.ftm.jsonl",
        {"id": "p1", "schema": "Person", "properties": {"name": ["Amina Q"], "addressEntity": ["a1"]}},
        {"id": "p2", "schema": "Person", "properties": {"name": ["Bilal Q"], "addressEntity": ["a1"]}},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["p1", "p2"], "program": ["Q"]}},
        {"id": "a1", "schema": "Address", "properties": {"full": ["1 Q Street, Kabul"], "country": ["af"]}},
    )
    entries = ftm.read(path).entries
    first = assert_same_after_a_round_trip(entries, tmp_path)
    by_id = {e["id"]: e for e in first}
    assert sorted(by_id) == ["a1", "p1", "p2", "s1"]
    assert by_id["s1"]["properties"]["entity"] == ["p1", "p2"]
    assert by_id["a1"]["properties"]["full"] == ["1 Q Street, Kabul"]
    assert [by_id[p]["properties"]["addressEntity"] for p in ("p1", "p2")] == [["a1"], ["a1"]]


def test_an_id_that_is_not_teksers_stays_as_it_is(tmp_path: Path) -> None:
    path = write_entities(tmp_path / "q.ftm.jsonl", {"id": "Q123", "schema": "Person", "properties": {"name": ["Q"]}})
    (entry,) = ftm.read(path, "ostest").entries
    assert export.entity_id(entry) == "Q123"  # was tekser-ostest-Q123
    assert [e["id"] for e in export.entry_to_ftm(entry)] == ["Q123"]


# --- round trip ---------------------------------------------------------------------------------


def comparable(entry: ListEntry) -> dict[str, Any]:
    """The fields FtM can carry, in a form that does not depend on ids or origins."""
    return {
        "kind": entry.kind,
        "caption": entry.caption,
        "names": sorted((n.full, n.kind, n.quality, n.original_script) for n in entry.names),
        "parts": sorted((p.role, p.value) for n in entry.names for p in n.parts),
        "gender": entry.gender,
        "birth_dates": sorted((d.start, d.end, d.precision) for d in entry.birth_dates),
        "nationalities": sorted(c.code or "" for c in entry.nationalities),
        "citizenships": sorted(c.code or "" for c in entry.citizenships),
        "documents": sorted(
            (d.kind, d.number_normalized, d.country.code if d.country else None) for d in entry.documents
        ),
        "designations": sorted(
            (d.authority, d.programme or "", d.listed_on or date.min, d.reference or "", d.legal_basis or "")
            for d in entry.designations
        ),
    }


def export_file(entries: list[ListEntry], path: Path) -> list[dict[str, Any]]:
    with path.open("w", encoding="utf-8") as out:
        export.write_ftm(entries, out)
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def round_trip(entries: list[ListEntry], folder: Path) -> list[ListEntry]:
    path = folder / "export.ftm.jsonl"
    export_file(entries, path)
    assert ftm.sniff(path)
    parsed = ftm.read(path)
    assert parsed.warnings == []
    return parsed.entries


def assert_same_after_a_round_trip(entries: list[ListEntry], folder: Path) -> list[dict[str, Any]]:
    """Export → FtM validation by the library → import → export: the same entities, ids and names."""
    first = export_file(entries, folder / "first.ftm.jsonl")
    invalid, changed = ftm_problems(first)
    assert invalid == []
    assert changed == []
    back = ftm.read(folder / "first.ftm.jsonl").entries
    assert [e.caption for e in back] == [e.caption for e in entries]  # the primary name stays the name
    second = export_file(back, folder / "second.ftm.jsonl")
    assert [e["id"] for e in second] == [e["id"] for e in first]
    assert second == first
    return first


def test_round_trip_of_an_ftm_import(sample_entries: list[ListEntry], tmp_path: Path) -> None:
    path = tmp_path / "export.ftm.jsonl"
    export_file(sample_entries, path)
    parsed = ftm.read(path)
    assert parsed.warnings == ["1 non-target Person entities skipped"]  # the relative, as in the source
    assert [comparable(e) for e in parsed.entries] == [comparable(e) for e in sample_entries]
    assert [e.source_id for e in parsed.entries] == [e.source_id for e in sample_entries]
    assert [e.links for e in parsed.entries] == [e.links for e in sample_entries]


def test_round_trip_of_another_list(tmp_path: Path) -> None:
    original = synthetic(contacts=())
    (back,) = round_trip([original], tmp_path)
    assert comparable(back) == comparable(original)
    assert back.titles == original.titles
    assert sorted(p.text for p in back.birth_places) == ["Grozny, Russian Federation", "ru"]
    patronymic = [p.value for n in back.names for p in n.parts if p.role is PartRole.PATRONYMIC]
    assert patronymic == ["Vakhaevich"]
    assert back.birth_dates[0].precision is DatePrecision.YEAR
    assert_same_after_a_round_trip([original], tmp_path)


FIXTURES = [
    "un/consolidated-small.xml",
    "ofac",
    "eu/fsf_sample.xml",
    "uk/uk_sanctions_list_sample.xml",
    "uk/uk_sanctions_list_sample.csv",
    "kz/category-1.xml",
    "kz/category-2.xml",
    "kz/wmd.xml",
    "ftm/sample.ftm.jsonl",
]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_round_trip_gives_the_same_entities_and_ids(fixtures_dir: Path, tmp_path: Path, fixture: str) -> None:
    path = fixtures_dir / "lists" / fixture
    entries = readers.reader_for(path).read(path, None).entries
    assert entries
    first = assert_same_after_a_round_trip(entries, tmp_path)
    assert sum(e["target"] for e in first) == len(entries)


@pytest.mark.shared_data
@pytest.mark.parametrize("source", ["un", "ofac"])
def test_real_lists_round_trip_as_valid_ftm(shared_data: Path, tmp_path: Path, source: str) -> None:
    if source == "un":
        entries = un.read(shared_data / "lists" / "un" / "UN_consolidated.xml").entries
    else:
        entries = ofac.read(shared_data / "lists" / "ofac").entries
    first = assert_same_after_a_round_trip(entries, tmp_path)
    assert len({e["id"] for e in first}) == len(first)
    assert sum(e["target"] for e in first) == len(entries)
