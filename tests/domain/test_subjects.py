"""Subject records: only a nameless record is refused; any other unusable field is a warning."""

from __future__ import annotations

from importlib import resources

import pycountry
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tekser.domain import countries
from tekser.domain.subjects import KNOWN_FIELDS, subject_from_record
from tekser.errors import InvalidInput
from tekser.ingest.subjects import read_subjects


@pytest.mark.parametrize("written", ["NA", "na", "NAM", "Namibia", " namibia "])
def test_namibia_is_a_country(written: str) -> None:
    subject = subject_from_record({"id": "1", "name": "Hendrik Witbooi", "nationality": written}, "line 1")
    assert subject.nationality == "NA"
    assert subject.warnings == ()


def test_no_alias_hides_an_iso_code() -> None:
    """An alias spelled like an ISO code would take that country's place (``na: ~`` hid Namibia)."""
    aliases = yaml.safe_load(
        (resources.files("tekser.domain") / "data" / "country_aliases.yml").read_text(encoding="utf-8")
    )["aliases"]
    codes = {c.alpha_2: c.alpha_2 for c in pycountry.countries} | {c.alpha_3: c.alpha_2 for c in pycountry.countries}
    for alias, code in aliases.items():
        key = countries._key(str(alias)).upper()
        assert key not in codes or codes[key] == code, f"alias {alias!r} hides the ISO code {key}"
    assert countries.country_code("N/A") is None  # "not available", kept as text


@pytest.mark.parametrize(
    ("field", "value", "left_out"),
    [
        ("nationality", "Atlantis", "nationality"),
        ("document_country", "XX", "document_country"),
        ("birth_date", "1990-02-31", "birth_date"),
        ("birth_date", "last spring", "birth_date"),
        ("gender", "x", "gender"),
        ("schema", "Spaceship", "kind"),
    ],
)
def test_an_unusable_field_is_a_warning_and_the_rest_is_kept(field: str, value: str, left_out: str) -> None:
    record = {"id": "7", "name": "Ana Lima", "nationality": "BR", "birth_date": "1980-05", "gender": "f", field: value}
    subject = subject_from_record(record, "line 3 (id 7)")
    assert getattr(subject, left_out) is None
    (warning,) = subject.warnings
    assert warning.startswith(f"line 3 (id 7), field {field}:")
    assert f"(got {value!r})" in warning
    kept = {"nationality": "BR", "birth_date": "1980-05", "gender": "female"}
    for other, expected in kept.items():
        if other != field:
            shown = getattr(subject, other)
            assert (shown.text if other == "birth_date" else shown) == expected


def test_unknown_and_non_text_fields_are_warnings() -> None:
    subject = subject_from_record({"id": "1", "name": "Ana Lima", "nationalty": "BR", "gender": ["f"]}, "row 2")
    assert subject.gender is None
    assert [w.split(":")[0] for w in subject.warnings] == ["row 2, field gender", "row 2, field nationalty"]


def test_a_missing_id_is_the_record_place() -> None:
    subject = subject_from_record({"name": "Ana Lima"}, "line 4")
    assert subject.id == "line 4"
    assert subject.warnings == ("line 4, field id: missing: the record's place (line 4) stands for it",)


@pytest.mark.parametrize("record", [{"id": "9"}, {"id": "9", "name": "  "}, {"id": "9", "name": ["x"], "gender": "m"}])
def test_a_record_without_a_name_is_refused_naming_record_and_field(record: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as raised:
        subject_from_record(record, "line 12 (id 9)")
    assert raised.value.errors[0].record == "line 12 (id 9)"
    assert raised.value.errors[0].field == "name"
    assert "line 12 (id 9), field name: is required" in str(raised.value)


def test_given_and_family_names_make_a_name() -> None:
    subject = subject_from_record({"id": "1", "given_name": "Ana", "family_name": "Lima"}, "line 1")
    assert (subject.name, subject.family_name) == ("Ana Lima", "Lima")


def test_readers_keep_na_and_screen_the_rest() -> None:
    """Neither reader takes NA for a missing value; a bad field never drops its subject."""
    jsonl = [
        '{"id": "1", "name": "Ana Lima", "nationality": "NA"}',
        '{"id": "2", "name": "Ana Lima", "birth_date": "1990-02-31"}',
        '{"id": "3", "nationality": "NA"}',
    ]
    csv = ["id,name,nationality,birth_date", "1,Ana Lima,NA,", "2,Ana Lima,,1990-02-31", "3,,NA,"]
    for lines, place in ((jsonl, "line"), (csv, "row")):
        found = list(read_subjects(lines))
        first, second, third = found
        assert not isinstance(first, InvalidInput) and first.nationality == "NA" and first.warnings == ()
        assert not isinstance(second, InvalidInput) and second.birth_date is None
        assert second.warnings[0].startswith(f"{place} {2 if place == 'line' else 3} (id 2), field birth_date:")
        assert isinstance(third, InvalidInput) and third.errors[0].field == "name"


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(
    name=_TEXT.filter(lambda t: t.strip() != ""),
    others=st.dictionaries(
        st.sampled_from([*sorted(KNOWN_FIELDS - {"name", "given_name", "family_name"}), "extra"]),
        st.one_of(_TEXT, st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
    ),
)
def test_a_record_with_a_name_is_always_a_subject(name: str, others: dict[str, object]) -> None:
    subject = subject_from_record({**others, "name": name}, "line 1")
    assert subject.name == " ".join(name.split())
    for warning in subject.warnings:
        assert warning.startswith("line 1, field ")
