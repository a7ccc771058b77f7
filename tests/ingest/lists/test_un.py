"""UN consolidated list reader: the synthetic fixture's traps, refusals and a fuzz property."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality, PartRole
from tekser.errors import SourceError
from tekser.ingest.lists import un


@pytest.fixture(scope="module")
def parsed(fixtures_dir: Path) -> dict[str, ListEntry]:
    result = un.read(fixtures_dir / "lists" / "un" / "consolidated-small.xml")
    assert result.list_id == "un"
    assert result.published_at == datetime.fromisoformat("2026-10-01T00:00:05.123+00:00")
    return {entry.key: entry for entry in result.entries}


def test_keys_come_from_trimmed_reference_numbers(parsed: dict[str, ListEntry]) -> None:
    assert sorted(parsed) == ["un:KPe.901", "un:KPi.901", "un:QDe.901", "un:QDi.901", "un:QDi.902", "un:QDi.903"]
    assert parsed["un:QDe.901"].kind is EntityKind.ORGANIZATION


def test_person_keeps_name_parts_original_script_and_designation(parsed: dict[str, ListEntry]) -> None:
    entry = parsed["un:QDi.901"]
    primary = entry.names[0]
    assert primary.full == "ASKAR SERIKOVICH NURLANOV"
    assert [(p.role, p.value) for p in primary.parts] == [
        (PartRole.FIRST, "ASKAR"),
        (PartRole.SECOND, "SERIKOVICH"),
        (PartRole.THIRD, "NURLANOV"),
    ]
    original = [n for n in entry.names if n.origin == "NAME_ORIGINAL_SCRIPT"]
    assert [(n.full, n.script, n.original_script) for n in original] == [("Нурланов Аскар Серикович", "Cyrl", True)]
    (designation,) = entry.designations
    assert (designation.programme, designation.category, designation.listed_on) == (
        "Al-Qaida",
        "terrorism",
        date(2015, 4, 7),  # "2015-04-07-04:00": the zone offset does not break the date
    )
    assert entry.gender == "male"
    assert entry.titles == ("Haji",)
    assert entry.positions == ("Facilitator",)  # trailing space trimmed
    assert [(c.name, c.code) for c in entry.nationalities] == [
        ("Russian Federation", "RU"),  # line break inside the value collapsed
        ("former Soviet Union", None),  # kept as text, no code
    ]
    assert entry.last_updated == (date(2019, 5, 1), date(2021, 11, 15))


def test_aliases_keep_quality_and_split_packed_variants(parsed: dict[str, ListEntry]) -> None:
    names = parsed["un:QDi.901"].names
    weak = [n for n in names if n.quality is NameQuality.WEAK]
    assert [(n.full, n.source_quality, n.original_script) for n in weak] == [
        ("Abu Yusuf", "Low", False),
        ("أبو يوسف", "Low", True),  # "In Arabic: ..." in the alias note
    ]
    packed = [n.full for n in names if n.split_from == "Askar Nurlanuly; Asqar Nurlanuly"]
    assert packed == ["Askar Nurlanuly", "Asqar Nurlanuly"]
    parenthesised = [n.full for n in names if n.split_from == "Askar Nurlanov (Nurlanow)"]
    assert parenthesised == ["Askar Nurlanov", "Askar Nurlanow"]
    # the placeholder <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/> is not a name
    assert all(n.full for n in names)
    assert sum(1 for n in names if n.kind is NameKind.ALIAS and n.split_from is None) == 4


def test_arabic_alias_with_latin_variants_and_former_name(parsed: dict[str, ListEntry]) -> None:
    names = parsed["un:QDi.902"].names
    variants = [(n.full, n.original_script) for n in names if n.split_from and n.split_from.startswith("عبد")]
    assert variants == [
        ("عبد الرحمن الشامي", True),
        ("Abd al-Rahman al-Shami", False),
        ("Abdurrahman al-Shami", False),
    ]
    former = [n.full for n in names if n.kind is NameKind.FORMER]
    assert former == ["Abdul Rahman Hashimi"]


def test_dates_of_birth_are_intervals_with_provenance(parsed: dict[str, ListEntry]) -> None:
    first = {d.origin: d for d in parsed["un:QDi.901"].birth_dates}
    assert first["INDIVIDUAL_DATE_OF_BIRTH[1]"].start == date(1975, 3, 12)
    year = first["INDIVIDUAL_DATE_OF_BIRTH[2]"]
    assert (year.start, year.end, year.precision) == (date(1976, 1, 1), date(1976, 12, 31), DatePrecision.YEAR)
    assert first["INDIVIDUAL_ALIAS[1]/DATE_OF_BIRTH"].end == date(1975, 12, 31)
    assert len(first) == 3  # the empty <TYPE_OF_DATE/> record adds nothing

    second = parsed["un:QDi.902"].birth_dates
    approximate, between, hijri = second
    assert approximate.approximate and approximate.precision is DatePrecision.YEAR
    assert (between.start, between.end, between.approximate) == (date(1979, 1, 1), date(1982, 12, 31), True)
    assert (hijri.start, hijri.calendar) == (date(1982, 4, 18), "hijri")

    age, months, september = parsed["un:QDi.903"].birth_dates
    # "30-35 years old" on a 2020-02-03 listing
    assert age.start is not None and age.end is not None
    assert age.start.year == 1984 and age.end.year == 1990
    assert (months.start, months.end) == (date(1985, 8, 1), date(1985, 9, 30))
    assert (september.start, september.end, september.precision) == (
        date(1984, 9, 1),
        date(1984, 9, 30),
        DatePrecision.MONTH,
    )


def test_documents_are_normalised_and_empty_ones_skipped(parsed: dict[str, ListEntry]) -> None:
    passport, national = parsed["un:QDi.901"].documents
    assert (passport.kind, passport.number, passport.number_normalized) == ("passport", "N 0123 4567", "N01234567")
    assert passport.country is not None and passport.country.code == "KZ"
    assert national.kind == "national_id"  # "National Identification\n Number"
    (french,) = parsed["un:QDi.902"].documents
    assert (french.kind, french.kind_raw) == ("passport", "Numéro de passeport")
    (tazkira,) = parsed["un:QDi.903"].documents
    assert (tazkira.kind, tazkira.number) == ("national_id", "545167")
    (from_note,) = parsed["un:KPi.901"].documents
    assert (from_note.number, from_note.origin, from_note.expiry_date) == (
        "563120235",
        "INDIVIDUAL_ALIAS[1]/NOTE",
        "12 June 2022",
    )


def test_entity_aliases_and_addresses(parsed: dict[str, ListEntry]) -> None:
    entry = parsed["un:QDe.901"]
    kinds = {(n.full, n.kind, n.source_quality) for n in entry.names if n.split_from is None}
    assert kinds == {
        ("STEPPE RELIEF FOUNDATION", NameKind.PRIMARY, None),
        ("Фонд помощи Степь", NameKind.PRIMARY, None),
        ("Steppe Relief (SRF)", NameKind.ALIAS, "a.k.a."),
        ("Dala Aid Society", NameKind.FORMER, "f.k.a."),
    }
    assert {n.full for n in entry.names if n.split_from == "Steppe Relief (SRF)"} == {"Steppe Relief", "SRF"}
    (address,) = entry.addresses
    assert (address.street, address.city, address.postal_code) == ("12 Abay Avenue", "Almaty", "050000")
    assert address.country is not None and (address.country.name, address.country.code) == ("Kazakhstan", "KZ")
    assert address.text == "12 Abay Avenue, Almaty, 050000, Kazakhstan"
    assert parsed["un:KPe.901"].designations[0].category == "proliferation"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"<?xml version='1.0'?><sdnList></sdnList>", "expected <CONSOLIDATED_LIST>"),
        (b"<CONSOLIDATED_LIST><INDIVIDUALS></INDIVIDUALS></CONSOLIDATED_LIST>", "missing <INDIVIDUALS> or <ENTITIES>"),
    ],
)
def test_refuses_empty_foreign_and_incomplete_files(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=reason) as raised:
        un.read(path)
    assert str(path) in str(raised.value)


def test_refuses_a_truncated_file(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_bytes()
    path = tmp_path / "consolidated.xml"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(SourceError, match="not well-formed XML"):
        un.read(path)


def test_refuses_a_record_without_reference(fixtures_dir: Path, tmp_path: Path) -> None:
    data = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_text(encoding="utf-8")
    path = tmp_path / "consolidated.xml"
    path.write_text(data.replace("<REFERENCE_NUMBER>QDi.903</REFERENCE_NUMBER>", "<REFERENCE_NUMBER/>"), "utf-8")
    with pytest.raises(SourceError, match=r"INDIVIDUAL\[3\].*REFERENCE_NUMBER is empty"):
        un.read(path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_files_are_read_or_refused_never_crash(fixtures_dir: Path, tmp_path: Path, data: st.DataObject) -> None:
    original = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_bytes()
    position = data.draw(st.integers(0, len(original) - 1))
    replacement = data.draw(st.binary(max_size=8))
    cut = data.draw(st.integers(position, min(len(original), position + 16)))
    path = tmp_path / "mutated.xml"
    path.write_bytes(original[:position] + replacement + original[cut:])
    try:
        result = un.read(path)
    except SourceError:
        return
    assert all(entry.key.startswith("un:") and entry.names for entry in result.entries)


# --- entities: refused, never half a name (tests/fixtures/list-damage/un) --------------------


def _damaged(fixtures_dir: Path, name: str) -> Path:
    return fixtures_dir / "list-damage" / "un" / name


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        (
            "entity-declared.xml",
            r"line 12: entity reference &xxe; inside <CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL/FIRST_NAME>: "
            r"list files use no entities and the text around it would be cut \(refused, never half a name\)",
        ),
        ("entity-undeclared.xml", r"not well-formed XML .*Entity 'xxe' not defined, line 9"),
        ("entity-external-dtd.xml", r"line 10: entity reference &xxe; inside <.*/INDIVIDUAL/FIRST_NAME>"),
        ("external-entity.xml", r"line 12: entity reference &xxe; inside <.*/INDIVIDUAL/FIRST_NAME>"),
        ("entity-in-attribute-only.xml", r"the document type declares entities \(xxe\): list files declare none"),
        ("billion-laughs.xml", r"not well-formed XML .*entity amplification"),
    ],
)
def test_entities_refuse_the_file(fixtures_dir: Path, name: str, reason: str) -> None:
    path = _damaged(fixtures_dir, name)
    with pytest.raises(SourceError, match=reason) as refused:
        un.read(path)
    assert str(refused.value).startswith(f"{path}: ")
    assert "root:" not in str(refused.value)  # nothing was read from /etc/passwd


def test_a_comment_inside_a_name_keeps_the_whole_name(fixtures_dir: Path) -> None:
    (entry,) = un.read(_damaged(fixtures_dir, "comment-in-name.xml")).entries
    assert [name.full for name in entry.names] == ["ERIC TESTOV", "ERIC TESTOV"]
    assert [part.value for part in entry.names[0].parts] == ["ERIC", "TESTOV"]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ", min_size=1, max_size=8),
    after=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ ", min_size=1, max_size=8),
    entity=st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True).filter(
        lambda name: name not in {"lt", "gt", "amp", "quot", "apos"}  # XML's own five are plain text
    ),
    declared=st.booleans(),
)
def test_a_name_with_an_entity_inside_is_never_read_in_part(
    fixtures_dir: Path, tmp_path: Path, before: str, after: str, entity: str, declared: bool
) -> None:
    text = _damaged(fixtures_dir, "entity-declared.xml").read_text(encoding="utf-8")
    text = text.replace("ER&xxe;IC", f"{before}&{entity};{after}").replace("ENTITY xxe", f"ENTITY {entity}")
    if not declared:
        text = text.replace(f'  <!ENTITY {entity} "XX">\n', "")
    path = tmp_path / "un.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError):
        un.read(path)


def test_the_un_na_nationality_is_no_country_not_namibia(fixtures_dir: Path, tmp_path: Path) -> None:
    """The UN writes "na" (not available) where it knows no nationality; NA elsewhere is Namibia."""
    data = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_text(encoding="utf-8")
    path = tmp_path / "consolidated.xml"
    path.write_text(data.replace("<VALUE>Syrian Arab Republic</VALUE>", "<VALUE>na</VALUE>", 1), "utf-8")
    changed = [e for e in un.read(path).entries if any(c.name == "na" for c in e.nationalities)]
    assert len(changed) == 1
    assert [(c.name, c.code) for c in changed[0].nationalities] == [("na", None)]
