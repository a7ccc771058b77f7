"""Bad input that costs too much, or says too little: names cut to the parts compared, and a
match on a letter or two never alerts on its name (issue 15)."""

from __future__ import annotations

import pytest

from tekser import MatchConfig, Screener, Subject
from tekser.domain.watchlists import Document, EntityKind, ListEntry, Name, NameKind
from tekser.matching.limits import cut
from tekser.matching.reverse import subject_keys

LIMITS = MatchConfig()
LONG = "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel India Juliett Kilo Lima Mike November Oscar Papa"


def _entry(key: str, name: str, kind: EntityKind = EntityKind.PERSON, document: str | None = None) -> ListEntry:
    documents = (Document("passport", document, document, origin="t"),) if document else ()
    return ListEntry(
        key=f"t:{key}",
        list_id="t",
        source_id=key,
        kind=kind,
        names=(Name(name, NameKind.PRIMARY, origin="t"),),
        documents=documents,
    )


@pytest.fixture(scope="module")
def screener() -> Screener:
    entries = [
        _entry("hendrik", "Hendrik Witbooi Kaunda"),
        _entry("long", LONG, EntityKind.ORGANIZATION),
        _entry("a-person", "A", document="X1234567"),
        _entry("a-org", "A", EntityKind.ORGANIZATION),
        _entry("a-vessel", "A", EntityKind.VESSEL),
        _entry("wu", "Wu", EntityKind.ORGANIZATION),
        _entry("lra", "LRA", EntityKind.ORGANIZATION),
        _entry("pkk", "PKK", EntityKind.ORGANIZATION),
        _entry("p-532", "P-532", EntityKind.AIRCRAFT),
        _entry("p-533", "P-533", EntityKind.AIRCRAFT),
        _entry("ms-13", "MS-13", EntityKind.ORGANIZATION),
    ]
    return Screener.from_entries(entries)


@pytest.mark.parametrize("words", [10_000, 100_000])
def test_a_huge_name_is_cut_to_the_parts_compared_with_a_warning(screener: Screener, words: int) -> None:
    name = LONG + " " + " ".join(["Quebec"] * (words - 16))
    assert len(name.split()) == words
    result = screener.screen(Subject("s", name, family_name=name))
    (match,) = result.matches
    assert (match.key, match.alert) == ("t:long", True)  # the parts compared are the list name's
    query = next(e["query"] for e in match.explanation if e["feature"] == "name")
    assert query == LONG  # what was compared: the first parts only
    name_warning, family_warning = result.warnings
    parts = LIMITS.max_name_parts
    assert name_warning.startswith(f"field name: cut (more than {parts} parts, {len(name):,} characters)")
    assert f"only its first {LIMITS.max_name_parts} parts" in name_warning
    assert family_warning.startswith("field family_name: cut")
    assert result.as_dict()["warnings"] == [name_warning, family_warning]


def test_a_name_within_the_limits_is_compared_whole(screener: Screener) -> None:
    result = screener.screen(Subject("s", "Hendrik Witbooi Kaunda"))
    assert [m.key for m in result.matches if m.alert] == ["t:hendrik"]
    assert result.warnings == () and "warnings" not in result.as_dict()


def test_the_cut_keeps_whole_words_within_the_characters() -> None:
    assert cut("Ana Lima", 16, 200) == "Ana Lima"
    assert cut(" ".join(["abcdefghi"] * 30), 16, 50) == " ".join(["abcdefghi"] * 5)  # 49 characters
    assert cut("x" * 500, 16, 200) == "x" * 200  # one word longer than the limit: cut in it
    assert cut("a\nb\tc d e", 3, 200) == "a b c"
    assert len(cut("-".join(["ab"] * 10_000), 16, 200)) == 200  # parts joined otherwise: the characters bound them


def test_a_stored_subject_is_found_again_under_the_name_compared() -> None:
    huge = Subject("s", LONG + " " + " ".join(f"Word{i}" for i in range(10_000)))
    assert subject_keys(huge) == subject_keys(Subject("s", LONG))


def test_warnings_come_back_from_worker_processes(screener: Screener) -> None:
    subjects = [Subject(str(i), "Nobody " * 40, warnings=(f"line {i}, field gender: not used",)) for i in range(6)]
    results = list(screener.screen_many(subjects, workers=2, chunk=2))
    streamed = list(screener.screen_many(iter(subjects), workers=2, chunk=2))
    for found in (results, streamed):
        assert [r.warnings[0] for r in found] == [f"line {i}, field gender: not used" for i in range(6)]
        assert all(r.warnings[1].startswith("field name: cut") for r in found)


@pytest.mark.parametrize("name", ["A", "a", "A.", "A B", "Wu"])
def test_a_name_of_a_letter_or_two_never_alerts_on_its_name(screener: Screener, name: str) -> None:
    """Not even against an entry that is exactly "A": a letter tells no one apart (docs/matching.md)."""
    result = screener.screen(Subject("s", name), top=10)
    assert result.matches  # compared, and reported as candidates ...
    assert not any(m.alert for m in result.matches)  # ... that do not alert
    for match in result.matches:
        assert match.score <= LIMITS.uninformative_cap
        name_evidence = next(e for e in match.explanation if e["feature"] == "name")
        assert name_evidence["relation"] == "too short"


def test_a_short_name_alerts_when_its_document_agrees(screener: Screener) -> None:
    result = screener.screen(Subject("s", "A", document="X1234567"))
    assert [m.key for m in result.matches if m.alert] == ["t:a-person"]


def test_three_letters_are_enough_for_an_acronym(screener: Screener) -> None:
    result = screener.screen(Subject("s", "LRA", kind=EntityKind.ORGANIZATION))
    assert [m.key for m in result.matches if m.alert] == ["t:lra"]


@pytest.mark.parametrize(
    ("name", "key"), [("PKK", "t:pkk"), ("pkk", "t:pkk"), ("MS 13", "t:ms-13"), ("P-533", "t:p-533")]
)
def test_a_short_name_written_alike_alerts(screener: Screener, name: str, key: str) -> None:
    """Three letters or digits written alike are enough; name parts keep no digits (P-532 and P-533
    both compare as "P"), so the digits count only when the whole name is written alike."""
    result = screener.screen(Subject("s", name), top=10)
    assert [m.key for m in result.matches if m.alert] == [key]


def test_a_letter_left_of_a_registration_mark_does_not_alert(screener: Screener) -> None:
    for name in ("P", "P-999", "MS"):
        assert not any(m.alert for m in screener.screen(Subject("s", name)).matches), name
