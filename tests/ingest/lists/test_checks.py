"""The import checks: what refuses, what a forced reason lets through, and the shrink setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tekser.domain.watchlists import EntityKind, ListEntry, Name, ParsedList
from tekser.errors import ConfigError
from tekser.ingest.lists.checks import FORCE_HINT, run_checks
from tekser.ingest.lists.sources import Checks, load_sources


def _parsed(count: int, incomplete: list[str] | None = None) -> ParsedList:
    entries = [ListEntry(f"x:{i}", "x", str(i), EntityKind.PERSON, (Name(f"NAME {i}"),)) for i in range(count)]
    return ParsedList("x", "test/1", entries, incomplete=incomplete or [])


@given(
    active=st.integers(1, 10_000),
    data=st.data(),
    max_shrink=st.sampled_from([0.0, 0.01, 0.05, 0.2, 1.0]),
    reason=st.sampled_from([None, "", "  ", "delisted by the authority"]),
)
def test_removing_more_than_the_limit_refuses_unless_forced(
    active: int, data: st.DataObject, max_shrink: float, reason: str | None
) -> None:
    removed = data.draw(st.integers(0, active))
    outcome = run_checks(
        _parsed(10), Checks(max_shrink=max_shrink), active_count=active, removed=removed, force_reason=reason
    )
    too_many = removed / active > max_shrink
    forced = bool(reason and reason.strip())
    assert bool(outcome.problems) == (too_many and not forced)
    assert ("forced" in outcome.results) == (too_many and forced)
    assert outcome.results["removed"] == removed


def test_an_incomplete_set_refuses_unless_forced() -> None:
    sign = "alt.csv: 1 rows refer to an ent_num absent from sdn.csv (7)"
    refused = run_checks(_parsed(10, [sign]), Checks(), active_count=None)
    assert refused.problems == (f"incomplete file set: {sign}", FORCE_HINT)
    forced = run_checks(_parsed(10, [sign]), Checks(), active_count=None, force_reason="checked", forced_by="ann")
    assert forced.problems == ()
    assert forced.results["forced"] == {"reason": "checked", "by": "ann", "problems": [f"incomplete file set: {sign}"]}


def test_forcing_does_not_lift_the_minimum() -> None:
    outcome = run_checks(_parsed(2), Checks(min_entries=5), active_count=None, force_reason="small on purpose")
    assert outcome.problems == ("only 2 entries, fewer than the minimum of 5 for x (truncated file or wrong feed?)",)


@pytest.mark.parametrize("value", ["1.5", "-0.1", "five"])
def test_the_shrink_limit_is_a_share(tmp_path: Path, value: str) -> None:
    override = tmp_path / "sources.yml"
    override.write_text(f"defaults:\n  checks: {{max_shrink: {value}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{override}: defaults"):
        load_sources(override)


def test_the_default_shrink_limit_is_five_percent() -> None:
    sources = load_sources()
    assert {sources.checks_for(list_id).max_shrink for list_id in ("un", "ofac", "eu", "uk", "kz", "other")} == {0.05}
