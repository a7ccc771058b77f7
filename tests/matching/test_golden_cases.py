"""Golden case tables (tests/cases/matching/*.yml): each case is one subject against one list entry.

A case file names its language or variation category; every case says whether the pair must
alert at the default threshold, and may bound the score or require an evidence relation. The
table files are the evidence a reviewer reads: add a case when a miss or a false alert is found.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tekser.domain.subjects import subject_from_record
from tekser.domain.watchlists import (
    Country,
    DatePrecision,
    Document,
    EntityKind,
    FuzzyDate,
    ListEntry,
    Name,
    NameKind,
    NamePart,
    NameQuality,
    PartRole,
)
from tekser.ingest.lists.dates import parse_date
from tekser.matching.reverse import ReverseKeys, subject_keys
from tekser.matching.screener import Screener

CASES = Path(__file__).resolve().parents[1] / "cases" / "matching"


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES.glob("*.yml")):
        table = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in table["cases"]:
            found.append(pytest.param(path.stem, case, id=f"{path.stem}:{case['id']}"))
    return found


def _entry(case_id: str, spec: dict[str, Any]) -> ListEntry:
    # "family": the words the source marks as the primary name's family name (OFAC's last name)
    family = tuple(NamePart(PartRole.FAMILY, value) for value in spec.get("family", []))
    names = [Name(spec["names"][0], NameKind.PRIMARY, parts=family, origin="case")]
    names += [Name(n, NameKind.ALIAS, origin="case") for n in spec["names"][1:]]
    names += [Name(n, NameKind.ALIAS, NameQuality.WEAK, origin="case") for n in spec.get("weak", [])]
    return ListEntry(
        key=f"case:{case_id}",
        list_id="case",
        source_id=case_id,
        kind=EntityKind(spec.get("kind", "person")),
        names=tuple(names),
        gender=spec.get("gender"),
        birth_dates=tuple(parse_date(str(d), origin="case") for d in spec.get("birth_dates", [])),
        nationalities=tuple(Country(c, c) for c in spec.get("nationalities", [])),
        documents=tuple(
            Document("passport", d, "".join(ch for ch in d.upper() if ch.isalnum()), origin="case")
            for d in spec.get("documents", [])
        ),
    )


@pytest.mark.parametrize(("table", "case"), _cases())
def test_golden_case(table: str, case: dict[str, Any]) -> None:
    entry = _entry(case["id"], case["entry"])
    screener = Screener.from_entries([entry])
    subject = subject_from_record({"id": case["id"], **case["query"]}, case["id"])
    result = screener.screen(subject, top=1)
    match = result.matches[0] if result.matches else None
    alerted = bool(match and match.alert)
    shown = f"score {match.score:.3f}: {match.explanation}" if match else "no candidate"
    assert alerted == (case["expect"] == "alert"), f"{case['id']} expected {case['expect']}, got {shown}"
    if alerted:  # a stored subject that alerts is also found by rescreening when the entry is added
        assert ReverseKeys(screener.index).qualifies(subject_keys(subject)), f"{case['id']}: missed by reverse keys"
    if "min_score" in case:
        assert match is not None and match.score >= case["min_score"], shown
    if "max_score" in case:
        assert match is None or match.score <= case["max_score"], shown
    for feature, relation in case.get("evidence", {}).items():
        assert match is not None
        found = {e["feature"]: e.get("relation") for e in match.explanation}
        assert found.get(feature) == relation, shown


def test_tables_are_versioned_and_categorised() -> None:
    for path in CASES.glob("*.yml"):
        table = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert table["version"] >= 1 and table["category"], path
        ids = [c["id"] for c in table["cases"]]
        assert len(ids) == len(set(ids)), f"duplicate case id in {path}"


def test_year_only_dates_are_years() -> None:
    parsed = parse_date("1970")
    assert (parsed.start, parsed.end, parsed.precision) == (date(1970, 1, 1), date(1970, 12, 31), DatePrecision.YEAR)
    assert FuzzyDate is not None
