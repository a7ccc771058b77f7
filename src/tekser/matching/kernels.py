"""Compiled inner loop of candidate retrieval (Numba).

The score bound of :meth:`tekser.matching.index.ListIndex.bounds` touches a few hundred list
names per subject; written with NumPy it takes some forty array operations of a few
microseconds each, which was most of the time a subject took. One compiled pass over the
similar parts does the same in a few microseconds. The similar parts come as rows laid out
part after part (slot, similarity, position in the name), read in order; what a slot's list
name, weight and role are is looked up in the index's slot arrays (small enough to stay in
the processor's cache), so that a row costs 16 bytes of memory rather than 37. Numba
compiles it on first use and keeps the machine code in ``__pycache__`` (``cache=True``);
``NUMBA_DISABLE_JIT=1`` runs it as plain Python.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

F64 = npt.NDArray[np.float64]
I32 = npt.NDArray[np.int32]


@njit(cache=True, nogil=True)
def score_bounds(
    part_start: npt.NDArray[np.int64],
    part_end: npt.NDArray[np.int64],
    leading: int,
    part_weight: F64,
    part_cost: F64,
    part_joined: npt.NDArray[np.bool_],
    cover: npt.NDArray[np.int64],
    cover_weight: F64,
    cover_cost: F64,
    slots: I32,
    sims: F64,
    positions: I32,
    slot_record: I32,
    slot_weight: F64,
    slot_required_weight: F64,
    slot_middle: npt.NDArray[np.bool_],
    record_weight: F64,
    record_middle: F64,
    record_cut: npt.NDArray[np.bool_],
    record_kind: npt.NDArray[np.int8],
    kind_allowed: npt.NDArray[np.bool_],
    agree: F64,
    cost_total: float,
    pair_weight: float,
    unmatched_weight: float,
    middle_weight: float,
    query_cut: bool,
    floor: float,
    mark: I32,
) -> tuple[int, npt.NDArray[np.float64]]:
    """List names sharing a similar part with the query whose score bound reaches ``floor``.

    Row ``e`` of ``part_start[p]:part_end[p]`` in the row arrays (``slots``, ``sims``,
    ``positions``) is a list-name part similar to query part ``p``: its slot, similarity and
    position in that name (-1: one of two parts written together). Per slot, ``slot_record``
    is its list name, ``slot_weight`` its weight, ``slot_required_weight`` the same or 0 when
    optional, and ``slot_middle`` whether it may be a middle name. Left unmatched, a part
    costs α·weight (``unmatched_weight``), a middle name less
    (``middle_weight``); a query part costs ``part_cost[p]``, all of them ``cost_total``; a
    list name's required parts weigh ``record_weight``, its possible middle names
    ``record_middle``. Only names holding a part similar to one of the first ``leading`` query
    parts can reach the floor (or names cut at a field length); the other parts only add to
    those names. ``agree`` holds, per list name, how
    many of the query's optional parts (particles, legal forms) it also has; ``mark`` is a
    zeroed scratch array, left zeroed. Two query parts written together (``part_joined``) stand
    for the two parts they cover: ``cover[p]`` are those parts' own rows among the parts (-1 when a
    part has nothing similar of its own), ``cover_weight[p]`` and ``cover_cost[p]`` their weights
    and costs; each query part is counted once, at its best similarity alone or written together
    (the scorer pairs it once).

    Returns how many names are kept and one array: their rows (name, bound, 0, 0), then the
    rows of their similar pairs of parts (name, query part, position of the part in the name,
    similarity), which the scorer aligns.
    """
    parts = part_start.shape[0]
    # first the names holding a part similar to a leading query part (and names cut short)
    n_touched = 0
    size = 0
    for p in range(parts):
        size += part_end[p] - part_start[p]
    touched = np.empty(size, dtype=np.int32)
    for p in range(parts):
        for e in range(part_start[p], part_end[p]):
            record = slot_record[slots[e]]
            if mark[record] == 0 and (p < leading or record_cut[record]):
                mark[record] = n_touched + 1
                touched[n_touched] = record
                n_touched += 1
    # then every similar part of those names
    head = np.full(n_touched, -1, dtype=np.int32)  # per touched name: its first entry
    best = np.zeros((n_touched, parts), dtype=np.float64)  # per touched name and query part
    following = np.empty(size, dtype=np.int32)  # per entry: the next entry of the same name
    row = np.empty(size, dtype=np.int64)  # per entry: its row
    part_of = np.empty(size, dtype=np.int32)  # per entry: its query part
    n = 0
    for p in range(parts):
        for e in range(part_start[p], part_end[p]):
            local = mark[slot_record[slots[e]]] - 1
            if local < 0:
                continue
            row[n] = e
            part_of[n] = p
            following[n] = head[local]
            head[local] = n
            n += 1
            if best[local, p] < sims[e]:
                best[local, p] = sims[e]
    ids = np.empty(n_touched, dtype=np.int32)
    upper = np.empty(n_touched, dtype=np.float64)
    kept_local = np.empty(n_touched, dtype=np.int32)
    kept = 0
    count = 0
    for local in range(n_touched):
        record = touched[local]
        mark[record] = 0
        if not kind_allowed[record_kind[record]]:
            continue
        query_sum = 0.0
        query_matched = 0.0
        query_matched_cost = 0.0
        for p in range(parts):  # parts written together: their value goes to the parts they cover
            value = best[local, p]
            if part_joined[p] and value > 0.0:
                for side in range(2):
                    covered = cover[p, side]
                    if covered >= 0:
                        if best[local, covered] < value:
                            best[local, covered] = value
                    else:
                        query_sum += cover_weight[p, side] * value
                        query_matched += cover_weight[p, side]
                        query_matched_cost += cover_cost[p, side]
        for p in range(parts):
            value = best[local, p]
            if value > 0.0 and not part_joined[p]:
                query_sum += part_weight[p] * value
                query_matched += part_weight[p]
                query_matched_cost += part_cost[p]
        # each part of the list name at its best similarity to a query part (a part may be
        # similar to several query parts: counted once, at its best)
        list_sum = 0.0
        list_matched = 0.0
        list_matched_cost = 0.0
        entries = 0
        i = head[local]
        while i >= 0:
            e = row[i]
            value = sims[e]
            first = True
            j = head[local]
            while j >= 0:
                other = row[j]
                same_slot = j != i and slots[other] == slots[e]
                if same_slot and (sims[other] > value or (sims[other] == value and j < i)):
                    first = False
                    break
                j = following[j]
            if first:
                slot = slots[e]
                list_sum += slot_weight[slot] * value
                list_matched += slot_weight[slot]
                share = middle_weight if slot_middle[slot] else unmatched_weight
                list_matched_cost += slot_required_weight[slot] * share
            entries += 1
            i = following[i]
        # a name cut at a field length owes nothing for what followed the cut
        record_cost = unmatched_weight * (record_weight[record] - record_middle[record])
        record_cost += middle_weight * record_middle[record]
        list_unmatched = 0.0 if query_cut else max(record_cost - list_matched_cost, 0.0)
        query_unmatched = 0.0 if record_cut[record] else max(cost_total - query_matched_cost, 0.0)
        agreeing = pair_weight * agree[record]
        numerator = query_sum + list_sum + agreeing
        denominator = query_matched + list_matched + agreeing + query_unmatched + list_unmatched
        bound = numerator / denominator if denominator > 0.0 else 0.0
        if bound >= floor and not (query_cut or record_cut[record]):
            # the relaxation lets two query parts take one list-name part: try the alignments
            exact = _best_alignment(
                head[local],
                following,
                row,
                part_of,
                slots,
                sims,
                slot_weight,
                slot_required_weight,
                slot_middle,
                positions,
                part_weight,
                part_cost,
                part_joined,
                cost_total,
                record_cost,
                agreeing,
                unmatched_weight,
                middle_weight,
            )
            if exact >= 0.0:
                bound = min(bound, exact)
        if bound >= floor:
            ids[kept] = record
            upper[kept] = bound
            kept_local[kept] = local
            kept += 1
            count += entries
    # the names kept (name, bound) and then their similar pairs of parts (name, query part,
    # position of the part in the name, similarity), in one array
    out = np.empty((kept + count, 4), dtype=np.float64)
    count = kept
    for k in range(kept):
        out[k, 0] = ids[k]
        out[k, 1] = upper[k]
        i = head[kept_local[k]]
        while i >= 0:
            e = row[i]
            out[count, 0] = ids[k]
            out[count, 1] = part_of[i]
            out[count, 2] = positions[e]
            out[count, 3] = sims[e]
            count += 1
            i = following[i]
    return kept, out


MAX_ALIGNMENTS = 4096


@njit(cache=True, nogil=True)
def _best_alignment(
    first: int,
    following: I32,
    row: npt.NDArray[np.int64],
    part_of: I32,
    slots: I32,
    sims: F64,
    slot_weight: F64,
    slot_required_weight: F64,
    slot_middle: npt.NDArray[np.bool_],
    positions: I32,
    part_weight: F64,
    part_cost: F64,
    part_joined: npt.NDArray[np.bool_],
    cost_total: float,
    record_cost: float,
    agreeing: float,
    unmatched_weight: float,
    middle_weight: float,
) -> float:
    """The best score over the one-to-one alignments of one list name's similar parts with the
    query's (each part paired at most once, as the scorer pairs them), or -1 when parts written
    together are involved or the alignments are too many to try (the relaxed bound stands).

    Pairs the scorer adds below the token floor (two patronymics) only pull a score at or above
    the floor down, so leaving them out keeps this a bound for the floor's decision."""
    parts = part_weight.shape[0]
    degree = np.zeros(parts, dtype=np.int64)
    n = 0
    i = first
    while i >= 0:
        e = row[i]
        if positions[e] < 0 or part_joined[part_of[i]]:
            return -1.0
        degree[part_of[i]] += 1
        n += 1
        i = following[i]
    combinations = 1
    for p in range(parts):
        combinations *= degree[p] + 1
        if combinations > MAX_ALIGNMENTS:
            return -1.0
    # the entries of each part, together
    start = np.zeros(parts + 1, dtype=np.int64)
    for p in range(parts):
        start[p + 1] = start[p] + degree[p]
    filled = np.zeros(parts, dtype=np.int64)
    order = np.empty(n, dtype=np.int64)
    i = first
    while i >= 0:
        p = part_of[i]
        order[start[p] + filled[p]] = row[i]
        filled[p] += 1
        i = following[i]
    choice = np.zeros(parts, dtype=np.int64)  # 0: unpaired, c: the part's c-th entry
    chosen = np.empty(parts, dtype=np.int64)
    best = 0.0
    for _ in range(combinations):
        used = 0
        numerator = agreeing
        paired = agreeing
        query_paired_cost = 0.0
        list_paired_cost = 0.0
        valid = True
        for p in range(parts):
            if choice[p] == 0:
                continue
            e = order[start[p] + choice[p] - 1]
            for q in range(used):
                if slots[chosen[q]] == slots[e]:
                    valid = False
                    break
            if not valid:
                break
            chosen[used] = e
            used += 1
            slot = slots[e]
            pair = part_weight[p] + slot_weight[slot]
            numerator += sims[e] * pair
            paired += pair
            query_paired_cost += part_cost[p]
            list_paired_cost += slot_required_weight[slot] * (middle_weight if slot_middle[slot] else unmatched_weight)
        if valid:
            unpaired = max(cost_total - query_paired_cost, 0.0) + max(record_cost - list_paired_cost, 0.0)
            denominator = paired + unpaired
            if denominator > 0.0 and numerator / denominator > best:
                best = numerator / denominator
        # the next combination (mixed radix)
        for p in range(parts):
            choice[p] += 1
            if choice[p] <= degree[p]:
                break
            choice[p] = 0
    return best


def warm() -> None:
    """Compile the kernels now (or load their machine code from the cache): at install time
    (``make venv``) and when a service starts, not on the first subject (compiling takes about
    two seconds and some 30 MB more memory than loading the cached code)."""
    rows = np.zeros(1, dtype=np.int32)
    weights = np.ones(1, dtype=np.float64)
    flags = np.zeros(1, dtype=np.bool_)
    score_bounds(
        np.zeros(1, dtype=np.int64),  # part 0: row 0
        np.ones(1, dtype=np.int64),
        1,
        weights,
        weights,
        flags,
        np.full((1, 2), -1, dtype=np.int64),  # (no parts written together)
        np.zeros((1, 2), dtype=np.float64),
        np.zeros((1, 2), dtype=np.float64),
        rows,  # slot 0, similarity 1, position 0
        weights,
        rows,
        rows,  # slot 0 is part of list name 0
        weights,
        weights,
        flags,
        weights,
        np.zeros(1, dtype=np.float64),
        flags,
        np.zeros(1, dtype=np.int8),
        np.ones(1, dtype=np.bool_),
        np.zeros(1, dtype=np.float64),
        1.0,
        0.4,
        0.4,
        0.25,
        False,
        0.5,
        np.zeros(1, dtype=np.int32),
    )


if __name__ == "__main__":
    warm()
