"""In-process candidate index over list names, with blocking keys that survive script changes.

Every list name is analysed once; each required part contributes its folded forms and their
consonant skeletons as keys ("f:ulia", "s:ul"). A subject's parts look up the same keys, and a
list name becomes a candidate when the parts it shares by key carry enough of the subject's
name weight. No search server: postings are NumPy arrays in memory.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from tekser.domain.policy import Policy
from tekser.domain.watchlists import EntityKind, ListEntry, Name, NameKind, NameQuality, PartRole
from tekser.matching.names import PreparedName, prepare
from tekser.matching.weights import TokenWeights
from tekser.names.fold import canonical, loose_skeleton
from tekser.names.parts import AnalyzedName, Token, analyze

_KIND_ORDER = {NameKind.PRIMARY: 0, NameKind.ALIAS: 1, NameKind.NEW: 1, NameKind.FORMER: 2}


@dataclass(frozen=True, slots=True)
class NameRecord:
    entry: int  # position in ListIndex.entries
    name: Name
    analyzed: AnalyzedName


def token_keys(token: Token) -> set[str]:
    keys = {"f:" + form for form in token.forms}
    keys.update("s:" + s for s in token.skeletons if len(s) >= 3)
    keys.update("l:" + loose for s in token.skeletons if len(loose := loose_skeleton(s)) >= 3)
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
        self.record_weight = np.asarray([p.required_weight for p in self.prepared], dtype=np.float32)
        self.record_count = np.asarray([p.required_count for p in self.prepared], dtype=np.float32)
        # scratch accumulators reused by every query (one query at a time per process)
        self._hit_weight = np.zeros(len(records), dtype=np.float32)
        self._hit_count = np.zeros(len(records), dtype=np.float32)
        self._posting_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], npt.NDArray[np.int32] | None] = {}
        postings: dict[str, list[int]] = defaultdict(list)
        exact: dict[str, list[int]] = defaultdict(list)
        for record_id, record in enumerate(records):
            keys: set[str] = set()
            for token in record.analyzed.tokens:
                if not token.optional:
                    keys.update(token_keys(token))
            joined = concatenated_key(record.analyzed)
            if joined:
                keys.add(joined)
            if len(whole := record.analyzed.plain.replace(" ", "")) >= 6:
                keys.add("c:" + whole)  # legal forms and particles written together too ("NOVINFOLLC")
            # two adjacent parts written together on the subject's side ("MakawiIbrahim")
            core = record.analyzed.core
            keys.update("f:" + canonical(a.forms[0] + b.forms[0]) for a, b in pairwise(core) if a.forms and b.forms)
            for key in keys:
                postings[key].append(record_id)
            if record.analyzed.key:
                exact[record.analyzed.key].append(record_id)
            if record.analyzed.plain:
                exact["p:" + record.analyzed.plain].append(record_id)
        self.postings: dict[str, npt.NDArray[np.int32]] = {
            k: np.asarray(v, dtype=np.int32) for k, v in postings.items()
        }
        self.exact = dict(exact)
        self.record_kind = np.asarray([_kind_code(entries[r.entry].kind) for r in records], dtype=np.int8)
        self.seconds = time.perf_counter() - started

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

    def _token_postings(self, token: Token) -> npt.NDArray[np.int32] | None:
        """Records sharing any key with a part; remembered, since the same parts come back often."""
        cache_key = (token.forms, token.skeletons)
        if cache_key in self._posting_cache:
            return self._posting_cache[cache_key]
        arrays = [self.postings[k] for k in token_keys(token) if k in self.postings]
        found = None if not arrays else arrays[0] if len(arrays) == 1 else np.unique(np.concatenate(arrays))
        if len(self._posting_cache) >= 100_000:
            self._posting_cache.clear()
        self._posting_cache[cache_key] = found
        return found

    def candidates(
        self,
        query: PreparedName,
        kinds: frozenset[int] | None,
        min_bound: float,
        limit: int,
        floor: float = 0.0,
        fuzzy_guess: float = 0.65,
        unmatched_weight: float = 0.4,
        min_informative: float = 0.0,
        cap: float = 1.0,
    ) -> list[int]:
        """Record ids worth scoring for ``query``, most promising first.

        A record qualifies when the parts it shares with the query by blocking key carry at least
        ``min_bound`` of the query's required weight, and when an optimistic estimate of its name
        score (shared parts exact, unshared parts paired at ``fuzzy_guess``) reaches ``floor``.
        """
        tokens = query.name.tokens
        core = [(t, w) for t, w in zip(tokens, query.weights, strict=True) if not t.optional]
        if not core:
            core = list(zip(tokens, query.weights, strict=True))
        total = sum(w for _, w in core)
        if not total:
            return []
        hit_weight, hit_count = self._hit_weight, self._hit_count
        touched: list[npt.NDArray[np.int32]] = []
        for token, weight in core:
            ids = self._token_postings(token)
            if ids is None:
                continue
            hit_weight[ids] += weight
            hit_count[ids] += 1
            touched.append(ids)
        forced: list[int] = list(self.exact.get(query.name.key, ())) + list(self.exact.get("p:" + query.name.plain, ()))
        # written together or split apart on one side: the whole name, and adjacent parts of the subject's
        joined_keys = [concatenated_key(query.name), "c:" + query.name.plain.replace(" ", "")]
        names = [t for t, _ in core]
        joined_keys += ["f:" + canonical(a.forms[0] + b.forms[0]) for a, b in pairwise(names) if a.forms and b.forms]
        for joined in joined_keys:
            if joined in self.postings:
                forced.extend(self.postings[joined][:50].tolist())
        if not touched and not forced:
            return []
        ids = np.unique(np.concatenate(touched)) if touched else np.zeros(0, dtype=np.int32)
        shared = hit_weight[ids]
        count = hit_count[ids]
        hit_weight[ids] = 0.0
        hit_count[ids] = 0.0
        # optimistic name score: shared parts equal; the rest paired up at fuzzy_guess, or unmatched
        q_count = float(len(core))
        q_rest = np.maximum(total - shared, 0.0)
        q_rest_count = np.maximum(q_count - count, 0.0)
        c_rest = np.maximum(self.record_weight[ids] - shared, 0.0)
        c_rest_count = np.maximum(self.record_count[ids] - count, 0.0)
        paired = np.minimum(q_rest_count, c_rest_count)
        q_mean = np.divide(q_rest, q_rest_count, out=np.zeros_like(q_rest), where=q_rest_count > 0)
        c_mean = np.divide(c_rest, c_rest_count, out=np.zeros_like(c_rest), where=c_rest_count > 0)
        paired_weight = paired * (q_mean + c_mean)
        leftover = (q_rest_count - paired) * q_mean + (c_rest_count - paired) * c_mean
        estimate = (2 * shared + fuzzy_guess * paired_weight) / (
            2 * shared + paired_weight + unmatched_weight * leftover
        )
        keep = (shared >= min_bound * total) & (estimate >= floor)
        if kinds is not None:
            keep &= np.isin(self.record_kind[ids], list(kinds))
        chosen = ids[keep]
        order = np.argsort(-estimate[keep], kind="stable")[:limit]
        result: list[int] = [int(r) for r in chosen[order]]
        for record_id in forced:
            if record_id not in result and (kinds is None or int(self.record_kind[record_id]) in kinds):
                result.insert(0, record_id)
        return result


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
