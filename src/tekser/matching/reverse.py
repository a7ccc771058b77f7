"""Reverse blocking: which stored subjects may match a (small) set of list entries.

Rescreening runs the other way round from screening: a list's difference is small, the stored
subjects are many, and each subject is kept with its blocking keys (:func:`subject_keys`). A
subject is worth screening against the difference when it shares, with one list name,

- the whole name written together, two adjacent parts written together, the only part of a
  one-part name, or (for a subject whose name has one part) any part; or
- two of its parts: one by a spelling key (form, consonant skeleton, loose skeleton) and the
  other by a spelling key or by its start: first three letters or first two consonants (a typo
  rarely changes both, and the fuzzy comparison weighs the start of a word most).

The forward screener would also score a subject sharing just one part of a longer name, but such
a pair reaches the threshold only when the other part is a close variant, which these keys
catch. The golden cases check that every pair that alerts is selected here; the screener then
decides on every selected subject.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import pairwise

from tekser.domain.subjects import Subject
from tekser.domain.watchlists import EntityKind
from tekser.matching.index import ListIndex, concatenated_key, token_keys
from tekser.matching.limits import MAX_CHARS, MAX_PARTS, within_limits
from tekser.names.fold import canonical
from tekser.names.parts import Token, analyze

PREFIX = 3
ONE_PART = "n:1"  # the key of subjects with a one-part name: one shared part is then enough


_VOWELS = frozenset("aeiouyhw")


def prefix_keys(token: Token) -> set[str]:
    """Coarse keys of a part's start: its first three letters, and its first two consonants
    (Osama and Usama, Oleksandr and lOeksandr)."""
    keys = set()
    for form in token.forms:
        if len(form) >= PREFIX:
            keys.add("p:" + form[:PREFIX])
        consonants = [c for c in form if c not in _VOWELS]
        if len(consonants) >= 2:
            keys.add("k:" + "".join(consonants[:2]))
    return keys


def joined_pair_keys(tokens: Sequence[Token]) -> set[str]:
    """Adjacent parts written together ("Ul Ansar" → "f:ulansar"): meets a part written as one word."""
    return {"f:" + canonical(a.forms[0] + b.forms[0]) for a, b in pairwise(tokens) if a.forms and b.forms}


def subject_keys(subject: Subject) -> set[str]:
    """The blocking keys under which a stored subject is found again when a list changes (of its
    name as compared: cut to the default limits, see tekser.matching.limits)."""
    subject, _ = within_limits(subject, MAX_PARTS, MAX_CHARS)
    organization = subject.kind is not None and subject.kind is not EntityKind.PERSON
    family = (subject.family_name,) if subject.family_name else ()
    analyzed = analyze(subject.name, organization=organization, family_parts=family)
    keys: set[str] = set()
    core = [t for t in analyzed.tokens if not t.optional]
    for token in core:
        keys.update(token_keys(token))
        keys.update(prefix_keys(token))
    keys.update(joined_pair_keys(core))
    if len(core) == 1:
        keys.add(ONE_PART)
    joined = concatenated_key(analyzed)
    if joined:
        keys.add(joined)
    return keys


class ReverseKeys:
    """Blocking keys of a list index's names, mapped back to the names and parts that carry them."""

    def __init__(self, index: ListIndex) -> None:
        self.spelling: dict[str, list[tuple[int, int]]] = defaultdict(list)  # key → (name, part)
        self.prefix: dict[str, list[tuple[int, int]]] = defaultdict(list)
        # keys that alone select: names written together (whole or two adjacent parts), one-part names
        self.whole: set[str] = set()
        for record_id, prepared in enumerate(index.prepared):
            tokens = prepared.name.tokens
            required = [(i, t) for i, t in enumerate(tokens) if not t.optional] or list(enumerate(tokens))
            self.whole.update(joined_pair_keys([t for _, t in required]))
            for part, token in required:
                if len(required) == 1:
                    self.whole.update(token_keys(token))
                    continue
                for key in token_keys(token):
                    self.spelling[key].append((record_id, part))
                for key in prefix_keys(token):
                    self.prefix[key].append((record_id, part))
            joined = concatenated_key(index.records[record_id].analyzed)
            if joined:
                self.whole.add(joined)

        # one table for the hot loop: key → (name, part, by spelling?)
        self.places: dict[str, tuple[tuple[int, int, bool], ...]] = {}
        for key in set(self.spelling) | set(self.prefix):
            spelled = [(r, p, True) for r, p in self.spelling.get(key, ())]
            self.places[key] = (*spelled, *((r, p, False) for r, p in self.prefix.get(key, ())))

    @property
    def keys(self) -> set[str]:
        return set(self.places) | self.whole | {ONE_PART}

    def qualifies(self, keys: Iterable[str]) -> bool:
        """Whether a subject with these blocking keys is worth screening against the index: for
        one list name, two distinct parts shared, at least one of them by spelling."""
        whole, places = self.whole, self.places
        first: dict[int, int] = {}  # name → the first of its parts seen
        several: set[int] = set()  # names with two distinct parts seen
        spelled: set[int] = set()  # names with a part shared by spelling
        one_part = False
        for key in keys:
            if key in whole:
                return True
            if key == ONE_PART:
                one_part = True
                continue
            for record_id, part, by_spelling in places.get(key, ()):
                if first.setdefault(record_id, part) != part:
                    several.add(record_id)
                if by_spelling:
                    spelled.add(record_id)
        if one_part and spelled:
            return True
        return not several.isdisjoint(spelled)

    def select(self, subjects: Iterable[tuple[int, Iterable[str]]]) -> list[int]:
        """The subjects worth screening, from each stored subject's keys among :attr:`keys`."""
        return sorted(subject_id for subject_id, keys in subjects if self.qualifies(keys))
