"""The screening index of a set of list versions, built once and kept between runs.

Building the index for UN + OFAC takes two to three seconds (analysing 24,000 names); a command
or a worker that meets the same lists again loads the kept index instead (about half a second).
An index is kept under a key made of everything it depends on: the lists' content (the files'
SHA-256, or the versions' content hashes), the deployment policy, and the code and data tables
that analyse names (so that a new tekser never reads an old index). Kept in a cache folder
(``TEKSER_INDEX_CACHE``, default the user's cache folder; ``TEKSER_INDEX_CACHE=off`` keeps
nothing), written whole or not at all, the four most recently used kept.

A kept index is a pickle: only indexes this process's user wrote are read (the folder is
created private, and a file is read only when it belongs to the same user and nobody else may
write it).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from platformdirs import user_cache_dir

from tekser.matching.index import ListIndex

log = logging.getLogger(__name__)
KEEP = 4  # kept indexes (list sets) at the most
FORMAT = "tekser-index-1"


def cache_folder() -> Path | None:
    setting = os.environ.get("TEKSER_INDEX_CACHE", "")
    if setting.lower() in ("off", "0", "no", "none"):
        return None
    return Path(setting) if setting else Path(user_cache_dir("tekser")) / "index"


@cache
def code_fingerprint() -> str:
    """A digest of the code and data tables an index is made with (tekser.names, tekser.matching)."""
    digest = hashlib.sha256(FORMAT.encode())
    for package in ("tekser.names", "tekser.matching"):
        for item in sorted(_files(resources.files(package)), key=lambda t: t.name):
            digest.update(item.name.encode())
            digest.update(item.read_bytes())
    return digest.hexdigest()


def _files(root: Traversable) -> Iterable[Traversable]:
    stack = [root]
    while stack:
        folder = stack.pop()
        for item in folder.iterdir():
            if item.name == "__pycache__":
                continue
            if item.is_dir():
                stack.append(item)
            elif item.name.endswith((".py", ".yml", ".tsv")):
                yield item


def key_of(*parts: str) -> str:
    return hashlib.sha256("\x00".join((code_fingerprint(), *parts)).encode()).hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """The content of list files (a folder: every file in it), for a key."""
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(file.name.encode())
            with file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class KeptIndex:
    index: ListIndex
    versions: dict[str, str]  # list id → the version label results carry


def kept_index(key: str, build: Callable[[], KeptIndex]) -> tuple[KeptIndex, bool]:
    """The index kept under ``key``, or ``build()`` and keep it; and whether it was kept already."""
    folder = cache_folder()
    path = folder / f"{key}.pickle" if folder is not None else None
    if path is not None and (kept := _load(path)) is not None:
        return kept, True
    kept = build()
    if path is not None:
        _save(path, kept)
    return kept, False


def _trusted(path: Path) -> bool:
    info = path.stat()
    owner = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return owner and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _load(path: Path) -> KeptIndex | None:
    try:
        if not path.is_file() or not _trusted(path) or not _trusted(path.parent):
            return None
        with path.open("rb") as handle:
            kept = pickle.load(handle)
        os.utime(path)  # (recently used: kept longest)
    except Exception as error:  # a damaged or foreign file: build anew, never fail the screening
        log.warning("kept index %s not used: %s", path.name, error)
        return None
    return kept if isinstance(kept, KeptIndex) and isinstance(kept.index, ListIndex) else None


def _save(path: Path, kept: KeptIndex) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".tmp", delete=False) as handle:
            pickle.dump(kept, handle, protocol=pickle.HIGHEST_PROTOCOL)
            temporary = Path(handle.name)
        os.chmod(temporary, 0o600)
        temporary.replace(path)
        newest = sorted(path.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in newest[KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError as error:  # a read-only or full disk: screening goes on without keeping
        log.warning("index not kept in %s: %s", path.parent, error)
