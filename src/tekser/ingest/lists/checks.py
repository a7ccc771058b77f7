"""Sanity checks an import must pass before it may become the active version."""

from __future__ import annotations

from dataclasses import dataclass

from tekser.domain.watchlists import ParsedList
from tekser.ingest.lists.sources import Checks


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The result of every check, with the figures it compared; ``problems`` empty means pass."""

    results: dict[str, object]
    problems: tuple[str, ...]


def run_checks(
    parsed: ParsedList,
    checks: Checks,
    *,
    active_count: int | None,
    accept_shrink_reason: str | None = None,
) -> CheckOutcome:
    count = len(parsed.entries)
    problems: list[str] = []
    results: dict[str, object] = {"entries": count, "min_entries": checks.min_entries}
    if count == 0:
        problems.append("no entries: the file is empty or not a list of this kind")
    elif count < checks.min_entries:
        problems.append(
            f"only {count} entries, fewer than the minimum of {checks.min_entries} for {parsed.list_id} "
            "(truncated file or wrong feed?)"
        )
    if active_count:
        shrink = (active_count - count) / active_count
        results.update(active_entries=active_count, shrink=round(shrink, 4), max_shrink=checks.max_shrink)
        if shrink > checks.max_shrink:
            if accept_shrink_reason:
                results["shrink_accepted"] = accept_shrink_reason
            else:
                problems.append(
                    f"{count} entries against {active_count} in the active version: a drop of {shrink:.1%}, "
                    f"more than the {checks.max_shrink:.0%} allowed (accept with --accept-shrink --reason ...)"
                )
    nameless = [entry.key for entry in parsed.entries if not entry.names]
    if nameless:
        problems.append(f"{len(nameless)} entries without a name (first: {nameless[0]})")
    return CheckOutcome(results=results, problems=tuple(problems))
