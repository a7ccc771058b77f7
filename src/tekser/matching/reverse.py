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
    """The blocking keys under which a stored subject is found again when a list changes."""
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

        # keys that select alone: the above, and keys that cover two parts of one name by themselves
        self.alone = set(self.whole)
        for key, places in self.spelling.items():
            parts: dict[int, set[int]] = defaultdict(set)
            for record_id, part in places:
                parts[record_id].add(part)
            if any(len(p) >= 2 for p in parts.values()):
                self.alone.add(key)

    @property
    def keys(self) -> set[str]:
        return set(self.spelling) | set(self.prefix) | self.whole | {ONE_PART}

    def qualifies(self, keys: Iterable[str]) -> bool:
        """Whether a subject with these blocking keys is worth screening against the index."""
        spelled: dict[int, set[int]] = defaultdict(set)
        prefixed: dict[int, set[int]] = defaultdict(set)
        one_part = False
        for key in keys:
            if key in self.whole:
                return True
            one_part = one_part or key == ONE_PART
            for record_id, part in self.spelling.get(key, ()):
                spelled[record_id].add(part)
            for record_id, part in self.prefix.get(key, ()):
                prefixed[record_id].add(part)
        if one_part and spelled:
            return True
        return any(len(parts | prefixed.get(record_id, set())) >= 2 for record_id, parts in spelled.items())

    def select(self, pairs: Iterable[tuple[int, str]]) -> list[int]:
        """The subjects worth screening, from (subject id, key) pairs of the stored subjects."""
        by_subject: dict[int, list[str]] = defaultdict(list)
        for subject_id, key in pairs:
            by_subject[subject_id].append(key)
        alone = self.alone
        chosen = []
        for subject_id, keys in by_subject.items():
            # most subjects share one key: it selects them alone, or not at all
            if (keys[0] in alone) if len(keys) == 1 else self.qualifies(keys):
                chosen.append(subject_id)
        return sorted(chosen)
