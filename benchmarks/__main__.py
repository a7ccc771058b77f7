"""Run every benchmark and print its table: `python -m benchmarks [names...]`."""

from __future__ import annotations

import sys

from benchmarks import api_load, lists_import, matching, messages, screening

BENCHMARKS = {
    "lists": lists_import.main,
    "matching": matching.main,
    "messages": messages.main,
    "screening": screening.main,
    "load": api_load.main,
}


def main(argv: list[str]) -> int:
    wanted = argv or list(BENCHMARKS)
    unknown = [name for name in wanted if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})", file=sys.stderr)
        return 2
    for name in wanted:
        code = BENCHMARKS[name]()
        if code:
            return code
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
