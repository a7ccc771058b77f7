"""Name-matching quality and speed benchmark: tekser against nomenklatura logic-v2.

`python -m benchmarks matching` (part of `make bench`). See :mod:`benchmarks.matching.report`.
This package module imports nothing heavy: the peer's process (another venv, without tekser)
imports it too.
"""

from __future__ import annotations


def main() -> int:
    from benchmarks.matching import report

    return report.main()
