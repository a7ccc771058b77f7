"""The screening index is built once per set of lists and kept: a later run loads it, screens
exactly as a fresh build does, and never trusts a damaged, foreign or outdated file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tekser.domain.subjects import Subject, parse_birth_date
from tekser.services import index_cache
from tekser.services.screening import screener_from_files

SUBJECTS = [
    Subject("1", "Askar Nurlanuly", birth_date=parse_birth_date("1975-03-12")),
    Subject("2", "Doku Umarov"),
    Subject("3", "John Smith"),
    Subject("4", "عبد الرحمن الهاشمي"),
]


@pytest.fixture
def lists(fixtures_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "lists"
    shutil.copytree(fixtures_dir / "lists", folder)
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TEKSER_INDEX_CACHE", str(folder))
    return folder


def _results(lists: Path) -> list[dict[str, object]]:
    screener = screener_from_files(lists)
    return [screener.screen(s, top=5).as_dict() for s in SUBJECTS]


def test_a_kept_index_screens_as_a_fresh_build(lists: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEKSER_INDEX_CACHE", "off")
    fresh = _results(lists)
    assert any(r["matches"] for r in fresh)
    monkeypatch.setenv("TEKSER_INDEX_CACHE", str(cache))
    assert _results(lists) == fresh  # built and kept
    kept = list(cache.glob("*.pickle"))
    assert len(kept) == 1
    assert oct(kept[0].stat().st_mode & 0o777) == "0o600"
    calls: list[str] = []
    real_build = index_cache.ListIndex.build
    monkeypatch.setattr(index_cache.ListIndex, "build", lambda *a, **k: calls.append("built") or real_build(*a, **k))
    assert _results(lists) == fresh  # read back, not built
    assert calls == []


def test_other_list_files_make_another_index(lists: Path, cache: Path) -> None:
    _results(lists)
    target = lists / "un" / "consolidated-small.xml"
    target.write_text(target.read_text(encoding="utf-8") + "<!-- a new version -->\n", encoding="utf-8")
    _results(lists)
    assert len(list(cache.glob("*.pickle"))) == 2


def test_a_damaged_or_foreign_index_is_never_read(lists: Path, cache: Path) -> None:
    fresh = _results(lists)
    kept = next(cache.glob("*.pickle"))
    kept.write_bytes(b"not a pickle")
    assert _results(lists) == fresh  # built again, and kept again
    kept = next(cache.glob("*.pickle"))
    assert kept.read_bytes() != b"not a pickle"
    os.chmod(kept, 0o666)  # anyone may write it: never read
    assert index_cache._load(kept) is None


def test_the_code_is_part_of_the_key() -> None:
    assert index_cache.key_of("files", "x") != index_cache.key_of("files", "y")
    assert len(index_cache.code_fingerprint()) == 64
