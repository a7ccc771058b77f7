"""In-process candidate index over list names: which list names can reach a subject's floor.

Retrieval runs in two steps, both exact about what they keep:

1. **Parts.** Every distinct part of the list names (a *type*: same folded forms, skeletons,
   role) is reachable from a subject's part by keys that survive script changes and one keying
   error: folded forms (``f:``), consonant skeletons (``s:``), loose skeletons (``l:``), the
   forms with one letter deleted (``d:``, as in SymSpell: a substitution, insertion, deletion
   or transposition leaves a shared deletion) and an initial's letter (``i:``). The subject's
   part is compared with every type so reached, by the very similarity the scorer uses, and
   the types at or above the token floor are kept (remembered per part: names recur).
2. **Names.** For every list name holding such a part, an upper bound of its name score: each
   part of either name counted at its best similarity on the other side, the rest unmatched
   (a relaxation of the one-to-one alignment, so never below the real score). Only names
   whose bound reaches the floor are scored; the benchmark measures the recall against brute
   force.

Names written together or apart (``Kimjongun``, ``Abdul Rahman``) and exact names are found by
their own keys. No search server: postings are NumPy arrays in memory.
"""

from __future__ import annotations

import gc
import pickle
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, TypeVar, overload

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from tekser.domain.policy import Policy
from tekser.domain.watchlists import EntityKind, ListEntry, Name, NameKind, NameQuality, PartRole
from tekser.matching import kernels
from tekser.matching.memory import Recent
from tekser.matching.names import (
    JOINED_FLOOR,
    JOINED_MIN_LENGTH,
    SHORT_PART,
    NameShape,
    PreparedName,
    gendered,
    joined_similarity,
    looks_truncated,
    prepare,
    same_given_name,
    shape,
    short,
    similarity,
    sound_alike,
    vowel_variants,
)
from tekser.matching.weights import TokenWeights
from tekser.names.fold import canonical, loose_skeleton
from tekser.names.parts import AnalyzedName, Role, Token, analyze, name_groups

_KIND_ORDER = {NameKind.PRIMARY: 0, NameKind.ALIAS: 1, NameKind.NEW: 1, NameKind.FORMER: 2}
_SLOT_ROLES = frozenset({Role.NAME, Role.INITIAL, Role.PATRONYMIC})
PARTICLE_PAIR_WEIGHT = 0.4  # two optional parts (0.2 each) that agree
MIN_DELETION_LENGTH = 3  # forms with one letter deleted from three letters up; a form is its own key from two
DELETION_FORMS = 2  # renderings of a part given deletion keys (most common first)
PREFIX_LENGTH = 4
# skeletons compared in bulk: the same first letter, lengths at most this far apart (0.95 x
# Jaro-Winkler at the token floor needs most letters in common)
SKELETON_LENGTH_SPREAD = 3
SKELETON_GROUPS = 1 << 10  # above any skeleton's length
ROW_CAPACITY = 1 << 20  # rows of similar parts kept before they start again (see _Rows): 16 MiB
PARTS_REMEMBERED = 20_000  # query parts whose similar list parts are remembered
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float64)
_EMPTY_L = np.zeros(0, dtype=np.int64)


T = TypeVar("T")


class OneByOne(Sequence[T]):
    """A sequence kept as one pickle per item, each read back on first use (then remembered)."""

    def __init__(self, pickled: list[bytes]) -> None:
        self._pickled = pickled
        self._items: list[T | None] = [None] * len(pickled)

    @classmethod
    def of(cls, items: Sequence[T]) -> OneByOne[T]:
        if isinstance(items, OneByOne):
            return items
        return cls([pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in items])

    def __reduce__(self) -> tuple[type[OneByOne[T]], tuple[list[bytes]]]:
        return (type(self), (self._pickled,))

    def __len__(self) -> int:
        return len(self._pickled)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        item = self._items[index]
        if item is None:
            item = self._items[index] = pickle.loads(self._pickled[index])
        return item


@dataclass(frozen=True, slots=True)
class NameRecord:
    entry: int  # position in ListIndex.entries
    name: Name
    analyzed: AnalyzedName


def token_keys(token: Token) -> set[str]:
    """Spelling keys of a part (also stored with subjects for rescreening: keep stable)."""
    keys = {"f:" + form for form in token.forms}
    keys.update("s:" + s for s in token.skeletons if len(s) >= 3)
    keys.update("l:" + loose for s in token.skeletons if len(loose := loose_skeleton(s)) >= 3)
    keys.update(given_name_keys(token))  # (y: added in matching version 4; older stored subjects lack it)
    return keys


def deletion_keys(forms: Iterable[str]) -> set[str]:
    """A form and the form with each one letter deleted: two spellings one edit apart share one."""
    keys: set[str] = set()
    for form in forms:
        if len(form) < MIN_DELETION_LENGTH - 1:
            continue
        keys.add("d:" + form)
        if len(form) >= MIN_DELETION_LENGTH:
            keys.update("d:" + form[:i] + form[i + 1 :] for i in range(len(form)))
    return keys


def prefix_keys(forms: Iterable[str]) -> set[str]:
    """The first four letters: Jaro-Winkler weighs a shared start, so Karim / Karimov and a
    name cut short (Corpor / Corps) are similar without being one edit apart."""
    return {"p:" + form[:PREFIX_LENGTH] for form in forms if len(form) >= PREFIX_LENGTH}


_VOWELS = str.maketrans("", "", "aeiou")
_GENDERED_ENDS = ("ov", "ev", "in", "ski")


def vowel_keys(forms: Iterable[str]) -> set[str]:
    """Consonants and last letter: names that differ only in vowels (Osama / Usama) share one."""
    keys = set()
    for form in forms:
        consonants = form.translate(_VOWELS)
        if len(consonants) >= 2:
            keys.add(f"v:{consonants}:{form[-1]}")
    return keys


def gender_keys(forms: Iterable[str]) -> set[str]:
    """The masculine form of a gendered surname: Ivanov and Ivanova, Kowalski and Kowalska share one."""
    keys = set()
    for form in forms:
        if form.endswith(("ova", "eva", "ina")):
            form = form[:-1]
        elif form.endswith("ska"):
            form = form[:-1] + "i"
        if form.endswith(_GENDERED_ENDS):
            keys.add("g:" + form)
    return keys


def given_name_keys(token: Token) -> set[str]:
    """The given-name groups of a part: Volodya and Vladimir share one (y:)."""
    return {f"y:{group}" for group in name_groups(token.forms)} if token.role is Role.NAME else set()


def _spelling_keys(token: Token) -> set[str]:
    if token.role is Role.INITIAL:
        return {"i:" + token.forms[0][:1]}
    keys = token_keys(token)
    keys.update(deletion_keys(token.forms[:DELETION_FORMS]))
    keys.update(prefix_keys(token.forms))
    keys.update(vowel_keys(token.forms))
    keys.update(gender_keys(token.forms))
    keys.update("f:" + stem for stem in token.stems)  # Serikovna meets Serikkyzy by the stem
    return keys


def _type_keys(token: Token) -> set[str]:
    keys = _spelling_keys(token)
    if token.role is not Role.INITIAL:
        keys.update("a:" + form[:1] for form in token.forms if form)  # what a subject's initial meets
    return keys


def _query_keys(token: Token) -> set[str]:
    keys = _spelling_keys(token)
    keys.update("i:" + form[:1] for form in token.forms if form)  # a list name's initial
    return keys


def _joined_keys(forms: Iterable[str]) -> set[str]:
    """Keys of a part that meets two parts written together: its renderings, folded (two parts
    written together fold across the join: Jang + Gang, Janggang) (a subject's two parts
    written as one list-name part are also found with a keying error, by that part's keys)."""
    return {"f:" + canonical(f) for f in forms if len(f) >= JOINED_MIN_LENGTH}


def concatenated_key(name: AnalyzedName) -> str | None:
    """All required parts written together ("Kim Jong Un" → "c:kimjongun"): survives joins and splits."""
    letters = "".join(t.forms[0] for t in name.core if t.forms)
    return "c:" + letters if len(letters) >= 6 else None


def _family_parts(name: Name) -> tuple[str, ...]:
    return tuple(p.value for p in name.parts if p.role is PartRole.FAMILY)


def _indexable(entry: ListEntry) -> list[Name]:
    """Names to index: packed strings are replaced by their split variants; strong before weak."""
    parents = {n.split_from for n in entry.names if n.split_from}
    names = [n for n in entry.names if n.full not in parents or n.split_from is not None]
    return sorted(names, key=lambda n: (n.quality is NameQuality.WEAK, _KIND_ORDER.get(n.kind, 1)))


Joins = tuple[tuple[npt.NDArray[np.int32], float], ...]  # pairs of slots (written together) and their similarity


class Similar(NamedTuple):
    """The list-name parts similar to a query part, compactly: the types with their similarity,
    and pairs of adjacent parts it may be written together (what :class:`_Rows` rows are made of)."""

    types: npt.NDArray[np.int32]
    values: npt.NDArray[np.float64]
    joins: Joins = ()


class SimilarParts(NamedTuple):
    """Where the list-name parts similar to one query part lie in the :class:`_Rows` (rows
    ``start:end``), the heaviest weight among them, and what they were made of (put back in the
    rows when these have started again: no comparison made twice)."""

    start: int
    end: int
    heaviest: float
    generation: int
    similar: Similar | None = None


# nothing similar: one shared record, true whatever the rows hold (most written-together pairs)
NO_PARTS = SimilarParts(0, 0, 0.0, -1)
JOINED_REMEMBERED = 10_000  # two query parts written together, remembered (mostly NO_PARTS: about 9 MB)


class _Rows:
    """The similar parts of every query part met so far, one row each, part after part, so
    that the kernel reads them in order: slot, similarity, position of the part in its name
    (the rest it looks up by slot). When full it starts again empty (and the parts are looked
    up anew: ``generation`` tells)."""

    # room for every row from the start: zeroed arrays take memory only where written, and
    # growing them meant copying all rows (a 50 ms pause in the middle of a query). 16 bytes a
    # row: at most 64 MiB once a long-running process has filled them (100,000 traffic
    # subjects fill about 900,000 rows)
    def __init__(self, capacity: int = ROW_CAPACITY) -> None:
        self.generation = 0
        self.used = 0
        self._allocate(capacity)

    def _allocate(self, capacity: int) -> None:
        self.slots = np.zeros(capacity, dtype=np.int32)
        self.sims = np.zeros(capacity, dtype=np.float64)
        self.positions = np.zeros(capacity, dtype=np.int32)

    def add(
        self,
        index: ListIndex,
        slots: npt.NDArray[np.int32],
        sims: npt.NDArray[np.float64],
        positions: npt.NDArray[np.int32] | None = None,
    ) -> tuple[int, int]:
        size = len(slots)
        if self.used + size > len(self.slots):
            self.generation += 1
            self.used = 0
            if size > len(self.slots):
                self._allocate(size)
        start, end = self.used, self.used + size
        self.slots[start:end] = slots
        self.sims[start:end] = sims
        self.positions[start:end] = index.slot_token[slots] if positions is None else positions
        self.used = end
        return start, end


class SkeletonShelf(NamedTuple):
    skeletons: list[str]  # the distinct skeletons of one first letter, shortest first
    lengths: npt.NDArray[np.intp]  # their lengths (ascending)
    pair_starts: npt.NDArray[np.intp]  # skeleton i's (type, skeleton) pairs: pair_starts[i]:pair_starts[i + 1]
    pair_skeleton: npt.NDArray[np.intp]  # the pairs in skeleton order: the skeleton,
    pair_group: npt.NDArray[np.int64]  # and the type × SKELETON_GROUPS + the skeleton's length


# a query part with its similar list parts: weight, position in the query (-1: two parts written
# together), cost left unmatched, the similar parts, and for two parts written together each part's
# (position, weight, cost)
Part = tuple[float, int, float, "SimilarParts", tuple[tuple[int, float, float], tuple[int, float, float]] | None]


class Candidates(list[int]):
    """Record ids to score, with the score bound of each (``bounds``, same order)."""

    def __init__(self) -> None:
        super().__init__()
        self.bounds: list[float] = []
        # per record id: the similar pairs of parts (query position, list-name position, similarity)
        self.pairs: dict[int, list[tuple[int, int, float]]] = {}


TypeKey = tuple[tuple[str, ...], tuple[str, ...], Role, tuple[str, ...], bool]


def type_key(token: Token) -> TypeKey:
    """What a part's similarity to another part depends on (not its written text)."""
    return (token.forms, token.skeletons, token.role, token.stems, token.abjad)


class ListIndex:
    def __init__(
        self,
        entries: list[ListEntry],
        records: list[NameRecord],
        excluded: int,
        weights: TokenWeights | None = None,
        shapes: list[NameShape] | None = None,
    ) -> None:
        started = time.perf_counter()
        self.entries: Sequence[ListEntry] = entries
        self.records: Sequence[NameRecord] = records
        self.excluded = excluded
        # a small index (a list's changed entries) borrows the weights of the whole lists
        self.weights = weights or TokenWeights.from_documents(
            [f for t in r.analyzed.tokens if not t.optional for f in t.forms] for r in records
        )
        if shapes is None:
            shapes = [shape(r.analyzed) for r in records]
        self.prepared: Sequence[PreparedName] = [
            prepare(r.analyzed, self.weights, s, people=entries[r.entry].kind is EntityKind.PERSON)
            for r, s in zip(records, shapes, strict=True)
        ]
        self.record_weight = np.asarray([p.required_weight for p in self.prepared], dtype=np.float64)
        self.record_middle = np.asarray(  # the required weight of the parts that may be middle names
            [sum(p.weights[i] for i in p.middles) for p in self.prepared], dtype=np.float64
        )
        self.record_cut = np.asarray([looks_truncated(r.analyzed.text) for r in records], dtype=np.bool_)
        self.any_cut = bool(self.record_cut.any())
        self._build_slots()
        self._build_keys()
        self.record_kind = np.asarray([_kind_code(entries[r.entry].kind) for r in records], dtype=np.int8)
        self._start_working()
        self.seconds = time.perf_counter() - started

    def _start_working(self) -> None:
        """What queries use and fill as they go, not what the index is (not kept with it)."""
        # scratch accumulators reused by every query (one query at a time per process)
        self._mark = np.zeros(len(self.records), dtype=np.int32)
        self._agree = np.zeros(len(self.records), dtype=np.float64)
        self._type_scratch = np.zeros(len(self.type_tokens), dtype=np.float64)  # (under the query lock)
        self._similar_cache: dict[tuple[TypeKey, float, float], SimilarParts] = {}
        self._rows = _Rows()
        self._lock = threading.Lock()
        self._joined_cache: Recent[tuple[tuple[str, ...], float], SimilarParts] = Recent(JOINED_REMEMBERED)
        self._grow_part_arrays(8)
        self._allowed_cache: dict[frozenset[int] | None, npt.NDArray[np.bool_]] = {}

    _WORKING = (
        "_mark",
        "_agree",
        "_type_scratch",
        "_similar_cache",
        "_rows",
        "_lock",
        "_joined_cache",
        "_allowed_cache",
        "_cover",
        "_cover_weight",
        "_cover_cost",
        "_part_start",
        "_part_end",
        "_part_weight",
        "_part_cost",
        "_part_joined",
    )

    _ONE_BY_ONE = ("entries", "records", "prepared")

    def __getstate__(self) -> dict[str, object]:
        """The index without what queries fill (kept between runs: tekser.services.index_cache).
        Entries and names are kept one by one, read back when a screening first needs them: a
        screening meets a few dozen of them, and reading all 10,000 entries and 24,000 names
        back would take most of a second."""
        state = {k: v for k, v in self.__dict__.items() if k not in self._WORKING}
        for name in self._ONE_BY_ONE:
            state[name] = OneByOne.of(state[name])
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._start_working()

    # --- build ------------------------------------------------------------------------------

    def _build_slots(self) -> None:
        """One slot per part (name, initial, patronymic) of every list name, grouped by type."""
        type_of: dict[TypeKey, int] = {}
        self.type_tokens: list[Token] = []
        slot_record: list[int] = []
        slot_type: list[int] = []
        slot_weight: list[float] = []
        slot_required: list[bool] = []
        slot_token: list[int] = []
        slot_middle: list[bool] = []
        record_slots: dict[int, dict[int, int]] = {}  # record → part position → slot
        optional: dict[tuple[Role, str], list[int]] = defaultdict(list)
        for record_id, prepared in enumerate(self.prepared):
            for position, (token, weight) in enumerate(zip(prepared.name.tokens, prepared.weights, strict=True)):
                if not token.forms:
                    continue
                if token.role not in _SLOT_ROLES:  # particles, legal forms: agree only when equal
                    optional[(token.role, token.forms[0])].append(record_id)
                    continue
                key = type_key(token)
                type_id = type_of.get(key)
                if type_id is None:
                    type_id = type_of[key] = len(self.type_tokens)
                    self.type_tokens.append(token)
                slot_record.append(record_id)
                slot_type.append(type_id)
                slot_weight.append(weight)
                slot_required.append(not token.optional)
                slot_token.append(position)
                slot_middle.append(position in prepared.middles)
                record_slots.setdefault(record_id, {})[position] = len(slot_record) - 1
        self.type_of = type_of
        self._build_joined(record_slots)
        self.optional_parts: dict[tuple[Role, str], tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]] = {}
        for part, ids in optional.items():
            holders, counts = np.unique(np.asarray(ids, dtype=np.int32), return_counts=True)
            self.optional_parts[part] = (holders.astype(np.int32), counts.astype(np.float64))
        self.type_forms = [t.forms for t in self.type_tokens]
        self.type_form_count = np.asarray([len(forms) for forms in self.type_forms], dtype=np.int64)
        self.type_form_start = np.cumsum(self.type_form_count) - self.type_form_count
        self.type_forms_flat = np.asarray([form for forms in self.type_forms for form in forms], dtype=object)
        self.type_initial = np.asarray([t.role is Role.INITIAL for t in self.type_tokens], dtype=np.bool_)
        self.type_known = np.asarray(
            [t.role is Role.NAME and self.weights.known(t.forms[0]) for t in self.type_tokens], dtype=np.bool_
        )
        self.type_abjad = np.asarray([t.abjad for t in self.type_tokens], dtype=np.bool_)
        self.type_short = np.asarray([short(t) for t in self.type_tokens], dtype=np.bool_)
        self.type_form_lengths_flat = np.asarray([len(f) for forms in self.type_forms for f in forms], dtype=np.int64)
        self._abjad_skeletons = self._skeleton_table(abjad_only=True)
        self._all_skeletons = self._skeleton_table(abjad_only=False)
        self.slot_record = np.asarray(slot_record, dtype=np.int32)
        self.slot_token = np.asarray(slot_token, dtype=np.int32)  # the part's position in its name
        self.slot_middle = np.asarray(slot_middle, dtype=np.bool_)  # it may be a middle name
        self.slot_weight = np.asarray(slot_weight, dtype=np.float64)
        self.slot_required_weight = np.where(np.asarray(slot_required, dtype=np.bool_), self.slot_weight, 0.0).astype(
            np.float64
        )
        types = np.asarray(slot_type, dtype=np.int32)
        order = np.argsort(types, kind="stable").astype(np.int32)
        self.slots_by_type = order
        self.type_offsets = np.searchsorted(types[order], np.arange(len(self.type_tokens) + 1)).astype(np.int64)

    def _build_joined(self, record_slots: dict[int, dict[int, int]]) -> None:
        """Two adjacent parts of a list name written together ("Abdul Rahman" → "abdulrahman"),
        as the scorer joins them: a subject's part may be that pair written as one word."""
        joined_of: dict[tuple[str, ...], int] = {}
        self.joined_forms: list[tuple[str, ...]] = []
        self.joined_slots: list[list[tuple[int, int]]] = []
        for record_id, prepared in enumerate(self.prepared):
            positions = record_slots.get(record_id, {})
            for start, forms in prepared.joined:
                first, second = positions.get(start), positions.get(start + 1)
                if first is None or second is None:
                    continue
                joined_id = joined_of.get(forms)
                if joined_id is None:
                    joined_id = joined_of[forms] = len(self.joined_forms)
                    self.joined_forms.append(forms)
                    self.joined_slots.append([])
                self.joined_slots[joined_id].append((first, second))
        joined_keys: dict[str, list[int]] = defaultdict(list)
        for joined_id, forms in enumerate(self.joined_forms):
            for key in _joined_keys(forms):
                joined_keys[key].append(joined_id)
        self.joined_keys = _frozen_postings(joined_keys)

    def _build_keys(self) -> None:
        key_types: dict[str, list[int]] = defaultdict(list)
        for type_id, token in enumerate(self.type_tokens):
            for key in _type_keys(token):
                key_types[key].append(type_id)
        self.key_types = _frozen_postings(key_types)
        # names written together or apart, and exact names: whole records
        joined: dict[str, list[int]] = defaultdict(list)  # whole names written together
        exact: dict[str, list[int]] = defaultdict(list)
        for record_id, record in enumerate(self.records):
            analyzed = record.analyzed
            keys: set[str] = set()
            whole = concatenated_key(analyzed)
            if whole:
                keys.add(whole)
            if len(plain := self.prepared[record_id].squashed) >= 6:
                keys.add("c:" + plain)  # legal forms and particles written together too ("NOVINFOLLC")
            for key in keys:
                joined[key].append(record_id)
            if analyzed.key:
                exact[analyzed.key].append(record_id)
            if analyzed.plain:
                exact["p:" + analyzed.plain].append(record_id)
        self.joined = _frozen_postings(joined)
        self.exact = _frozen_postings(exact)

    @classmethod
    def build(
        cls, entries: Iterable[ListEntry], policy: Policy | None = None, weights: TokenWeights | None = None
    ) -> ListIndex:
        # the build makes a few hundred thousand objects that all live on: the cyclic collector
        # would walk the growing heap again and again (more than half the build time)
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._build(entries, policy, weights)
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _build(cls, entries: Iterable[ListEntry], policy: Policy | None, weights: TokenWeights | None) -> ListIndex:
        kept: list[ListEntry] = []
        records: list[NameRecord] = []
        shapes: list[NameShape] = []
        excluded = 0
        for entry in entries:
            if policy is not None and not policy.allows(entry):
                excluded += 1
                continue
            position = len(kept)
            kept.append(entry)
            organization = entry.kind is not EntityKind.PERSON
            seen: set[str] = set()
            for name in _indexable(entry):
                analyzed = analyze(name.full, organization=organization, family_parts=_family_parts(name))
                if analyzed.placeholder or not analyzed.tokens:
                    continue
                signature = analyzed.key or " ".join(t.forms[0] for t in analyzed.tokens if t.forms)
                if signature in seen:
                    continue
                seen.add(signature)
                records.append(NameRecord(position, name, analyzed))
                shapes.append(shape(analyzed))
        return cls(kept, records, excluded, weights, shapes)

    # --- step 1: similar parts ----------------------------------------------------------------

    def _initials(self, letter: str, token_floor: float) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The types a subject's initial pairs with: 1 for an initial, 0.8 for a part starting so
        (thousands: in arrays)."""
        initials = self.key_types.get("i:" + letter, ())
        starting = self.key_types.get("a:" + letter, ()) if token_floor <= 0.8 else ()
        types = np.asarray(initials + starting, dtype=np.int64)
        values = np.repeat(np.asarray([1.0, 0.8]), [len(initials), len(starting)])
        keep = values >= token_floor
        return types[keep], values[keep]

    def _reached(self, keys: Iterable[str]) -> set[int]:
        types: set[int] = set()
        key_types = self.key_types
        for key in keys:
            listed = key_types.get(key)
            if listed is not None:
                types.update(listed)
        return types

    def _skeleton_neighbours(
        self, token: Token, token_floor: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """With Arabic script on a side, parts compare by consonant skeleton (0.95 × Jaro-Winkler,
        0.92 when equal), which keys reach poorly: an Arabic part is compared with every type, a
        Latin part with every Arabic-script type, in bulk, among the skeletons with the same
        first letter and a length within ``SKELETON_LENGTH_SPREAD`` (another first letter keeps
        a short skeleton below the token floor), one call per first letter.
        Returns the types whose skeleton similarity reaches the floor, with it (the others' never
        counts: it only ever raises a similarity below 0.92 to itself). A type's similarity is
        the best Jaro-Winkler per first letter and length, mapped (0.92 when equal), then the
        best of those."""
        table = self._abjad_skeletons if not token.abjad else self._all_skeletons
        by_letter: dict[str, list[str]] = {}
        for query_skeleton in token.skeletons:
            if query_skeleton:
                by_letter.setdefault(query_skeleton[0], []).append(query_skeleton)
        groups: list[npt.NDArray[np.int64]] = []
        raws: list[npt.NDArray[np.float64]] = []
        skeleton_cutoff = min(token_floor / 0.95, 1.0) - 1e-9
        for letter_number, (letter, query_skeletons) in enumerate(by_letter.items()):
            shelf = table.get(letter)
            if shelf is None:
                continue
            query_lengths = [len(q) for q in query_skeletons]
            low = int(np.searchsorted(shelf.lengths, min(query_lengths) - SKELETON_LENGTH_SPREAD, side="left"))
            high = int(np.searchsorted(shelf.lengths, max(query_lengths) + SKELETON_LENGTH_SPREAD, side="right"))
            if high <= low:
                continue
            matrix = process.cdist(
                query_skeletons,
                shelf.skeletons[low:high],
                scorer=JaroWinkler.normalized_similarity,
                dtype=np.float64,
                score_cutoff=skeleton_cutoff,  # below it: 0, as good as any value under the floor
            )
            if min(query_lengths) != max(query_lengths):  # each query skeleton within its own spread only
                spread = np.abs(shelf.lengths[low:high][None, :] - np.asarray(query_lengths)[:, None])
                matrix[spread > SKELETON_LENGTH_SPREAD] = 0.0
            best = matrix.max(axis=0)
            pair_low, pair_high = int(shelf.pair_starts[low]), int(shelf.pair_starts[high])
            raw = best[shelf.pair_skeleton[pair_low:pair_high] - low]
            # under the cutoff: 0; at it, an equal skeleton (0.92) may still outrank a near one of the
            # same letter and length: keep both to decide
            wanted = np.flatnonzero(raw)
            if len(wanted):
                group = shelf.pair_group[pair_low:pair_high][wanted] * len(by_letter) + letter_number
                groups.append(group)
                raws.append(raw[wanted])
        if not groups:
            return _EMPTY_L, _EMPTY_F
        group = np.concatenate(groups)
        raw = np.concatenate(raws)
        order = np.argsort(group, kind="stable")
        group, raw = group[order], raw[order]
        group_starts = _run_starts(group)
        best = np.maximum.reduceat(raw, group_starts)
        owners = group[group_starts] // (SKELETON_GROUPS * len(by_letter))
        # a short part's skeleton (one or two letters) agrees only when equal
        near = np.zeros(len(owners), dtype=np.bool_) if short(token) else ~self.type_short[owners]
        mapped = np.where(best >= 1.0, 0.92, np.where(near, 0.95 * best, 0.0))
        owner_starts = _run_starts(owners)
        values = np.maximum.reduceat(mapped, owner_starts)
        owners = owners[owner_starts]
        keep = values >= token_floor
        return owners[keep], values[keep]

    def _skeleton_table(self, abjad_only: bool) -> dict[str, SkeletonShelf]:
        """first letter → the distinct skeletons of the types (Arabic-script ones only if
        ``abjad_only``) of that first letter, by length (types share them: Mohammed, Muhammad and
        Mohamed are all ``mhmd``), with the (type, skeleton) pairs in skeleton order."""
        pairs_by_letter: dict[str, set[tuple[str, int]]] = defaultdict(set)
        for type_id, token in enumerate(self.type_tokens):
            if token.role is Role.INITIAL or not token.skeletons or (abjad_only and not token.abjad):
                continue
            for skeleton_form in token.skeletons:
                if 0 < len(skeleton_form) < SKELETON_GROUPS:  # (a longer one is no name part)
                    pairs_by_letter[skeleton_form[0]].add((skeleton_form, type_id))
        table: dict[str, SkeletonShelf] = {}
        for letter, pairs in pairs_by_letter.items():
            skeletons = sorted({form for form, _ in pairs}, key=lambda form: (len(form), form))
            position = {form: number for number, form in enumerate(skeletons)}
            ordered = sorted((position[form], type_id) for form, type_id in pairs)
            pair_skeleton = np.asarray([number for number, _ in ordered], dtype=np.intp)
            lengths = np.asarray([len(form) for form in skeletons], dtype=np.intp)
            table[letter] = SkeletonShelf(
                skeletons,
                lengths,
                np.searchsorted(pair_skeleton, np.arange(len(skeletons) + 1), side="left").astype(np.intp),
                pair_skeleton,
                np.asarray([type_id for _, type_id in ordered], dtype=np.int64) * SKELETON_GROUPS
                + lengths[pair_skeleton],
            )
        return table

    def _similar_types(
        self, token: Token, token_floor: float, known_factor: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Types reached by a key, with the scorer's similarity (:func:`token_similarity`),
        computed in bulk: the best squared Jaro-Winkler over renderings for all reached types
        at once (rapidfuzz), then the scorer's rules for gendered forms (0.9), vowel-only
        differences (0.9) and Arabic script (the skeleton similarity), whose candidates are
        found by their own keys.
        """
        type_tokens = self.type_tokens
        reached = self._reached(_query_keys(token))
        skeletal_types, skeletal_values = self._skeleton_neighbours(token, token_floor)
        reached.update(skeletal_types.tolist())
        pairs: list[tuple[int, float]] = []
        if token.role is Role.PATRONYMIC:  # few: compared one by one
            for type_id in reached:
                value = similarity(token, type_tokens[type_id])[0]  # patronymics: no known-name factor
                if value >= token_floor:
                    pairs.append((type_id, value))
            return _pair_arrays(pairs)
        reached_ids = np.fromiter(reached, dtype=np.int64, count=len(reached))
        initial = self.type_initial[reached_ids]
        if initial.any() and token_floor <= 0.8:
            initial_letters = {form[:1] for form in token.forms if form}
            for type_id in reached_ids[initial].tolist():
                if type_tokens[type_id].forms[0][:1] in initial_letters:
                    pairs.append((type_id, 0.8))
        spelled_ids = reached_ids[~initial]
        if not len(spelled_ids):
            return _pair_arrays(pairs)
        # the renderings of the reached types, gathered from one flat array
        counts = self.type_form_count[spelled_ids]
        starts = np.cumsum(counts) - counts
        gather = np.repeat(self.type_form_start[spelled_ids] - starts, counts) + np.arange(int(starts[-1] + counts[-1]))
        flat = self.type_forms_flat[gather]
        # a similarity whose square is under the floor counts only through the fixed values below
        # (gendered, vowels, skeleton): computed as 0
        cutoff = max(token_floor, 0.0) ** 0.5 - 1e-9
        matrix = process.cdist(
            token.forms, flat, scorer=JaroWinkler.normalized_similarity, dtype=np.float64, score_cutoff=cutoff
        )
        # short parts (three letters or fewer) agree only when equal: no spelling distance
        query_lengths = np.fromiter((len(f) for f in token.forms), dtype=np.int64, count=len(token.forms))
        too_short = (query_lengths[:, None] <= SHORT_PART) | (
            self.type_form_lengths_flat[gather][None, :] <= SHORT_PART
        )
        matrix[too_short & (matrix < 1.0)] = 0.0
        best = np.maximum.reduceat(matrix.max(axis=0), starts)
        values = best * best
        raised = self._reached(vowel_keys(token.forms) | gender_keys(token.forms) | given_name_keys(token))
        abjad = token.abjad
        # two known names that do not sound alike: another name, not a typo (never for Arabic script)
        if not abjad and token.role is Role.NAME and self.weights.known(token.forms[0]):
            candidates = (values >= token_floor) & (values < 1.0) & self.type_known[spelled_ids]
            candidates &= ~self.type_abjad[spelled_ids]
            for position in np.flatnonzero(candidates).tolist():
                if not sound_alike(token.skeletons, type_tokens[int(spelled_ids[position])].skeletons):
                    values[position] *= known_factor
        # the same surname for the other gender is 0.9 whatever the spelling; vowel-only differences 0.9
        gendered_at: list[int] = []
        if raised:
            raised_ids = np.fromiter(raised, dtype=np.int64, count=len(raised))
            for position in np.flatnonzero(np.isin(spelled_ids, raised_ids)).tolist():
                other_forms = type_tokens[int(spelled_ids[position])].forms
                if values[position] < 1.0 and _gendered_pair(token.forms, other_forms):
                    values[position] = 0.9
                    gendered_at.append(position)
                elif values[position] < 0.9 and _vowel_pair(token.forms, other_forms):
                    values[position] = 0.9
                elif (
                    values[position] < 0.9
                    and token.role is Role.NAME
                    and type_tokens[int(spelled_ids[position])].role is Role.NAME
                    and same_given_name(token.forms, other_forms)
                ):
                    values[position] = 0.9  # a short form or diminutive of the same given name
        # Arabic script on a side: the skeleton similarity, if higher (only those at the floor matter)
        if len(skeletal_types):
            scratch = self._type_scratch
            scratch[skeletal_types] = skeletal_values
            lifted = scratch[spelled_ids]
            scratch[skeletal_types] = 0.0
            lift = (values < 0.92) & (abjad | self.type_abjad[spelled_ids])
            if gendered_at:
                lift[gendered_at] = False
            values = np.where(lift, np.maximum(values, lifted), values)
        kept = np.flatnonzero(values >= token_floor)
        if not pairs:
            return spelled_ids[kept], values[kept]
        initial_types, initial_values = _pair_arrays(pairs)
        return np.concatenate([initial_types, spelled_ids[kept]]), np.concatenate([initial_values, values[kept]])

    def similar_slots(self, token: Token, token_floor: float, known_factor: float = 1.0) -> SimilarParts:
        """The list-name parts at least ``token_floor`` similar to ``token`` (remembered: names recur)."""
        cache_key = (type_key(token), token_floor, known_factor)
        found = self._similar_cache.get(cache_key)
        if found is not None and (found is NO_PARTS or found.generation == self._rows.generation):
            return found
        if found is not None and found.similar is not None:
            similar = found.similar  # the rows started again since: put the same parts back
        else:
            if token.role is Role.INITIAL:
                types, values = self._initials(token.forms[0][:1], token_floor)
            else:
                types, values = self._similar_types(token, token_floor, known_factor)
            # two adjacent parts of a list name that this part may be, written together: both slots,
            # at the pair's similarity, marked (position -1) so that the scorer joins them itself
            joins = tuple(self._similar_joined(token, token_floor))
            similar = Similar(types.astype(np.int32), values, joins)
        found = self._materialize(similar)
        if len(self._similar_cache) >= PARTS_REMEMBERED:
            self._similar_cache.clear()
        self._similar_cache[cache_key] = found
        return found

    def _materialize(self, similar: Similar) -> SimilarParts:
        """Rows for the similar parts: the slots of each type (slots of similar parts first), then
        the pairs written together; the heaviest weight (a pair weighs its two parts)."""
        types, values, joins = similar
        if not len(types) and not joins:
            return NO_PARTS
        slot_arrays: list[npt.NDArray[np.int32]] = []
        sim_arrays: list[npt.NDArray[np.float64]] = []
        position_arrays: list[npt.NDArray[np.int32]] = []
        if len(types):
            slots, sims = self._slots_of(types, values)
            slot_arrays.append(slots)
            sim_arrays.append(sims)
            position_arrays.append(self.slot_token[slots])
        for pair, value in joins:
            slot_arrays.append(pair)
            sim_arrays.append(np.full(len(pair), value, dtype=np.float64))
            position_arrays.append(np.full(len(pair), -1, dtype=np.int32))
        found = self._store(slot_arrays, sim_arrays, position_arrays)._replace(similar=similar)
        if joins:
            pair_heaviest = max(float(self.slot_weight[pair].reshape(-1, 2).sum(axis=1).max()) for pair, _ in joins)
            found = found._replace(heaviest=max(found.heaviest, pair_heaviest))
        return found

    def _slots_of(
        self, types: npt.NDArray[np.int32] | npt.NDArray[np.int64], values: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
        """Every slot of the given types, with the type's similarity (one gather, however many types)."""
        starts = self.type_offsets[types]
        counts = self.type_offsets[types + 1] - starts
        total = int(counts.sum())
        # position i of the result is slot starts[k] + (i - first[k]) for the type k it falls in
        first = np.cumsum(counts) - counts
        gather = np.arange(total, dtype=np.int64) + np.repeat(starts - first, counts)
        sims = np.repeat(values, counts)
        return self.slots_by_type[gather], sims

    def _store(
        self,
        slot_arrays: list[npt.NDArray[np.int32]],
        sim_arrays: list[npt.NDArray[np.float64]],
        position_arrays: list[npt.NDArray[np.int32]],
    ) -> SimilarParts:
        if not slot_arrays:
            return NO_PARTS
        slots = np.concatenate(slot_arrays)
        start, end = self._rows.add(self, slots, np.concatenate(sim_arrays), np.concatenate(position_arrays))
        return SimilarParts(start, end, float(self.slot_weight[slots].max()), self._rows.generation)

    def _similar_joined(self, token: Token, token_floor: float) -> list[tuple[npt.NDArray[np.int32], float]]:
        """The pairs of adjacent list-name parts that ``token``, written as one word, may be:
        their two slots and the scorer's joined similarity (at least 0.9)."""
        if token.role is not Role.NAME or len(token.forms[0]) < JOINED_MIN_LENGTH:
            return []
        reached: set[int] = set()
        for key in _joined_keys(token.forms):
            if listed := self.joined_keys.get(key):
                reached.update(listed)
        found = []
        floor = max(token_floor, JOINED_FLOOR)
        for joined_id, value in self._bulk_joined(token.forms, sorted(reached), self.joined_forms):
            if value >= floor:
                found.append((np.asarray(self.joined_slots[joined_id], dtype=np.int32).ravel(), value))
        return found

    @staticmethod
    def _bulk_joined(
        forms: tuple[str, ...], candidates: list[int], table: list[tuple[str, ...]]
    ) -> list[tuple[int, float]]:
        """:func:`joined_similarity` of ``forms`` with each candidate's forms."""
        return [(c, joined_similarity(forms, table[c])) for c in candidates]

    def joined_query_slots(
        self, first: Token, second: Token, forms: tuple[str, ...], token_floor: float
    ) -> SimilarParts:
        """The list-name parts that two adjacent query parts, written together, may be."""
        cache_key = (forms, token_floor)
        found = self._joined_cache.get(cache_key)
        if found is not None and (found is NO_PARTS or found.generation == self._rows.generation):
            return found
        if found is not None and found.similar is not None:  # the rows started again: the same parts back
            found = self._materialize(found.similar)
            self._joined_cache.put(cache_key, found)
            return found
        reached: set[int] = set()
        key_types = self.key_types
        folded = forms  # folded across the join already (prepare: canonical(x + y), and folding is idempotent)
        for form in folded:
            if len(form) >= JOINED_MIN_LENGTH and (listed := key_types.get("f:" + form)):
                reached.update(listed)
        if not reached:
            self._joined_cache.put(cache_key, NO_PARTS)
            return NO_PARTS
        singles = [
            t
            for t in sorted(reached)
            if self.type_tokens[t].role is Role.NAME and len(self.type_tokens[t].forms[0]) >= JOINED_MIN_LENGTH
        ]
        floor = max(token_floor, JOINED_FLOOR)
        kept = [
            (type_id, value) for type_id, value in self._bulk_joined(forms, singles, self.type_forms) if value >= floor
        ]
        types = np.asarray([t for t, _ in kept], dtype=np.int32)
        values = np.asarray([v for _, v in kept], dtype=np.float64)
        found = self._materialize(Similar(types, values))
        self._joined_cache.put(cache_key, found)
        return found

    # --- step 2: names whose bound reaches the floor ------------------------------------------

    def candidates(
        self,
        query: PreparedName,
        kinds: frozenset[int] | None,
        floor: float,
        limit: int,
        token_floor: float = 0.78,
        unmatched_weight: float = 0.4,
        known_factor: float = 1.0,
        middle_weight: float = 0.25,
    ) -> Candidates:
        """Record ids worth scoring for ``query``, the most promising first: names found written
        together or exactly, then every name whose score bound reaches ``floor`` (at most ``limit``).
        Thread-safe: the scratch arrays and caches are used one query at a time."""
        with self._lock:
            ids, upper, pairs = self.bounds(
                query, kinds, floor, token_floor, unmatched_weight, known_factor, middle_weight
            )
        result = Candidates()
        result.pairs = pairs
        if len(ids):
            # ties by record id: the order must not depend on which names the process met before
            order = np.lexsort((ids, -upper))[:limit]
            result.extend(ids[order].tolist())
            result.bounds.extend(upper[order].tolist())
        allowed = self._allowed(kinds)
        forced = [r for r in self._forced(query) if allowed[self.record_kind[r]]]
        if forced:
            present = set(result)
            forced = [r for r in forced if r not in present]
            result[:0] = forced
            result.bounds[:0] = [2.0] * len(forced)  # found exactly: no bound, always scored
        return result

    def _allowed(self, kinds: frozenset[int] | None) -> npt.NDArray[np.bool_]:
        allowed = self._allowed_cache.get(kinds)
        if allowed is None:
            allowed = np.ones(len(_KIND_CODES), dtype=np.bool_)
            if kinds is not None:
                allowed[:] = False
                allowed[list(kinds)] = True
            self._allowed_cache[kinds] = allowed
        return allowed

    def bounds(
        self,
        query: PreparedName,
        kinds: frozenset[int] | None,
        floor: float,
        token_floor: float,
        unmatched_weight: float,
        known_factor: float = 1.0,
        middle_weight: float = 0.25,
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], dict[int, list[tuple[int, int, float]]]]:
        """The list names (of the allowed kinds) sharing a similar part with ``query`` whose upper
        bound of the name score reaches ``floor``, that bound, and their pairs of similar parts.

        For list name r: each query part i counts at its best similarity b_i(r) to a part of r,
        each part j of r at its best similarity b_j to a query part (0 when below the token floor):

            bound = (Σ w_i b_i + Σ w_j b_j + P) / (Σ_{b>0} w + P + Σ_{b=0, required} α w)

        with P the optional parts (particles, legal forms) both names have and α the share of
        its weight an unmatched part costs (less for a possible middle name). Pairing a part at
        a similarity ≥ 1 - α never gives a ratio (≤ 1) lower than leaving it unpaired, and the
        real alignment pairs a subset of the parts at lower similarities: the bound holds. The
        kernel then tightens it with the best one-to-one alignment of the similar parts.
        """
        tokens, weights = query.name.tokens, query.weights
        optional: dict[tuple[Role, str], int] = {}
        cost_total = 0.0  # what the query's parts cost left unmatched
        alone: dict[int, float] = {}  # required parts without anything similar in the lists: their cost
        parts: list[Part] = []
        generation = self._rows.generation
        middles = query.middles
        for position, (token, weight) in enumerate(zip(tokens, weights, strict=True)):
            if token.role not in _SLOT_ROLES:
                if token.forms:
                    key = (token.role, token.forms[0])
                    optional[key] = optional.get(key, 0) + 1
                continue
            cost = 0.0 if token.optional else (middle_weight if position in middles else unmatched_weight) * weight
            cost_total += cost
            similar = self.similar_slots(token, token_floor, known_factor)
            if similar.end > similar.start:
                parts.append((weight, position, cost, similar, None))
            elif cost:
                alone[position] = cost
        # two adjacent query parts that one list-name part may be, written together (position -1:
        # the scorer joins them itself); the parts they cover are then not surely unmatched
        for start, forms in query.joined:
            similar = self.joined_query_slots(tokens[start], tokens[start + 1], forms, token_floor)
            if similar.end > similar.start:
                pair_weight = weights[start] + weights[start + 1]
                costs = [
                    0.0 if tokens[i].optional else (middle_weight if i in middles else unmatched_weight) * weights[i]
                    for i in (start, start + 1)
                ]
                sides = ((start, weights[start], costs[0]), (start + 1, weights[start + 1], costs[1]))
                parts.append((pair_weight, -1, sum(costs), similar, sides))
                alone.pop(start, None)
                alone.pop(start + 1, None)
        unmatched = sum(alone.values())
        if self._rows.generation != generation:  # the rows started again meanwhile: look up anew
            return self.bounds(query, kinds, floor, token_floor, unmatched_weight, known_factor, middle_weight)
        if not parts:
            return _EMPTY_I, _EMPTY_F, {}
        parts.sort(key=lambda part: (part[1] >= 0, -part[0]))
        agreeing = PARTICLE_PAIR_WEIGHT * sum(optional.values())
        leading = _leading_parts(parts, agreeing, floor, unmatched)
        if not leading and not self.any_cut:  # (a name cut at a field length may owe nothing for its tail)
            return _EMPTY_I, _EMPTY_F, {}
        holders = self._mark_agreeing(optional) if optional else ()
        rows = self._rows
        k = len(parts)
        if k > len(self._part_start):
            self._grow_part_arrays(k)
        part_start, part_end, part_weight, part_cost, part_joined = (
            self._part_start,
            self._part_end,
            self._part_weight,
            self._part_cost,
            self._part_joined,
        )
        cover, cover_weight, cover_cost = self._cover, self._cover_weight, self._cover_cost
        single_at = {part[1]: p for p, part in enumerate(parts) if part[1] >= 0}
        for p, (weight, position, cost, similar, covered) in enumerate(parts):
            part_start[p] = similar.start
            part_end[p] = similar.end
            part_weight[p] = weight
            part_cost[p] = cost
            part_joined[p] = position < 0
            if covered is not None:  # the two query parts written together: each at the pair's similarity
                for side, (at, side_weight, side_cost) in enumerate(covered):
                    cover[p, side] = single_at.get(at, -1)
                    cover_weight[p, side] = side_weight
                    cover_cost[p, side] = side_cost
        kept, out = kernels.score_bounds(
            part_start[:k],
            part_end[:k],
            leading,
            part_weight[:k],
            part_cost[:k],
            part_joined[:k],
            cover[:k],
            cover_weight[:k],
            cover_cost[:k],
            rows.slots,
            rows.sims,
            rows.positions,
            self.slot_record,
            self.slot_weight,
            self.slot_required_weight,
            self.slot_middle,
            self.record_weight,
            self.record_middle,
            self.record_cut,
            self.record_kind,
            self._allowed(kinds),
            self._agree,
            cost_total,
            PARTICLE_PAIR_WEIGHT,
            unmatched_weight,
            middle_weight,
            looks_truncated(query.name.text),
            floor,
            self._mark,
        )
        part_position = [part[1] for part in parts]
        for array in holders:
            self._agree[array] = 0.0
        ids = out[:kept, 0].astype(np.int32)
        upper = out[:kept, 1]
        grouped: dict[int, list[tuple[int, int, float]]] = {}
        for record, part, token, value in out[kept:].tolist():
            position = part_position[int(part)]
            if position >= 0 and token >= 0:  # written-together pairs are the scorer's to find
                grouped.setdefault(int(record), []).append((position, int(token), value))
        return ids, upper, grouped

    def _grow_part_arrays(self, size: int) -> None:
        self._cover = np.full((size, 2), -1, dtype=np.int64)
        self._cover_weight = np.zeros((size, 2), dtype=np.float64)
        self._cover_cost = np.zeros((size, 2), dtype=np.float64)
        self._part_start = np.zeros(size, dtype=np.int64)
        self._part_end = np.zeros(size, dtype=np.int64)
        self._part_weight = np.zeros(size, dtype=np.float64)
        self._part_cost = np.zeros(size, dtype=np.float64)
        self._part_joined = np.zeros(size, dtype=np.bool_)

    def _mark_agreeing(self, wanted: dict[tuple[Role, str], int]) -> list[npt.NDArray[np.int32]]:
        """Count in ``_agree`` the query's particles and legal forms each list name also has."""
        marked = []
        for key, times in wanted.items():
            found = self.optional_parts.get(key)
            if found is not None:
                holders, counts = found
                self._agree[holders] += np.minimum(counts, times)
                marked.append(holders)
        return marked

    def _forced(self, query: PreparedName) -> list[int]:
        """Names equal to the query, or equal once all their parts are written together (parts
        written together or apart pairwise are in the bound: the scorer's joined pairs)."""
        name = query.name
        forced: list[int] = [*self.exact.get(name.key, ()), *self.exact.get("p:" + name.plain, ())]
        joined = self.joined
        for key in (concatenated_key(name), "c:" + query.squashed):
            if key is not None and (found := joined.get(key)):
                forced.extend(found[:50])
        return list(dict.fromkeys(forced))


def _frozen_postings(postings: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    """Key → ids, as tuples: a list grown by appending keeps room for more (a third of the
    index's keys' memory, for 160,000 keys)."""
    return {key: tuple(ids) for key, ids in postings.items()}


def _run_starts(ordered: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Where each run of equal values starts in a sorted, non-empty array."""
    starts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    return np.concatenate((_ZERO_START, starts))


_ZERO_START = np.zeros(1, dtype=np.intp)


def _pair_arrays(pairs: list[tuple[int, float]]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    return np.asarray([t for t, _ in pairs], dtype=np.int64), np.asarray([v for _, v in pairs], dtype=np.float64)


def _leading_parts(
    parts: list[Part],
    agreeing: float,
    floor: float,
    unmatched: float,
) -> int:
    """How many of the query's parts (heaviest first) a list name must share one of to reach
    ``floor``: the first h parts such that a name sharing none of them cannot.

    Such a name pairs each remaining part at best with one of its heaviest similar parts
    (together at most X = Σ (w_p + heaviest_p) + agreeing optional parts) and leaves the h
    leading required parts unmatched (costing at least U, counting from ``unmatched``: the
    required parts nothing in the lists is similar to): its score is at most X / (X + U).
    The common parts (Mohammed, Ali) are then only counted for names found by a rarer one.
    Two query parts written together (position -1) come first and always lead.
    """
    rest = agreeing + sum(weight + similar.heaviest for weight, _, _, similar, _ in parts)
    joined = sum(1 for _, position, _, _, _ in parts if position < 0)  # first, and always leading
    if not joined and rest * (1.0 - floor) < floor * unmatched:
        return 0  # the parts no list name has anything similar to weigh too much: no name can
    for leading, (weight, position, cost, similar, _) in enumerate(parts[:-1], start=1):
        rest -= weight + similar.heaviest
        if position < 0:
            continue  # two parts written together: an alternative to them, not more unmatched weight
        unmatched += cost
        if leading >= joined and rest * (1.0 - floor) < floor * unmatched:
            return leading
    return len(parts)


def _gendered_pair(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    return any(gendered(x, y) for x in first for y in second)


def _vowel_pair(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    return any(vowel_variants(x, y) for x in first for y in second)


_KIND_CODES = {EntityKind.PERSON: 0, EntityKind.ORGANIZATION: 1, EntityKind.VESSEL: 2, EntityKind.AIRCRAFT: 3}


def _kind_code(kind: EntityKind) -> int:
    return _KIND_CODES[kind]


def kind_filter(kind: EntityKind | None) -> frozenset[int] | None:
    """Which entry kinds a subject of ``kind`` is compared with (None: all)."""
    if kind is None:
        return None
    if kind is EntityKind.PERSON:
        return frozenset({0})
    return frozenset({1, 2, 3})
