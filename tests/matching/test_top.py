"""An alert follows from what was compared, never from how many results are asked for: the same
alerts with --top 0, 1 and 10 (and without --top), on the real UN and OFAC lists and on the
matching benchmark's kind of traffic (list names and their variants, innocent people's names in
the scripts they write them in). Candidates below the threshold carry a short explanation."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from benchmarks.matching import dataset as ds
from benchmarks.matching import population as pop

from tekser.domain.subjects import Subject, parse_birth_date
from tekser.domain.watchlists import EntityKind
from tekser.matching.screener import Screener

# real first and last names in their own scripts, a few per country (the benchmark draws thousands)
NAMES = pop.TableSource(
    first={
        ("IQ", "M"): [("محمد", 1), ("علي", 2), ("حسين", 3), ("Ali", 4), ("Ahmed", 5), ("ابو", 6)],
        ("IQ", "F"): [("زهراء", 1), ("فاطمة", 2), ("Noor", 3)],
        ("EG", "M"): [("محمد", 1), ("Mohamed", 2), ("احمد", 3), ("Mahmoud", 4)],
        ("EG", "F"): [("Aya", 1), ("منى", 2)],
        ("KZ", "M"): [("Ерлан", 1), ("Асқар", 2), ("Руслан", 3)],
        ("KZ", "F"): [("Айгүл", 1), ("Динара", 2)],
        ("RU", "M"): [("Александр", 1), ("Сергей", 2)],
        ("RU", "F"): [("Елена", 1), ("Ольга", 2)],
        ("US", "M"): [("John", 1), ("David", 2), ("Michael", 3)],
        ("US", "F"): [("Mary", 1), ("Emily", 2)],
    },
    last={
        "IQ": [("الجبوري", 1), ("حسين", 2), ("Hussein", 3), ("Al-Jubouri", 4), ("علي", 5)],
        "EG": [("Mohamed", 1), ("احمد", 2), ("حسن", 3), ("Ibrahim", 4)],
        "KZ": [("Ахметов", 1), ("Омарова", 2), ("Ким", 3)],
        "RU": [("Иванов", 1), ("Петрова", 2)],
        "US": [("Smith", 1), ("Johnson", 2), ("Ali", 3)],
    },
)


def _subjects(entries: list) -> list[Subject]:
    dataset = ds.build_dataset(
        entries,
        seed=11,
        sizes={
            "V0": 150,
            "held-out alias": 60,
            "held-out alias (other name)": 20,
            "synthetic": 40,
            "kz_persons": 10,
            "ru_persons": 5,
            "people": 300,
        },
        source=NAMES,
    )
    subjects = []
    for query in [*dataset.queries, *dataset.negatives]:
        birth = parse_birth_date(query.birth_date) if query.birth_date else None
        kind = {"person": EntityKind.PERSON, "organization": EntityKind.ORGANIZATION}.get(query.schema or "")
        subjects.append(Subject(query.id, query.name, kind=kind, birth_date=birth))
    random.Random(3).shuffle(subjects)
    return subjects


@pytest.mark.shared_data
def test_the_same_alerts_whatever_top_is(shared_data: Path) -> None:
    entries = ds.read_lists(shared_data)
    screener = Screener.from_entries(entries)
    subjects = _subjects(entries)
    alerts: dict[int | None, dict[str, list[str]]] = {}
    for top in (None, 0, 1, 10):
        screener.forget_names()  # (each pass as a fresh screener would meet the names)
        found: dict[str, list[str]] = {}
        for subject in subjects:
            result = screener.screen(subject, top=top)
            found[subject.id] = sorted(m.key for m in result.matches if m.alert)
            if top:
                below = [m for m in result.matches if not m.alert and m.score < screener.config.threshold]
                assert len(below) <= top
                assert all(m.explanation[-1].get("explanation", "").startswith("short") for m in below)
        alerts[top] = found
    assert sum(1 for keys in alerts[None].values() if keys) >= 100  # (the traffic reaches the lists)
    for top in (0, 1, 10):
        differing = {k: (alerts[None][k], alerts[top][k]) for k in alerts[None] if alerts[None][k] != alerts[top][k]}
        assert not differing, f"--top {top} changes the alerts: {list(differing.items())[:5]}"


def test_top_adds_candidates_below_the_threshold_with_a_short_explanation(fixtures_dir: Path) -> None:
    from tekser.ingest.lists import un

    screener = Screener.from_entries(un.read(fixtures_dir / "lists" / "un" / "consolidated-small.xml").entries)
    subject = Subject("x", "Askar Nurlanuly", birth_date=parse_birth_date("1975-03-12"))
    plain = screener.screen(subject)
    assert [m.key for m in plain.matches if m.alert]
    ranked = screener.screen(subject, top=5)
    assert [m for m in ranked.matches if m.alert] == [m for m in plain.matches if m.alert]
    explained = screener.screen(subject, top=5, explain=True)
    for short, full in zip(ranked.matches, explained.matches, strict=True):
        assert (short.key, short.score, short.alert) == (full.key, full.score, full.alert)
        if not short.alert:
            assert {e["feature"] for e in short.explanation} == {"name", "summary"}
            assert "parts" not in short.explanation[0] and "parts" in full.explanation[0]
