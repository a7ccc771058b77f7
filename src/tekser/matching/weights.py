"""Name-part weights by rarity: among ordinary people and in the loaded lists.

A part's frequency is the higher of two: its share of ordinary people (``tekser.names.frequencies``,
from real first and last names of about a hundred countries) and its share of the list names.
A rare part weighs 1; "mohammed", common everywhere, weighs little, however few list names
carry it. Parts never seen weigh 1: a rare name on the subject's side is informative too.
Frequencies are read against a fixed reference size, so a small list (or a test) does not make
every part rare or every part common.

``bits`` is the same rarity as information (Fellegi–Sunter's u for agreement on the part: the
chance that an unrelated person's name has it), used to decide whether a match says enough to alert.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from tekser.names.frequencies import frequencies_version, share, skeleton_share

MIN_WEIGHT = 0.15
REFERENCE_NAMES = 50_000  # about the number of names on UN + OFAC
# in the score's weights a part's population share counts a tenth (a part common among people is at
# least somewhat common among list names); what a name says among people is the information's job
POPULATION_SHARE_WEIGHT = 0.1
RARE_SHARE = 1e-5  # a part rarer than the population table tells: at most this common (16.6 bits)
REMEMBERED = 20_000  # forms and parts whose weight is remembered


def population_version() -> str:
    """The version of the population table that sets how common a part is (enters the config hash)."""
    return frequencies_version()


class TokenWeights:
    def __init__(self, document_frequency: Counter[str], documents: int) -> None:
        self.df = document_frequency
        self.n = documents
        self._log_n = math.log(REFERENCE_NAMES)
        self._cache: dict[tuple[str, bool], float] = {}
        self._parts: dict[tuple[tuple[str, ...], bool], float] = {}
        self._bits: dict[tuple[str, ...], float] = {}

    @classmethod
    def from_documents(cls, documents: Iterable[Iterable[str]]) -> TokenWeights:
        """``documents``: for each list name, the folded forms of its parts."""
        counter: Counter[str] = Counter()
        total = 0
        for forms in documents:
            counter.update(set(forms))
            total += 1
        return cls(counter, total)

    def form(self, form: str, people: bool = True) -> float:
        """A folded form's weight; ``people``: the part of a person's name (an organisation's words
        are not weighed by how common they are as people's names: North, Stars, Bank)."""
        key = (form, people)
        cached = self._cache.get(key)
        if cached is None:
            if len(self._cache) >= REMEMBERED:  # query forms come and go: keep the memory bounded
                self._cache.clear()
            frequency = float(self.df.get(form, 0))
            if people:
                frequency = max(frequency, share(form) * REFERENCE_NAMES * POPULATION_SHARE_WEIGHT)
            rarity = math.log(REFERENCE_NAMES / (frequency + 1)) / self._log_n
            cached = max(MIN_WEIGHT, min(1.0, rarity + 0.1))
            self._cache[key] = cached
        return cached

    def known(self, form: str) -> bool:
        """Whether a folded form is spelled so in a list name or among ordinary people's names."""
        return form in self.df or share(form) > 0.0

    def of(self, forms: tuple[str, ...], people: bool = True) -> float:
        """A part's weight: that of its most common rendering (conservative)."""
        key = (forms, people)
        found = self._parts.get(key)
        if found is None:
            found = min((self.form(f, people) for f in forms), default=MIN_WEIGHT)
            if len(self._parts) >= REMEMBERED:
                self._parts.clear()
            self._parts[key] = found
        return found

    def frequency(self, form: str) -> float:
        """The share of people (or of list names, if higher) with a part of this folded form."""
        return max(share(form), self.df.get(form, 0) / REFERENCE_NAMES, RARE_SHARE)

    def bits(self, forms: tuple[str, ...]) -> float:
        """What agreeing on a part tells, in bits: -log2 of the share of its most common rendering."""
        found = self._bits.get(forms)
        if found is None:
            found = -math.log2(max((self.frequency(f) for f in forms), default=1.0))
            if len(self._bits) >= REMEMBERED:
                self._bits.clear()
            self._bits[forms] = found
        return found

    @staticmethod
    def skeleton_bits(skeletons: tuple[str, ...]) -> float:
        """What agreeing only on a consonant skeleton tells (the commonest of the part's skeletons)."""
        return -math.log2(max((max(skeleton_share(s), RARE_SHARE) for s in skeletons), default=1.0))
