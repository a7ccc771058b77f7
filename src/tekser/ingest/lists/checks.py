"""Sanity checks an import must pass before it may become the active version.

Two kinds of problem refuse an import. Hard ones (no entries, too few, entries without a name)
cannot be overridden here. Forceable ones are what a cut-short file looks like but a real
publication can also do: more entries removed than the list's ``max_shrink`` allows, and rows
referring to records absent from the file set (``ParsedList.incomplete``). An operator who has
checked the publication forces those with a reason, recorded with the version.
"""

from __future__ import annotations

from dataclasses import dataclass

from tekser.domain.watchlists import ParsedList
from tekser.ingest.lists.sources import Checks

FORCE_HINT = "(if the publication really is so, force with --force --reason ...)"


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
    removed: int = 0,
    force_reason: str | None = None,
    forced_by: str = "",
) -> CheckOutcome:
    """Check ``parsed`` against the list's limits; ``removed``: active entries absent from it."""
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
    nameless = [entry.key for entry in parsed.entries if not entry.names]
    if nameless:
        problems.append(f"{len(nameless)} entries without a name (first: {nameless[0]})")
    forceable = [f"incomplete file set: {sign}" for sign in parsed.incomplete]
    if active_count:
        share = removed / active_count
        results.update(
            active_entries=active_count,
            removed=removed,
            removed_share=round(share, 4),
            max_shrink=checks.max_shrink,
        )
        if share > checks.max_shrink:
            forceable.append(
                f"{removed} of the {active_count} entries of the active version removed ({share:.1%}), "
                f"more than the {checks.max_shrink:.0%} allowed for {parsed.list_id}"
            )
    if forceable and force_reason and force_reason.strip():
        results["forced"] = {"reason": force_reason.strip(), "by": forced_by, "problems": forceable}
    elif forceable:
        problems.extend(forceable)
        problems.append(FORCE_HINT)
    return CheckOutcome(results=results, problems=tuple(problems))
