"""OFAC SDN legacy CSV set (sdn.csv, alt.csv, add.csv, sdn_comments.csv) → list entries.

The four headerless files are joined on ``ent_num``; ``-0-`` is null; a lone SUB (0x1A)
line ends each file. ``Remarks`` stops at 1,000 characters and continues, mid-word, in
``sdn_comments.csv``: both are concatenated before the remarks are parsed by
:mod:`tekser.ingest.lists.ofac_remarks`.

A file cut at a line boundary still parses, so completeness is checked: sdn.csv, alt.csv and
add.csv must end with their SUB line (refused otherwise), and rows that point at what is not
there (an alias or address of an absent ``ent_num``, a Remarks cut at 1,000 characters with no
continuation) are reported in ``ParsedList.incomplete``: the import refuses them unless forced.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

from tekser.domain.countries import country
from tekser.domain.watchlists import (
    Address,
    Attribute,
    Designation,
    EntityKind,
    ListEntry,
    Name,
    NameKind,
    NamePart,
    NameQuality,
    ParsedList,
    PartRole,
    Remark,
    SourceFile,
)
from tekser.errors import SourceError
from tekser.ingest.lists.common import category_for, clean, file_info
from tekser.ingest.lists.ofac_remarks import RemarkFacts, parse_remarks
from tekser.names.scripts import detect_script

LIST_ID = "ofac"
READER = "ofac-csv/1"
AUTHORITY = "US Treasury OFAC"

FILES = {"sdn.csv": 12, "alt.csv": 5, "add.csv": 6, "sdn_comments.csv": 2}
REQUIRED = ("sdn.csv", "alt.csv", "add.csv")
# Files that must end with the SUB line. sdn_comments.csv is not among them: the published copy
# of the 2021 set has no marker there (its truncation shows as remarks without their continuation).
MARKED = ("sdn.csv", "alt.csv", "add.csv")
END_MARKER = "\x1a"
REMARKS_CUT = 1000  # OFAC cuts Remarks at this length and continues it in sdn_comments.csv
_KINDS = {"individual": EntityKind.PERSON, "vessel": EntityKind.VESSEL, "aircraft": EntityKind.AIRCRAFT}
_ALT_KINDS = {"aka": NameKind.ALIAS, "fka": NameKind.FORMER, "nka": NameKind.NEW}
_VESSEL_COLUMNS = ("Call_Sign", "Vess_type", "Tonnage", "GRT", "Vess_flag", "Vess_owner")


def _find(folder: Path, name: str) -> Path | None:
    for candidate in folder.iterdir():
        if candidate.name.lower() == name:
            return candidate
    return None


def sniff(path: Path) -> bool:
    """A folder holding sdn.csv, or sdn.csv itself."""
    if path.is_dir():
        return _find(path, "sdn.csv") is not None
    return path.name.lower() == "sdn.csv"


def _null(value: str) -> str | None:
    value = value.strip()
    return None if value in ("-0-", "") else value


def _rows(path: Path, columns: int, *, marked: bool) -> list[tuple[int, list[str]]]:
    """Rows of one CSV file with their line numbers; refuses short, long or broken rows.

    ``marked``: the file must end with its SUB line (a file cut at a line boundary has none);
    a row after the marker is refused as well.
    """
    raw = path.read_bytes()
    if not raw.strip():
        raise SourceError(str(path), "the file is empty")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    marker_line: int | None = None
    try:
        for row in reader:
            if row == [END_MARKER]:
                marker_line = marker_line or reader.line_num
                continue
            if not row:
                continue  # blank line
            if marker_line is not None:
                raise SourceError(
                    str(path),
                    f"line {reader.line_num}: data after the end-of-file marker (SUB, 0x1A) of line {marker_line} "
                    "(two files joined?)",
                )
            if len(row) != columns:
                raise SourceError(
                    str(path),
                    f"line {reader.line_num}: {len(row)} columns, expected {columns} (truncated or corrupt)",
                )
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise SourceError(str(path), f"line {reader.line_num}: {error} (truncated or corrupt)") from None
    if marked and marker_line is None:
        raise SourceError(
            str(path),
            f"no end-of-file marker: the last line holding SUB (0x1A) is missing after {len(rows)} rows, "
            "so the file may be cut short (truncated download or copy)",
        )
    return rows


def _person_name(text: str, kind: EntityKind) -> tuple[NamePart, ...]:
    """``ABU MARZOOK, Mousa Mohammed`` → family ABU MARZOOK, given Mousa Mohammed."""
    if kind is not EntityKind.PERSON or "," not in text:
        return ()
    family, given = (part.strip() for part in text.split(",", 1))
    parts = []
    if given:
        parts.append(NamePart(PartRole.GIVEN, given))
    if family:
        parts.append(NamePart(PartRole.FAMILY, family))
    return tuple(parts)


def read(path: Path) -> ParsedList:
    """Read the CSV set from a folder (or from the folder of a given sdn.csv)."""
    folder = path if path.is_dir() else path.parent
    located = {name: _find(folder, name) for name in FILES}
    missing = [name for name in REQUIRED if located[name] is None]
    if missing:
        raise SourceError(str(folder), f"incomplete OFAC CSV set: {', '.join(missing)} missing")
    files: list[SourceFile] = []
    tables: dict[str, list[tuple[int, list[str]]]] = {}
    for name, file in located.items():
        if file is None:
            continue
        tables[name] = _rows(file, FILES[name], marked=name in MARKED)
        files.append(file_info(file))
    sdn_path = located["sdn.csv"]
    assert sdn_path is not None
    extra_remarks: dict[str, str] = {row[0]: row[1] for _, row in tables.get("sdn_comments.csv", [])}
    alts: dict[str, list[list[str]]] = defaultdict(list)
    for _, row in tables["alt.csv"]:
        alts[row[0]].append(row)
    addresses: dict[str, list[list[str]]] = defaultdict(list)
    for _, row in tables["add.csv"]:
        addresses[row[0]].append(row)
    incomplete = _dangling(tables)
    entries: list[ListEntry] = []
    unparsed: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    for line, row in tables["sdn.csv"]:
        ent_num = row[0].strip()
        if not ent_num.isdigit():
            raise SourceError(str(sdn_path), f"line {line}: ent_num {ent_num!r} is not a number")
        if ent_num in seen:
            raise SourceError(str(sdn_path), f"line {line}: ent_num {ent_num} appears twice")
        seen.add(ent_num)
        remarks = (_null(row[11]) or "") + extra_remarks.get(ent_num, "")
        facts = parse_remarks(remarks)
        for kind_name, count in facts.unparsed_kinds.items():
            unparsed[kind_name] += count
        entries.append(_entry(row, facts, alts.get(ent_num, []), addresses.get(ent_num, [])))
    return ParsedList(
        list_id=LIST_ID,
        reader=READER,
        entries=entries,
        files=files,
        unparsed=dict(unparsed),
        incomplete=incomplete,
    )


def _dangling(tables: dict[str, list[tuple[int, list[str]]]]) -> list[str]:
    """What refers to rows that are not there: the sign of a file cut short, not a detail."""
    known = {row[0].strip() for _, row in tables["sdn.csv"]}
    found = []
    for name in ("alt.csv", "add.csv", "sdn_comments.csv"):
        orphans = [row[0].strip() for _, row in tables.get(name, []) if row[0].strip() not in known]
        if orphans:
            shown = ", ".join(sorted(set(orphans))[:5])
            found.append(f"{name}: {len(orphans)} rows refer to an ent_num absent from sdn.csv ({shown})")
    continued = {row[0].strip() for _, row in tables.get("sdn_comments.csv", [])}
    long_remarks = [row[0].strip() for _, row in tables["sdn.csv"] if len(row[11]) >= REMARKS_CUT]
    cut = [ent_num for ent_num in long_remarks if ent_num not in continued]
    if cut:
        found.append(
            f"sdn.csv: {len(cut)} Remarks cut at {REMARKS_CUT:,} characters have no continuation in "
            f"sdn_comments.csv ({', '.join(cut[:5])})"
        )
    return found


def _entry(row: list[str], facts: RemarkFacts, alt_rows: list[list[str]], add_rows: list[list[str]]) -> ListEntry:
    ent_num = row[0].strip()
    sdn_type = _null(row[2])
    kind = _KINDS.get(sdn_type or "", EntityKind.ORGANIZATION)
    primary = clean(row[1]) or ""
    names = [
        Name(
            full=primary,
            parts=_person_name(primary, kind),
            script=detect_script(primary),
            origin="sdn.csv/SDN_Name",
        )
    ]
    for alt in alt_rows:
        alt_name = clean(_null(alt[3]))
        if not alt_name:
            continue
        alt_type = (_null(alt[2]) or "aka").lower()
        names.append(
            Name(
                full=alt_name,
                kind=_ALT_KINDS.get(alt_type, NameKind.ALIAS),
                quality=NameQuality.STRONG,
                parts=_person_name(alt_name, kind),
                script=detect_script(alt_name),
                source_quality=alt_type,
                note=clean(_null(alt[4])),
                origin=f"alt.csv/alt_num={alt[1].strip()}",
            )
        )
    names.extend(facts.names)
    programmes = [p.strip(" []") for p in (_null(row[3]) or "").split("] [") if p.strip(" []")]
    designations = tuple(
        Designation(
            authority=AUTHORITY,
            programme=programme,
            category=category_for(LIST_ID, programme),
            reference=ent_num,
            origin="sdn.csv/Program",
        )
        for programme in programmes
    )
    attributes = [
        Attribute(column, value, f"sdn.csv/{column}")
        for column, raw in zip(_VESSEL_COLUMNS, row[5:11], strict=True)
        if (value := _null(raw))
    ]
    attributes.extend(facts.attributes)
    title = _null(row[4])
    return ListEntry(
        key=f"{LIST_ID}:{ent_num}",
        list_id=LIST_ID,
        source_id=ent_num,
        kind=kind,
        names=tuple(names),
        gender=facts.gender,
        birth_dates=tuple(facts.birth_dates),
        birth_places=tuple(facts.birth_places),
        nationalities=tuple(facts.nationalities),
        citizenships=tuple(facts.citizenships),
        documents=tuple(facts.documents),
        addresses=tuple(_address(add) for add in add_rows if any(_null(v) for v in add[2:6])),
        designations=designations,
        titles=(title,) if title else (),
        contacts=tuple(facts.contacts),
        links=tuple(facts.links),
        attributes=tuple(attributes),
        remarks=tuple(Remark(text, "sdn.csv/Remarks") for text in facts.remarks),
    )


def _address(row: list[str]) -> Address:
    street, locality, country_name, note = (clean(_null(v)) for v in row[2:6])
    text = ", ".join(v for v in (street, locality, country_name) if v) or (note or "")
    return Address(
        text=text,
        street=street,
        city=locality,
        country=country(country_name),
        note=note,
        origin=f"add.csv/add_num={row[1].strip()}",
    )
