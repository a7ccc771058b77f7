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

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from tekser.domain.policy import Policy
from tekser.domain.watchlists import EntityKind, ListEntry, Name, NameKind, NameQuality, PartRole
from tekser.matching import kernels
from tekser.matching.names import (
    PreparedName,
    gendered,
    looks_truncated,
    prepare,
    similarity,
    sound_alike,
    vowel_variants,
)
from tekser.matching.weights import TokenWeights
from tekser.names.fold import canonical, loose_skeleton
from tekser.names.parts import AnalyzedName, Role, Token, analyze

_KIND_ORDER = {NameKind.PRIMARY: 0, NameKind.ALIAS: 1, NameKind.NEW: 1, NameKind.FORMER: 2}
_SLOT_ROLES = frozenset({Role.NAME, Role.INITIAL, Role.PATRONYMIC})
PARTICLE_PAIR_WEIGHT = 0.4  # two optional parts (0.2 each) that agree
MIN_DELETION_LENGTH = 3  # forms with one letter deleted from three letters up; a form is its own key from two
DELETION_FORMS = 3  # renderings of a part given deletion keys (most common first)
PREFIX_LENGTH = 4
_EMPTY_I = np.zeros(0, dtype=np.int32)
_EMPTY_F = np.zeros(0, dtype=np.float64)


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


def _type_keys(token: Token) -> set[str]:
    if token.role is Role.INITIAL:
        return {"i:" + token.forms[0][:1]}
    keys = token_keys(token)
    keys.update(deletion_keys(token.forms[:DELETION_FORMS]))
    keys.update(prefix_keys(token.forms))
    keys.update(vowel_keys(token.forms))
    keys.update(gender_keys(token.forms))
    keys.update("f:" + stem for stem in token.stems)  # Serikovna meets Serikkyzy by the stem
    return keys


def _query_keys(token: Token) -> set[str]:
    keys = _type_keys(token)
    keys.update("i:" + form[:1] for form in token.forms if form)  # a list name's initial
    return keys


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


class SimilarParts(NamedTuple):
    """Where the list-name parts similar to one query part lie in the :class:`_Rows` (rows
    ``start:end``), and the heaviest weight among them."""

    start: int
    end: int
    heaviest: float
    generation: int


class _Rows:
    """The similar parts of every query part met so far, one row each, part after part, so
    that the kernel reads them in order: slot, similarity, list name, position of the part in
    its name, weight, weight if required. Grows by doubling; when full it starts again empty
    (and the parts are looked up anew: ``generation`` tells)."""

    def __init__(self, capacity: int = 1 << 16, limit: int = 1 << 22) -> None:
        self.limit = limit
        self.generation = 0
        self.used = 0
        self._allocate(capacity)

    def _allocate(self, capacity: int) -> None:
        self.slots = np.zeros(capacity, dtype=np.int32)
        self.sims = np.zeros(capacity, dtype=np.float64)
        self.records = np.zeros(capacity, dtype=np.int32)
        self.positions = np.zeros(capacity, dtype=np.int32)
        self.weights = np.zeros(capacity, dtype=np.float64)
        self.required_weights = np.zeros(capacity, dtype=np.float64)

    def add(self, index: ListIndex, slots: npt.NDArray[np.int32], sims: npt.NDArray[np.float64]) -> tuple[int, int]:
        size = len(slots)
        if self.used + size > len(self.slots):
            if self.used + size <= self.limit:
                grown = max(2 * len(self.slots), self.used + size)
                old: list[npt.NDArray[Any]] = [
                    self.slots,
                    self.sims,
                    self.records,
                    self.positions,
                    self.weights,
                    self.required_weights,
                ]
                self._allocate(grown)
                new: list[npt.NDArray[Any]] = [
                    self.slots,
                    self.sims,
                    self.records,
                    self.positions,
                    self.weights,
                    self.required_weights,
                ]
                for grown_array, previous in zip(new, old, strict=True):
                    grown_array[: self.used] = previous[: self.used]
            else:
                self.generation += 1
                self.used = 0
                if size > len(self.slots):
                    self._allocate(size)
        start, end = self.used, self.used + size
        self.slots[start:end] = slots
        self.sims[start:end] = sims
        self.records[start:end] = index.slot_record[slots]
        self.positions[start:end] = index.slot_token[slots]
        self.weights[start:end] = index.slot_weight[slots]
        self.required_weights[start:end] = index.slot_required_weight[slots]
        self.used = end
        return start, end


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
        self, entries: list[ListEntry], records: list[NameRecord], excluded: int, weights: TokenWeights | None = None
    ) -> None:
        started = time.perf_counter()
        self.entries = entries
        self.records = records
        self.excluded = excluded
        # a small index (a list's changed entries) borrows the weights of the whole lists
        self.weights = weights or TokenWeights.from_documents(
            [f for t in r.analyzed.tokens if not t.optional for f in t.forms] for r in records
        )
        self.prepared = [prepare(r.analyzed, self.weights) for r in records]
        self.record_weight = np.asarray([p.required_weight for p in self.prepared], dtype=np.float64)
        self.record_cut = np.asarray([looks_truncated(r.analyzed.text) for r in records], dtype=np.bool_)
        self.any_cut = bool(self.record_cut.any())
        self._build_slots()
        self._build_keys()
        self.record_kind = np.asarray([_kind_code(entries[r.entry].kind) for r in records], dtype=np.int8)
        # scratch accumulators reused by every query (one query at a time per process)
        self._mark = np.zeros(len(records), dtype=np.int32)
        self._agree = np.zeros(len(records), dtype=np.float64)
        self._similar_cache: dict[tuple[TypeKey, float, float], SimilarParts] = {}
        self._rows = _Rows()
        self._grow_part_arrays(8)
        self._allowed_cache: dict[frozenset[int] | None, npt.NDArray[np.bool_]] = {}
        self._initial_types: dict[str, list[tuple[int, float]]] | None = None
        self.seconds = time.perf_counter() - started

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
        self.type_of = type_of
        self.optional_parts: dict[tuple[Role, str], tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]] = {}
        for part, ids in optional.items():
            holders, counts = np.unique(np.asarray(ids, dtype=np.int32), return_counts=True)
            self.optional_parts[part] = (holders.astype(np.int32), counts.astype(np.float64))
        self.type_forms = [t.forms for t in self.type_tokens]
        self.type_known = [t.role is Role.NAME and self.weights.known(t.forms[0]) for t in self.type_tokens]
        self._abjad_skeletons = self._skeleton_table(abjad_only=True)
        self._all_skeletons = self._skeleton_table(abjad_only=False)
        self.slot_record = np.asarray(slot_record, dtype=np.int32)
        self.slot_token = np.asarray(slot_token, dtype=np.int32)  # the part's position in its name
        self.slot_weight = np.asarray(slot_weight, dtype=np.float64)
        self.slot_required_weight = np.where(np.asarray(slot_required, dtype=np.bool_), self.slot_weight, 0.0).astype(
            np.float64
        )
        types = np.asarray(slot_type, dtype=np.int32)
        order = np.argsort(types, kind="stable").astype(np.int32)
        self.slots_by_type = order
        self.type_offsets = np.searchsorted(types[order], np.arange(len(self.type_tokens) + 1)).astype(np.int64)

    def _build_keys(self) -> None:
        key_types: dict[str, list[int]] = defaultdict(list)
        for type_id, token in enumerate(self.type_tokens):
            for key in _type_keys(token):
                key_types[key].append(type_id)
        self.key_types = dict(key_types)
        # names written together or apart, and exact names: whole records
        joined: dict[str, list[int]] = defaultdict(list)  # whole names written together
        pairs: dict[str, list[int]] = defaultdict(list)  # two adjacent parts written together
        exact: dict[str, list[int]] = defaultdict(list)
        for record_id, record in enumerate(self.records):
            analyzed = record.analyzed
            keys: set[str] = set()
            whole = concatenated_key(analyzed)
            if whole:
                keys.add(whole)
            if len(plain := analyzed.plain.replace(" ", "")) >= 6:
                keys.add("c:" + plain)  # legal forms and particles written together too ("NOVINFOLLC")
            for key in keys:
                joined[key].append(record_id)
            core = analyzed.core  # "Makawi Ibrahim" meets the subject's "MakawiIbrahim"
            for a, b in pairwise(core):
                if a.forms and b.forms:
                    pairs[canonical(a.forms[0] + b.forms[0])].append(record_id)
            if analyzed.key:
                exact[analyzed.key].append(record_id)
            if analyzed.plain:
                exact["p:" + analyzed.plain].append(record_id)
        self.pairs = dict(pairs)
        self.joined = dict(joined)
        self.exact = dict(exact)

    @classmethod
    def build(
        cls, entries: Iterable[ListEntry], policy: Policy | None = None, weights: TokenWeights | None = None
    ) -> ListIndex:
        kept: list[ListEntry] = []
        records: list[NameRecord] = []
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
        return cls(kept, records, excluded, weights)

    # --- step 1: similar parts ----------------------------------------------------------------

    def _initials(self) -> dict[str, list[tuple[int, float]]]:
        """Letter → the types a subject's initial pairs with (0.8 for a name, 1 for an initial)."""
        if self._initial_types is None:
            table: dict[str, list[tuple[int, float]]] = defaultdict(list)
            for type_id, token in enumerate(self.type_tokens):
                if token.role is Role.INITIAL:
                    table[token.forms[0][:1]].append((type_id, 1.0))
                    continue
                for letter in {form[:1] for form in token.forms if form}:
                    table[letter].append((type_id, 0.8))
            self._initial_types = dict(table)
        return self._initial_types

    def _reached(self, keys: Iterable[str]) -> set[int]:
        types: set[int] = set()
        key_types = self.key_types
        for key in keys:
            listed = key_types.get(key)
            if listed is not None:
                types.update(listed)
        return types

    def _skeleton_neighbours(self, token: Token, token_floor: float) -> list[int]:
        """With Arabic script on a side, parts compare by consonant skeleton (0.95 × Jaro-Winkler,
        0.92 when equal), which keys reach poorly: an Arabic part is compared with every type, a
        Latin part with every Arabic-script type, in bulk."""
        skeletons, owners, starts = self._abjad_skeletons if not token.abjad else self._all_skeletons
        if not skeletons or not token.skeletons:
            return []
        matrix = process.cdist(token.skeletons, skeletons, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
        best = np.maximum.reduceat(matrix.max(axis=0), starts)
        value = np.where(best >= 1.0, 0.92, 0.95 * best)
        found: list[int] = owners[value >= token_floor].tolist()
        return found

    def _skeleton_table(self, abjad_only: bool) -> tuple[list[str], npt.NDArray[np.int32], npt.NDArray[np.intp]]:
        flat: list[str] = []
        owners: list[int] = []
        counts: list[int] = []
        for type_id, token in enumerate(self.type_tokens):
            if token.role is Role.INITIAL or not token.skeletons or (abjad_only and not token.abjad):
                continue
            flat.extend(token.skeletons)
            owners.append(type_id)
            counts.append(len(token.skeletons))
        starts = np.cumsum([0, *counts[:-1]]).astype(np.intp)
        return flat, np.asarray(owners, dtype=np.int32), starts

    def _similar_types(self, token: Token, token_floor: float, known_factor: float) -> list[tuple[int, float]]:
        """Types reached by a key, with the scorer's similarity (:func:`token_similarity`),
        computed in bulk: the best squared Jaro-Winkler over renderings for all reached types
        at once (rapidfuzz), then the scorer's rules for gendered forms (0.9), vowel-only
        differences (0.9) and Arabic script (the skeleton similarity), whose candidates are
        found by their own keys.
        """
        type_tokens = self.type_tokens
        reached = self._reached(_query_keys(token))
        reached.update(self._skeleton_neighbours(token, token_floor))
        initial_letters = {form[:1] for form in token.forms if form}
        pairs: list[tuple[int, float]] = []
        if token.role is Role.PATRONYMIC:  # few: compared one by one
            for type_id in reached:
                value = similarity(token, type_tokens[type_id])[0]  # patronymics: no known-name factor
                if value >= token_floor:
                    pairs.append((type_id, value))
            return pairs
        spelled: list[int] = []
        for type_id in reached:
            other = type_tokens[type_id]
            if other.role is Role.INITIAL:
                if token_floor <= 0.8 and other.forms[0][:1] in initial_letters:
                    pairs.append((type_id, 0.8))
            else:
                spelled.append(type_id)
        if not spelled:
            return pairs
        forms = self.type_forms
        flat = [form for type_id in spelled for form in forms[type_id]]
        starts = np.cumsum([0] + [len(forms[type_id]) for type_id in spelled[:-1]])
        matrix = process.cdist(token.forms, flat, scorer=JaroWinkler.normalized_similarity, dtype=np.float64)
        best = np.maximum.reduceat(matrix.max(axis=0), starts)
        values = best * best
        raised = self._reached(vowel_keys(token.forms) | gender_keys(token.forms))
        abjad = token.abjad
        known = token.role is Role.NAME and self.weights.known(token.forms[0])
        type_known = self.type_known
        for position, type_id in enumerate(spelled):
            value = float(values[position])
            other = type_tokens[type_id]
            gender = value < 1.0 and type_id in raised and _gendered_pair(token.forms, other.forms)
            if gender:
                value = 0.9  # the same family name for the other gender: 0.9 whatever the spelling
            else:
                if (
                    value < 1.0
                    and known
                    and type_known[type_id]
                    and not (abjad or other.abjad)
                    and not sound_alike(token.skeletons, other.skeletons)
                ):
                    value *= known_factor
                if value < 0.9 and type_id in raised and _vowel_pair(token.forms, other.forms):
                    value = 0.9
            if (abjad or other.abjad) and value < 0.92:
                value = max(value, _skeleton_similarity(token.skeletons, other.skeletons))
            if value >= token_floor:
                pairs.append((type_id, value))
        return pairs

    def similar_slots(self, token: Token, token_floor: float, known_factor: float = 1.0) -> SimilarParts:
        """The list-name parts at least ``token_floor`` similar to ``token`` (remembered: names recur)."""
        cache_key = (type_key(token), token_floor, known_factor)
        found = self._similar_cache.get(cache_key)
        if found is not None and found.generation == self._rows.generation:
            return found
        if token.role is Role.INITIAL:
            pairs = [(t, s) for t, s in self._initials().get(token.forms[0][:1], ()) if s >= token_floor]
        else:
            pairs = self._similar_types(token, token_floor, known_factor)
        if pairs:
            offsets, by_type = self.type_offsets, self.slots_by_type
            slots = np.concatenate([by_type[offsets[t] : offsets[t + 1]] for t, _ in pairs])
            counts = [int(offsets[t + 1] - offsets[t]) for t, _ in pairs]
            sims = np.repeat(np.asarray([s for _, s in pairs], dtype=np.float64), counts)
            start, end = self._rows.add(self, slots, sims)
            found = SimilarParts(start, end, float(self.slot_weight[slots].max()), self._rows.generation)
        else:
            found = SimilarParts(0, 0, 0.0, self._rows.generation)
        if len(self._similar_cache) >= 200_000:
            self._similar_cache.clear()
        self._similar_cache[cache_key] = found
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
    ) -> Candidates:
        """Record ids worth scoring for ``query``, the most promising first: names found written
        together or exactly, then every name whose score bound reaches ``floor`` (at most ``limit``)."""
        ids, upper, pairs = self.bounds(query, kinds, floor, token_floor, unmatched_weight, known_factor)
        result = Candidates()
        result.pairs = pairs
        if len(ids):
            order = np.argsort(-upper, kind="stable")[:limit]
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
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64], dict[int, list[tuple[int, int, float]]]]:
        """The list names (of the allowed kinds) sharing a similar part with ``query`` whose upper
        bound of the name score reaches ``floor``, that bound, and their pairs of similar parts.

        For list name r: each query part i counts at its best similarity b_i(r) to a part of r,
        each part j of r at its best similarity b_j to a query part (0 when below the token floor):

            bound = (Σ w_i b_i + Σ w_j b_j + P) / (Σ_{b>0} w + P + α·Σ_{b=0, required} w)

        with P the optional parts (particles, legal forms) both names have. Pairing a part at a
        similarity ≥ 0.6 never gives a ratio (≤ 1) lower than leaving it unpaired (α = 0.4), and
        the real alignment pairs a subset of the parts at lower similarities: the bound holds.
        """
        tokens, weights = query.name.tokens, query.weights
        optional: dict[tuple[Role, str], int] = {}
        required_total = 0.0
        unmatched = 0.0  # required parts without anything similar in the lists
        parts: list[tuple[float, int, bool, SimilarParts]] = []
        generation = self._rows.generation
        for position, (token, weight) in enumerate(zip(tokens, weights, strict=True)):
            if token.role not in _SLOT_ROLES:
                if token.forms:
                    key = (token.role, token.forms[0])
                    optional[key] = optional.get(key, 0) + 1
                continue
            required = not token.optional
            if required:
                required_total += weight
            similar = self.similar_slots(token, token_floor, known_factor)
            if similar.end > similar.start:
                parts.append((weight, position, required, similar))
            elif required:
                unmatched += weight
        if self._rows.generation != generation:  # the rows started again meanwhile: look up anew
            return self.bounds(query, kinds, floor, token_floor, unmatched_weight, known_factor)
        if not parts:
            return _EMPTY_I, _EMPTY_F, {}
        parts.sort(key=lambda part: -part[0])
        agreeing = PARTICLE_PAIR_WEIGHT * sum(optional.values())
        leading = _leading_parts(parts, agreeing, floor, unmatched_weight, unmatched)
        if not leading and not self.any_cut:  # (a name cut at a field length may owe nothing for its tail)
            return _EMPTY_I, _EMPTY_F, {}
        holders = self._mark_agreeing(optional) if optional else ()
        rows = self._rows
        k = len(parts)
        if k > len(self._part_start):
            self._grow_part_arrays(k)
        part_start, part_end, part_weight, part_required = (
            self._part_start,
            self._part_end,
            self._part_weight,
            self._part_required,
        )
        for p, (weight, _, required, similar) in enumerate(parts):
            part_start[p] = similar.start
            part_end[p] = similar.end
            part_weight[p] = weight
            part_required[p] = required
        kept, out = kernels.score_bounds(
            part_start[:k],
            part_end[:k],
            leading,
            part_weight[:k],
            part_required[:k],
            rows.slots,
            rows.sims,
            rows.records,
            rows.positions,
            rows.weights,
            rows.required_weights,
            self.record_weight,
            self.record_cut,
            self.record_kind,
            self._allowed(kinds),
            self._agree,
            required_total,
            PARTICLE_PAIR_WEIGHT,
            unmatched_weight,
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
            grouped.setdefault(int(record), []).append((part_position[int(part)], int(token), value))
        return ids, upper, grouped

    def _grow_part_arrays(self, size: int) -> None:
        self._part_start = np.zeros(size, dtype=np.int64)
        self._part_end = np.zeros(size, dtype=np.int64)
        self._part_weight = np.zeros(size, dtype=np.float64)
        self._part_required = np.zeros(size, dtype=np.bool_)

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
        """Names equal to the query, or equal once written together or split apart."""
        name = query.name
        forced: list[int] = [*self.exact.get(name.key, ()), *self.exact.get("p:" + name.plain, ())]
        joined, pairs = self.joined, self.pairs
        for key in (concatenated_key(name), "c:" + name.plain.replace(" ", "")):
            if key is not None and (found := joined.get(key)):
                forced.extend(found[:50])
        core = [t for t in name.tokens if not t.optional]
        for token in core:  # one part of the query written as two of a list name
            for form in token.forms:
                if found := pairs.get(form):
                    forced.extend(found[:50])
        for a, b in pairwise(core):  # two parts of the query written as one of a list name
            if a.forms and b.forms and (types := self.key_types.get("f:" + canonical(a.forms[0] + b.forms[0]))):
                for type_id in types[:50]:
                    slots = self.slots_by_type[self.type_offsets[type_id] : self.type_offsets[type_id + 1]]
                    forced.extend(self.slot_record[slots[:50]].tolist())
        return list(dict.fromkeys(forced))


def _leading_parts(
    parts: list[tuple[float, int, bool, SimilarParts]],
    agreeing: float,
    floor: float,
    unmatched_weight: float,
    unmatched: float,
) -> int:
    """How many of the query's parts (heaviest first) a list name must share one of to reach
    ``floor``: the first h parts such that a name sharing none of them cannot.

    Such a name pairs each remaining part at best with one of its heaviest similar parts
    (together at most X = Σ (w_p + heaviest_p) + agreeing optional parts) and leaves the h
    leading required parts unmatched (at least α·H): its score is at most X / (X + α·H).
    The common parts (Mohammed, Ali) are then only counted for names found by a rarer one.
    """
    rest = agreeing + sum(weight + similar.heaviest for weight, _, _, similar in parts)
    if rest * (1.0 - floor) < floor * unmatched_weight * unmatched:
        return 0  # the parts no list name has anything similar to weigh too much: no name can
    for leading, (weight, _, required, similar) in enumerate(parts[:-1], start=1):
        rest -= weight + similar.heaviest
        if required:
            unmatched += weight
        if rest * (1.0 - floor) < floor * unmatched_weight * unmatched:
            return leading
    return len(parts)


def _gendered_pair(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    return any(gendered(x, y) for x in first for y in second)


def _vowel_pair(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    return any(vowel_variants(x, y) for x in first for y in second)


def _skeleton_similarity(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """The scorer's skeleton similarity (Arabic script on a side): 0.92 if shared, else 0.95·JW."""
    if set(first).intersection(second):
        return 0.92
    return max((0.95 * JaroWinkler.normalized_similarity(x, y) for x in first for y in second), default=0.0)


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
