"""The peer: nomenklatura's logic-v2, run in its own venv (benchmarks/.venv-peer) and process.

    benchmarks/.venv-peer/bin/python -m benchmarks.matching.run_peer ENTITIES QUERIES OUT [SHARD COUNT]

Imports nothing from tekser (the peer venv has nomenklatura and its PyICU, not tekser). Reads the
candidate entities (FtM-like dicts) and the queries with their candidate keys, scores every
(query, candidate) pair with ``logic-v2`` and the default ScoringConfig, and writes one JSON line
per query ({"id", "scores", "ms"}) and a final summary line ({"summary": ...}). Every query proxy
gets a unique id: nomenklatura caches analysed names by entity id.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    entities_path, queries_path, out_path = Path(argv[0]), Path(argv[1]), Path(argv[2])
    shard, count = (int(argv[3]), int(argv[4])) if len(argv) > 4 else (0, 1)
    started = time.perf_counter()
    from followthemoney import model
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    import_s = time.perf_counter() - started
    algorithm = get_algorithm("logic-v2")
    if algorithm is None:
        raise SystemExit("logic-v2 not available in this nomenklatura")
    config = ScoringConfig.defaults()
    raw: dict[str, dict[str, Any]] = json.loads(entities_path.read_text(encoding="utf-8"))
    proxies: dict[str, Any] = {}

    def proxy(key: str) -> Any:
        if key not in proxies:
            proxies[key] = model.get_proxy(raw[key])
        return proxies[key]

    queries = [json.loads(line) for line in queries_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    queries = queries[shard::count]

    # the first comparison builds rigour's name tagger: timed apart, as a service pays it once
    started = time.perf_counter()
    warm = model.make_entity("Person")
    warm.id = f"warm-up-{shard}"
    warm.add("name", "Warm Up")
    algorithm.compare(warm, proxy(next(iter(raw))), config)
    first_s = time.perf_counter() - started

    pairs = 0
    started = time.perf_counter()
    with out_path.open("w", encoding="utf-8") as out:
        for number, query in enumerate(queries):
            entity = model.make_entity(query["schema"])
            entity.id = f"peer-query-{query['id']}-{number}"
            entity.add("name", query["name"])
            if query.get("birth_date") and query["schema"] == "Person":
                entity.add("birthDate", query["birth_date"])
            t0 = time.perf_counter()
            scores = {}
            for key in query["candidates"]:
                scores[key] = round(float(algorithm.compare(entity, proxy(key), config).score), 4)
            pairs += len(scores)
            elapsed_ms = (time.perf_counter() - t0) * 1000
            out.write(json.dumps({"id": query["id"], "scores": scores, "ms": round(elapsed_ms, 3)}) + "\n")
        seconds = time.perf_counter() - started
        summary = {
            "shard": shard,
            "queries": len(queries),
            "pairs": pairs,
            "seconds": seconds,
            "import_s": import_s,
            "first_call_s": first_s,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        out.write(json.dumps({"summary": summary}) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
