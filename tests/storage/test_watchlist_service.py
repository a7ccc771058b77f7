"""Versions, refusals, diffs and policy through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tekser.domain.policy import PolicyScope
from tekser.errors import Conflict, InvalidInput
from tekser.ingest.lists import registry
from tekser.ingest.lists.sources import load_sources
from tekser.services.ports import NewVersion
from tekser.services.watchlists import WatchlistService
from tekser.storage.audit import SqlAuditStore
from tekser.storage.tables import metadata
from tekser.storage.watchlists import SqlWatchlistStore

SMALL = 3  # the synthetic fixtures are far below the real lists' minimum sizes


@pytest.fixture
def un_file(fixtures_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "un" / "consolidated.xml"
    path.parent.mkdir()
    path.write_bytes((fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_bytes())
    return path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_schema_matches_the_migrations(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_import_creates_an_active_version_with_counts(service: WatchlistService, un_file: Path) -> None:
    (outcome,) = service.import_path(un_file, actor="alice", min_entries=SMALL)
    assert outcome.status == "imported"
    version = outcome.version
    assert version is not None
    assert (version.label, version.active, version.imported_by, version.entry_count) == ("un@1", True, "alice", 6)
    assert version.counts["person"] == 4
    assert version.counts["organization"] == 2
    assert version.counts["aliases_weak"] == 2
    assert version.counts["documents"] == 5
    assert version.checks["min_entries_override"] == "3 (set by alice)"
    assert [f.name for f in version.files] == ["consolidated.xml"]
    assert [v.label for v in service.active_versions()] == ["un@1"]


def test_reimporting_the_same_content_is_not_a_new_version(service: WatchlistService, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    # different bytes (an XML comment), same content
    _edit(un_file, "<INDIVIDUALS>", "<!-- re-published -->\n  <INDIVIDUALS>")
    (outcome,) = service.import_path(un_file, actor="bob", min_entries=SMALL)
    assert outcome.status == "unchanged"
    assert [v.label for v in service.versions("un")] == ["un@1"]


def test_new_version_and_field_level_diff(service: WatchlistService, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    _edit(un_file, "<DATE>1975-03-12</DATE>", "<DATE>1975-03-13</DATE>")
    _edit(un_file, "<NUMBER>N-0098765</NUMBER>", "<NUMBER>N-0098766</NUMBER>")
    _edit(un_file, "<REFERENCE_NUMBER>KPe.901 </REFERENCE_NUMBER>", "<REFERENCE_NUMBER>KPe.902</REFERENCE_NUMBER>")
    # one of six entries removed is beyond the 5 % limit: forced, as an operator would
    (outcome,) = service.import_path(un_file, actor="alice", min_entries=SMALL, force_reason="KPe.901 renumbered")
    assert outcome.status == "imported"
    assert (outcome.added, outcome.removed, outcome.changed) == (1, 1, 2)
    after = service.resolve("un")
    assert after.label == "un@2"
    before = service.resolve("un@1")
    assert not before.active
    diff = service.diff(before, after)
    assert [c.key for c in diff.added] == ["un:KPe.902"]
    assert [c.key for c in diff.removed] == ["un:KPe.901"]
    changed = {c.key: {f.field: (f.added, f.removed) for f in c.fields} for c in diff.changed}
    assert set(changed) == {"un:QDi.901", "un:QDi.902"}
    assert changed["un:QDi.901"] == {
        "birth_dates": (("1975-03-13 (INDIVIDUAL_DATE_OF_BIRTH[1])",), ("1975-03-12 (INDIVIDUAL_DATE_OF_BIRTH[1])",))
    }
    assert changed["un:QDi.902"] == {
        "documents": (
            ("N-0098766 (passport, INDIVIDUAL_DOCUMENT[1])",),
            ("N-0098765 (passport, INDIVIDUAL_DOCUMENT[1])",),
        )
    }
    # every version is kept and still readable
    assert len(list(service.entries(before))) == 6


def test_a_new_version_of_one_list_leaves_the_other_lists_active(
    service: WatchlistService, fixtures_dir: Path, un_file: Path
) -> None:
    # activating un@2 must replace only UN's active version: OFAC stays screened
    service.import_path(fixtures_dir / "lists" / "ofac", actor="alice", min_entries=SMALL)
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    _edit(un_file, "<DATE>1975-03-12</DATE>", "<DATE>1975-03-13</DATE>")
    (outcome,) = service.import_path(un_file, actor="alice", min_entries=SMALL)
    assert outcome.status == "imported"
    assert [v.label for v in service.active_versions()] == ["ofac@1", "un@2"]
    assert service.resolve("ofac").label == "ofac@1"


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda data: b"", "the file is empty"),
        (lambda data: data[: len(data) // 2], "not well-formed XML"),
        (lambda data: data.replace(b"</ENTITIES>", b"</ENTITIE>"), "not well-formed XML"),
        (lambda data: data.replace(b"CONSOLIDATED_LIST", b"SANCTIONS_LIST"), "not a list file"),
    ],
    ids=["empty", "truncated", "corrupt", "foreign"],
)
def test_refused_files_leave_the_active_version_active(
    service: WatchlistService, un_file: Path, damage: object, reason: str
) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    good = un_file.read_bytes()
    bad = damage(good)  # type: ignore[operator]
    un_file.write_bytes(bad)
    (outcome,) = service.import_path(un_file, actor="alice", min_entries=SMALL)
    assert outcome.status == "refused"
    assert reason in (outcome.reason or "")
    assert str(un_file) in (outcome.reason or "")
    assert [v.label for v in service.active_versions()] == ["un@1"]
    assert [v.label for v in service.versions()] == ["un@1"]
    # the refused file is kept, byte for byte, with its reason
    (failure,) = service.failures()
    assert failure.reason == outcome.reason
    assert service.store.failure_file(failure.id, "consolidated.xml") == bad


def test_too_small_a_file_is_refused_by_the_list_minimum(service: WatchlistService, un_file: Path) -> None:
    (outcome,) = service.import_path(un_file, actor="alice")
    assert outcome.status == "refused"
    assert "only 6 entries, fewer than the minimum of 500 for un" in (outcome.reason or "")
    assert service.active_versions() == []


def test_a_large_shrink_needs_a_forced_reason(service: WatchlistService, engine: Engine, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    text = un_file.read_text(encoding="utf-8")
    start = text.index("<ENTITY>")
    end = text.index("</ENTITY>", text.index("</ENTITY>") + 1) + len("</ENTITY>")
    un_file.write_text(text[:start] + text[end:], encoding="utf-8")  # both entities gone: 6 → 4
    (refused,) = service.import_path(un_file, actor="alice", min_entries=SMALL)
    assert refused.status == "refused"
    assert "2 of the 6 entries of the active version removed (33.3%), more than the 5% allowed for un" in (
        refused.reason or ""
    )
    assert "--force --reason" in (refused.reason or "")
    assert [v.label for v in service.active_versions()] == ["un@1"]
    (failure,) = service.failures()
    assert failure.reason == refused.reason
    (blank,) = service.import_path(un_file, actor="alice", min_entries=SMALL, force_reason="  ")
    assert blank.status == "refused"  # a blank reason is no reason
    (accepted,) = service.import_path(
        un_file, actor="bob", min_entries=SMALL, force_reason="entities delisted by SC on 2026-10-02"
    )
    assert accepted.status == "imported"
    assert accepted.version is not None
    assert accepted.version.checks["forced"] == {
        "reason": "entities delisted by SC on 2026-10-02",
        "by": "bob",
        "problems": ["2 of the 6 entries of the active version removed (33.3%), more than the 5% allowed for un"],
    }
    assert accepted.version.checks["removed"] == 2
    assert accepted.removed == 2
    forced = "forced by bob (entities delisted by SC on 2026-10-02): 2 of the 6"
    assert any(w.startswith(forced) for w in accepted.warnings)
    # the reason is the purpose of the audit event of the import
    imports = [r.event for r in SqlAuditStore(engine).records() if r.event.action == "list.import"]
    assert [e.purpose for e in imports] == ["", "entities delisted by SC on 2026-10-02"]
    assert imports[1].details["checks"]["forced"]["by"] == "bob"


def test_an_equal_count_that_replaces_entries_is_a_shrink(service: WatchlistService, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    _edit(un_file, "<REFERENCE_NUMBER>KPe.901 </REFERENCE_NUMBER>", "<REFERENCE_NUMBER>KPe.902</REFERENCE_NUMBER>")
    (refused,) = service.import_path(un_file, actor="alice", min_entries=SMALL)
    assert refused.status == "refused"  # six entries as before, but one of them removed: 16.7 %
    assert "1 of the 6 entries of the active version removed (16.7%)" in (refused.reason or "")


def test_the_shrink_limit_is_a_setting_per_list(engine: Engine, un_file: Path, tmp_path: Path) -> None:
    override = tmp_path / "sources.yml"
    override.write_text("lists:\n  un:\n    checks: {max_shrink: 0.2}\n", encoding="utf-8")
    service = WatchlistService(SqlWatchlistStore(engine), load_sources(override))
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    _edit(un_file, "<REFERENCE_NUMBER>KPe.901 </REFERENCE_NUMBER>", "<REFERENCE_NUMBER>KPe.902</REFERENCE_NUMBER>")
    (outcome,) = service.import_path(un_file, actor="alice", min_entries=SMALL)
    assert outcome.status == "imported"  # 16.7 % removed, within 20 %
    assert outcome.version is not None
    assert outcome.version.checks["max_shrink"] == 0.2
    assert "forced" not in outcome.version.checks


def test_a_concurrent_activation_is_a_conflict(service: WatchlistService, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    new = NewVersion("un", "un-xml/1", "x", service.clock(), None, "bob", "0" * 64, {}, (), {}, {})
    with pytest.raises(Conflict, match="changed during the import"):
        service.store.save_version(new, [], [], expected_active_id=None)
    assert [v.label for v in service.versions()] == ["un@1"]


def test_a_reader_crash_is_recorded_and_surfaces(
    service: WatchlistService, un_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(path: Path, list_id: str | None) -> None:
        raise RuntimeError("boom")

    reader = registry.Reader("un-xml", "test", "un", lambda p: True, broken)  # type: ignore[arg-type]
    with pytest.raises(RuntimeError, match="boom"):
        service.import_source(un_file, reader, actor="alice")
    (failure,) = service.failures()
    assert failure.reason == "internal error while reading: RuntimeError: boom"


def test_policy_excludes_programmes_and_lists_with_who_and_why(service: WatchlistService, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    entries = {e.key: e for e in service.active_entries()}
    service.set_policy("un", PolicyScope.CATEGORY, "proliferation", enabled=False, actor="dpo", reason="out of scope")
    policy = service.policy()
    assert not policy.allows(entries["un:KPi.901"])
    assert policy.allows(entries["un:QDi.901"])
    (line,) = policy.describe("un")
    assert line.startswith("category 'proliferation' disabled by dpo on ") and line.endswith(": out of scope")
    service.set_policy("un", PolicyScope.CATEGORY, "PROLIFERATION", enabled=True, actor="dpo", reason="back")
    assert service.policy().allows(entries["un:KPi.901"])
    service.set_policy("un", PolicyScope.LIST, "", enabled=False, actor="admin", reason="suspended")
    assert not service.policy().allows(entries["un:QDi.901"])
    assert len(service.policy().events) == 3


def test_policy_changes_are_validated(service: WatchlistService, un_file: Path) -> None:
    service.import_path(un_file, actor="alice", min_entries=SMALL)
    with pytest.raises(InvalidInput, match=r"a reason is required"):
        service.set_policy("un", PolicyScope.LIST, "", enabled=False, actor="dpo", reason=" ")
    with pytest.raises(InvalidInput, match=r"un has no programme 'Al-Qaeda' in un@1 \(known: Al-Qaida, DPRK\)"):
        service.set_policy("un", PolicyScope.PROGRAMME, "Al-Qaeda", enabled=False, actor="dpo", reason="typo")
    with pytest.raises(InvalidInput, match="unknown list 'unn'"):
        service.set_policy("unn", PolicyScope.LIST, "", enabled=False, actor="dpo", reason="typo")
    assert service.policy().events == ()
