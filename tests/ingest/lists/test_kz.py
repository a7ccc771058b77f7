"""Kazakhstan AFM reader on synthetic fixtures (tests/fixtures/lists/kz, invented records)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, ParsedList, PartRole
from tekser.errors import SourceError
from tekser.ingest.lists import kz


@pytest.fixture(scope="module")
def kz_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "kz"


@pytest.fixture(scope="module")
def category_1(kz_dir: Path) -> dict[str, ListEntry]:
    return {entry.source_id: entry for entry in kz.read(kz_dir / "category-1.xml").entries}


@pytest.fixture(scope="module")
def category_2(kz_dir: Path) -> dict[str, ListEntry]:
    return {entry.source_id: entry for entry in kz.read(kz_dir / "category-2.xml").entries}


@pytest.fixture(scope="module")
def wmd(kz_dir: Path) -> dict[str, ListEntry]:
    return {entry.source_id: entry for entry in kz.read(kz_dir / "wmd.xml").entries}


def _by_name(entries: dict[str, ListEntry], caption: str) -> ListEntry:
    return next(entry for entry in entries.values() if entry.caption == caption)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "list.xml"
    path.write_text(text, encoding="utf-8")
    return path


# --- category 1 --------------------------------------------------------------------------


def test_category_1_person_names_parts_and_iin(category_1: dict[str, ListEntry]) -> None:
    entry = category_1["921130348988"]
    assert entry.key == "kz:921130348988"
    assert entry.kind is EntityKind.PERSON
    name = entry.names[0]
    assert name.full == "ТОКТАРОВ Ерлан Серикович"
    assert [(p.role, p.value) for p in name.parts] == [
        (PartRole.FAMILY, "ТОКТАРОВ"),
        (PartRole.GIVEN, "Ерлан"),
        (PartRole.PATRONYMIC, "Серикович"),
    ]
    assert name.script == "Cyrl"
    assert name.origin == "person[1]/lname+fname+mname"
    assert [(d.start, d.precision, d.origin) for d in entry.birth_dates] == [
        (date(1992, 11, 30), DatePrecision.DAY, "person[1]/birthdate")
    ]
    document = entry.documents[0]
    assert (document.kind, document.number, document.country and document.country.code) == ("iin", "921130348988", "KZ")
    assert document.note is None
    assert entry.gender == "male"


def test_category_1_designation(category_1: dict[str, ListEntry]) -> None:
    designation = category_1["921130348988"].designations[0]
    assert designation.category == "terrorism"
    assert designation.legal_basis == "AML/CFT Law Art. 12"
    assert designation.listed_on == date(2016, 4, 12)
    assert designation.authority == kz.AUTHORITY
    assert designation.programme == "Financing of terrorism and extremism (category 1)"


def test_birth_date_and_gender_from_iin_when_birthdate_missing(category_1: dict[str, ListEntry]) -> None:
    entry = category_1["850302463052"]
    assert entry.names[0].parts[2].value == "Серікқызы"
    assert entry.names[0].parts[2].role is PartRole.PATRONYMIC
    (born,) = entry.birth_dates
    assert (born.start, born.end, born.precision) == (date(1985, 3, 2), date(1985, 3, 2), DatePrecision.DAY)
    assert born.origin == "person[2]/iin"
    assert born.note == "from the IIN"
    assert entry.gender == "female"


def test_extremism_category_from_note(category_1: dict[str, ListEntry]) -> None:
    entry = category_1["850302463052"]
    assert entry.categories == ("extremism",)
    assert entry.designations[0].listed_on == date(2019, 9, 5)  # from correction "включен от"
    basis = next(a for a in entry.attributes if a.name == "category_basis")
    assert (basis.value, basis.origin) == ("note: экстремистской", "person[2]/note")


def test_invalid_iin_is_kept_with_a_note(category_1: dict[str, ListEntry]) -> None:
    entry = category_1["751218369913"]
    (document,) = entry.documents
    assert document.number == "751218369913"
    assert document.note == "invalid IIN: check digit is 3, expected 2"
    assert entry.gender is None  # not read from an invalid IIN
    assert entry.last_updated == (date(2021, 3, 15),)
    twice = category_1["800101300729"].documents[0]
    assert twice.note == "invalid IIN: no check digit is possible for the first 11 digits"


def test_person_without_iin_gets_a_stable_hash_id(category_1: dict[str, ListEntry], kz_dir: Path) -> None:
    entry = _by_name(category_1, "ИСМАИЛОВА Динара Рашидовна")
    assert entry.source_id.startswith("c1-") and len(entry.source_id) == 15
    again = {e.caption: e.source_id for e in kz.read(kz_dir / "category-1.xml").entries}
    assert again["ИСМАИЛОВА Динара Рашидовна"] == entry.source_id
    (born,) = entry.birth_dates
    assert (born.start, born.end, born.precision, born.text) == (
        date(1990, 1, 1),
        date(1990, 12, 31),
        DatePrecision.YEAR,
        "00.00.1990",
    )
    assert entry.categories == ("extremism",)


def test_list_default_category_and_unknown_fields_kept(category_1: dict[str, ListEntry]) -> None:
    entry = category_1["770707374680"]
    assert entry.categories == ("terrorism",)
    assert [p.role for p in entry.names[0].parts] == [PartRole.FAMILY, PartRole.GIVEN]
    attributes = {a.name: (a.value, a.origin) for a in entry.attributes}
    assert attributes["status"] == ("действующий", "person[5]/status")
    assert attributes["category_basis"][0].startswith("list default")


def test_category_1_organisation_names(category_1: dict[str, ListEntry]) -> None:
    entry = _by_name(category_1, "Общественное объединение «Қара жел» (ҚЖ)")
    assert entry.kind is EntityKind.ORGANIZATION
    assert entry.source_id.startswith("c1-")
    names = [(n.full, n.kind, n.lang, n.origin) for n in entry.names]
    assert ("ҚЖ", NameKind.ALIAS, None, "org[1]/org_name") in names
    assert ("Общественное объединение «Қара жел»", NameKind.ALIAS, None, "org[1]/org_name") in names
    english = [n for n in entry.names if n.origin == "org[1]/org_name_en"]
    assert [n.full for n in english] == ["Black Wind Association", "Kara Zhel", "BWA"]
    assert {n.split_from for n in english} == {"Black Wind Association; Kara Zhel; BWA"}
    assert {n.lang for n in english} == {"en"}
    assert entry.categories == ("terrorism",)
    extremist = _by_name(category_1, "Фонд «Ақ жол көмек»")
    assert extremist.categories == ("extremism",)
    assert [n.full for n in extremist.names[1:]] == ["Ak Zhol Aid Foundation", "AZAF"]
    assert extremist.designations[0].listed_on == date(2012, 10, 10)


def test_every_category_1_entry_keeps_category_and_legal_basis(category_1: dict[str, ListEntry]) -> None:
    assert len(category_1) == 8
    for entry in category_1.values():
        (designation,) = entry.designations
        assert designation.category in ("terrorism", "extremism")
        assert designation.legal_basis == "AML/CFT Law Art. 12"
        assert entry.remarks or entry.source_id == "770707374680"


# --- category 2 --------------------------------------------------------------------------


def test_category_2_persons_in_org_tags(category_2: dict[str, ListEntry]) -> None:
    entry = category_2["9211303489"]
    assert entry.kind is EntityKind.PERSON
    assert [(p.role, p.value) for p in entry.names[0].parts] == [
        (PartRole.FAMILY, "МУСАЕВ"),
        (PartRole.GIVEN, "Тимур"),
        (PartRole.PATRONYMIC, "Асланович"),
    ]
    (document,) = entry.documents
    assert (document.kind, document.number, document.origin) == ("iin", "9211303489", "org[1]/org_iin")
    assert document.note == "10 digits where an IIN has 12: kept as given, not validated"
    assert entry.birth_dates == () and entry.gender is None
    designation = entry.designations[0]
    assert (designation.category, designation.legal_basis) == ("terrorism", "AML/CFT Law Art. 12")
    assert designation.programme == "Participants in terrorist activities (category 2)"
    assert designation.listed_on == date(2020, 5, 20)


def test_category_2_kazakh_patronymic_in_two_words(category_2: dict[str, ListEntry]) -> None:
    parts = category_2["7512183699"].names[0].parts
    assert parts[-1].role is PartRole.PATRONYMIC and parts[-1].value == "Серік ұлы"


def test_category_2_full_iin_and_missing_iin(category_2: dict[str, ListEntry]) -> None:
    full = category_2["651231421865"]
    assert (full.birth_dates[0].start, full.gender) == (date(1965, 12, 31), "female")
    missing = _by_name(category_2, "ОМАРОВА Зарина Маратовна")
    assert missing.source_id.startswith("c2-") and missing.documents == ()
    assert missing.designations[0].listed_on == date(2021, 11, 11)


def test_category_2_warns_about_short_iins(kz_dir: Path) -> None:
    parsed = kz.read(kz_dir / "category-2.xml")
    assert parsed.warnings == ["2 IIN values have 10 digits instead of 12: kept, flagged in the document note"]


# --- WMD ---------------------------------------------------------------------------------


def test_wmd_information_blob(wmd: dict[str, ListEntry]) -> None:
    entry = wmd["KPi.901"]
    assert entry.kind is EntityKind.PERSON
    assert entry.caption == "ПАК Чон Ир"
    aliases = [n for n in entry.names if n.kind is NameKind.ALIAS]
    assert [n.full for n in aliases] == ["Пак Чен Ир", "Pak Jong Il"]
    assert aliases[0].origin == "person[1]/information/Вымышленные названия"
    assert [(a.text, a.country and a.country.code) for a in entry.addresses] == [("Пхеньян, КНДР", "KP")]
    assert [(d.start, d.precision) for d in entry.birth_dates] == [(date(1961, 5, 12), DatePrecision.DAY)]
    assert [c.code for c in entry.citizenships] == ["KP"]
    assert [(d.kind, d.number) for d in entry.documents] == [("passport", "836110123")]
    designation = entry.designations[0]
    assert designation.category == "proliferation"
    assert designation.legal_basis == "AML/CFT Law Art. 12-1"
    assert designation.reference == "KPi.901"
    assert designation.listed_on == date(2016, 11, 30)
    assert designation.programme is not None and designation.programme.endswith(": DPRK")
    attributes = {a.name: a.value for a in entry.attributes}
    assert attributes["decision"] == "Резолюция СБ ООН 2321 (2016)"
    assert attributes["num"] == "1"
    assert entry.remarks[0].text.startswith("ПАК Чон Ир, Вымышленные названия:")


def test_wmd_entity_by_reference_and_year_only_birth(wmd: dict[str, ListEntry]) -> None:
    company = wmd["KPe.902"]
    assert company.kind is EntityKind.ORGANIZATION
    assert "Sonbong Trading Company" in [n.full for n in company.names]
    assert "Sonbong Trading Corp." in [n.full for n in company.names]
    person = _by_name(wmd, "РЕЗАИ Мохаммад Али")
    assert person.source_id.startswith("wmd-")
    (born,) = person.birth_dates
    assert (born.start, born.end, born.precision) == (date(1958, 1, 1), date(1958, 12, 31), DatePrecision.YEAR)
    assert [(p.text, p.country and p.country.code) for p in person.birth_places] == [("Исфахан, Иран", "IR")]
    assert person.designations[0].listed_on == date(2006, 12, 23)


# --- detection and refusals ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shape"), [("category-1", kz.Shape.CATEGORY_1), ("category-2", kz.Shape.CATEGORY_2), ("wmd", kz.Shape.WMD)]
)
def test_sniff_and_detect(kz_dir: Path, name: str, shape: kz.Shape) -> None:
    path = kz_dir / f"{name}.xml"
    assert kz.sniff(path)
    assert kz.detect_shape(etree.parse(str(path)).getroot(), name) is shape


def test_sniff_refuses_other_files(tmp_path: Path) -> None:
    assert not kz.sniff(tmp_path)
    assert not kz.sniff(_write(tmp_path, "<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>"))


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="the file is empty"):
        kz.read(_write(tmp_path, ""))


def test_truncated_file_is_refused(tmp_path: Path, kz_dir: Path) -> None:
    text = (kz_dir / "category-1.xml").read_text(encoding="utf-8")
    with pytest.raises(SourceError, match="not well-formed XML"):
        kz.read(_write(tmp_path, text[: len(text) // 2]))


def test_unknown_shape_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="unknown shape"):
        kz.read(_write(tmp_path, "<catalog><book><title>x</title></book></catalog>"))


def test_mixed_shapes_are_refused(tmp_path: Path) -> None:
    text = "<r><person><lname>А</lname></person><org><org_name>Б</org_name><org_iin>1</org_iin></org></r>"
    with pytest.raises(SourceError, match=r"mixes AFM list shapes \(person\[1\] looks like category-1"):
        kz.read(_write(tmp_path, text))


def test_ambiguous_orgs_need_a_shape(tmp_path: Path) -> None:
    path = _write(tmp_path, "<r><org><org_name>ИВАНОВ Иван Иванович</org_name></org></r>")
    with pytest.raises(SourceError, match="category 1 or 2"):
        kz.read(path)
    (entry,) = kz.read(path, shape="category-2").entries
    assert entry.kind is EntityKind.PERSON and entry.categories == ("terrorism",)


def test_record_without_name_is_refused_naming_record_and_field(tmp_path: Path) -> None:
    text = "<r><person><iin>921130348988</iin><lname/></person></r>"
    with pytest.raises(SourceError, match=r"person\[1\] \(line 1\): lname, fname and mname are all empty"):
        kz.read(_write(tmp_path, text))


def test_duplicate_ids_are_kept_apart_or_dropped(tmp_path: Path) -> None:
    record = "<person><lname>ТОКТАРОВ</lname><iin>921130348988</iin><note>{}</note></person>"
    text = "<r>" + record.format("а") + record.format("а") + record.format("б") + "</r>"
    parsed = kz.read(_write(tmp_path, text))
    assert [e.source_id[:13] for e in parsed.entries] == ["921130348988", "921130348988~"]
    assert len(parsed.warnings) == 2


def test_iin_date_that_differs_from_birthdate_is_noted(tmp_path: Path) -> None:
    text = "<r><person><lname>ТОКТАРОВ</lname><birthdate>01.12.1992</birthdate><iin>921130348988</iin></person></r>"
    (entry,) = kz.read(_write(tmp_path, text)).entries
    assert [d.start for d in entry.birth_dates] == [date(1992, 12, 1)]
    assert entry.documents[0].note == "IIN date of birth 1992-11-30 differs from birthdate 01.12.1992"


def test_sniff_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xef\xbb\xbf<r><person><lname>A</lname></person></r>")
    assert kz.sniff(path)
    assert kz.read(path).entries[0].caption == "A"


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    text = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    text += "<r><person><lname>&x;</lname><fname>Ерлан</fname></person></r>"
    # nothing is read from the system, and the file is refused rather than read with a hole in a name
    with pytest.raises(SourceError, match=r"line 1: entity reference &x; inside <r/person/lname>") as refused:
        kz.read(_write(tmp_path, text))
    assert "root:" not in str(refused.value)


# --- property: mutated input never crashes the reader ---------------------------------------


@settings()
@given(
    name=st.sampled_from(["category-1", "category-2", "wmd"]),
    cut=st.integers(min_value=0, max_value=6000),
    position=st.integers(min_value=0, max_value=6000),
    junk=st.binary(max_size=8),
)
def test_mutated_input_gives_a_list_or_a_source_error(
    kz_dir: Path, name: str, cut: int, position: int, junk: bytes
) -> None:
    source = (kz_dir / f"{name}.xml").read_bytes()
    data = source[: max(cut, 1)] if cut < len(source) else source
    data = data[:position] + junk + data[position + len(junk) :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mutated.xml"
        path.write_bytes(data)
        try:
            parsed = kz.read(path)
        except SourceError:
            return
    assert isinstance(parsed, ParsedList)


# --- the set of AFM lists in one folder -------------------------------------------------------


def test_a_folder_of_afm_files_is_one_list(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kz"
    folder.mkdir()
    for name in ("category-1.xml", "category-2.xml", "wmd.xml"):
        (folder / name).write_bytes((fixtures_dir / "lists" / "kz" / name).read_bytes())
    assert kz.sniff(folder)
    single = {name: len(kz.read(folder / name).entries) for name in ("category-1.xml", "category-2.xml", "wmd.xml")}
    result = kz.read(folder)
    assert len(result.entries) == sum(single.values())
    assert [f.name for f in result.files] == ["category-1.xml", "category-2.xml", "wmd.xml"]
    categories = {d.category for e in result.entries for d in e.designations}
    assert categories == {"terrorism", "extremism", "proliferation"}


def test_a_person_on_two_afm_lists_is_merged(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "kz"
    folder.mkdir()
    (folder / "category-1.xml").write_bytes((fixtures_dir / "lists" / "kz" / "category-1.xml").read_bytes())
    category_2 = (fixtures_dir / "lists" / "kz" / "category-2.xml").read_text(encoding="utf-8")
    # the same IIN as the first category 1 person
    (folder / "category-2.xml").write_text(category_2.replace("9211303489", "921130348988"), encoding="utf-8")
    result = kz.read(folder)
    merged = next(e for e in result.entries if e.source_id == "921130348988")
    assert [d.programme for d in merged.designations] == [
        "Financing of terrorism and extremism (category 1)",
        "Participants in terrorist activities (category 2)",
    ]
    assert any("kz:921130348988 is also in an earlier file; merged" in w for w in result.warnings)


def test_a_folder_with_other_xml_is_not_an_afm_set(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "category-1.xml").write_bytes((fixtures_dir / "lists" / "kz" / "category-1.xml").read_bytes())
    (folder / "un.xml").write_bytes((fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_bytes())
    assert not kz.sniff(folder)
