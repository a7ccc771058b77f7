"""EU FSF XML reader: the synthetic fixture's traps, refusals and a fuzz property."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality, PartRole
from tekser.errors import SourceError
from tekser.ingest.lists import eu

TOKENS = (b"<", b">", b"/", b'"', b"=", b"&", b"0", b"13", b" ", b"\xd0", "é".encode(), b"false", b"year=")


@pytest.fixture(scope="module")
def fixture_path(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "eu" / "fsf_sample.xml"


@pytest.fixture(scope="module")
def parsed(fixture_path: Path) -> dict[str, ListEntry]:
    result = eu.read(fixture_path)
    assert (result.list_id, result.reader) == ("eu", "eu-fsf-xml/1")
    assert result.published_at == datetime(2026, 2, 26, 18, 4, 12, 317000, tzinfo=timezone(timedelta(hours=1)))
    assert result.warnings == [] and result.unparsed == {}
    assert result.files[0].name == "fsf_sample.xml"
    return {entry.key: entry for entry in result.entries}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "fsf.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keys_are_logical_ids_and_kinds_come_from_subject_type(parsed: dict[str, ListEntry]) -> None:
    assert list(parsed) == [f"eu:90010{n}" for n in range(1, 8)]
    assert parsed["eu:900101"].source_id == "900101"
    assert parsed["eu:900101"].kind is EntityKind.PERSON
    assert parsed["eu:900103"].kind is EntityKind.ORGANIZATION


def test_person_names_keep_parts_quality_language_and_script(parsed: dict[str, ListEntry]) -> None:
    names = parsed["eu:900101"].names
    assert [(n.full, n.kind, n.quality, n.origin) for n in names] == [
        ("Karim Yusuf Haddad", NameKind.PRIMARY, NameQuality.STRONG, "nameAlias[1]/@wholeName"),
        ("Abu Yusuf al-Shami", NameKind.ALIAS, NameQuality.STRONG, "nameAlias[2]/@wholeName"),
        ("Abu Yusuf", NameKind.ALIAS, NameQuality.WEAK, "nameAlias[3]/@wholeName"),
        ("كريم يوسف حداد", NameKind.ALIAS, NameQuality.STRONG, "nameAlias[4]/@wholeName"),
    ]
    assert [(p.role, p.value) for p in names[0].parts] == [
        (PartRole.GIVEN, "Karim"),
        (PartRole.MIDDLE, "Yusuf"),
        (PartRole.FAMILY, "Haddad"),
    ]
    assert (names[2].source_quality, names[2].note) == ("strong=false", "Low quality alias.")
    arabic = names[3]
    assert (arabic.script, arabic.lang, arabic.original_script) == ("Arab", "ar", True)
    assert not any(n.original_script for n in names[:3])


def test_cyrillic_and_translated_names(parsed: dict[str, ListEntry]) -> None:
    cyrillic = parsed["eu:900102"].names[1]
    assert (cyrillic.full, cyrillic.script, cyrillic.lang, cyrillic.original_script) == (
        "Дадаев Руслан Ахмедович",
        "Cyrl",
        "ru",
        True,
    )
    assert [p.value for p in cyrillic.parts] == ["Руслан", "Ахмедович", "Дадаев"]
    organisation = parsed["eu:900103"].names
    assert organisation[0].full == "Al-Nur Relief Foundation" and organisation[0].kind is NameKind.PRIMARY
    french = organisation[1]
    assert (french.lang, french.script, french.original_script) == ("fr", "Latn", False)  # a translation
    assert (organisation[3].full, organisation[3].quality) == ("ANRF", NameQuality.WEAK)
    korean = parsed["eu:900106"].names[1]
    assert (korean.script, korean.lang, korean.original_script) == ("Hang", "ko", True)


def test_birth_dates_are_intervals_never_first_of_january(parsed: dict[str, ListEntry]) -> None:
    exact, year_only = parsed["eu:900101"].birth_dates
    assert (exact.start, exact.end, exact.precision) == (date(1975, 3, 14), date(1975, 3, 14), DatePrecision.DAY)
    assert (year_only.start, year_only.end, year_only.precision) == (
        date(1976, 1, 1),
        date(1976, 12, 31),
        DatePrecision.YEAR,
    )
    assert year_only.origin == "birthdate[2]/@year"
    month, between = parsed["eu:900102"].birth_dates
    assert (month.start, month.end, month.precision) == (date(1981, 8, 1), date(1981, 8, 31), DatePrecision.MONTH)
    assert (between.start, between.end, between.approximate) == (date(1980, 1, 1), date(1982, 12, 31), True)
    assert [(d.start, d.end) for d in parsed["eu:900104"].birth_dates] == [
        (date(1960, 1, 1), date(1960, 12, 31)),
        (date(1962, 1, 1), date(1962, 12, 31)),
    ]
    full, no_year = parsed["eu:900105"].birth_dates
    assert full.start == date(1990, 11, 2)
    assert (no_year.start, no_year.precision, no_year.text) == (None, DatePrecision.TEXT, "day 2 month 12")


def test_birth_places_citizenships_and_gender(parsed: dict[str, ListEntry]) -> None:
    person = parsed["eu:900101"]
    (place,) = person.birth_places  # the second birthdate has no place (country "00"/UNKNOWN)
    assert (place.city, place.country and place.country.code) == ("Aleppo", "SY")
    assert [(c.name, c.code) for c in person.citizenships] == [("SYRIAN ARAB REPUBLIC", "SY")]
    assert person.gender == "male"
    assert [c.code for c in parsed["eu:900105"].citizenships] == ["TN", "FR"]
    assert parsed["eu:900105"].gender == "female"
    assert parsed["eu:900104"].gender is None
    (sabari,) = parsed["eu:900104"].birth_places
    assert sabari.text == "Sabari District, Khost Province, AFGHANISTAN"


def test_documents_keep_number_country_and_flags(parsed: dict[str, ListEntry]) -> None:
    passport, national = parsed["eu:900101"].documents
    assert (passport.kind, passport.number, passport.number_normalized) == ("passport", "N 0123456", "N0123456")
    assert (passport.country and passport.country.code, passport.issue_date, passport.issued_by) == (
        "SY",
        "2009-06-02",
        "Ministry of Interior",
    )
    assert (passport.note, passport.origin) == ("Expired in 2015.", "identification[1]/@number")
    assert (national.kind, national.number_normalized) == ("national_id", "01020304050")
    native, latin = parsed["eu:900102"].documents
    assert (native.number, native.origin) == ("96 05 123456", "identification[1]/@number")
    assert (latin.number, latin.origin) == ("9605 123456", "identification[1]/@latinNumber")
    assert native.note == "name on document: Дадаев Руслан"
    (false_passport,) = parsed["eu:900105"].documents
    assert false_passport.note == "knownFalse"
    assert [d.kind for d in parsed["eu:900103"].documents] == ["registration"]
    assert [d.kind for d in parsed["eu:900107"].documents] == ["tax_id"]


def test_addresses_and_contacts(parsed: dict[str, ListEntry]) -> None:
    street, po_box = parsed["eu:900103"].addresses
    assert (street.text, street.postal_code, street.country and street.country.code) == (
        "Ataturk Bulvari 12, Gaziantep, 27010, TURKEY",
        "27010",
        "TR",
    )
    assert (po_box.text, po_box.note) == ("PO Box 4521, Kuwait City, KUWAIT", "Former branch office.")
    assert [(c.kind, c.value) for c in parsed["eu:900103"].contacts] == [
        ("phone", "+90 342 000 1122"),
        ("email", "info@alnur-relief.example"),
        ("email", "donations@alnur-relief.example"),
    ]
    assert parsed["eu:900101"].addresses[0].note == "as at listing time"


def test_designations_programmes_categories_and_un_reference(parsed: dict[str, ListEntry]) -> None:
    (taqa,) = parsed["eu:900101"].designations
    assert (taqa.authority, taqa.programme, taqa.category) == ("European Union", "TAQA", "terrorism")
    assert (taqa.listed_on, taqa.reference, taqa.legal_basis) == (date(2016, 5, 20), "EU.9001.11", "2016/811 (OJ L135)")
    (terr,) = parsed["eu:900102"].designations
    assert (terr.programme, terr.category) == ("TERR", "terrorism")  # via eu_fsf.yml's description
    assert terr.listed_on == date(2019, 7, 10)  # no designationDate: the regulation's entry into force
    assert parsed["eu:900104"].categories == ("terrorism",)  # AFG: Taliban
    assert parsed["eu:900106"].categories == ("proliferation",)
    rus = parsed["eu:900107"].designations
    assert [(d.programme, d.category, d.legal_basis) for d in rus] == [
        ("RUS", "sanctions", "2022/427 (OJ L87I)"),
        ("RUS", "sanctions", "2023/571 (OJ L75I)"),
    ]
    attributes = {(a.name, a.value, a.origin) for a in parsed["eu:900101"].attributes}
    assert ("un_reference", "QDi.951", "@unitedNationId") in attributes
    assert ("euReferenceNumber", "EU.9001.11", "@euReferenceNumber") in attributes
    assert not any(a.name == "un_reference" for a in parsed["eu:900102"].attributes)  # empty attribute skipped


def test_titles_positions_functions_and_remarks(parsed: dict[str, ListEntry]) -> None:
    taliban = parsed["eu:900104"]
    assert taliban.titles == ("Maulavi", "Mullah")
    assert taliban.positions == (
        "Deputy Minister of Frontier Affairs under the Taliban regime",
        "Governor of Khost Province under the Taliban regime",
    )
    assert parsed["eu:900101"].titles == ("Sheikh",)
    organisation = parsed["eu:900103"]
    assert organisation.positions == ()
    assert ("function", "Fundraising and logistics") in {(a.name, a.value) for a in organisation.attributes}
    remarks = {(r.origin, r.text) for r in parsed["eu:900101"].remarks}
    assert ("identification[1]/remark", "Expired in 2015.") in remarks
    assert any(origin == "sanctionEntity/remark" and "ISIL" in text for origin, text in remarks)


def test_sniff(fixture_path: Path, fixtures_dir: Path, tmp_path: Path) -> None:
    assert eu.sniff(fixture_path)
    assert not eu.sniff(fixtures_dir / "lists" / "un" / "consolidated-small.xml")
    assert not eu.sniff(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty"),
        ("<?xml version='1.0'?><CONSOLIDATED_LIST/>", "root element is <CONSOLIDATED_LIST>, expected <export>"),
        ('<export xmlns="urn:other"/>', "unknown FSF format: namespace 'urn:other'"),
    ],
)
def test_refuses_empty_and_foreign_files(tmp_path: Path, content: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        eu.read(_write(tmp_path, content))


def test_refuses_truncated_file(fixture_path: Path, tmp_path: Path) -> None:
    raw = fixture_path.read_bytes()
    path = tmp_path / "truncated.xml"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(SourceError, match=r"not well-formed XML \(truncated or corrupt\)"):
        eu.read(path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('logicalId="900103"', 'logicalId=""', r"sanctionEntity\[3\] \(line \d+\): @logicalId is empty"),
        ('logicalId="900105"', 'logicalId="900101"', r"sanctionEntity\[5\].*900101 appears twice"),
        ('code="enterprise" classificationCode="E"/>', 'code="vessel"/>', r"sanctionEntity\[3\].*'vessel'"),
    ],
)
def test_refuses_records_without_id_or_kind(
    fixture_path: Path, tmp_path: Path, old: str, new: str, message: str
) -> None:
    text = fixture_path.read_text(encoding="utf-8").replace(old, new, 1)
    with pytest.raises(SourceError, match=message):
        eu.read(_write(tmp_path, text))


def test_refuses_record_without_name(tmp_path: Path) -> None:
    text = f"""<export xmlns="{eu.NAMESPACE}" generationDate="2026-01-01T00:00:00Z">
      <sanctionEntity logicalId="1"><subjectType code="person"/><nameAlias wholeName="A B"/></sanctionEntity>
      <sanctionEntity logicalId="2"><subjectType code="person"/><nameAlias wholeName=" "/></sanctionEntity>
    </export>"""
    with pytest.raises(SourceError, match=r"sanctionEntity\[2\] \(line 3\): no nameAlias carries a name"):
        eu.read(_write(tmp_path, text))


def test_unknown_children_are_reported_not_dropped_silently(tmp_path: Path) -> None:
    text = f"""<export xmlns="{eu.NAMESPACE}">
      <sanctionEntity logicalId="7"><subjectType code="enterprise"/><nameAlias wholeName="X Co"/>
      <vesselDetails imo="9123453"/></sanctionEntity></export>"""
    result = eu.read(_write(tmp_path, text))
    assert result.unparsed == {"vesselDetails": 1}
    assert "vesselDetails" in result.warnings[0]
    assert result.entries[0].designations[0].category == "sanctions"  # no regulation: default category


def _mutate(data: st.DataObject, original: bytes) -> bytes:
    """One random truncation, overwrite, deletion or insertion of bytes or XML-ish tokens."""
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
@given(data=st.data())
def test_mutated_files_are_read_or_refused_never_crash(
    fixture_path: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    original = fixture_path.read_bytes()
    mutated = original
    for _ in range(data.draw(st.integers(1, 3))):
        mutated = _mutate(data, mutated)
    path = tmp_path_factory.mktemp("fuzz") / "mutated.xml"
    path.write_bytes(mutated)
    try:
        result = eu.read(path)
    except SourceError:
        return
    assert all(entry.key.startswith("eu:") and entry.names for entry in result.entries)
