"""UK Sanctions List (FCDO) reader: XML and CSV fixtures, refusals and a fuzz property."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality, PartRole
from tekser.errors import SourceError
from tekser.ingest.lists import uk

TOKENS = (b"<", b">", b"/", b"&", b"00", b"dd", b"13", b" ", b",", b'"', b"\r\n", b"\xd0", b"Ship", b"Alias")


@pytest.fixture(scope="module")
def xml_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "uk" / "uk_sanctions_list_sample.xml"


@pytest.fixture(scope="module")
def csv_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "uk" / "uk_sanctions_list_sample.csv"


@pytest.fixture(scope="module")
def parsed(xml_path: Path) -> dict[str, ListEntry]:
    result = uk.read(xml_path)
    assert (result.list_id, result.reader) == ("uk", "uk-fcdo-xml/1")
    assert result.published_at == datetime(2026, 2, 26, tzinfo=UTC)
    assert result.warnings == [] and result.unparsed == {}
    return {entry.key: entry for entry in result.entries}


def _write(tmp_path: Path, text: str, name: str = "uk.xml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_keys_are_unique_ids_and_kinds(parsed: dict[str, ListEntry]) -> None:
    assert list(parsed) == [
        "uk:CTI0901",
        "uk:AQD0902",
        "uk:AFG0903",
        "uk:AFG0904",
        "uk:RUS0905",
        "uk:RUS0906",
        "uk:DPR0907",
        "uk:CTI0908",
    ]
    kinds = {key: entry.kind for key, entry in parsed.items()}
    assert (kinds["uk:CTI0901"], kinds["uk:AFG0903"], kinds["uk:RUS0906"]) == (
        EntityKind.PERSON,
        EntityKind.ORGANIZATION,
        EntityKind.VESSEL,
    )


def test_names_keep_positions_types_and_alias_strength(parsed: dict[str, ListEntry]) -> None:
    names = parsed["uk:CTI0901"].names
    assert [(n.full, n.kind, n.quality) for n in names] == [
        ("Karim Yusuf HADDAD", NameKind.PRIMARY, NameQuality.STRONG),
        ("Abu Yusuf al-Shami", NameKind.ALIAS, NameQuality.STRONG),
        ("Abu Yusuf", NameKind.ALIAS, NameQuality.WEAK),
        ("كريم يوسف حداد", NameKind.ALIAS, NameQuality.STRONG),
    ]
    assert [(p.role, p.value) for p in names[0].parts] == [
        (PartRole.FIRST, "Karim"),
        (PartRole.SECOND, "Yusuf"),
        (PartRole.SIXTH, "HADDAD"),
    ]
    assert (names[2].source_quality, names[2].origin) == ("Alias; Low quality a.k.a", "Names/Name[3]")
    arabic = names[3]
    assert (arabic.script, arabic.lang, arabic.original_script) == ("Arab", "ar", True)
    assert arabic.note == "language Arabic; script Arabic"
    assert arabic.origin == "NonLatinNames/NonLatinName/NameNonLatinScript"
    assert parsed["uk:CTI0901"].caption == "Karim Yusuf HADDAD"


def test_name_variation_cyrillic_korean_and_unknown_language(parsed: dict[str, ListEntry]) -> None:
    names = parsed["uk:AQD0902"].names
    assert [(n.full, n.kind, n.source_quality) for n in names[:2]] == [
        ("Ruslan Akhmedovich DADAYEV", NameKind.PRIMARY, "Primary Name"),
        ("Ruslan DADAEV", NameKind.ALIAS, "Primary name variation"),
    ]
    assert (names[2].full, names[2].quality) == ("Emir Ruslan", NameQuality.WEAK)
    assert (names[3].full, names[3].script, names[3].lang) == ("Дадаев Руслан Ахмедович", "Cyrl", "ru")
    korean = parsed["uk:DPR0907"].names[1]
    assert (korean.script, korean.lang, korean.original_script) == ("Hang", "ko", True)
    pashto = parsed["uk:AFG0904"].names[2]
    assert (pashto.script, pashto.lang, pashto.original_script) == ("Arab", "ps", True)


def test_dobs_with_placeholders_are_intervals(parsed: dict[str, ListEntry]) -> None:
    exact, year_only = parsed["uk:CTI0901"].birth_dates
    assert (exact.start, exact.end, exact.precision, exact.text) == (
        date(1975, 3, 14),
        date(1975, 3, 14),
        DatePrecision.DAY,
        "14/03/1975",
    )
    assert (year_only.start, year_only.end, year_only.precision, year_only.text) == (
        date(1976, 1, 1),
        date(1976, 12, 31),
        DatePrecision.YEAR,
        "dd/mm/1976",
    )
    month, zeros = parsed["uk:AQD0902"].birth_dates
    assert (month.start, month.end, month.precision) == (date(1981, 8, 1), date(1981, 8, 31), DatePrecision.MONTH)
    assert (zeros.start, zeros.end, zeros.text) == (date(1980, 1, 1), date(1980, 12, 31), "00/00/1980")
    assert [(d.start, d.end) for d in parsed["uk:AFG0904"].birth_dates] == [
        (date(1960, 1, 1), date(1960, 12, 31)),
        (date(1962, 1, 1), date(1962, 12, 31)),
    ]
    assert parsed["uk:CTI0908"].birth_dates == ()


@pytest.mark.parametrize(
    ("raw", "start", "end", "precision"),
    [
        ("02/11/1968", date(1968, 11, 2), date(1968, 11, 2), DatePrecision.DAY),
        ("dd/06/1970", date(1970, 6, 1), date(1970, 6, 30), DatePrecision.MONTH),
        ("00/00/1970", date(1970, 1, 1), date(1970, 12, 31), DatePrecision.YEAR),
        ("31/02/1970", None, None, DatePrecision.TEXT),
        ("1970", date(1970, 1, 1), date(1970, 12, 31), DatePrecision.YEAR),
    ],
)
def test_uk_date(raw: str, start: date | None, end: date | None, precision: DatePrecision) -> None:
    parsed = uk.uk_date(raw, "DOB")
    assert (parsed.start, parsed.end, parsed.precision, parsed.text) == (start, end, precision, raw)


def test_person_details(parsed: dict[str, ListEntry]) -> None:
    person = parsed["uk:CTI0901"]
    assert (person.gender, person.titles, person.positions) == ("male", ("Sheikh",), ("Financier",))
    assert [(c.name, c.code) for c in person.nationalities] == [("Syria", "SY")]
    (place,) = person.birth_places
    assert (place.text, place.city, place.country and place.country.code) == ("Aleppo, Syria", "Aleppo", "SY")
    assert person.last_updated == (date(2026, 1, 12),)
    assert parsed["uk:AQD0902"].last_updated == (date(2026, 2, 3), date(2024, 7, 15))
    assert parsed["uk:AFG0904"].titles == ("Maulavi", "Mullah")
    assert [c.code for c in parsed["uk:CTI0908"].nationalities] == ["TN", "FR"]
    assert parsed["uk:CTI0908"].gender == "female"


def test_documents_are_deduplicated_and_typed(parsed: dict[str, ListEntry]) -> None:
    passport, national = parsed["uk:CTI0901"].documents  # the repeated passport row is kept once
    assert (passport.kind, passport.number, passport.number_normalized) == ("passport", "N 0123456", "N0123456")
    assert passport.note == "Syrian passport, issued 02/06/2009"
    assert passport.origin == "IndividualDetails/Individual/PassportDetails/Passport[1]/PassportNumber"
    assert (national.kind, national.number_normalized, national.note) == (
        "national_id",
        "01020304050",
        "Syrian national identity card",
    )
    assert [(d.kind, d.number) for d in parsed["uk:RUS0906"].documents] == [("imo", "9123453")]
    assert [(d.kind, d.number_normalized) for d in parsed["uk:DPR0907"].documents] == [("registration", "KP7012299")]


def test_addresses_contacts_and_links(parsed: dict[str, ListEntry]) -> None:
    kandahar, quetta = parsed["uk:AFG0903"].addresses
    assert (kandahar.street, kandahar.city, kandahar.region, kandahar.country and kandahar.country.code) == (
        "Shop 14, Sarafi Market",
        "Kandahar",
        "Kandahar Province",
        "AF",
    )
    assert (quetta.postal_code, quetta.text) == ("87300", "Chaman Road, Quetta, 87300, Pakistan")
    assert [(c.kind, c.value) for c in parsed["uk:CTI0901"].contacts] == [
        ("phone", "+963 900 000 111"),
        ("email", "abu.yusuf@mail.example"),
        ("email", "k.haddad@mail.example"),
    ]
    assert [(c.kind, c.value) for c in parsed["uk:DPR0907"].contacts] == [("website", "www.chongbong.example")]
    assert [(link.relation, link.target_name) for link in parsed["uk:DPR0907"].links] == [
        ("subsidiary", "Chongbong Shipping Co"),
        ("parent_company", "Second Economic Committee"),
    ]
    assert [(link.relation, link.target_name) for link in parsed["uk:RUS0906"].links] == [
        ("owner_operator", "Lantern Maritime Holdings Ltd")
    ]


def test_designations_categories_and_references(parsed: dict[str, ListEntry]) -> None:
    (designation,) = parsed["uk:CTI0901"].designations
    assert designation.programme == "The Counter-Terrorism (International Sanctions) (EU Exit) Regulations 2019"
    assert (designation.authority, designation.category, designation.listed_on, designation.reference) == (
        "UK FCDO",
        "terrorism",
        date(2016, 5, 20),
        "CTI0901",
    )
    categories = {key: entry.categories for key, entry in parsed.items()}
    assert categories["uk:AQD0902"] == ("terrorism",)
    assert categories["uk:AFG0903"] == ("terrorism",)  # Afghanistan regime: Taliban (uk_fcdo.yml hint)
    assert categories["uk:DPR0907"] == ("proliferation",)
    assert categories["uk:RUS0905"] == ("sanctions",)
    attributes = {(a.name, a.value) for a in parsed["uk:AQD0902"].attributes}
    assert {("un_reference", "QDi.952"), ("ofsi_group_id", "19902"), ("designation_source", "UN")} <= attributes
    assert {("sanctions_imposed", "Asset freeze"), ("sanctions_imposed", "Arms embargo")} <= attributes
    assert not any(a.name == "un_reference" for a in parsed["uk:CTI0901"].attributes)  # <UNReferenceNumber />


def test_remarks_and_leaves_kept_as_attributes(parsed: dict[str, ListEntry]) -> None:
    assert [(r.origin, r.text) for r in parsed["uk:CTI0908"].remarks] == [
        ("UKStatementofReasons", "Recruits for and facilitates travel to a terrorist organisation.")
    ]
    assert [r.origin for r in parsed["uk:AQD0902"].remarks] == ["OtherInformation"]  # empty statement skipped
    ship = {(a.name, a.value) for a in parsed["uk:RUS0906"].attributes}
    assert {("CurrentBelievedFlagOfShip", "Gabon"), ("PreviousFlag", "Liberia"), ("TonnageOfShip", "81500")} <= ship
    indicators = {(a.name, a.value, a.origin) for a in parsed["uk:CTI0901"].attributes}
    assert ("AssetFreeze", "true", "SanctionsImposedIndicators/AssetFreeze") in indicators


def test_csv_rows_are_grouped_by_unique_id(csv_path: Path, parsed: dict[str, ListEntry]) -> None:
    result = uk.read(csv_path)
    assert (result.reader, result.published_at) == ("uk-fcdo-csv/1", datetime(2026, 2, 26, tzinfo=UTC))
    entries = {entry.key: entry for entry in result.entries}
    assert list(entries) == ["uk:CTI0901", "uk:AFG0903", "uk:RUS0906"]  # 7 rows, 3 designations
    person = entries["uk:CTI0901"]
    assert [(n.full, n.kind, n.quality) for n in person.names] == [
        (n.full, n.kind, n.quality) for n in parsed["uk:CTI0901"].names
    ]
    assert person.names[2].origin == "line 5"
    assert [(d.text, d.origin) for d in person.birth_dates] == [
        ("14/03/1975", "line 3/D.O.B"),
        ("dd/mm/1976", "line 4/D.O.B"),
    ]  # the repeated DOB of line 5 is kept once
    assert len(person.documents) == 1 and person.documents[0].origin == "line 3/Passport number"
    assert person.categories == ("terrorism",)
    assert len(entries["uk:AFG0903"].addresses) == 2
    ship = entries["uk:RUS0906"]
    assert ship.kind is EntityKind.VESSEL and [d.number for d in ship.documents] == ["9123453"]
    assert ("YearBuilt", "2004", "line 9/Year Built") in {(a.name, a.value, a.origin) for a in ship.attributes}


def test_sniff(xml_path: Path, csv_path: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    assert uk.sniff(xml_path) and uk.sniff(csv_path)
    assert not uk.sniff(fixtures_dir / "lists" / "eu" / "fsf_sample.xml")
    assert not uk.sniff(fixtures_dir / "lists" / "ofac" / "sdn.csv")
    assert not uk.sniff(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("<export/>", r"root element is <export>, expected <Designations> \(unknown UK list format\)"),
        (
            "<ArrayOfFinancialSanctionsTarget><FinancialSanctionsTarget/></ArrayOfFinancialSanctionsTarget>",
            r"OFSI Consolidated List \(ConList\), closed on 28 Jan 2026",
        ),
        ("<Designations><DateGenerated>01/01/2026</DateGenerated></Designations>", "no <Designation>"),
        ("<Designations xmlns='urn:x'><Designation/></Designations>", "unknown UK list format"),
    ],
)
def test_refuses_empty_old_and_foreign_files(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        uk.read(_write(tmp_path, content))


def test_refuses_truncated_xml(xml_path: Path, tmp_path: Path) -> None:
    raw = xml_path.read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(raw[: len(raw) * 2 // 3])
    with pytest.raises(SourceError, match=r"not well-formed XML \(truncated or corrupt\)"):
        uk.read(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("<UniqueID>AFG0903</UniqueID>", "<UniqueID> </UniqueID>", r"Designation\[3\] \(line \d+\): UniqueID is empty"),
        ("<UniqueID>AFG0904</UniqueID>", "<UniqueID>AFG0903</UniqueID>", r"Designation\[4\].*AFG0903 appears twice"),
        ("<IndividualEntityShip>Ship<", "<IndividualEntityShip>Aircraft<", r"Designation\[6\].*'aircraft' is not"),
        ("<Name6>NORTHERN LANTERN</Name6>", "<Name6/>", None),  # the alias still names the ship
    ],
)
def test_refuses_records_without_id_or_kind(
    xml_path: Path, tmp_path: Path, old: str, new: str, message: str | None
) -> None:
    path = _write(tmp_path, xml_path.read_text(encoding="utf-8").replace(old, new, 1))
    if message is None:
        assert uk.read(path).entries[5].caption == "SEVERNY FONAR"
        return
    with pytest.raises(SourceError, match=message):
        uk.read(path)


def test_refuses_record_without_any_name(tmp_path: Path) -> None:
    text = """<Designations><Designation><UniqueID>X1</UniqueID><IndividualEntityShip>Entity</IndividualEntityShip>
      <Names><Name><Name6> </Name6><NameType>Primary Name</NameType></Name></Names></Designation></Designations>"""
    with pytest.raises(SourceError, match=r"Designation\[1\] \(line 1\): Names/Name holds no name"):
        uk.read(_write(tmp_path, text))


def test_unknown_elements_are_kept_and_reported(tmp_path: Path) -> None:
    text = """<Designations><Designation><UniqueID>X1</UniqueID><IndividualEntityShip>Entity</IndividualEntityShip>
      <Names><Name><Name6>X CO</Name6><NameType>Primary Name</NameType></Name>
      <Name><Name6>X</Name6><NameType>Nickname</NameType></Name></Names>
      <AssetsHeld>Tankers</AssetsHeld></Designation></Designations>"""
    result = uk.read(_write(tmp_path, text))
    assert result.unparsed == {"AssetsHeld": 1}
    assert ("AssetsHeld", "Tankers") in {(a.name, a.value) for a in result.entries[0].attributes}
    assert any("Nickname" in w for w in result.warnings) and any("AssetsHeld" in w for w in result.warnings)
    assert result.entries[0].designations[0].programme is None


def test_refuses_unknown_or_broken_csv(csv_path: Path, tmp_path: Path) -> None:
    text = csv_path.read_text(encoding="utf-8")
    with pytest.raises(SourceError, match=r"unknown UK CSV format version: columns \['Name 6'\] missing"):
        uk.read(_write(tmp_path, text.replace("Name 6,", "Surname,", 1), "renamed.csv"))
    with pytest.raises(SourceError, match=r"line \d+: wrong number of columns \(truncated or corrupt\)"):
        uk.read(_write(tmp_path, text[: len(text) - 40], "truncated.csv"))
    with pytest.raises(SourceError, match="line 3: column 'Unique ID' is empty"):
        uk.read(_write(tmp_path, text.replace(",CTI0901,", ",,", 1), "no-id.csv"))


def _mutate(data: st.DataObject, original: bytes) -> bytes:
    """One random truncation, overwrite, deletion or insertion of bytes or format tokens."""
    kind = data.draw(st.sampled_from(("truncate", "overwrite", "delete", "insert")))
    at = data.draw(st.integers(0, len(original)))
    chunk = data.draw(st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(TOKENS)))
    if kind == "truncate":
        return original[:at]
    if kind == "overwrite":
        return original[:at] + chunk + original[at + len(chunk) :]
    if kind == "delete":
        return original[:at] + original[at + data.draw(st.integers(1, 40)) :]
    return original[:at] + chunk + original[at:]


@settings()
@given(data=st.data(), form=st.sampled_from(("xml", "csv")))
def test_mutated_files_are_read_or_refused_never_crash(
    fixtures_dir: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject, form: str
) -> None:
    mutated = (fixtures_dir / "lists" / "uk" / f"uk_sanctions_list_sample.{form}").read_bytes()
    for _ in range(data.draw(st.integers(1, 3))):
        mutated = _mutate(data, mutated)
    path = tmp_path_factory.mktemp("fuzz") / f"mutated.{form}"
    path.write_bytes(mutated)
    try:
        result = uk.read(path)
    except SourceError:
        return
    assert all(entry.key.startswith("uk:") and entry.names for entry in result.entries)
