"""Runs the matching benchmark end to end and prints the side-by-side table.

    python -m benchmarks matching

1. builds (or loads from ``benchmarks/results/``) the dataset for the current list files;
2. runs tekser in a subprocess (``run_tekser``): index build, batch, latency, candidate recall;
3. runs nomenklatura logic-v2 in its own venv (``benchmarks/.venv-peer``, created on first use)
   on two processes, on the same queries and on candidate lists taken from tekser's blocking;
4. prints one table and writes ``benchmarks/results/matching.json`` (figures, misses, false
   positives).

``TEKSER_BENCH_PEER=0`` skips the peer.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Indel
from rich.console import Console
from rich.table import Table

from benchmarks.matching import cli_memory
from benchmarks.matching import dataset as ds

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "benchmarks" / "results"
PEER_VENV = REPO / "benchmarks" / ".venv-peer"
PEER_THRESHOLD = 0.70
PEER_SHARDS = 2

TARGETS: dict[str, tuple[str, float | None]] = {
    "V0": ("= 1.00", 1.0),
    "held-out alias": ("≥ 0.90", 0.90),
    "held-out alias (other name)": ("info", None),
    "held-out Arabic original": ("≥ 0.90", 0.90),
    "held-out Cyrillic original": ("≥ 0.90", 0.90),
    **dict.fromkeys(
        ("V1", "V2", "V3", "V4", "V5", "V6-RU", "V6-RU-syn", "V6-KZ", "V9", "V9-P", "V10", "V12"), ("≥ 0.98", 0.98)
    ),
}
MAX_FPR = 0.005
MIN_THROUGHPUT = 10_000
MAX_BUILD_S = 3.0
MAX_PEAK_MIB = 500e6 / 2**20  # 500 MB
MAX_P99_MS = 5.0
MIN_CANDIDATE_RECALL = 0.99
MISSES_PER_CATEGORY = 30
TRAFFIC_PEOPLE = 200_000  # innocent travellers and customers from real name data, screened as traffic
CLI_SUBJECTS = int(os.environ.get("TEKSER_BENCH_CLI_SUBJECTS", "1000000"))  # tekser screen's memory run (0: none)


def _shared() -> Path:
    return Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data"))


# --- the peer's venv -------------------------------------------------------------------------------


def peer_python(console: Console) -> Path | None:
    python = PEER_VENV / "bin" / "python"
    check = [str(python), "-c", "import nomenklatura.matching, followthemoney"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    console.print(f"[dim]creating the peer venv {PEER_VENV} (nomenklatura; first run only)…[/dim]")
    try:
        if not python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "nomenklatura"], check=True)
        subprocess.run(check, check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as error:
        console.print(f"[yellow]peer unavailable ({error}); continuing without it[/yellow]")
        return None
    return python


def peer_versions(python: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json;"
        "print(json.dumps({p: m.version(p) for p in ('nomenklatura', 'rigour', 'followthemoney', 'pyicu')}))"
    )
    output = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False).stdout
    return json.loads(output) if output.strip() else {}


def run_peer(python: Path, work: Path) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    started = time.perf_counter()
    processes = []
    for shard in range(PEER_SHARDS):
        out = work / f"matching-peer-scores-{shard}.jsonl"
        command = [
            str(python),
            "-m",
            "benchmarks.matching.run_peer",
            str(work / "matching-peer-entities.json"),
            str(work / "matching-peer-queries.jsonl"),
            str(out),
            str(shard),
            str(PEER_SHARDS),
        ]
        processes.append((subprocess.Popen(command, cwd=REPO), out))
    for process, _ in processes:
        if process.wait() != 0:
            raise RuntimeError("the peer run failed")
    wall = time.perf_counter() - started
    rows: dict[str, dict[str, Any]] = {}
    summaries = []
    for _, out in processes:
        for line in out.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if "summary" in record:
                summaries.append(record["summary"])
            else:
                rows[record["id"]] = record
    pairs = sum(s["pairs"] for s in summaries)
    scoring = max(s["seconds"] for s in summaries)
    times = sorted(r["ms"] for r in rows.values())
    summary = {
        "processes": PEER_SHARDS,
        "wall_s": wall,
        "queries": len(rows),
        "pairs": pairs,
        "scoring_s": scoring,
        "pairs_per_s": pairs / scoring if scoring else None,
        "queries_per_s": len(rows) / scoring if scoring else None,
        "ms_per_pair": 1000 * sum(s["seconds"] for s in summaries) / pairs if pairs else None,
        "query_p50_ms": _percentile(times, 0.5),
        "query_p99_ms": _percentile(times, 0.99),
        "first_call_s": max(s["first_call_s"] for s in summaries),
        "import_s": max(s["import_s"] for s in summaries),
        "peak_mib": max(s["peak_mib"] for s in summaries),
    }
    return rows, summary


# --- figures ---------------------------------------------------------------------------------------


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def threshold_for_fpr(negative_scores: list[float], fpr: float) -> tuple[float, bool]:
    """The lowest threshold at which at most ``fpr`` of the negatives score at or above it.

    Returns (threshold, reachable); unreachable when more than that share score 1.0 or more.
    """
    ordered = sorted(negative_scores, reverse=True)
    allowed = math.floor(fpr * len(ordered) + 1e-9)
    if allowed >= len(ordered):
        return 0.0, True
    boundary = ordered[allowed]
    return boundary + 1e-6, boundary < 1.0


def _tekser_best(top: list[list[Any]], *, expected: str | None = None) -> float:
    """Best eligible score in a top-10 list: of the expected entry, or of any non-injected entry."""
    best = 0.0
    for key, score, is_eligible, *_ in top:
        if not is_eligible:
            continue
        if expected is not None and key != expected:
            continue
        if expected is None and key.startswith(ds.INJECTED_PREFIXES):
            continue
        best = max(best, float(score))
    return best


def _peer_best(row: dict[str, Any] | None, *, expected: str | None = None) -> float:
    if row is None:
        return 0.0
    scores = row["scores"]
    if expected is not None:
        return float(scores.get(expected, 0.0))
    return max((float(s) for k, s in scores.items() if not k.startswith(ds.INJECTED_PREFIXES)), default=0.0)


def is_homonym(query: str, list_name: str) -> bool:
    """Every part of the query spelled like a part of the list name (folded Indel similarity ≥ 0.75):
    the negative bears (a spelling of) a listed person's name, so only other facts can clear it."""
    theirs = ds.fold_tokens(list_name)
    ours = ds.fold_tokens(query)
    return bool(ours and theirs) and all(max(Indel.normalized_similarity(t, p) for p in theirs) >= 0.75 for t in ours)


def _miss_reason(top: list[list[Any]], expected: str, threshold: float, error: str | None) -> str:
    if error:
        return "no usable name part"
    for key, score, is_eligible, *_ in top:
        if key == expected:
            if score >= threshold and not is_eligible:
                return "weak alias without corroboration"
            return "scored below the threshold"
    return "not among the top-10 (not retrieved, or name score < 0.7)"


def compute(
    dataset: ds.Dataset,
    tekser: dict[str, Any],
    peer_rows: dict[str, dict[str, Any]] | None,
    peer_summary: dict[str, Any] | None,
) -> dict[str, Any]:
    outcomes = tekser["outcomes"]
    threshold = float(tekser["threshold"])
    grouped = dataset.positives_by_category()
    negatives = dataset.negatives
    peer_negative_ids = set(tekser["peer_negatives"])
    peer_negs = [q for q in negatives if q.id in peer_negative_ids]

    # false-positive rates: innocent people from real name data (population.py), and near misses
    tekser_fp = [q for q in negatives if outcomes[q.id]["false_alerts"]]
    flagged = {q.id for q in tekser_fp}
    population = [q for q in negatives if q.group == "population"]
    near = [q for q in negatives if (q.group or "").startswith("near miss")]
    fpr = _rate(population, flagged)
    fpr_name_only = _rate([q for q in population if not q.birth_date], flagged)
    fpr_on_peer_set = _rate([q for q in peer_negs if q.group == "population"], flagged)
    groups = _groups(population, near, flagged)
    peer: dict[str, Any] = {}
    if peer_rows is not None:
        peer_population = [q for q in peer_negs if q.group == "population"]
        peer_neg_scores = [_peer_best(peer_rows.get(q.id)) for q in peer_population]
        peer_flagged = {q.id for q in peer_negs if _peer_best(peer_rows.get(q.id)) >= PEER_THRESHOLD}
        peer_fpr = _rate(peer_population, peer_flagged)
        equal_t, equal_reachable = threshold_for_fpr(peer_neg_scores, fpr_on_peer_set)
        tekser_neg_scores = [_tekser_best(outcomes[q.id].get("top", [])) for q in peer_population]
        tekser_t, _ = threshold_for_fpr(tekser_neg_scores, peer_fpr)
        tekser_t_clamped = max(tekser_t, 0.5)
        peer = {
            "threshold": PEER_THRESHOLD,
            "negatives": len(peer_population),
            "fpr": peer_fpr,
            "fpr_name_scores_ge_0_9": sum(1 for s in peer_neg_scores if s >= 0.9) / max(len(peer_population), 1),
            "equal_fpr_threshold": equal_t,
            "equal_fpr_reachable": equal_reachable,
            "equal_fpr_target": fpr_on_peer_set,
            "tekser_threshold_at_peer_fpr": tekser_t_clamped,
            "tekser_threshold_at_peer_fpr_clamped": tekser_t < 0.5,
            "groups": _groups(
                [q for q in peer_negs if q.group == "population"],
                [q for q in peer_negs if (q.group or "").startswith("near miss")],
                peer_flagged,
            ),
            "summary": peer_summary,
        }

    categories: dict[str, Any] = {}
    for category in ds.CATEGORIES:
        queries = grouped.get(category, [])
        if not queries:
            continue
        found = [q for q in queries if outcomes[q.id]["found"]]
        row: dict[str, Any] = {
            "label": ds.CATEGORIES[category],
            "n": len(queries),
            "recall": len(found) / len(queries),
            "recall_name_only": sum(1 for q in queries if outcomes[q.id]["found_name_only"]) / len(queries),
            "target": TARGETS[category][0],
        }
        goal = TARGETS[category][1]
        row["pass"] = None if goal is None else row["recall"] >= goal - 1e-12
        if peer_rows is not None:
            peer_scores = [_peer_best(peer_rows.get(q.id), expected=q.expected) for q in queries]
            row["peer_recall"] = sum(1 for s in peer_scores if s >= PEER_THRESHOLD) / len(queries)
            row["peer_recall_equal_fpr"] = (
                sum(1 for s in peer_scores if s >= peer["equal_fpr_threshold"]) / len(queries)
                if peer["equal_fpr_reachable"]
                else 0.0
            )
            tekser_scores = [_tekser_best(outcomes[q.id].get("top", []), expected=q.expected) for q in queries]
            row["tekser_recall_at_peer_fpr"] = sum(
                1 for s in tekser_scores if s >= peer["tekser_threshold_at_peer_fpr"]
            ) / len(queries)
            row["beats_peer"] = (
                row["recall"] > row["peer_recall_equal_fpr"] or row["recall"] == 1.0 == row["peer_recall_equal_fpr"]
            )
        misses = [q for q in queries if not outcomes[q.id]["found"]]
        reasons = Counter(
            _miss_reason(outcomes[q.id].get("top", []), q.expected or "", threshold, outcomes[q.id].get("error"))
            for q in misses
        )
        row["miss_reasons"] = dict(reasons.most_common())
        row["misses"] = [
            {
                "id": q.id,
                "query": q.name,
                "list_name": q.source,
                "how": q.detail,
                "expected": q.expected,
                "birth_date": q.birth_date,
                "reason": _miss_reason(
                    outcomes[q.id].get("top", []), q.expected or "", threshold, outcomes[q.id].get("error")
                ),
                "expected_score": next((t[1] for t in outcomes[q.id].get("top", []) if t[0] == q.expected), None),
                "best": outcomes[q.id].get("top", [])[:3],
                "peer_score": _peer_best(peer_rows.get(q.id), expected=q.expected) if peer_rows is not None else None,
            }
            for q in misses[:MISSES_PER_CATEGORY]
        ]
        categories[category] = row

    for q in tekser_fp:
        for alert in outcomes[q.id]["false_alerts"]:
            if len(alert) == 3:
                alert.append("homonym" if is_homonym(q.name, alert[2]) else "spurious")
    homonyms = [q for q in tekser_fp if all(a[3] == "homonym" for a in outcomes[q.id]["false_alerts"])]
    false_positives = [
        {
            "id": q.id,
            "query": q.name,
            "country": q.detail,
            "group": q.group,
            "script": q.script,
            "birth_date": q.birth_date,
            "alerts": outcomes[q.id]["false_alerts"],
        }
        for q in tekser_fp
    ]
    matched_keys = Counter(a[0] for fp in false_positives for a in fp["alerts"])
    timings = tekser["timings"]
    candidate_recall = tekser["candidate_recall"]
    speed = {
        "throughput_per_s": timings["traffic"]["per_s"],
        "dataset_throughput_per_s": timings["batch"]["per_s"],
        "traffic": timings["traffic"],
        "dataset_listed_share": len(dataset.queries) / max(1, len(dataset.queries) + len(dataset.negatives)),
        "build_s": timings["build_s"],
        "peak_mib": tekser["memory"]["process_peak_mib"],
        "peak_after_build_mib": tekser["memory"]["process_peak_after_build_mib"],
        "process_subjects": tekser["memory"]["process_subjects"],
        "main_peak_mib": tekser["memory"]["main_peak_mib"],
        "traffic_worker_peak_mib": timings["traffic"]["worker_peak_mib"],
        "p50_ms": timings["latency"]["p50_ms"],
        "p99_ms": timings["latency"]["p99_ms"],
        "candidate_recall": candidate_recall["recall"],
        "candidate_recall_alert_relevant": candidate_recall["recall_alert_relevant"],
        "pace_s": timings.get("pace_s"),
        "baseline_per_s": (timings.get("baseline") or {}).get("per_s"),
        "startup": timings.get("startup"),
    }
    return {
        "threshold": threshold,
        "algorithm": tekser["algorithm"],
        "machine": tekser["machine"],
        "index": tekser["index"],
        "dataset": {"meta": dataset.meta, "pools": dataset.pools},
        "categories": categories,
        "fpr": {
            "negatives": len(population),
            "fpr": fpr,
            "fpr_name_only": fpr_name_only,
            "fpr_on_peer_negatives": fpr_on_peer_set,
            "groups": groups,
            "homonyms_set_aside": dataset.meta.get("homonyms"),
            "people": dataset.meta.get("people"),
            "name_source": dataset.meta.get("name_source"),
            "false_positives": false_positives[:200],
            "false_positive_count": len(false_positives),
            "homonym_count": len(homonyms),
            "fpr_spurious_only": (len([q for q in tekser_fp if q.group == "population"]) - len(homonyms))
            / max(len(population), 1),
            "most_matched_entries": matched_keys.most_common(20),
        },
        "speed": speed,
        "timings": timings,
        "memory": tekser["memory"],
        "candidate_recall": candidate_recall,
        "peer": peer or None,
        "curve": _curves(dataset, outcomes, peer_rows, population),
    }


def _rate(queries: list[ds.Query], flagged: set[str]) -> float:
    return sum(1 for q in queries if q.id in flagged) / max(len(queries), 1)


def _groups(population: list[ds.Query], near: list[ds.Query], flagged: set[str]) -> dict[str, Any]:
    """False-alert rates per country, script, written form and date of birth, and per near-miss kind."""

    def by(key: Any, queries: list[ds.Query]) -> dict[str, dict[str, float]]:
        split: dict[str, list[ds.Query]] = {}
        for query in queries:
            split.setdefault(str(key(query)), []).append(query)
        return {name: {"n": len(qs), "fpr": _rate(qs, flagged)} for name, qs in sorted(split.items())}

    return {
        "by_country": by(lambda q: q.detail, population),
        "by_country_name_only": by(lambda q: q.detail, [q for q in population if not q.birth_date]),
        "by_script": by(lambda q: q.script, population),
        "by_birth_date": by(lambda q: "with a date of birth" if q.birth_date else "name only", population),
        "near_misses": {"n": len(near), "fpr": _rate(near, flagged)},
        "by_near_miss": by(lambda q: (q.group or "").removeprefix("near miss: "), near),
    }


CURVE_THRESHOLDS = [round(0.7 + 0.01 * step, 2) for step in range(31)]  # (--top reports from 0.7)


def _curves(
    dataset: ds.Dataset,
    outcomes: dict[str, dict[str, Any]],
    peer_rows: dict[str, dict[str, Any]] | None,
    population: list[ds.Query],
) -> dict[str, Any]:
    """Recall against the false-alert rate on the innocent population, threshold by threshold, for
    tekser (the name-information rule as configured) and logic-v2: every positive category pooled,
    and the held-out real aliases and original-script names alone."""
    positives = [q for q in dataset.queries if q.category != "held-out alias (other name)"]
    real = [q for q in positives if q.category.startswith("held-out")]
    diagnosed = [q for q in population if "top" in outcomes[q.id]]
    engines: dict[str, Any] = {
        "tekser": (
            lambda q: _tekser_best(outcomes[q.id].get("top", []), expected=q.expected),
            lambda q: _tekser_best(outcomes[q.id].get("top", [])),
        )
    }
    if peer_rows is not None:
        engines["logic-v2"] = (
            lambda q: _peer_best(peer_rows.get(q.id), expected=q.expected),
            lambda q: _peer_best(peer_rows.get(q.id)),
        )
    curves: dict[str, Any] = {"thresholds": CURVE_THRESHOLDS}
    for engine, (positive_score, negative_score) in engines.items():
        negative_scores = [negative_score(q) for q in diagnosed]
        all_scores = [positive_score(q) for q in positives]
        real_scores = [positive_score(q) for q in real]
        curves[engine] = [
            {
                "threshold": t,
                "fpr": sum(1 for s in negative_scores if s >= t) / max(len(negative_scores), 1),
                "recall": sum(1 for s in all_scores if s >= t) / max(len(all_scores), 1),
                "recall_held_out": sum(1 for s in real_scores if s >= t) / max(len(real_scores), 1),
            }
            for t in CURVE_THRESHOLDS
        ]
    return curves


# --- the table -------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _mark(ok: bool | None) -> str:
    return "" if ok is None else ("[green]pass[/green]" if ok else "[red]FAIL[/red]")


SHORT = {
    "V0": "V0 exact",
    "held-out alias": "held-out alias",
    "held-out alias (other name)": "held-out other name (info)",
    "held-out Arabic original": "held-out Arabic original",
    "held-out Cyrillic original": "held-out Cyrillic original",
    "V1": "V1 case/punct./legal form",
    "V2": "V2 one typo",
    "V3": "V3 token order",
    "V4": "V4 whitespace/hyphen",
    "V5": "V5 diacritics",
    "V6-RU": "V6-RU UN Cyrillic",
    "V6-RU-syn": "V6-RU synthetic",
    "V6-KZ": "V6-KZ Kazakh",
    "V9": "V9 middle part dropped",
    "V9-P": "V9-P patronymic",
    "V10": "V10 cut at 35",
    "V12": "V12 title added",
}


def render(summary: dict[str, Any]) -> Table:
    peer = summary.get("peer")
    threshold = summary["threshold"]
    table = Table(
        title=f"Name matching: tekser (threshold {threshold}) vs nomenklatura logic-v2, "
        f"{summary['index']['records']:,} list names, {summary['machine']['cpus']} cores",
        title_justify="left",
        caption="lv2 = logic-v2; @=FPR: at the threshold giving tekser's false-positive rate "
        + (f"(t={peer['equal_fpr_threshold']:.3f}); " if peer else "")
        + "tk@lv2 FPR: tekser at logic-v2's false-positive rate"
        + (f" (t={peer['tekser_threshold_at_peer_fpr']:.3f})" if peer else ""),
        caption_justify="left",
    )
    table.add_column("category")
    table.add_column("n", justify="right")
    table.add_column("tekser", justify="right")
    table.add_column("no DOB", justify="right")
    table.add_column("target", justify="right")
    table.add_column("", justify="center")
    if peer:
        table.add_column(f"lv2@{PEER_THRESHOLD:.2f}", justify="right")
        table.add_column("lv2@=FPR", justify="right")
        table.add_column("tk@lv2 FPR", justify="right")
        table.add_column("vs lv2", justify="center")
    for category, row in summary["categories"].items():
        cells = [
            SHORT.get(category, category),
            str(row["n"]),
            _pct(row["recall"]),
            _pct(row["recall_name_only"]),
            row["target"],
            _mark(row["pass"]),
        ]
        if peer:
            cells += [
                _pct(row["peer_recall"]),
                _pct(row["peer_recall_equal_fpr"]),
                _pct(row["tekser_recall_at_peer_fpr"]),
                "" if row["target"] == "info" else _mark(row["beats_peer"]),
            ]
        table.add_row(*cells)
    table.add_section()
    fpr = summary["fpr"]
    cells = [
        "false-positive rate",
        f"{fpr['negatives']:,}",
        f"{fpr['fpr']:.2%}",
        f"{fpr['fpr_name_only']:.2%}",
        f"≤ {MAX_FPR:.1%}",
        _mark(fpr["fpr"] <= MAX_FPR),
    ]
    if peer:
        cells += [
            f"{peer['fpr']:.2%}",
            f"{peer['equal_fpr_target']:.2%}" + ("" if peer["equal_fpr_reachable"] else " (unreachable)"),
            f"{peer['fpr']:.2%}",
            "",
        ]
    table.add_row(*cells)
    speed = summary["speed"]
    peer_speed = (peer or {}).get("summary") or {}

    def speed_row(label: str, value: str, target: str, ok: bool | None, peer_value: str = "") -> None:
        cells = [label, "", value, "", target, _mark(ok)]
        if peer:
            cells += [peer_value, "", "", ""]
        table.add_row(*cells)

    table.add_section()
    traffic = speed["traffic"]
    speed_row(
        f"subjects/s, traffic of {'real' if traffic.get('real_names') else 'synthetic'} names "
        f"({traffic['subjects']:,}, 1 % listed)",
        f"{speed['throughput_per_s']:,.0f}",
        f"≥ {MIN_THROUGHPUT:,}",
        speed["throughput_per_s"] >= MIN_THROUGHPUT,
    )
    if traffic.get("real_names"):
        speed_row(
            "… names met earlier in the batch / words met earlier",
            f"{traffic['names_met_before']:.1%} / {traffic['words_met_before']:.1%}",
            "",
            None,
        )
    if speed.get("baseline_per_s"):
        speed_row(
            "rapidfuzz token-sort baseline, same traffic (tekser ×)",
            f"{speed['baseline_per_s']:,.0f} ({speed['throughput_per_s'] / speed['baseline_per_s']:.1f}×)",
            "",
            None,
        )
    if startup := speed.get("startup"):
        speed_row(
            "start-up s, tekser screen --lists, index kept", f"{startup['kept_s']:.2f}", "≤ 1", startup["kept_s"] <= 1.0
        )
        speed_row("start-up s, lists read and index built", f"{startup['cold_s']:.2f}", "", None)
    for label, run in (summary.get("cli") or {}).items():
        speed_row(
            f"tekser screen, {run['subjects']:,} subjects, {label}: peak MiB (PSS) / subjects/s",
            f"{run['peak_pss_mib']:.0f} / {run['per_s']:,.0f}",
            "≤ 500 MB",
            run["peak_pss_mib"] <= MAX_PEAK_MIB,
        )
    speed_row(
        f"subjects/s, this dataset ({speed['dataset_listed_share']:.0%} listed)"
        + (
            f" (tekser {speed['dataset_throughput_per_s'] / peer_speed['queries_per_s']:.0f}× logic-v2)"
            if peer_speed
            else ""
        ),
        f"{speed['dataset_throughput_per_s']:,.0f}",
        "",
        None,
        f"{peer_speed['queries_per_s']:,.0f}" if peer_speed else "",
    )
    speed_row(
        "index build s",
        f"{speed['build_s']:.2f}",
        f"≤ {MAX_BUILD_S:.0f}",
        speed["build_s"] <= MAX_BUILD_S,
        f"{peer_speed['first_call_s']:.1f}" if peer_speed else "",
    )
    speed_row(
        f"peak RSS MiB, screening process ({speed['process_subjects']:,} subjects)",
        f"{speed['peak_mib']:.0f}",
        "≤ 500 MB",
        speed["peak_mib"] <= MAX_PEAK_MIB,
        f"{peer_speed['peak_mib']:.0f}" if peer_speed else "",
    )
    speed_row(
        "single subject p50 ms",
        f"{speed['p50_ms']:.2f}",
        "",
        None,
        f"{peer_speed['query_p50_ms']:.2f}" if peer_speed else "",
    )
    speed_row(
        "single subject p99 ms",
        f"{speed['p99_ms']:.2f}",
        f"≤ {MAX_P99_MS:.0f}",
        speed["p99_ms"] <= MAX_P99_MS,
        f"{peer_speed['query_p99_ms']:.2f}" if peer_speed else "",
    )
    speed_row("ms per scored pair", "", "", None, f"{peer_speed['ms_per_pair']:.3f}" if peer_speed else "")
    recall = speed["candidate_recall"]
    speed_row(
        f"candidate recall (n={summary['candidate_recall']['n']})",
        _pct(recall),
        f"≥ {MIN_CANDIDATE_RECALL}",
        None if recall is None else recall >= MIN_CANDIDATE_RECALL,
        "n/a" if peer else "",
    )
    return table


MAX_FPR_NAME_ONLY = 0.01
MAX_FPR_COUNTRY = 0.015
MAX_FPR_NEAR = 0.01


def render_groups(summary: dict[str, Any]) -> Table:
    """False alerts on the innocent population per country, script, date of birth, and near misses."""
    fpr = summary["fpr"]
    groups = fpr["groups"]
    peer_groups = (summary.get("peer") or {}).get("groups")
    table = Table(
        title=f"False alerts on {fpr['people']:,} real innocent people ({fpr['name_source']}; "
        f"{fpr['negatives']:,} screenings, native script and passport form) and near misses",
        title_justify="left",
    )
    for column in ("group", "n", "tekser", "target", ""):
        table.add_column(column, justify="left" if column == "group" else "right")
    if peer_groups:
        table.add_column(f"lv2@{PEER_THRESHOLD:.2f}", justify="right")

    def row(label: str, section: str, key: str | None, target: float | None) -> None:
        cell = groups[section] if key is None else groups[section].get(key)
        if cell is None:
            return
        cells = [label, f"{cell['n']:,}", f"{cell['fpr']:.2%}", f"≤ {target:.1%}" if target else "", ""]
        if target is not None:
            cells[4] = _mark(cell["fpr"] <= target)
        if peer_groups:
            peer_cell = peer_groups[section] if key is None else peer_groups[section].get(key)
            cells.append(f"{peer_cell['fpr']:.2%}" if peer_cell else "")
        table.add_row(*cells)

    table.add_row(
        "[bold]whole population[/bold]",
        f"{fpr['negatives']:,}",
        f"{fpr['fpr']:.2%}",
        f"≤ {MAX_FPR:.1%}",
        _mark(fpr["fpr"] <= MAX_FPR),
        *([f"{summary['peer']['fpr']:.2%}"] if peer_groups else []),
    )
    for key in groups["by_birth_date"]:
        row(key, "by_birth_date", key, MAX_FPR_NAME_ONLY if key == "name only" else None)
    table.add_section()
    by_country = groups["by_country"]
    for key in sorted(by_country, key=lambda k: -by_country[k]["fpr"]):
        row(f"country {key}", "by_country", key, MAX_FPR_COUNTRY)
    table.add_section()
    for key in groups["by_script"]:
        row(f"written in {key}", "by_script", key, None)
    table.add_section()
    row("near misses (Kazakh and Russian national list)", "near_misses", None, MAX_FPR_NEAR)
    for key in groups["by_near_miss"]:
        row(f"  {key}", "by_near_miss", key, None)
    return table


# --- the command -----------------------------------------------------------------------------------


def main() -> int:
    console = Console()
    if not console.is_terminal:
        console = Console(width=132)
    shared = _shared()
    if not shared.is_dir():
        print(f"shared data not found at {shared} (set TEKSER_SHARED_DATA)", file=sys.stderr)
        return 1
    started = time.perf_counter()
    dataset, path, built = ds.load_or_build(shared, RESULTS)
    counts = Counter(q.category for q in dataset.queries)
    console.print(
        f"[bold]matching benchmark[/bold]: dataset {path.name} ({'built' if built else 'cached'}): "
        f"{len(dataset.queries):,} positive queries, {len(dataset.negatives):,} negatives, "
        f"{len(dataset.injected)} injected synthetic persons, "
        f"{sum(len(v) for v in dataset.removed.values())} names held out"
    )
    console.print("  " + ", ".join(f"{c} {counts[c]}" for c in ds.CATEGORIES if counts[c]))
    work = RESULTS / "matching-work"  # intermediate files (git-ignored)
    work.mkdir(parents=True, exist_ok=True)
    console.print("[dim]tekser: index, batch, latency, name-only pass, top-10 lists, brute force…[/dim]")
    _, traffic_path = ds.load_or_build_traffic(RESULTS, TRAFFIC_PEOPLE)
    subprocess.run(
        [sys.executable, "-m", "benchmarks.matching.run_tekser", str(path), str(work), str(shared), str(traffic_path)],
        check=True,
        cwd=REPO,
    )
    tekser = json.loads((work / "matching-tekser.json").read_text(encoding="utf-8"))
    peer_rows = peer_summary = None
    versions: dict[str, str] = {}
    if os.environ.get("TEKSER_BENCH_PEER", "1") != "0" and (python := peer_python(console)) is not None:
        versions = peer_versions(python)
        queries = sum(1 for _ in (work / "matching-peer-queries.jsonl").open(encoding="utf-8"))
        console.print(
            f"[dim]logic-v2 ({versions.get('nomenklatura', '?')}): {queries:,} queries "
            f"on {PEER_SHARDS} processes…[/dim]"
        )
        peer_rows, peer_summary = run_peer(python, work)
    cli: dict[str, Any] = {}
    if CLI_SUBJECTS:
        console.print(f"[dim]tekser screen over {CLI_SUBJECTS:,} subjects, with and without --top 10…[/dim]")
        people, _ = ds.load_or_build_traffic(RESULTS, CLI_SUBJECTS)
        subjects = cli_memory.write_subjects(dataset, people, CLI_SUBJECTS, work / f"cli-subjects-{CLI_SUBJECTS}.jsonl")
        del people
        for label, top in (("plain", None), ("top 10", 10)):
            cli[label] = cli_memory.measure(subjects, shared / "lists", top, work / "kept-index")
            console.print(
                f"  {label}: {cli[label]['per_s']:,.0f} subjects/s, peak {cli[label]['peak_pss_mib']:.0f} MiB (PSS)"
            )
    summary = compute(dataset, tekser, peer_rows, peer_summary)
    summary["cli"] = cli
    if summary["peer"]:
        summary["peer"]["versions"] = versions
    summary["run_s"] = time.perf_counter() - started
    console.print(render(summary))
    console.print(render_groups(summary))
    notes = [
        "Recall = share of queries whose expected entry alerts at tekser's default threshold "
        f"({summary['threshold']}); queries carry the entry's date of birth when the list gives one "
        "('no DOB': the same queries, name only).",
        "FPR = share of innocent people's screenings with any alert: real first and last names drawn by frequency "
        "from names-dataset (24 countries; as written and in a passport's Latin form; half with a date of birth); "
        "people whose name folds to a listed name are set aside as homonyms "
        f"({(summary['fpr']['homonyms_set_aside'] or {}).get('population', 0)}). 'no DOB' for FPR: the half without a "
        "date of birth. Hits on the injected synthetic Kazakh/Russian persons count for near misses only.",
        "logic-v2 scores, per query, the expected entry plus the top-10 entries of tekser's candidates "
        "(blocking bound 0.3): it gets no retrieval misses. Its 'equal FPR' threshold is the lowest at which its FPR "
        "on the same negatives does not exceed tekser's.",
    ]
    if peer_summary:
        notes.append(
            f"logic-v2 workload: {peer_summary['queries']:,} queries, {peer_summary['pairs']:,} pairs on "
            f"{PEER_SHARDS} processes (wall {peer_summary['wall_s']:.0f} s, import {peer_summary['import_s']:.1f} s)."
        )
    if peer_summary:
        notes.append(
            "logic-v2 speed rows: queries/s and p50/p99 ms score ~10 given candidates per query (no retrieval), "
            "on 2 processes; 'index build' = its first call (name tagger build); RSS per process."
        )
    fpr_info = summary["fpr"]
    notes.append(
        f"tekser false positives: {fpr_info['false_positive_count']} negatives, of which {fpr_info['homonym_count']} "
        "carry (a spelling of) the matched list name (homonyms, cleared only by other facts); "
        f"FPR without them {fpr_info['fpr_spurious_only']:.2%}."
    )
    speed = summary["speed"]
    notes.append(
        f"Memory: the screening process reads the lists, builds the index ({speed['peak_after_build_mib']:.0f} MiB "
        f"once built) and screens {speed['process_subjects']:,} traffic subjects on one core, its caches growing "
        f"as in a long run. Also: this benchmark's own process {speed['main_peak_mib']:.0f} MiB (dataset, results), "
        f"a traffic worker {speed['traffic_worker_peak_mib']:.0f} MiB (the batch of "
        f"{speed['traffic']['subjects']:,} inherited)."
    )
    if pace := summary["speed"].get("pace_s"):
        notes.append(
            f"Machine pace (a fixed memory-bound Python workload, lower is faster): {pace['start']:.2f} s at the "
            f"start, {pace['end']:.2f} s at the end; speed figures of runs at another pace differ about as much."
        )
    notes.append(f"Run time {summary['run_s'] / 60:.1f} min. Details and misses: benchmarks/results/matching.json")
    for note in notes:
        console.print(f"[dim]• {note}[/dim]")
    (RESULTS / "matching.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0
