"""The compiled kernel is compiled (or loaded) ahead of the first subject, for the very
argument types screening passes: a second signature would mean a second compilation (two
seconds) in the middle of a service's first check-in."""

from __future__ import annotations

from tekser import Screener, Subject
from tekser.domain.watchlists import EntityKind, ListEntry, Name, NameKind
from tekser.matching import kernels


def test_warming_compiles_what_screening_calls() -> None:
    kernels.warm()
    warmed = list(kernels.score_bounds.signatures)
    assert len(warmed) == 1
    entry = ListEntry(
        key="case:khan",
        list_id="case",
        source_id="khan",
        kind=EntityKind.PERSON,
        names=(Name("Ahmed Khan", NameKind.PRIMARY), Name("Khan Ahmed Jan", NameKind.ALIAS)),
    )
    screener = Screener.from_entries([entry])
    result = screener.screen(Subject("a", "Ahmad Khan"), top=2)
    assert [m.key for m in result.matches] == ["case:khan"]
    assert list(kernels.score_bounds.signatures) == warmed
