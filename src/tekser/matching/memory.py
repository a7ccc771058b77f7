"""A bounded memory of recent results, for the caches that screening keeps per name and part.

Names recur in traffic part by part, and a long-running process must not grow without bound.
Two generations of at most half the size each: a key met in the older one moves to the newer;
when the newer is full, the older is dropped. Cheaper than an LRU (nothing to reorder on a
hit) and, unlike emptying a full dictionary, it never forgets the names met a moment ago.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    __slots__ = ("_half", "_newer", "_older")

    def __init__(self, size: int) -> None:
        if size < 2:
            raise ValueError("a memory of recent results needs room for two at least")
        self._half = size // 2
        self._newer: dict[K, V] = {}
        self._older: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        found = self._newer.get(key)
        if found is None:
            found = self._older.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: K, value: V) -> None:
        if len(self._newer) >= self._half:
            self._older = self._newer
            self._newer = {}
        self._newer[key] = value

    def clear(self) -> None:
        self._newer = {}
        self._older = {}

    def __len__(self) -> int:
        return len(self._newer) + len(self._older)
