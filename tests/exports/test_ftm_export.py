"""FtM export: valid per the followthemoney library, deterministic, and a round trip through the reader."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model
from followthemoney.types import registry

from tekser.domain.countries import country
from tekser.domain.watchlists import (
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
from tekser.ingest.lists.dates import parse_date, year_range

# FtM rewrites values of these types into a canonical form; only their number must survive.
NORMALISED = {"phone", "website", "sourceUrl", "imoNumber", "socialSecurityNumber", "name", "alias", "weakAlias"}
NORMALISED |= {"previousName", "address"}


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


def properties_of(entities: Iterable[dict[str, Any]], schema: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = next(e["properties"] for e in entities if e["schema"] == schema)
    return found


def assert_valid(entity: dict[str, Any]) -> None:
    """Loads with followthemoney, and no property or value is dropped as invalid."""
    assert registry.entity.validate(entity["id"]), entity["id"]
    schema = model.get(entity["schema"])
    assert schema is not None and not schema.abstract
    cleaned = model.get_proxy(entity, cleaned=False).to_dict()
    assert cleaned["id"] == entity["id"]
    for prop, values in entity["properties"].items():
        assert prop in schema.properties, f"{schema.name} has no property {prop}"
        assert not schema.properties[prop].stub, prop
        assert values, prop
        got = cleaned["properties"].get(prop, [])
        if prop in NORMALISED:
            assert len(got) == len(set(values)), (prop, values, got)
        else:
            assert sorted(got) == sorted(values), (prop, values, got)


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
    assert props["topics"] == ["sanction"]
    assert props["passportNumber"] == ["96 03 464086"]
    assert props["idNumber"] == ["1234-5678"]
    assert props["title"] == ["Amir"]
    assert props["email"] == ["a.dudarov@example.org"]
    assert props["notes"] == ["Synthetic record.", "phone: 00 7 123"]  # FtM would drop that number


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


def test_write_ftm_writes_json_lines(sample_entries: list[ListEntry]) -> None:
    out = io.StringIO()
    count = export.write_ftm(sample_entries, out)
    lines = out.getvalue().splitlines()
    assert count == len(lines) == 9
    assert all(json.loads(line)["id"] for line in lines)
    assert len({json.loads(line)["id"] for line in lines}) == count


# --- round trip ---------------------------------------------------------------------------------


def comparable(entry: ListEntry) -> dict[str, Any]:
    """The fields FtM can carry, in a form that does not depend on ids or origins."""
    return {
        "kind": entry.kind,
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


def round_trip(entries: list[ListEntry], folder: Path) -> list[ListEntry]:
    path = folder / "export.ftm.jsonl"
    with path.open("w", encoding="utf-8") as out:
        export.write_ftm(entries, out)
    assert ftm.sniff(path)
    parsed = ftm.read(path)
    assert parsed.warnings == []
    return parsed.entries


def test_round_trip_of_an_ftm_import(sample_entries: list[ListEntry], tmp_path: Path) -> None:
    back = round_trip(sample_entries, tmp_path)
    assert [comparable(e) for e in back] == [comparable(e) for e in sample_entries]
    assert [e.source_id for e in back] == [f"tekser-ftm-{e.source_id}" for e in sample_entries]


def test_round_trip_of_another_list(tmp_path: Path) -> None:
    original = synthetic(contacts=())
    (back,) = round_trip([original], tmp_path)
    assert comparable(back) == comparable(original)
    assert back.titles == original.titles
    assert sorted(p.text for p in back.birth_places) == ["Grozny, Russian Federation", "ru"]
    patronymic = [p.value for n in back.names for p in n.parts if p.role is PartRole.PATRONYMIC]
    assert patronymic == ["Vakhaevich"]
    assert back.birth_dates[0].precision is DatePrecision.YEAR


@pytest.mark.shared_data
@pytest.mark.parametrize("source", ["un", "ofac"])
def test_real_lists_export_valid_ftm(shared_data: Path, source: str) -> None:
    if source == "un":
        entries = un.read(shared_data / "lists" / "un" / "UN_consolidated.xml").entries
    else:
        entries = ofac.read(shared_data / "lists" / "ofac").entries
    seen: set[str] = set()
    for entry in entries:
        for entity in export.entry_to_ftm(entry):
            assert entity["id"] not in seen
            seen.add(entity["id"])
            assert_valid(entity)
