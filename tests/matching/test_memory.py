"""The bounded memory of recent results that screening's caches use."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tekser.matching.memory import Recent


@given(st.lists(st.tuples(st.booleans(), st.integers(0, 40)), max_size=300), st.integers(2, 20))
def test_recent_results_are_kept_and_the_memory_stays_bounded(steps: list[tuple[bool, int]], size: int) -> None:
    memory: Recent[int, str] = Recent(size)
    last_value: dict[int, str] = {}
    touched: list[int] = []  # keys by last use (put, or a get that found them)
    for number, (putting, key) in enumerate(steps):
        if putting:
            memory.put(key, f"{key}@{number}")
            last_value[key] = f"{key}@{number}"
            touched = [k for k in touched if k != key] + [key]
        else:
            found = memory.get(key)
            assert found is None or found == last_value[key]  # never a stale or foreign value
            if key in touched[-(size // 2) :]:
                assert found == last_value[key]  # the last size/2 keys used are always there
            if found is not None:
                touched = [k for k in touched if k != key] + [key]
        assert len(memory) <= size


def test_a_memory_needs_room() -> None:
    with pytest.raises(ValueError, match="room for two"):
        Recent(1)
