"""Name-part weights by rarity in the loaded lists (inverse document frequency).

A part seen in one list name weighs 1; "mohammed", in thousands, weighs little. Parts never
seen in the lists weigh 1: a rare name on the subject's side is informative too. Frequencies are
read against a fixed reference size, so a small list (or a test) does not make every part rare
or every part common.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources

import yaml

from tekser.names.fold import canonical

MIN_WEIGHT = 0.15
REFERENCE_NAMES = 50_000  # about the number of names on UN + OFAC


@cache
def common_parts() -> dict[str, int]:
    """Folded part → minimum frequency, from names/data/common_names.yml."""
    text = resources.files("tekser.names").joinpath("data/common_names.yml").read_text(encoding="utf-8")
    table: dict[str, int] = {}
    for group in yaml.safe_load(text)["classes"].values():
        for part in group["parts"]:
            form = canonical(str(part))
            table[form] = max(table.get(form, 0), int(group["frequency"]))
    return table


def common_names_version() -> str:
    text = resources.files("tekser.names").joinpath("data/common_names.yml").read_text(encoding="utf-8")
    return f"common-names-{yaml.safe_load(text)['version']}"


class TokenWeights:
    def __init__(self, document_frequency: Counter[str], documents: int) -> None:
        self.df = document_frequency
        self.n = documents
        self._log_n = math.log(REFERENCE_NAMES)
        self._cache: dict[str, float] = {}
        self._parts: dict[tuple[str, ...], float] = {}

    @classmethod
    def from_documents(cls, documents: Iterable[Iterable[str]]) -> TokenWeights:
        """``documents``: for each list name, the folded forms of its parts."""
        counter: Counter[str] = Counter()
        total = 0
        for forms in documents:
            counter.update(set(forms))
            total += 1
        return cls(counter, total)

    def form(self, form: str) -> float:
        cached = self._cache.get(form)
        if cached is None:
            if len(self._cache) >= 100_000:  # query forms come and go: keep the memory bounded
                self._cache.clear()
            frequency = max(self.df.get(form, 0), common_parts().get(form, 0))
            rarity = math.log(REFERENCE_NAMES / (frequency + 1)) / self._log_n
            cached = max(MIN_WEIGHT, min(1.0, rarity + 0.1))
            self._cache[form] = cached
        return cached

    def known(self, form: str) -> bool:
        """Whether a folded form is spelled so in a list name or in the common-names table."""
        return form in self.df or form in common_parts()

    def of(self, forms: tuple[str, ...]) -> float:
        """A part's weight: that of its most common rendering (conservative)."""
        found = self._parts.get(forms)
        if found is None:
            found = min((self.form(f) for f in forms), default=MIN_WEIGHT)
            if len(self._parts) >= 100_000:
                self._parts.clear()
            self._parts[forms] = found
        return found
