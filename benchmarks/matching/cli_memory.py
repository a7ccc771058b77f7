"""The memory a `tekser screen` run takes over a million subjects, with and without `--top 10`.

The command screens a JSON Lines file of innocent travellers from real name data (1 % listed
persons mixed in, as in the traffic) on two workers, its output thrown away. Every half second
the largest resident set (RSS) of the command and its workers — each a screening process — is
read, and the proportional set size of all of them together (PSS: shared pages counted once,
split between the processes sharing them); their peaks are reported. The lists' index is
kept beforehand (the first run builds it; it is not what is measured).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from benchmarks.matching import dataset as ds

POLL_S = 0.5


def write_subjects(dataset: ds.Dataset, people: list[ds.Query], size: int, path: Path) -> Path:
    if path.exists():
        return path
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for query in ds.traffic(dataset, size, 0.01, seed=ds.SEED + 2, people=people):
            record = {"id": query.id, "name": query.name, "schema": "Person" if query.schema == "person" else None}
            if query.birth_date:
                record["birth_date"] = query.birth_date
            out.write(json.dumps({k: v for k, v in record.items() if v}, ensure_ascii=False) + "\n")
    temporary.replace(path)
    return path


def _memory_mib(process: psutil.Process) -> tuple[float, float]:
    """The PSS of the command and its workers together, and the largest RSS among them."""
    total = largest = 0.0
    for member in [process, *process.children(recursive=True)]:
        try:
            info = member.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += info.pss
        largest = max(largest, info.rss)
    return total / 2**20, largest / 2**20


def measure(subjects: Path, lists: Path, top: int | None, cache: Path) -> dict[str, Any]:
    tekser = str(Path(sys.executable).with_name("tekser"))
    command = [tekser, "screen", "--lists", str(lists), "-i", str(subjects), "-o", os.devnull, "--workers", "2"]
    if top is not None:
        command += ["--top", str(top)]
    env = {**os.environ, "TEKSER_INDEX_CACHE": str(cache)}
    subprocess.run([*command[:4], "-i", os.devnull], env=env, check=True, capture_output=True)  # keep the index
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watched = psutil.Process(child.pid)
    peak = largest = 0.0
    samples = []
    while child.poll() is None:
        try:
            current, process_rss = _memory_mib(watched)
        except psutil.NoSuchProcess:
            break
        peak = max(peak, current)
        largest = max(largest, process_rss)
        samples.append(round(current))
        time.sleep(POLL_S)
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.wait() not in (0, 2):  # (2: some records rejected as invalid, reported on stderr)
        raise RuntimeError(f"tekser screen failed: {stderr[-500:]}")
    seconds = time.perf_counter() - started
    lines = sum(1 for _ in subjects.open(encoding="utf-8"))
    return {
        "top": top,
        "subjects": lines,
        "seconds": seconds,
        "per_s": lines / seconds,
        "peak_pss_mib": peak,
        "peak_process_rss_mib": largest,
        "pss_every_30_s": samples[:: int(30 / POLL_S)],
        "summary": stderr.strip().splitlines()[-1] if stderr.strip() else "",
    }
