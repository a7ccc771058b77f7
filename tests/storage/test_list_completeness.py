"""Lists that shrink without anyone noticing: cut files, dangling rows and large shrinks are refused
through the service (the active version stays, the refused files are kept), unless an operator forces
what may be a real publication, with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tekser.ingest.lists.sources import load_sources
from tekser.services.watchlists import WatchlistService
from tekser.storage.audit import SqlAuditStore
from tekser.storage.database import open_database
from tekser.storage.watchlists import SqlWatchlistStore

SMALL = 3  # the synthetic fixtures are far below the real lists' minimum sizes


@pytest.fixture
def damage(fixtures_dir: Path) -> Path:
    return fixtures_dir / "list-damage"


def _good_ofac(service: WatchlistService, fixtures_dir: Path) -> None:
    (first,) = service.import_path(fixtures_dir / "lists" / "ofac", actor="alice", min_entries=SMALL)
    assert first.status == "imported"


def test_an_ofac_file_cut_at_a_line_boundary_is_refused_even_forced(
    service: WatchlistService, fixtures_dir: Path, damage: Path
) -> None:
    _good_ofac(service, fixtures_dir)
    cut = damage / "ofac-cut"
    for force in (None, "the feed is fine, trust me"):
        (outcome,) = service.import_path(cut, actor="bob", min_entries=SMALL, force_reason=force)
        assert outcome.status == "refused"
        assert outcome.reason == (
            f"{cut / 'sdn.csv'}: no end-of-file marker: the last line holding SUB (0x1A) is missing after 5 rows, "
            "so the file may be cut short (truncated download or copy)"
        )
    assert [v.label for v in service.active_versions()] == ["ofac@1"]
    failure = service.failures()[0]
    assert failure.reason == outcome.reason
    assert service.store.failure_file(failure.id, "sdn.csv") == (cut / "sdn.csv").read_bytes()


def test_rows_referring_to_absent_entries_refuse_the_first_import(service: WatchlistService, damage: Path) -> None:
    # no active version, so no shrink: the dangling alias alone refuses the set
    (outcome,) = service.import_path(damage / "ofac-dangling", actor="alice", min_entries=SMALL)
    assert outcome.status == "refused"
    assert outcome.reason == (
        "incomplete file set: alt.csv: 1 rows refer to an ent_num absent from sdn.csv (90004); "
        "(if the publication really is so, force with --force --reason ...)"
    )
    assert service.active_versions() == []
    assert {f.name for f in service.failures()[0].files} == {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"}


def test_a_dangling_and_shrunk_set_is_imported_only_when_forced_with_a_reason(
    service: WatchlistService, engine: Engine, fixtures_dir: Path, damage: Path
) -> None:
    _good_ofac(service, fixtures_dir)
    (refused,) = service.import_path(damage / "ofac-dangling", actor="bob", min_entries=SMALL)
    assert refused.status == "refused"
    problems = [
        "incomplete file set: alt.csv: 1 rows refer to an ent_num absent from sdn.csv (90004)",
        "3 of the 6 entries of the active version removed (50.0%), more than the 5% allowed for ofac",
    ]
    assert refused.reason == "; ".join(
        [*problems, "(if the publication really is so, force with --force --reason ...)"]
    )
    assert [v.label for v in service.active_versions()] == ["ofac@1"]

    reason = "OFAC delisted 90004-90006 on 2026-12-01 (recent actions notice checked)"
    (forced,) = service.import_path(damage / "ofac-dangling", actor="carol", min_entries=SMALL, force_reason=reason)
    assert forced.status == "imported"
    assert forced.version is not None and forced.version.label == "ofac@2"
    assert forced.version.checks["forced"] == {"reason": reason, "by": "carol", "problems": problems}
    assert forced.removed == 3
    assert [w for w in forced.warnings if w.startswith("forced")] == [
        f"forced by carol ({reason}): {p}" for p in problems
    ]
    (event,) = [r.event for r in SqlAuditStore(engine).records() if r.event.object_id == "ofac" and r.event.purpose]
    assert (event.action, event.actor, event.purpose) == ("list.import", "carol", reason)


def test_the_real_ofac_set_cut_by_two_percent_is_refused(tmp_path: Path, shared_data: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'lists.sqlite'}")
    try:
        service = WatchlistService(SqlWatchlistStore(engine), load_sources())
        folder = tmp_path / "ofac"
        shutil.copytree(shared_data / "lists" / "ofac", folder)
        (first,) = service.import_path(folder, actor="alice")
        assert first.status == "imported", first.reason
        lines = (folder / "sdn.csv").read_bytes().splitlines(keepends=True)
        kept = lines[: len(lines) - len(lines) // 50]  # 2 % of the rows gone, and the SUB line with them
        (folder / "sdn.csv").write_bytes(b"".join(kept))
        (cut,) = service.import_path(folder, actor="alice")
        assert cut.status == "refused"
        assert f"{folder / 'sdn.csv'}: no end-of-file marker" in (cut.reason or "")
        # even with a SUB line put back, the aliases and addresses of the lost entries refuse it
        (folder / "sdn.csv").write_bytes(b"".join(kept) + b"\x1a")
        (marked,) = service.import_path(folder, actor="alice")
        assert marked.status == "refused"
        assert "incomplete file set: alt.csv:" in (marked.reason or "")
        assert "incomplete file set: add.csv:" in (marked.reason or "")
        assert "entries of the active version removed" not in (marked.reason or "")  # 2 %: within the limit
        assert [v.label for v in service.active_versions()] == ["ofac@1"]
        assert [v.entry_count for v in service.active_versions()] == [first.version.entry_count]  # type: ignore[union-attr]
    finally:
        engine.dispose()
