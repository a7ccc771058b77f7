"""Building a Screener from the database (active versions under the policy) or from list files."""

from __future__ import annotations

from pathlib import Path

from tekser.domain.policy import Policy
from tekser.errors import InvalidInput, NotFound
from tekser.ingest.lists import registry
from tekser.matching.config import MatchConfig
from tekser.matching.index import ListIndex
from tekser.matching.screener import Screener
from tekser.services import index_cache
from tekser.services.ports import WatchlistStore


def screener_from_store(
    store: WatchlistStore, config: MatchConfig | None = None, lists: list[str] | None = None
) -> Screener:
    """Active versions of every list (or of ``lists``), with the deployment policy applied (the
    index kept between runs for the same versions and policy: tekser.services.index_cache)."""
    active = store.active_versions()
    unknown = sorted(set(lists or ()) - {v.list_id for v in active})
    if unknown:  # a mistyped --list must not read as "nothing imported"
        known = ", ".join(sorted(v.list_id for v in active)) or "none imported yet"
        raise NotFound(f"no list named {', '.join(unknown)} has an active version; known: {known}")
    versions = [v for v in active if lists is None or v.list_id in lists]
    if not versions:
        raise NotFound("no active list version to screen against: import lists first (tekser lists import)")
    policy = Policy(tuple(store.policy_events()))
    labels = {v.list_id: f"{v.label} ({v.content_hash[:12]})" for v in versions}
    key = index_cache.key_of(
        "store", *sorted(f"{v.list_id}:{v.content_hash}" for v in versions), "policy", *policy.describe_all()
    )

    def build() -> index_cache.KeptIndex:
        entries = [entry for version in versions for entry in store.entries(version.id)]
        return index_cache.KeptIndex(ListIndex.build(entries, policy), labels)

    kept, _ = index_cache.kept_index(key, build)
    return Screener.from_index(kept.index, config, policy=policy, versions=kept.versions)


def screener_from_files(path: Path, config: MatchConfig | None = None) -> Screener:
    """Read list files in their native formats (no import, no database): one-off screening (the
    index kept between runs for the same files)."""
    found, _ = registry.discover(path)
    if not found:
        raise InvalidInput(f"{path}: no list file tekser recognises")
    key = index_cache.key_of("files", index_cache.files_digest(source for source, _ in found))

    def build() -> index_cache.KeptIndex:
        entries = []
        versions: dict[str, str] = {}
        for source, reader in found:
            parsed = reader.read(source, None)
            entries.extend(parsed.entries)
            digest = "+".join(f.sha256[:12] for f in parsed.files)
            versions[parsed.list_id] = f"files {source.name} ({digest})"
        return index_cache.KeptIndex(ListIndex.build(entries), versions)

    kept, _ = index_cache.kept_index(key, build)
    return Screener.from_index(kept.index, config, versions=kept.versions)
