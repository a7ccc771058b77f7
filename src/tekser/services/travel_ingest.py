"""Ingest travel messages: store each raw message once (redacted), parse it, link PNR versions.

Every message is kept — a message that does not parse is stored with its error and can be
parsed again after a fix (``retry``). Re-ingesting the same bytes changes nothing: messages are
keyed by the SHA-256 of what was received. Sensitive data (religious and health SSRs, medical
free text) is dropped by the parsers and blanked in the stored copy of the raw message, so it
never reaches the database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from tekser.domain.travel import TravelMessage
from tekser.errors import MessageError
from tekser.ingest.messages import parse_message
from tekser.ingest.messages.sensitive import SensitiveFilter, default_filter

_FREE_TEXT_TAGS = frozenset({"SSR", "IFT", "LTS", "FTX", "OSI", "REM"})


class TravelStore(Protocol):
    def find(self, sha256: str) -> Any: ...

    def save_failed(self, sha256: str, name: str, content: bytes, error: str, at: datetime) -> int: ...

    def save_parsed(
        self, sha256: str, name: str, content: bytes, message: TravelMessage, at: datetime, summary: dict[str, Any]
    ) -> int: ...

    def messages(self, status: str | None = None, limit: int = 100) -> list[Any]: ...

    def content(self, message_id: int) -> bytes: ...

    def mark_parsed(self, message_id: int, message: TravelMessage, at: datetime, summary: dict[str, Any]) -> None: ...

    def mark_failed_again(self, message_id: int, error: str) -> None: ...


@dataclass(slots=True)
class IngestOutcome:
    name: str
    status: str  # ingested | duplicate | failed | reparsed
    message_id: int | None = None
    kind: str | None = None
    travellers: int = 0
    bookings: int = 0
    flights: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    sensitive_dropped: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def _delimiters(text: str) -> tuple[str, str]:
    """(element separator, segment terminator) from UNA, or the defaults."""
    start = text.find("UNA")
    if 0 <= start < 200 and len(text) >= start + 9:
        return text[start + 4], text[start + 8]
    return "+", "'"


def redact(text: str, sensitive: SensitiveFilter) -> tuple[str, int]:
    """Blank every free-text or SSR segment the deny-list hits; returns (text, segments blanked).

    Works on raw text, so it also protects messages that do not parse.
    """
    separator, terminator = _delimiters(text)
    pieces = text.split(terminator)
    blanked = 0
    for index, piece in enumerate(pieces):
        stripped = piece.lstrip()
        if stripped[:3].upper() not in _FREE_TEXT_TAGS:
            continue
        body = stripped[3:]
        code_hit = any(sensitive.ssr_category(word) for word in _words(body))
        if code_hit or sensitive.text_hit(body):
            lead = piece[: len(piece) - len(stripped)]
            pieces[index] = f"{lead}{stripped[:3]}{separator}REDACTED"
            blanked += 1
    return terminator.join(pieces), blanked


def _words(text: str) -> Iterator[str]:
    word = []
    for char in text.upper():
        if char.isalnum():
            word.append(char)
        elif word:
            yield "".join(word)
            word = []
    if word:
        yield "".join(word)


def summary_of(message: TravelMessage) -> dict[str, Any]:
    return {
        "kind": str(message.kind),
        "version": message.version,
        "function": message.function,
        "flights": [f"{leg.flight} {leg.departure_airport}-{leg.arrival_airport}" for leg in message.flights],
        "travellers": len(message.travellers) + sum(len(b.travellers) for b in message.bookings),
        "bookings": len(message.bookings),
        "findings": len(message.findings),
    }


class TravelIngestService:
    def __init__(
        self,
        store: TravelStore,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sensitive: SensitiveFilter | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.sensitive = sensitive or default_filter()

    def ingest(self, data: bytes, name: str) -> IngestOutcome:
        sha256 = hashlib.sha256(data).hexdigest()
        existing = self.store.find(sha256)
        if existing is not None:
            return IngestOutcome(
                name,
                "duplicate",
                existing.id,
                existing.kind,
                error=existing.error if existing.status == "failed" else None,
            )
        text = _decode(data)
        stored, _ = redact(text, self.sensitive)
        content = stored.encode("utf-8")
        at = self.clock()
        try:
            message = parse_message(text, name=name, sensitive=self.sensitive)
        except MessageError as error:
            message_id = self.store.save_failed(sha256, name, content, str(error), at)
            return IngestOutcome(name, "failed", message_id, error=str(error))
        message.sensitive_dropped = self._by_category(message.sensitive_dropped)
        summary = summary_of(message)
        message_id = self.store.save_parsed(sha256, name, content, message, at, summary)
        return self._outcome(name, "ingested", message_id, message, summary)

    def _by_category(self, dropped: dict[str, int]) -> dict[str, int]:
        """Drops counted by category: an SSR code itself would tell what the passenger eats or needs."""
        categories: dict[str, int] = {}
        for key, count in dropped.items():
            category = key if key.startswith("text:") else self.sensitive.ssr_category(key) or "other"
            categories[category] = categories.get(category, 0) + count
        return categories

    def _outcome(
        self, name: str, status: str, message_id: int, message: TravelMessage, summary: dict[str, Any]
    ) -> IngestOutcome:
        return IngestOutcome(
            name=name,
            status=status,
            message_id=message_id,
            kind=str(message.kind),
            travellers=int(summary["travellers"]),
            bookings=len(message.bookings),
            flights=list(summary["flights"]),
            findings=[str(f) for f in message.findings],
            sensitive_dropped=sum(message.sensitive_dropped.values()),
        )

    def ingest_path(self, path: Path) -> Iterator[IngestOutcome]:
        """A file, or every file under a folder (sorted; hidden files skipped)."""
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield self.ingest(child.read_bytes(), str(child))
        else:
            yield self.ingest(path.read_bytes(), str(path))

    def failed(self, limit: int = 100) -> list[Any]:
        return self.store.messages(status="failed", limit=limit)

    def retry(self, message_ids: list[int] | None = None) -> list[IngestOutcome]:
        """Parse stored failed messages again (after a parser fix); nothing is ingested twice."""
        targets = [m for m in self.failed(limit=100_000) if message_ids is None or m.id in message_ids]
        outcomes = []
        for stored in targets:
            text = self.store.content(stored.id).decode("utf-8")
            try:
                message = parse_message(text, name=stored.name, sensitive=self.sensitive)
            except MessageError as error:
                self.store.mark_failed_again(stored.id, str(error))
                outcomes.append(IngestOutcome(stored.name, "failed", stored.id, error=str(error)))
                continue
            message.sensitive_dropped = self._by_category(message.sensitive_dropped)
            summary = summary_of(message)
            self.store.mark_parsed(stored.id, message, self.clock(), summary)
            outcomes.append(self._outcome(stored.name, "reparsed", stored.id, message, summary))
        return outcomes


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")
