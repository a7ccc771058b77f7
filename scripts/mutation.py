"""`make mutation`: mutation testing of the core with mutmut, one package at a time, incrementally.

Each core package is mutated against the tests that cover it (``TESTS`` below), in its own
work folder ``.mutmut/<package>/`` that keeps mutmut's cache: a second run re-tests only the
functions whose code changed since (mutmut hashes each function) and the tests added since, so
the first run of a package is the slow one. The surviving mutants are printed at the end, with
the score per package; ``mutmut show NAME`` in the package's folder shows one.

    python scripts/mutation.py [PACKAGE ...] [--only GLOB] [--jobs N]

The tests run on embedded SQLite only (``-m "not postgres and not slow"``): a mutant is
logic, not a database dialect, and every storage test would otherwise run twice per mutant.
Hypothesis runs derandomised (profile ``mutation``), so a mutant is killed or not the same
way each run; tests/conftest.py empties tekser's caches in each mutant's process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).absolute().parents[1]
WORK = REPO / ".mutmut"
# through the interpreter, not the console script: a venv moved or shared between worktrees keeps
# scripts whose first line names a python that may be gone
MUTMUT = [sys.executable, "-m", "mutmut"]
# the core packages and the tests that cover each (what each mutant is run against)
TESTS = {
    "domain": ["tests/domain", "tests/workflow"],  # access, workflow, audit: exercised by the workflow tests
    "names": ["tests/names"],
    "matching": ["tests/matching"],
    "ingest": ["tests/ingest"],
    "services": ["tests/services"],
    "storage": ["tests/storage"],
}
PYTEST_ARGS = ["-m", "not postgres and not slow"]
# mutmut's exit-code names (mutmut/models): what counts against the score
NOT_KILLED = ("survived", "no tests", "suspicious")


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def prepare(package: str, only: str | None) -> Path:
    """The package's work folder: the sources and tests linked, the project's pyproject.toml
    (pytest reads its settings there) with a [tool.mutmut] section for this package."""
    folder = WORK / package
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("src", "tests", "docs"):
        link = folder / name
        if not link.is_symlink():
            link.symlink_to(Path("..") / ".." / name)
    section = "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["src"]',
            'also_copy = ["docs"]',  # tests that read the docs (the access matrix in docs/workflow.md)
            f"only_mutate = {_toml_list([only or f'src/tekser/{package}/*'])}",
            f"pytest_add_cli_args_test_selection = {_toml_list(TESTS[package])}",
            f"pytest_add_cli_args = {_toml_list(PYTEST_ARGS)}",
            "",
        ]
    )
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8") + section
    config = folder / "pyproject.toml"
    if not config.exists() or config.read_text(encoding="utf-8") != text:  # unchanged: mutmut's cache stays valid
        config.write_text(text, encoding="utf-8")
    return folder


def mutmut_run(folder: Path, env: dict[str, str], jobs: int, names: list[str] | None = None) -> int:
    return subprocess.run([*MUTMUT, "run", "--max-children", str(jobs), *(names or [])], cwd=folder, env=env).returncode


def results(folder: Path, env: dict[str, str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """(counts by status, the mutants not killed) of the package's last run."""
    subprocess.run([*MUTMUT, "export-cicd-stats"], cwd=folder, env=env, check=True, capture_output=True)
    stats = json.loads((folder / "mutants" / "mutmut-cicd-stats.json").read_text(encoding="utf-8"))
    listed = subprocess.run([*MUTMUT, "results"], cwd=folder, env=env, check=True, capture_output=True, text=True)
    left = []
    for line in listed.stdout.splitlines():
        name, _, status = line.strip().rpartition(": ")
        if status in NOT_KILLED:
            left.append((name, status))
    return stats, left


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", metavar="PACKAGE", help=f"of {', '.join(TESTS)} (default: all)")
    parser.add_argument("--only", help="mutate only the files matching this glob (src/tekser/names/fold.py)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once (default 1: the machine is shared)")
    args = parser.parse_args()
    if unknown := [p for p in args.packages if p not in TESTS]:
        parser.error(f"not a core package: {', '.join(unknown)}")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the mutated copy is imported, nothing else
    env["HYPOTHESIS_PROFILE"] = "mutation"
    summary = []
    for package in args.packages or list(TESTS):
        folder = prepare(package, args.only)
        print(f"== {package}: mutmut in {folder.relative_to(REPO)} against {' '.join(TESTS[package])}", flush=True)
        if code := mutmut_run(folder, env, args.jobs):
            print(f"mutmut failed on {package} (exit {code})", file=sys.stderr)
            return code
        stats, left = results(folder, env)
        untested = sorted(name for name, status in left if status == "no tests")
        seen = folder / "untested.txt"  # the untested mutants the test map was last rebuilt for
        if untested and (not seen.exists() or seen.read_text(encoding="utf-8").split() != untested):
            # mutmut maps tests to functions once and adds only new tests to the map: a function
            # new or renamed since has no tests in it. Rebuild the map once, then retry those.
            print(f"{len(untested)} mutants without tests: the test map is rebuilt and they are retried", flush=True)
            (folder / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
            if code := mutmut_run(folder, env, args.jobs, untested):
                return code
            stats, left = results(folder, env)
            untested = sorted(name for name, status in left if status == "no tests")
            seen.write_text("\n".join(untested), encoding="utf-8")
        summary.append((package, stats, left))
    print()
    for package, stats, left in summary:
        tested = stats["total"] - stats.get("skipped", 0)
        killed = stats["killed"] + stats.get("timeout", 0)
        score = 100 * killed / tested if tested else 0.0
        print(f"{package}: {killed} of {tested} mutants killed ({score:.1f} %), {len(left)} not killed")
        for name, status in left:
            print(f"    {status:<11} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
