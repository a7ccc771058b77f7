"""The real UN and OFAC files, imported and read back from the database, reconcile with the raw files.

Every expected figure is computed here straight from the raw files (ElementTree, csv, regular
expressions), not by tekser's readers, and compared with what the database returns.
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from tekser.domain.watchlists import EntityKind, ListEntry, NameQuality
from tekser.ingest.lists.sources import load_sources
from tekser.services.watchlists import WatchlistService
from tekser.storage.database import open_database
from tekser.storage.watchlists import SqlWatchlistStore


def _text(element: ET.Element | None) -> str:
    return " ".join((element.text or "").split()) if element is not None else ""


def _stored(db_url: str, path: Path, list_id: str) -> list[ListEntry]:
    engine = open_database(db_url)
    try:
        service = WatchlistService(SqlWatchlistStore(engine), load_sources())
        (outcome,) = service.import_path(path, actor="test")
        assert outcome.status == "imported", outcome.reason
        assert outcome.version is not None and outcome.version.list_id == list_id
        entries = list(service.entries(outcome.version))
    finally:
        engine.dispose()
    assert len(entries) == outcome.version.entry_count
    return entries


def test_un_reconciles(db_url: str, shared_data: Path) -> None:
    path = shared_data / "lists" / "un" / "UN_consolidated.xml"
    root = ET.parse(path).getroot()
    records = {_text(r.find("REFERENCE_NUMBER")): r for r in [*root.iter("INDIVIDUAL"), *root.iter("ENTITY")]}
    stored = {entry.source_id: entry for entry in _stored(db_url, path, "un")}

    assert sum(1 for _ in root.iter("INDIVIDUAL")) == sum(e.kind is EntityKind.PERSON for e in stored.values())
    assert sum(1 for _ in root.iter("ENTITY")) == sum(e.kind is EntityKind.ORGANIZATION for e in stored.values())
    assert set(records) == set(stored)

    expected: Counter[str] = Counter()
    found: Counter[str] = Counter()
    for reference, record in records.items():
        entry = stored[reference]
        for alias in [*record.iter("INDIVIDUAL_ALIAS"), *record.iter("ENTITY_ALIAS")]:
            if _text(alias.find("ALIAS_NAME")):
                expected[f"alias {_text(alias.find('QUALITY'))}"] += 1
            if _text(alias.find("DATE_OF_BIRTH")):
                expected["birth dates"] += 1
        if _text(record.find("NAME_ORIGINAL_SCRIPT")):
            expected["original script"] += 1
        for document in record.iter("INDIVIDUAL_DOCUMENT"):
            expected["documents"] += any(_text(child) for child in document)
        for dob in record.iter("INDIVIDUAL_DATE_OF_BIRTH"):
            expected["birth dates"] += any(_text(c) for c in dob if c.tag != "TYPE_OF_DATE")
        expected["nationalities"] += sum(1 for v in record.findall("NATIONALITY/VALUE") if _text(v))
        for address in [*record.iter("INDIVIDUAL_ADDRESS"), *record.iter("ENTITY_ADDRESS")]:
            expected["addresses"] += any(_text(child) for child in address)

        for name in entry.names:
            if name.split_from is None and name.origin.endswith("/ALIAS_NAME"):
                found[f"alias {name.source_quality or ''}"] += 1
            if name.split_from is None and name.origin == "NAME_ORIGINAL_SCRIPT":
                found["original script"] += 1
        found["documents"] += sum(1 for d in entry.documents if d.origin.startswith("INDIVIDUAL_DOCUMENT"))
        found["birth dates"] += len(entry.birth_dates)
        found["nationalities"] += len(entry.nationalities)
        found["addresses"] += len(entry.addresses)
    assert found == expected
    # the figures of domain-watchlists.md, for the 2026-02-27 file
    assert expected["alias Good"] == 1524 and expected["alias Low"] == 615 and expected["documents"] == 468
    weak = sum(
        1
        for e in stored.values()
        for n in e.names
        if n.split_from is None and n.quality is NameQuality.WEAK and n.origin.endswith("/ALIAS_NAME")
    )
    assert weak == expected["alias Low"]


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="latin-1").splitlines()))


def _remarks(folder: Path) -> dict[str, tuple[str, str]]:
    """ent_num → (SDN_Type, full Remarks with the sdn_comments continuation)."""
    extra = {row[0]: row[1] for row in _csv(folder / "sdn_comments.csv") if len(row) == 2}
    result = {}
    for row in _csv(folder / "sdn.csv"):
        if len(row) == 12:
            remarks = "" if row[11].strip() == "-0-" else row[11].strip()
            result[row[0]] = (row[2].strip(), remarks + extra.get(row[0], ""))
    return result


def _fact_count(pattern: str, text: str) -> int:
    return len(re.findall(r"(?:^|; )(?:alt\. )?" + pattern, text))


def test_ofac_reconciles(db_url: str, shared_data: Path) -> None:
    folder = shared_data / "lists" / "ofac"
    raw = _remarks(folder)
    stored = {entry.source_id: entry for entry in _stored(db_url, folder, "ofac")}
    assert set(raw) == set(stored)

    kinds = Counter(sdn_type for sdn_type, _ in raw.values())
    assert kinds == {"individual": 4620, "-0-": 3673, "vessel": 406, "aircraft": 277}
    stored_kinds = Counter(e.kind for e in stored.values())
    assert stored_kinds == {
        EntityKind.PERSON: kinds["individual"],
        EntityKind.ORGANIZATION: kinds["-0-"],
        EntityKind.VESSEL: kinds["vessel"],
        EntityKind.AIRCRAFT: kinds["aircraft"],
    }

    alt_types = Counter(row[2] for row in _csv(folder / "alt.csv") if len(row) == 5)
    stored_alt = Counter(n.source_quality for e in stored.values() for n in e.names if n.origin.startswith("alt.csv"))
    assert stored_alt == alt_types == {"aka": 11523, "fka": 369, "nka": 18}

    addresses = sum(
        1 for row in _csv(folder / "add.csv") if len(row) == 6 and any(v.strip() != "-0-" for v in row[2:6])
    )
    assert sum(len(e.addresses) for e in stored.values()) == addresses

    for fact, pattern, measure in (
        ("weak aliases", r"[afn]\.k\.a\. '", lambda e: sum(n.quality is NameQuality.WEAK for n in e.names)),
        ("dates of birth", r"DOB ", lambda e: len(e.birth_dates)),
        ("places of birth", r"POB ", lambda e: len(e.birth_places)),
        ("passports", r"Passport (?!Booklet)", lambda e: sum(d.kind_raw == "Passport" for d in e.documents)),
        ("national ids", r"National ID No\.:? ", lambda e: sum(d.kind_raw == "National ID No." for d in e.documents)),
        ("cedulas", r"Cedula No\. ", lambda e: sum(d.kind_raw == "Cedula No." for d in e.documents)),
        ("tax ids", r"Tax ID No\. ", lambda e: sum(d.kind_raw == "Tax ID No." for d in e.documents)),
        ("nationalities", r"nationality ", lambda e: len(e.nationalities)),
        ("citizenships", r"citizen ", lambda e: len(e.citizenships)),
        ("genders", r"Gender (?:Male|Female)", lambda e: e.gender is not None),
        ("links", r"Linked To: ", lambda e: len(e.links)),
    ):
        expected = sum(_fact_count(pattern, remarks) for _, remarks in raw.values())
        found = sum(measure(entry) for entry in stored.values())
        assert found == expected, f"{fact}: stored {found}, raw file {expected}"
    # figures of domain-watchlists.md for the 2021 set
    assert sum(_fact_count(r"Linked To: ", r) for _, r in raw.values()) == 3408


@pytest.mark.parametrize("list_name", ["un", "ofac"])
def test_every_remark_is_kept(db_url: str, shared_data: Path, list_name: str) -> None:
    """Nothing is lost: the full free text of every record survives the round trip."""
    path = shared_data / "lists" / list_name
    stored = _stored(db_url, path, list_name)
    if list_name == "ofac":
        raw = _remarks(path)
        kept = {e.source_id: e.remarks[0].text if e.remarks else "" for e in stored}
        assert kept == {ent: remarks for ent, (_, remarks) in raw.items()}
    else:
        root = ET.parse(path / "UN_consolidated.xml").getroot()
        comments = sum(1 for c in root.iter("COMMENTS1") if _text(c))
        assert sum(1 for e in stored for r in e.remarks if r.origin == "COMMENTS1") == comments
