"""OFAC legacy CSV set: joins, the Remarks mini-language, refusals and a fuzz property."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality, PartRole
from tekser.errors import SourceError
from tekser.ingest.lists import ofac
from tekser.ingest.lists.ofac_remarks import parse_remarks, split_facts


@pytest.fixture(scope="module")
def parsed(fixtures_dir: Path) -> dict[str, ListEntry]:
    result = ofac.read(fixtures_dir / "lists" / "ofac")
    assert [f.name for f in result.files] == ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]
    assert result.unparsed == {"Scientific Studies": 1}
    return {entry.key: entry for entry in result.entries}


def test_kinds_and_keys(parsed: dict[str, ListEntry]) -> None:
    assert {key: entry.kind for key, entry in parsed.items()} == {
        "ofac:90001": EntityKind.PERSON,
        "ofac:90002": EntityKind.ORGANIZATION,
        "ofac:90003": EntityKind.PERSON,
        "ofac:90004": EntityKind.VESSEL,
        "ofac:90005": EntityKind.AIRCRAFT,
        "ofac:90006": EntityKind.PERSON,
    }


def test_person_name_is_split_into_family_and_given(parsed: dict[str, ListEntry]) -> None:
    primary = parsed["ofac:90001"].names[0]
    assert primary.full == "NURLANOV, Askar Serikovich"
    assert [(p.role, p.value) for p in primary.parts] == [
        (PartRole.GIVEN, "Askar Serikovich"),
        (PartRole.FAMILY, "NURLANOV"),
    ]


def test_remarks_continue_in_sdn_comments(parsed: dict[str, ListEntry]) -> None:
    entry = parsed["ofac:90001"]
    # the link sits after character 1,000, in sdn_comments.csv, and the passport cut mid-word is whole
    assert [link.target_name for link in entry.links] == ["STEPPE RELIEF FOUNDATION"]
    turkish = [d.number for d in entry.documents if d.country and d.country.code == "TR"]
    assert turkish == [f"X{n:07d}" for n in range(30)]
    assert entry.remarks[0].text.endswith("Linked To: STEPPE RELIEF FOUNDATION.")


def test_remarks_facts(parsed: dict[str, ListEntry]) -> None:
    entry = parsed["ofac:90001"]
    assert [(d.start, d.end, d.note) for d in entry.birth_dates] == [
        (date(1975, 3, 12), date(1975, 3, 12), None),
        (date(1976, 1, 1), date(1976, 12, 31), "alternative"),
    ]
    assert entry.gender == "male"
    assert [c.code for c in entry.nationalities] == ["KZ"]
    assert [c.code for c in entry.citizenships] == ["RU"]  # citizenship is not nationality
    passport = entry.documents[0]
    assert (passport.kind, passport.number, passport.issue_date, passport.expiry_date) == (
        "passport",
        "N01234567",
        "01 Jun 2010",
        "31 May 2020",
    )
    assert (entry.documents[1].kind, entry.documents[1].number) == ("national_id", "750312300123")
    weak = [(n.full, n.quality) for n in entry.names if n.origin == "sdn.csv/Remarks"]
    assert weak == [("ABU YUSUF", NameQuality.WEAK), ("AL-QAZAQI", NameQuality.WEAK)]
    assert {(c.kind, c.value) for c in entry.contacts} == {
        ("email", "askar@example.org"),
        ("phone", "77010000000"),
        ("website", "www.example.org"),
    }
    assert [(d.programme, d.category) for d in entry.designations] == [("SDGT", "terrorism"), ("IRGC", "sanctions")]


def test_quoted_alias_containing_quotes(parsed: dict[str, ListEntry]) -> None:
    names = parsed["ofac:90002"].names
    assert [(n.full, n.kind, n.quality) for n in names] == [
        ("STEPPE RELIEF FOUNDATION", NameKind.PRIMARY, NameQuality.STRONG),
        ("DALA AID SOCIETY", NameKind.FORMER, NameQuality.STRONG),
        ("STEPPE RELIEF", NameKind.NEW, NameQuality.STRONG),
        ("DALA 'AID' SOCIETY", NameKind.ALIAS, NameQuality.WEAK),
    ]


def test_date_forms_and_former_weak_alias(parsed: dict[str, ListEntry]) -> None:
    entry = parsed["ofac:90003"]
    circa, years, days, month = entry.birth_dates
    assert (circa.approximate, circa.precision) == (True, DatePrecision.YEAR)
    assert (years.start, years.end) == (date(1979, 1, 1), date(1982, 12, 31))
    assert (days.start, days.end) == (date(1961, 1, 1), date(1962, 12, 31))
    assert (month.start, month.end) == (date(1980, 2, 1), date(1980, 2, 29))
    assert entry.titles == ("Dr.",)
    former = [n.full for n in entry.names if n.kind is NameKind.FORMER]
    assert former == ["ABDUL RAHMAN HASHIMI"]
    assert entry.documents[0].number_normalized == "92664"


def test_vessel_and_aircraft_facts(parsed: dict[str, ListEntry]) -> None:
    vessel = parsed["ofac:90004"]
    assert {(d.kind, d.number) for d in vessel.documents} == {("imo", "9000001"), ("mmsi", "445000001")}
    attributes = {a.name: a.value for a in vessel.attributes}
    assert attributes["Vess_flag"] == "Korea, North"
    assert attributes["Former Vessel Flag"] == "Panama"
    aircraft = parsed["ofac:90005"]
    assert {a.name: a.value for a in aircraft.attributes}["Aircraft Operator"] == "STEPPE AIR"
    crypto = parsed["ofac:90006"].contacts
    assert [(c.kind, c.value) for c in crypto] == [("crypto:XBT", "1ExampleAddr9xQ")]


def test_addresses_are_joined(parsed: dict[str, ListEntry]) -> None:
    addresses = parsed["ofac:90002"].addresses
    assert [(a.text, a.note, a.origin) for a in addresses] == [
        ("12 Abay Avenue, Almaty 050000, Kazakhstan", "head office", "add.csv/add_num=202"),
        ("Turkey", None, "add.csv/add_num=203"),
    ]


@pytest.mark.parametrize(
    ("remarks", "facts"),
    [
        ("DOB 1938.", ["DOB 1938"]),
        ("a.k.a. 'ABU-'UMAR'; DOB 1960.", ["a.k.a. 'ABU-'UMAR'", "DOB 1960"]),
        ("a.k.a. 'X; Y'; Gender Male.", ["a.k.a. 'X; Y'", "Gender Male"]),
        ("alt. a.k.a. 'Z'.", ["alt. a.k.a. 'Z'"]),
    ],
)
def test_split_facts(remarks: str, facts: list[str]) -> None:
    assert split_facts(remarks) == facts


def test_unknown_identifier_phrase_is_still_an_identifier() -> None:
    facts = parse_remarks("Numero de Seguridad Social 1234567 (Honduras); Minister of Oil.")
    assert [(d.kind_raw, d.number) for d in facts.documents] == [("Numero de Seguridad Social", "1234567")]
    assert facts.unparsed_kinds == {"Minister of": 1}


def _copy_set(fixtures_dir: Path, target: Path) -> Path:
    shutil.copytree(fixtures_dir / "lists" / "ofac", target)
    return target


def test_refuses_an_incomplete_set(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    (folder / "alt.csv").unlink()
    with pytest.raises(SourceError, match="incomplete OFAC CSV set: alt.csv missing"):
        ofac.read(folder)


def test_refuses_an_empty_file(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    (folder / "sdn.csv").write_bytes(b"")
    with pytest.raises(SourceError, match=r"sdn.csv: the file is empty"):
        ofac.read(folder)


def test_refuses_a_truncated_file(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    data = (folder / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match=r"sdn.csv: line \d+: .*(truncated or corrupt)"):
        ofac.read(folder)


def test_refuses_a_duplicate_ent_num(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    text = (folder / "sdn.csv").read_text(encoding="ascii")
    (folder / "sdn.csv").write_text(text.replace("90006,", "90005,"), encoding="ascii", newline="")
    with pytest.raises(SourceError, match="ent_num 90005 appears twice"):
        ofac.read(folder)


def _lines(path: Path) -> list[bytes]:
    """The file's lines with their CRLF; the SUB marker is the last one."""
    return path.read_bytes().splitlines(keepends=True)


@pytest.mark.parametrize("name", ["sdn.csv", "alt.csv", "add.csv"])
def test_refuses_a_file_cut_at_a_line_boundary(fixtures_dir: Path, tmp_path: Path, name: str) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    lines = _lines(folder / name)
    assert lines[-1] == b"\x1a"
    (folder / name).write_bytes(b"".join(lines[:-2]))  # the last row and the marker gone: still valid CSV
    with pytest.raises(SourceError, match=rf"{name}: no end-of-file marker: the last line holding SUB \(0x1A\)"):
        ofac.read(folder)


def test_refuses_a_missing_marker_even_when_every_row_is_there(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    (folder / "sdn.csv").write_bytes((folder / "sdn.csv").read_bytes().rstrip(b"\x1a"))
    with pytest.raises(SourceError, match=r"sdn.csv: no end-of-file marker.* after 6 rows"):
        ofac.read(folder)


def test_refuses_rows_after_the_marker(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    data = (folder / "alt.csv").read_bytes()
    (folder / "alt.csv").write_bytes(data + b'\r\n90001,999,"aka","LATE ROW",-0- \r\n\x1a')
    after = r"alt.csv: line 7: data after the end-of-file marker \(SUB, 0x1A\) of line 6"
    with pytest.raises(SourceError, match=after):
        ofac.read(folder)


def test_sdn_comments_may_end_without_a_marker(fixtures_dir: Path, tmp_path: Path) -> None:
    # the published sdn_comments.csv of the shared 2021 set has none
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    (folder / "sdn_comments.csv").write_bytes((folder / "sdn_comments.csv").read_bytes().rstrip(b"\x1a"))
    result = ofac.read(folder)
    assert len(result.entries) == 6
    assert result.incomplete == []


def test_rows_referring_to_absent_entries_make_the_set_incomplete(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    text = (folder / "alt.csv").read_text(encoding="ascii").rstrip("\x1a")
    extra = '77777,999,"aka","NOBODY",-0- \r\n77777,998,"aka","NOBODY ELSE",-0- \r\n'
    (folder / "alt.csv").write_text(text + extra + "\x1a", encoding="ascii", newline="")
    result = ofac.read(folder)
    assert result.incomplete == ["alt.csv: 2 rows refer to an ent_num absent from sdn.csv (77777)"]
    assert result.warnings == []


def test_a_cut_remark_without_its_continuation_makes_the_set_incomplete(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = _copy_set(fixtures_dir, tmp_path / "ofac")
    (folder / "sdn_comments.csv").unlink()  # optional in the set, so only the cut remark shows it is gone
    result = ofac.read(folder)
    assert result.incomplete == [
        "sdn.csv: 1 Remarks cut at 1,000 characters have no continuation in sdn_comments.csv (90001)"
    ]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_cut_at_a_line_boundary_is_refused(fixtures_dir: Path, tmp_path: Path, data: st.DataObject) -> None:
    folder = _copy_set(fixtures_dir, Path(tempfile.mkdtemp(dir=tmp_path)) / "ofac")
    name = data.draw(st.sampled_from(["sdn.csv", "alt.csv", "add.csv"]))
    lines = _lines(folder / name)
    kept = data.draw(st.integers(1, len(lines) - 1))
    (folder / name).write_bytes(b"".join(lines[:kept]))
    with pytest.raises(SourceError, match=rf"{name}: no end-of-file marker"):
        ofac.read(folder)


def test_the_real_sdn_file_cut_at_a_line_boundary_is_refused(shared_data: Path, tmp_path: Path) -> None:
    real = shared_data / "lists" / "ofac"
    assert ofac.read(real).incomplete == []  # the published set is complete and consistent
    folder = tmp_path / "ofac"
    shutil.copytree(real, folder)
    lines = _lines(folder / "sdn.csv")
    kept = len(lines) - len(lines) // 50  # 2 % of the rows and the marker gone
    (folder / "sdn.csv").write_bytes(b"".join(lines[:kept]))
    with pytest.raises(SourceError, match=rf"{folder / 'sdn.csv'}: no end-of-file marker.* after {kept} rows"):
        ofac.read(folder)
    # with a marker put back, the rows of alt.csv and add.csv for the lost entries give it away
    (folder / "sdn.csv").write_bytes(b"".join(lines[:kept]) + b"\x1a")
    incomplete = ofac.read(folder).incomplete
    assert [sign.split(":")[0] for sign in incomplete] == ["alt.csv", "add.csv"]
    assert "refer to an ent_num absent from sdn.csv" in incomplete[0]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_sets_are_read_or_refused_never_crash(fixtures_dir: Path, tmp_path: Path, data: st.DataObject) -> None:
    folder = _copy_set(fixtures_dir, Path(tempfile.mkdtemp(dir=tmp_path)) / "ofac")
    name = data.draw(st.sampled_from(["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]))
    original = (folder / name).read_bytes()
    position = data.draw(st.integers(0, len(original) - 1))
    cut = data.draw(st.integers(position, min(len(original), position + 12)))
    (folder / name).write_bytes(original[:position] + data.draw(st.binary(max_size=6)) + original[cut:])
    try:
        result = ofac.read(folder)
    except SourceError:
        return
    assert all(entry.key.startswith("ofac:") for entry in result.entries)
