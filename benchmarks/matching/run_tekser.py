"""tekser's side of the matching benchmark, in its own process (so its peak RSS is its own).

    python -m benchmarks.matching.run_tekser DATASET OUTDIR

Builds the index (UN + OFAC without the held-out names, plus the injected synthetic persons),
screens every query and negative with ``screen_many(workers=2)`` (timed: throughput), measures
single-subject latency in process, screens again without dates of birth (name only), collects
each query's top-10 candidates (diagnostics, threshold sweeps and the peer's candidate lists)
and measures candidate recall against brute force. Writes ``OUTDIR/matching-tekser.json`` and
the peer's input (``matching-peer-entities.json``, ``matching-peer-queries.jsonl``).
"""

from __future__ import annotations

import gc
import inspect
import json
import multiprocessing
import os
import platform
import random
import resource
import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from benchmarks.matching import dataset as ds
from tekser.domain.subjects import Subject, parse_birth_date
from tekser.domain.watchlists import DatePrecision, EntityKind, ListEntry, NameKind, NameQuality
from tekser.matching import names as matching_names
from tekser.matching.screener import Match, Screener, ScreeningResult

WORKERS = 2
LATENCY_SAMPLE = 2000
BRUTE_FORCE_SAMPLE = int(os.environ.get("TEKSER_BENCH_BRUTE", "500"))
TRAFFIC = int(os.environ.get("TEKSER_BENCH_TRAFFIC", "200000"))  # subjects in the traffic batch
TRAFFIC_HIT_RATE = 0.01
PROCESS_SUBJECTS = int(os.environ.get("TEKSER_BENCH_PROCESS", "100000"))  # screened by the memory run
BUILD_RUNS = 2  # cold builds in fresh processes, besides the one in this process
PEER_NEGATIVES = int(os.environ.get("TEKSER_BENCH_PEER_NEGATIVES", "0"))  # 0: every negative
PEER_CANDIDATES = 10
PEER_MIN_BOUND = 0.3
TOP = 10
WARM_UP = (
    "John Warmup",
    "Мария Разогрева",
    "محمد التسخين",
    "Kim Chol Warmup",
    "WARMUP TRADING CO LTD",
    "Aigul Warmupova",
)


def machine_pace() -> float:
    """Seconds a fixed, memory-bound Python workload takes (1.5 million lookups in a dictionary
    of a million strings, like screening's caches): this shared machine's speed varies by half
    from one hour to the next, and every figure here with it; the pace tells the run's."""
    rng = random.Random(1)
    keys = [str(rng.random()) for _ in range(1_000_000)]
    table = {key: number for number, key in enumerate(keys)}
    order = [keys[rng.randrange(len(keys))] for _ in range(1_500_000)]
    started = time.perf_counter()
    total = 0
    for key in order:
        total += table[key]
    return time.perf_counter() - started


def _peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _kind(schema: str | None) -> EntityKind | None:
    return {"person": EntityKind.PERSON, "organization": EntityKind.ORGANIZATION}.get(schema or "")


def subject(query: ds.Query, *, with_birth_date: bool = True) -> Subject:
    birth = parse_birth_date(query.birth_date) if (query.birth_date and with_birth_date) else None
    return Subject(query.id, query.name, kind=_kind(query.schema), birth_date=birth)


def is_injected(key: str) -> bool:
    return key.startswith(ds.INJECTED_PREFIXES)


def eligible(match: Match) -> bool:
    """Could this match alert at a lower threshold? A weak alias needs corroboration, and a
    person's name must say enough (its information in bits, with what the date adds)."""
    items = [e for e in match.explanation if isinstance(e, dict)]
    weak = any(e.get("feature") == "alias_quality" for e in items)
    corroborated = any(e.get("corroborates") for e in items)
    name = next((e for e in items if e.get("feature") == "name"), {})
    informative = (name.get("information") or {}).get("enough", True)
    return (not weak or corroborated) and informative


# --- candidate retrieval exactly as Screener.screen does it ----------------------------------------
# ``screen`` runs with ``index.candidates`` wrapped, so the benchmark sees the very call (query, kinds,
# bound, floor...) the screener makes, whatever its internals become.


@dataclass(slots=True)
class Retrieval:
    call: inspect.BoundArguments  # the arguments screen() passed to index.candidates
    ids: list[int]  # what it returned

    def again(self, screener: Screener, **changes: Any) -> list[int]:
        """The same call with some arguments changed (e.g. a lower bound for the peer's lists)."""
        arguments = dict(self.call.arguments)
        arguments.update({k: v for k, v in changes.items() if k in self.call.signature.parameters})
        return list(screener.index.candidates(**arguments))


def screen_recorded(screener: Screener, subj: Subject, **options: Any) -> tuple[ScreeningResult, Retrieval | None]:
    index = screener.index
    method = index.candidates
    signature = inspect.signature(method)
    calls: list[Retrieval] = []

    def recording(*args: Any, **kwargs: Any) -> Any:
        ids = method(*args, **kwargs)
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        calls.append(Retrieval(bound, list(ids)))
        return ids

    screener.forget_names()
    index.candidates = recording  # type: ignore[method-assign]
    try:
        result = screener.screen(subj, **options)
    finally:
        del index.candidates
    return result, (calls[0] if calls else None)


def score_all(screener: Screener, query: Any, kinds: frozenset[int] | None) -> tuple[float, set[int]]:
    """Brute force: the best name score over every list name of the allowed kinds, and its entries."""
    index, config = screener.index, screener.config
    best, best_entries = -1.0, set()
    for record_id, record in enumerate(index.records):
        if kinds is not None and int(index.record_kind[record_id]) not in kinds:
            continue
        scored = matching_names.compare_prepared(query, index.prepared[record_id], config)
        value = float(scored.score)
        if value > best + 1e-9:
            best, best_entries = value, {record.entry}
        elif abs(value - best) <= 1e-9:
            best_entries.add(record.entry)
    return best, best_entries


# --- work done in forked pool workers (the screener is inherited, never pickled) -----------------

_STATE: dict[str, Any] = {}


def _pool_map(function: Any, items: list[Any], chunk: int = 64) -> list[Any]:
    context = multiprocessing.get_context("fork")
    with context.Pool(WORKERS) as pool:
        return list(pool.imap(function, items, chunksize=chunk))


def _cold_build() -> float:
    started = time.perf_counter()
    Screener.from_entries(_STATE["entries"])
    return time.perf_counter() - started


def _diagnose(subj: Subject) -> dict[str, Any]:
    """Top-10 matches (any score ≥ 0.5) and the peer's candidate entry keys for one subject."""
    screener: Screener = _STATE["screener"]
    result, retrieval = screen_recorded(screener, subj, top=TOP, explain=True)
    top = [[m.key, round(m.score, 4), eligible(m), m.matched_name, m.alert] for m in result.matches]
    keys: list[str] = [m.key for m in result.matches]
    if retrieval is not None:
        entries, records = screener.index.entries, screener.index.records
        for record_id in retrieval.again(screener, min_bound=PEER_MIN_BOUND, floor=0.0):
            if len(keys) >= PEER_CANDIDATES:
                break
            key = entries[records[record_id].entry].key
            if key not in keys:
                keys.append(key)
    return {"top": top, "peer_candidates": keys[:PEER_CANDIDATES], "error": result.error}


def _brute_force(subj: Subject) -> dict[str, Any] | None:
    screener: Screener = _STATE["screener"]
    _, retrieval = screen_recorded(screener, subj)  # the default screening call
    if retrieval is None:
        return None
    arguments = retrieval.call.arguments
    best, best_entries = score_all(screener, arguments["query"], arguments.get("kinds"))
    records, entries = screener.index.records, screener.index.entries
    retrieved = {records[r].entry for r in retrieval.ids}
    return {
        "id": subj.id,
        "best_score": round(best, 4),
        "best_keys": sorted(entries[e].key for e in best_entries)[:5],
        "retrieved": bool(best_entries & retrieved),
        "candidates": len(retrieval.ids),
        "floor": round(float(arguments.get("floor", 0.0)), 4),
    }


# --- FtM-like dicts for the peer ---------------------------------------------------------------

_FTM_SCHEMA = {
    EntityKind.PERSON: "Person",
    EntityKind.ORGANIZATION: "Organization",
    EntityKind.VESSEL: "Vessel",
    EntityKind.AIRCRAFT: "Airplane",
}


def _date_prefixes(entry: ListEntry) -> list[str]:
    out: list[str] = []
    for value in entry.birth_dates:
        if value.start is None or value.end is None:
            continue
        if value.precision is DatePrecision.DAY and not value.approximate:
            out.append(value.start.isoformat())
        elif value.precision is DatePrecision.MONTH and not value.approximate:
            out.append(value.start.isoformat()[:7])
        elif value.end.year - value.start.year <= 5:
            out.extend(str(year) for year in range(value.start.year, value.end.year + 1))
    return list(dict.fromkeys(out))


def to_ftm(entry: ListEntry) -> dict[str, Any]:
    schema = _FTM_SCHEMA[entry.kind]
    props: dict[str, list[str]] = {"name": [], "alias": [], "weakAlias": []}
    for name in ds.indexable_names(entry):
        if name.quality is NameQuality.WEAK:
            props["weakAlias"].append(name.full)
        elif name.kind is NameKind.PRIMARY and not props["name"]:
            props["name"].append(name.full)
        else:
            props["alias"].append(name.full)
    if not props["name"] and props["alias"]:
        props["name"].append(props["alias"].pop(0))
    if schema in ("Person", "Organization"):
        countries = [c.code.lower() for c in (*entry.nationalities, *entry.citizenships) if c.code]
        if countries:
            props["nationality" if schema == "Person" else "country"] = list(dict.fromkeys(countries))
        for document in entry.documents:
            field = "passportNumber" if document.kind == "passport" and schema == "Person" else "idNumber"
            props.setdefault(field, []).append(document.number)
    if schema == "Person":
        if dates := _date_prefixes(entry):
            props["birthDate"] = dates
        if entry.gender:
            props["gender"] = [entry.gender]
    return {"id": entry.key, "schema": schema, "properties": {k: v for k, v in props.items() if v}}


# --- the run -----------------------------------------------------------------------------------


def _latency(screener: Screener, subjects: list[Subject]) -> dict[str, Any]:
    timed = []
    for subj in subjects:
        started = time.perf_counter()
        screener.screen(subj)
        timed.append(((time.perf_counter() - started) * 1000, subj.name))
    timed.sort()
    times = [t for t, _ in timed]

    def pct(p: float) -> float:
        return times[min(len(times) - 1, round(p * (len(times) - 1)))]

    return {
        "n": len(times),
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": times[-1],
        "mean_ms": statistics.fmean(times),
        "slowest": [[round(t, 2), name] for t, name in timed[-10:][::-1]],
    }


_PEOPLE: list[ds.Query] = []  # innocent traffic from real name data (ds.load_or_build_traffic)
_PEOPLE_FILE: list[Path] = []  # where it is (read after the screening process has forked)


def _people_stream(skip: int) -> Any:
    """The real-name traffic read as it comes (not held in memory), from the ``skip``-th person on."""
    with _PEOPLE_FILE[0].open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= skip:
                yield ds.Query.from_dict(json.loads(line))


def _traffic(dataset: ds.Dataset, expected: dict[str, str]) -> Any:
    for query in ds.traffic(dataset, TRAFFIC, TRAFFIC_HIT_RATE, people=_PEOPLE):
        if query.expected:
            expected[query.id] = query.expected
        yield subject(query)


def _screen_traffic(dataset: ds.Dataset) -> dict[str, Any]:
    """The traffic batch, held in memory as a batch read from a file is (making up the names is
    not screening, so it happens before the clock starts). Runs in a forked process of its own:
    the 200,000 subjects are the caller's memory, not the screener's (its peak is reported)."""
    screener: Screener = _STATE["screener"]
    expected: dict[str, str] = {}
    traffic = list(_traffic(dataset, expected))
    repeats = _repeats(traffic)
    alerts = hits = 0
    started = time.perf_counter()
    for query_result in screener.screen_many(traffic, workers=WORKERS):
        if any(m.alert for m in query_result.matches):
            alerts += 1
        if query_result.subject_id in expected and _found(query_result, expected[query_result.subject_id]):
            hits += 1
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "alerts": alerts,
        "hits": hits,
        "listed": len(expected),
        "peak_mib": _peak_mib(),
        "worker_peak_mib": _peak_mib(resource.RUSAGE_CHILDREN),  # its two workers: screener, caches, batch
        **repeats,
    }


def _repeats(subjects: list[Subject]) -> dict[str, float]:
    """How much of a batch a cache can answer: the share of subjects whose written name came
    earlier in the batch, and of name words met before (each worker meets about half of them)."""
    names: set[str] = set()
    words: set[str] = set()
    named = worded = total_words = 0
    for subj in subjects:
        named += subj.name in names
        names.add(subj.name)
        for word in subj.name.casefold().split():
            total_words += 1
            worded += word in words
            words.add(word)
    return {
        "names_met_before": named / max(len(subjects), 1),
        "words_met_before": worded / max(total_words, 1),
        "distinct_names": len(names),
    }


BASELINE_SUBJECTS = 20_000
BASELINE_CUTOFF = 86  # token-sort ratio at which the baseline calls a match (the threshold's scale)


def _sorted_tokens(name: str) -> str:
    from rapidfuzz import utils

    return " ".join(sorted(utils.default_process(name).split()))


def _baseline(dataset: ds.Dataset) -> dict[str, Any]:
    """A simple rapidfuzz baseline on the same traffic: token-sort ratio (the words sorted, then
    the Indel ratio) of each subject's name against every list name, in SIMD batches of 500 on the
    same two cores; a match at 86."""
    import numpy as np
    from rapidfuzz import fuzz, process

    screener: Screener = _STATE["screener"]
    choices = [_sorted_tokens(r.name.full) for r in screener.index.records]
    names = [subj.name for subj in list(_traffic(dataset, {}))[:BASELINE_SUBJECTS]]
    started = time.perf_counter()
    hits = 0
    for start in range(0, len(names), 500):
        queries = [_sorted_tokens(name) for name in names[start : start + 500]]
        matrix = process.cdist(
            queries, choices, scorer=fuzz.ratio, score_cutoff=BASELINE_CUTOFF, dtype=np.uint8, workers=WORKERS
        )
        hits += int((matrix.max(axis=1) > 0).sum())
    seconds = time.perf_counter() - started
    return {"subjects": len(names), "seconds": seconds, "per_s": len(names) / seconds, "matches": hits}


STARTUP_RUNS = 3


def _startup(shared: Path) -> dict[str, Any]:
    """Seconds `tekser screen --lists` takes for one subject, from a new process to its result:
    once with an empty index cache (lists read and index built), then with the index kept."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        one = Path(folder) / "one.jsonl"
        one.write_text(json.dumps({"id": "1", "name": "Dokka Umarov"}) + "\n", encoding="utf-8")
        tekser = str(Path(sys.executable).with_name("tekser"))
        command = [tekser, "screen", "--lists", str(shared / "lists"), "-i", str(one)]
        env = {**os.environ, "TEKSER_INDEX_CACHE": str(Path(folder) / "kept")}
        times = []
        for _ in range(1 + STARTUP_RUNS):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return {"cold_s": times[0], "kept_s": statistics.median(times[1:]), "kept_runs_s": times[1:]}


def _in_fork(function: Any, *args: Any) -> Any:
    """``function(*args)`` in a forked, non-daemon process (it may fork workers of its own)."""
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)

    def run() -> None:
        sending.send(function(*args))
        sending.close()

    process = context.Process(target=run)
    process.start()
    result = receiving.recv()
    process.join()
    if process.exitcode:
        raise RuntimeError(f"{function.__name__} failed in its process (exit code {process.exitcode})")
    return result


def _found(result: ScreeningResult, expected: str) -> bool:
    return any(m.key == expected and m.alert for m in result.matches)


def _compact(result: ScreeningResult) -> ScreeningResult:
    """A result without its explanations (only keys, scores and alerts are counted): the
    benchmark's bookkeeping should not weigh on the peak memory it reports."""
    return ScreeningResult(result.subject_id, tuple(replace(m, explanation=()) for m in result.matches), result.error)


def _false_alerts(result: ScreeningResult, query: ds.Query | None = None) -> list[list[Any]]:
    """The alerts of an innocent; the injected Kazakh and Russian persons count only for the near
    misses made from them (the population's people are not measured against synthetic entries)."""
    near = query is not None and (query.group or "").startswith("near miss")
    return [
        [m.key, round(m.score, 4), m.matched_name]
        for m in result.matches
        if m.alert and (near or not is_injected(m.key))
    ]


def _screening_process(dataset_path: Path, shared: Path) -> dict[str, Any]:
    """A screening process on its own, as a service or a batch worker runs: the lists read from
    their files, the index built, then traffic screened one subject after another on one core
    (made up as they come, so that the batch is not this process's memory) until the caches of
    names and parts have grown as they grow in a long run. Its peak RSS is the memory a
    screening process needs."""
    dataset = ds.load(dataset_path)
    dataset.negatives = []  # (the traffic needs only the listed persons: the rest is not this process's memory)
    gc.collect()
    screener = Screener.from_entries(ds.index_entries(ds.read_lists(shared), dataset))
    after_build = _peak_mib()
    started = time.perf_counter()
    if _PEOPLE_FILE:  # real names, read as they come, listed persons mixed in as in the traffic
        rng = random.Random(ds.SEED + 1)
        positives = [q for q in dataset.queries if q.category != "held-out alias (other name)"]
        people = _people_stream(skip=len(positives))
        for _ in range(PROCESS_SUBJECTS):
            screener.screen(subject(rng.choice(positives) if rng.random() < TRAFFIC_HIT_RATE else next(people)))
    else:
        for query in ds.traffic(dataset, PROCESS_SUBJECTS, TRAFFIC_HIT_RATE, seed=ds.SEED + 1):
            screener.screen(subject(query))
    return {
        "subjects": PROCESS_SUBJECTS,
        "seconds": time.perf_counter() - started,  # (making up the subjects included)
        "peak_after_build_mib": after_build,
        "peak_mib": _peak_mib(),
    }


def run(dataset_path: Path, out: Path, shared: Path) -> dict[str, Any]:
    pace_start = _in_fork(machine_pace)  # (in a fork: its dictionary is not this process's memory)
    # (in a fork of this process before it holds anything but its imports: as a fresh process)
    process_run = _in_fork(_screening_process, dataset_path, shared)
    print(
        f"  screening process: peak {process_run['peak_mib']:.0f} MiB after {PROCESS_SUBJECTS:,} subjects "
        f"({process_run['peak_after_build_mib']:.0f} MiB once built)",
        file=sys.stderr,
    )
    dataset = ds.load(dataset_path)
    if _PEOPLE_FILE:  # (now that the screening process has forked: the batch is the traffic worker's)
        _PEOPLE.extend(_people_stream(skip=0))
    started = time.perf_counter()
    lists = ds.read_lists(shared)
    parse_s = time.perf_counter() - started
    entries = ds.index_entries(lists, dataset)
    del lists
    gc.collect()
    # the build, cold (no word analysed yet), three times in fresh processes: the machine's speed
    # varies by a third from one minute to the next; the median is reported, every run kept
    _STATE["entries"] = entries
    build_runs = []
    context = multiprocessing.get_context("fork")
    for _ in range(BUILD_RUNS):
        with context.Pool(1) as pool:
            build_runs.append(pool.apply(_cold_build))
    started = time.perf_counter()
    screener = Screener.from_entries(entries)
    build_runs.append(time.perf_counter() - started)
    build_s = statistics.median(build_runs)
    print(
        f"  index: {len(screener.index.records):,} names of {len(screener.index.entries):,} entries in {build_s:.2f} s",
        file=sys.stderr,
    )
    _STATE["screener"] = screener

    positives, negatives = dataset.queries, dataset.negatives
    everything = [*positives, *negatives]
    subjects = [subject(q) for q in everything]
    for number, name in enumerate(WARM_UP):  # load the lazy tables, as a long-running service has
        screener.screen(Subject(f"warm-up-{number}", name))
    screener.forget_names()

    started = time.perf_counter()
    results = {r.subject_id: _compact(r) for r in screener.screen_many(subjects, workers=WORKERS)}
    batch_s = time.perf_counter() - started
    print(f"  batch: {len(subjects):,} subjects in {batch_s:.1f} s on {WORKERS} workers", file=sys.stderr)

    # a batch as screening meets it: travellers and customers, one in a hundred listed
    screener.forget_names()
    traffic_run = _in_fork(_screen_traffic, dataset)
    traffic_s = traffic_run["seconds"]
    alerts, hits, expected_count = traffic_run["alerts"], traffic_run["hits"], traffic_run["listed"]
    print(f"  traffic: {TRAFFIC:,} subjects in {traffic_s:.1f} s on {WORKERS} workers", file=sys.stderr)

    baseline = _in_fork(_baseline, dataset)
    print(f"  rapidfuzz token-sort baseline: {baseline['per_s']:,.0f} subjects/s", file=sys.stderr)
    startup = _startup(shared)
    print(f"  start-up: {startup['kept_s']:.2f} s with a kept index, {startup['cold_s']:.2f} s cold", file=sys.stderr)

    rng = random.Random(f"{ds.SEED}:latency")
    # this process's own bookkeeping (the dataset, 16,565 results) is no screener's: settled, so that
    # a full collection walking it does not land on one of the subjects timed (a 40 ms outlier)
    gc.collect()
    gc.freeze()
    latency = _latency(screener, rng.sample(subjects, min(LATENCY_SAMPLE, len(subjects))))
    memory = {
        "process_peak_mib": process_run["peak_mib"],  # the target's figure: see _screening_process
        "process_peak_after_build_mib": process_run["peak_after_build_mib"],
        "process_subjects": process_run["subjects"],
        "process_seconds": process_run["seconds"],
        "main_peak_mib": _peak_mib(),  # this process: it also holds the dataset, results and bookkeeping
        "children_peak_mib": _peak_mib(resource.RUSAGE_CHILDREN),  # the largest of its forks (any of them)
    }

    screener.forget_names()
    started = time.perf_counter()
    name_only = {
        r.subject_id: r
        for r in screener.screen_many([subject(q, with_birth_date=False) for q in everything], workers=WORKERS)
    }
    name_only_s = time.perf_counter() - started
    print(f"  name-only pass in {name_only_s:.1f} s", file=sys.stderr)

    # top-10 lists: every positive, a stratified sample of negatives for the peer, every false positive
    by_culture: dict[str, list[ds.Query]] = {}
    for query in negatives:
        by_culture.setdefault(query.detail or "", []).append(query)
    if PEER_NEGATIVES <= 0 or len(negatives) <= PEER_NEGATIVES:
        peer_negatives = list(negatives)
    else:
        per_culture = max(1, PEER_NEGATIVES // max(len(by_culture), 1))
        peer_negatives = [q for group in by_culture.values() for q in rng.sample(group, min(per_culture, len(group)))]
    peer_negative_ids = {q.id for q in peer_negatives}
    flagged = [q for q in negatives if _false_alerts(results[q.id], q) and q.id not in peer_negative_ids]
    diagnosed_queries = [*positives, *peer_negatives, *flagged]
    started = time.perf_counter()
    diagnosis = dict(
        zip(
            (q.id for q in diagnosed_queries),
            _pool_map(_diagnose, [subject(q) for q in diagnosed_queries]),
            strict=True,
        )
    )
    diagnose_s = time.perf_counter() - started
    print(f"  top-10 lists for {len(diagnosed_queries):,} subjects in {diagnose_s:.1f} s", file=sys.stderr)

    sample = rng.sample(positives, min(BRUTE_FORCE_SAMPLE, len(positives)))
    started = time.perf_counter()
    brute = [b for b in _pool_map(_brute_force, [subject(q) for q in sample], chunk=4) if b is not None]
    brute_s = time.perf_counter() - started
    print(f"  brute force for {len(sample)} subjects in {brute_s:.1f} s", file=sys.stderr)
    # the brute-force best is what retrieval must find when it reaches the floor screening searches to
    searched = [b for b in brute if b["best_score"] >= b["floor"]]
    relevant = [b for b in brute if b["best_score"] >= screener.config.threshold]
    candidate_recall = {
        "n_sampled": len(brute),
        "n": len(searched),
        "recall": sum(b["retrieved"] for b in searched) / len(searched) if searched else None,
        "n_alert_relevant": len(relevant),
        "recall_alert_relevant": sum(b["retrieved"] for b in relevant) / len(relevant) if relevant else None,
        "misses": [b for b in searched if not b["retrieved"]][:30],
        "seconds": brute_s,
    }

    outcomes: dict[str, dict[str, Any]] = {}
    for query in everything:
        result, plain = results[query.id], name_only[query.id]
        record: dict[str, Any] = {}
        if query.expected:
            record["found"] = _found(result, query.expected)
            record["found_name_only"] = _found(plain, query.expected)
        else:
            record["false_alerts"] = _false_alerts(result, query)
            record["false_alerts_name_only"] = _false_alerts(plain, query)
        if result.error:
            record["error"] = result.error
        if query.id in diagnosis:
            record["top"] = diagnosis[query.id]["top"]
        outcomes[query.id] = record

    # the peer's input: its queries, their candidates, and the candidates as FtM-like dicts
    by_key = {e.key: e for e in screener.index.entries}
    needed: set[str] = set()
    out.mkdir(parents=True, exist_ok=True)
    with (out / "matching-peer-queries.jsonl").open("w", encoding="utf-8") as file:
        for query in [*positives, *peer_negatives]:
            keys = list(diagnosis[query.id]["peer_candidates"])
            if query.expected and query.expected not in keys:
                keys.append(query.expected)
            needed.update(keys)
            schema = _FTM_SCHEMA[by_key[query.expected].kind] if query.expected else "Person"
            if query.schema == "person":
                schema = "Person"
            elif query.schema == "organization":
                schema = "Organization"
            row = {
                "id": query.id,
                "schema": schema,
                "name": query.name,
                "birth_date": query.birth_date,
                "candidates": keys,
            }
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    entities = {key: to_ftm(by_key[key]) for key in sorted(needed)}
    (out / "matching-peer-entities.json").write_text(json.dumps(entities, ensure_ascii=False))

    return {
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "algorithm": screener.algorithm,
        "threshold": screener.config.threshold,
        "index": {"records": len(screener.index.records), "entries": len(screener.index.entries)},
        "timings": {
            "parse_s": parse_s,
            "build_s": build_s,
            "build_runs_s": build_runs,
            "batch": {
                "subjects": len(subjects),
                "seconds": batch_s,
                "per_s": len(subjects) / batch_s,
                "workers": WORKERS,
            },
            "traffic": {
                "subjects": TRAFFIC,
                "hit_rate": TRAFFIC_HIT_RATE,
                "listed": expected_count,
                "listed_found": hits,
                "with_alert": alerts,
                "seconds": traffic_s,
                "per_s": TRAFFIC / traffic_s,
                "workers": WORKERS,
                "process_peak_mib": traffic_run["peak_mib"],  # the batch in memory, on top of the screener
                "worker_peak_mib": traffic_run["worker_peak_mib"],
                "real_names": bool(_PEOPLE_FILE),
                "names_met_before": traffic_run["names_met_before"],
                "words_met_before": traffic_run["words_met_before"],
                "distinct_names": traffic_run["distinct_names"],
            },
            "baseline": baseline,
            "startup": startup,
            "latency": latency,
            "pace_s": {"start": pace_start, "end": _in_fork(machine_pace)},
            "name_only_s": name_only_s,
            "diagnose_s": diagnose_s,
        },
        "memory": memory,
        "candidate_recall": candidate_recall,
        "peer_negatives": sorted(peer_negative_ids),
        "outcomes": outcomes,
    }


def main(argv: list[str]) -> int:
    dataset_path, out = Path(argv[0]), Path(argv[1])
    shared = Path(argv[2]) if len(argv) > 2 else Path(os.environ.get("TEKSER_SHARED_DATA", "../shared/data"))
    if len(argv) > 3:  # innocent traffic from real name data (otherwise the synthetic names)
        _PEOPLE_FILE.append(Path(argv[3]))
    result = run(dataset_path, out, shared)
    (out / "matching-tekser.json").write_text(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
