"""Building a Screener from the database (active versions under the policy) or from list files."""

from __future__ import annotations

from pathlib import Path

from tekser.domain.policy import Policy
from tekser.errors import InvalidInput, NotFound
from tekser.ingest.lists import registry
from tekser.matching.config import MatchConfig
from tekser.matching.screener import Screener
from tekser.services.ports import WatchlistStore


def screener_from_store(
    store: WatchlistStore, config: MatchConfig | None = None, lists: list[str] | None = None
) -> Screener:
    """Active versions of every list (or of ``lists``), with the deployment policy applied."""
    versions = [v for v in store.active_versions() if lists is None or v.list_id in lists]
    if not versions:
        raise NotFound("no active list version to screen against: import lists first (tekser lists import)")
    policy = Policy(tuple(store.policy_events()))
    entries = [entry for version in versions for entry in store.entries(version.id)]
    return Screener.from_entries(
        entries, config, policy=policy, versions={v.list_id: f"{v.label} ({v.content_hash[:12]})" for v in versions}
    )


def screener_from_files(path: Path, config: MatchConfig | None = None) -> Screener:
    """Read list files in their native formats (no import, no database): one-off screening."""
    found, _ = registry.discover(path)
    if not found:
        raise InvalidInput(f"{path}: no list file tekser recognises")
    entries = []
    versions: dict[str, str] = {}
    for source, reader in found:
        parsed = reader.read(source, None)
        entries.extend(parsed.entries)
        digest = "+".join(f.sha256[:12] for f in parsed.files)
        versions[parsed.list_id] = f"files {source.name} ({digest})"
    return Screener.from_entries(entries, config, versions=versions)
