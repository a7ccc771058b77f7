"""The matching benchmark's quality figures alone, in about two minutes: recall per category and
false alerts per group of innocent people, at the default threshold (no speed runs, no peer).

    python -m benchmarks.matching.quick [--misses CATEGORY] [--false GROUP]

For work on the scoring; ``python -m benchmarks matching`` gives the figures that are reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.matching import dataset as ds
from benchmarks.matching.report import RESULTS, _shared
from benchmarks.matching.run_tekser import WORKERS, _false_alerts, _found, subject
from tekser.matching.config import MatchConfig
from tekser.matching.screener import Match, Screener


def _bits(match: Match) -> object:
    name = match.explanation[0]
    information = name.get("information")
    if not information:
        return name.get("relation")
    parts = " ".join(f"{p['kind']}:{p['bits']:.1f}" for p in information["parts"])
    return (
        f"{information['bits']:.1f}+{information['support_bits']:.1f} [{parts}] dis={information['disagreeing_parts']}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="append", default=[], help="print the misses of a category")
    parser.add_argument("--false", action="append", default=[], help="print false alerts of a group/country/script")
    parser.add_argument("--set", action="append", default=[], help="a configuration knob: NAME=VALUE")
    parser.add_argument("--out", type=Path, default=RESULTS / "matching-work" / "quick.json")
    args = parser.parse_args(argv)
    shared = _shared()
    dataset, path, built = ds.load_or_build(shared, RESULTS)
    print(
        f"dataset {path.name} ({'built' if built else 'cached'}): {len(dataset.queries):,} positives, "
        f"{len(dataset.negatives):,} negatives",
        file=sys.stderr,
    )
    started = time.perf_counter()
    overrides = {k: float(v) for k, v in (item.split("=") for item in args.set)}
    config = MatchConfig(**overrides)
    screener = Screener.from_entries(ds.index_entries(ds.read_lists(shared), dataset), config)
    print(f"index in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    everything = [*dataset.queries, *dataset.negatives]
    started = time.perf_counter()
    results = {r.subject_id: r for r in screener.screen_many([subject(q) for q in everything], workers=WORKERS)}
    print(f"screened {len(everything):,} in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    by_category: dict[str, list[bool]] = defaultdict(list)
    misses: dict[str, list[dict[str, object]]] = defaultdict(list)
    for query in dataset.queries:
        found = _found(results[query.id], query.expected or "")
        by_category[query.category].append(found)
        if not found:
            again = screener.screen(subject(query), top=5)
            top = [[m.key, round(m.score, 3), m.alert, m.matched_name, _bits(m)] for m in again.matches[:3]]
            expected = [[round(m.score, 3), _bits(m)] for m in again.matches if m.key == query.expected]
            misses[query.category].append(
                {"query": query.name, "list": query.source, "dob": query.birth_date, "expected": expected, "got": top}
            )
    print(f"{'category':45} {'n':>6} {'recall':>7}")
    for category in ds.CATEGORIES:
        values = by_category.get(category)
        if values:
            print(f"{ds.CATEGORIES[category]:45} {len(values):6d} {sum(values) / len(values):7.3f}")

    groups: dict[str, list[bool]] = defaultdict(list)
    false: list[dict[str, object]] = []
    for query in dataset.negatives:
        alerts = _false_alerts(results[query.id], query)
        alerted = bool(alerts)
        dob = "with DOB" if query.birth_date else "name only"
        keys = ["all", f"group: {query.group}", f"country: {query.detail}", f"script: {query.script}", dob]
        if query.group == "population":
            keys.append(f"population {dob}")
        for key in keys:
            groups[key].append(alerted)
        if alerted:
            false.append({"query": query.name, "dob": query.birth_date, "keys": keys, "alerts": alerts})
    print(f"\n{'innocent group':60} {'n':>6} {'FPR':>7}")
    for key in sorted(groups, key=lambda k: (k != "all", k.split(":")[0], -sum(groups[k]) / len(groups[k]))):
        values = groups[key]
        print(f"{key:60} {len(values):6d} {sum(values) / len(values):7.2%}")
    matched = Counter(a[0] for f in false for a in f["alerts"])  # type: ignore[union-attr]
    print("\nmost matched entries:", matched.most_common(10))
    for category in args.misses:
        print(f"\nmisses of {category}:")
        for miss in misses.get(category, []):
            print(" ", json.dumps(miss, ensure_ascii=False))
    for wanted in args.false:
        print(f"\nfalse alerts of {wanted}:")
        for item in false:
            if any(wanted in str(k) for k in item["keys"]):  # type: ignore[union-attr]
                print(" ", json.dumps({k: item[k] for k in ("query", "dob", "alerts")}, ensure_ascii=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "recall": {c: sum(v) / len(v) for c, v in by_category.items()},
                "fpr": {k: sum(v) / len(v) for k, v in groups.items()},
                "misses": misses,
                "false": false,
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
