"""The list readers tekser knows, format detection and folder discovery."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tekser.domain.watchlists import ParsedList
from tekser.errors import InvalidInput, SourceError
from tekser.ingest.lists import eu, ftm, kz, national, ofac, uk, un


@dataclass(frozen=True, slots=True)
class Reader:
    format: str
    description: str
    list_id: str | None  # None: the list id comes from the file or the caller
    sniff: Callable[[Path], bool]
    read: Callable[[Path, str | None], ParsedList]


def _fixed(module_read: Callable[[Path], ParsedList], list_id: str) -> Callable[[Path, str | None], ParsedList]:
    def read(path: Path, requested: str | None) -> ParsedList:
        if requested not in (None, list_id):
            raise InvalidInput(f"{path}: this format always loads list {list_id!r}, not {requested!r}")
        return module_read(path)

    return read


READERS: tuple[Reader, ...] = (
    Reader(
        "un-xml",
        "UN Security Council consolidated list XML",
        un.LIST_ID,
        un.sniff,
        _fixed(un.read, un.LIST_ID),
    ),
    Reader("ofac-csv", "OFAC SDN legacy CSV set", ofac.LIST_ID, ofac.sniff, _fixed(ofac.read, ofac.LIST_ID)),
    Reader("eu-fsf-xml", "EU Financial Sanctions Files XML", eu.LIST_ID, eu.sniff, _fixed(eu.read, eu.LIST_ID)),
    Reader("uk-fcdo", "UK Sanctions List (FCDO) XML or CSV", uk.LIST_ID, uk.sniff, _fixed(uk.read, uk.LIST_ID)),
    Reader("kz-afm-xml", "Kazakhstan AFM lists XML", kz.LIST_ID, kz.sniff, _fixed(kz.read, kz.LIST_ID)),
    Reader("ftm", "FollowTheMoney entity JSON lines (OpenSanctions)", None, ftm.sniff, ftm.read),
    Reader(
        "national",
        "national / internal list CSV or JSON (docs/formats/national-list.md)",
        None,
        national.sniff,
        national.read,
    ),
)


def formats() -> dict[str, Reader]:
    return {reader.format: reader for reader in READERS}


def detect(path: Path) -> Reader | None:
    for reader in READERS:
        try:
            if reader.sniff(path):
                return reader
        except OSError:
            continue
    return None


def reader_for(path: Path, format_name: str | None = None) -> Reader:
    if format_name:
        try:
            return formats()[format_name]
        except KeyError:
            known = ", ".join(formats())
            raise InvalidInput(f"unknown list format {format_name!r} (known: {known})") from None
    reader = detect(path)
    if reader is None:
        raise SourceError(str(path), "not a list file tekser recognises (use --format to name its format)")
    return reader


def discover(path: Path) -> tuple[list[tuple[Path, Reader]], list[Path]]:
    """List sources under ``path``: ``([(source, reader)], [skipped files])``.

    A file or a folder a reader recognises (the OFAC CSV set) is one source; any other folder
    is searched recursively. Files no reader recognises are returned so they can be reported.
    """
    if not path.exists():
        raise SourceError(str(path), "no such file or folder")
    reader = detect(path)
    if reader is not None:
        return [(path, reader)], []
    if path.is_file():
        return [], [path]
    found: list[tuple[Path, Reader]] = []
    skipped: list[Path] = []
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            continue
        child_found, child_skipped = discover(child)
        found.extend(child_found)
        skipped.extend(child_skipped)
    return found, skipped


def source_files(path: Path) -> list[Path]:
    """The files a source consists of (for keeping them with a version or a failure)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return []
