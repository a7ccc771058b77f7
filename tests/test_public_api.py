"""The public interface is small and pinned: changing it is a decision, not an accident."""

from __future__ import annotations

import tekser


def test_public_names_are_pinned() -> None:
    assert tekser.__all__ == ["Match", "MatchConfig", "Screener", "ScreeningResult", "Subject", "__version__"]
    for name in tekser.__all__:
        assert getattr(tekser, name) is not None
