"""Ingest travel messages: store each raw message once (redacted), parse it, link PNR versions.

Every message is kept — a message that does not parse is stored with its error and can be
parsed again after a fix (``retry``). Re-ingesting the same bytes changes nothing: messages are
keyed by the SHA-256 of what was received. Sensitive data (religious and health SSRs, medical
free text) is dropped by the parsers; the stored copy of a message is re-written from the
parser's own tokens with those segments blanked and card numbers masked (:func:`redact`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from tekser.domain.travel import TravelMessage
from tekser.errors import MessageError
from tekser.ingest.messages import parse_message
from tekser.ingest.messages.edifact import decode, tokenise
from tekser.ingest.messages.manifest import looks_like_manifest
from tekser.ingest.messages.sensitive import SensitiveFilter, default_filter

_FREE_TEXT_TAGS = frozenset({"SSR", "IFT", "LTS", "FTX", "OSI", "REM"})


class TravelStore(Protocol):
    def find(self, sha256: str) -> Any: ...

    # (message id, whether saved now): False when another process saved the same message first
    def save_failed(self, sha256: str, name: str, content: bytes, error: str, at: datetime) -> tuple[int, bool]: ...

    def save_parsed(
        self, sha256: str, name: str, content: bytes, message: TravelMessage, at: datetime, summary: dict[str, Any]
    ) -> tuple[int, bool]: ...

    def messages(self, status: str | None = None, limit: int = 100) -> list[Any]: ...

    def content(self, message_id: int) -> bytes: ...

    def mark_parsed(self, message_id: int, message: TravelMessage, at: datetime, summary: dict[str, Any]) -> bool: ...

    def mark_failed_again(self, message_id: int, error: str) -> None: ...

    def counts(self) -> dict[str, int]: ...


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


_CARD_IN_FOP = re.compile(r"\d{12,19}")
_CARD_ANYWHERE = re.compile(r"(?<!\d)\d{13,19}(?!\d)")
_PIECES = re.compile(r"['’\n]")


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _mask_cards(text: str, tag: str | None) -> str:
    """Card numbers keep their last four digits: every long number of a form of payment, and
    anywhere else any 13–19-digit number that passes the Luhn check."""

    def mask(match: re.Match[str]) -> str:
        digits = match.group(0)
        return "X" * (len(digits) - 4) + digits[-4:]

    if tag == "FOP":
        return _CARD_IN_FOP.sub(mask, text)
    return _CARD_ANYWHERE.sub(lambda m: mask(m) if _luhn(m.group(0)) else m.group(0), text)


def _sensitive(body: str, sensitive: SensitiveFilter) -> bool:
    return any(sensitive.ssr_category(word) for word in _words(body)) or bool(sensitive.text_hit(body))


def redact(text: str, sensitive: SensitiveFilter) -> tuple[str, int]:
    """The copy of a message that is stored: (text, segments blanked).

    The message is re-written from the parser's own tokens (so the delimiters, line wraps and
    curly terminators are read exactly as the parser reads them), one segment per line; every
    free-text or SSR segment the deny-list hits is blanked and card numbers are masked. A
    manifest has no free text and is kept as it is. Text the tokeniser finds no segment in is
    handled by :func:`redact_unreadable`.
    """
    if looks_like_manifest(text):
        return text, 0
    tokens = tokenise(text)
    segments = tokens.segments
    if not segments.tags:
        return redact_unreadable(text, sensitive)
    d = tokens.delimiters
    unpark = segments.syntax[2]
    # escaped service characters were parked while splitting: write them back escaped
    escaped = {code: (d.release or "") + char for code, char in unpark.items()} if unpark else None
    lines = []
    blanked = 0
    for tag, raw in zip(segments.tags, segments.raws, strict=True):
        if tag in _FREE_TEXT_TAGS and _sensitive(raw.translate(unpark) if unpark else raw, sensitive):
            lines.append(f"{tag}{d.element}REDACTED")
            blanked += 1
            continue
        lines.append(_mask_cards(raw.translate(escaped) if escaped else raw, tag))
    una = f"UNA{d.component}{d.element}{d.decimal}{d.release or ' '}{d.repetition or ' '}{d.terminator}"
    end = d.terminator if d.terminator == "\n" else d.terminator + "\n"
    return "".join([una if d.terminator == "\n" else una + "\n", *(line + end for line in lines)]), blanked


def redact_unreadable(text: str, sensitive: SensitiveFilter) -> tuple[str, int]:
    """Text that is not a readable message, blanked conservatively: every piece between any
    plausible terminator (', ’ or a line break) that the deny-list hits, whatever its tag."""
    pieces = _PIECES.split(text)
    marks = _PIECES.findall(text)
    blanked = 0
    out = []
    for index, piece in enumerate(pieces):
        if _sensitive(piece, sensitive):
            piece = (piece.strip()[:3] or "???") + "+REDACTED"
            blanked += 1
        out.append(_mask_cards(piece, None))
        if index < len(marks):
            out.append(marks[index])
    return "".join(out), blanked


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

    def totals(self) -> dict[str, int]:
        """How many messages (parsed, failed), flights, travellers and bookings the database holds."""
        return self.store.counts()

    def ingest(self, data: bytes, name: str) -> IngestOutcome:
        sha256 = hashlib.sha256(data).hexdigest()
        existing = self.store.find(sha256)
        if existing is not None:
            return self._duplicate(name, existing)
        text = _decode(data)
        at = self.clock()
        try:
            message = parse_message(text, name=name, sensitive=self.sensitive)
        except MessageError as error:
            # kept close to what was received (for a retry after a fix), blanked conservatively
            content = redact_unreadable(text, self.sensitive)[0].encode("utf-8")
            message_id, saved = self.store.save_failed(sha256, name, content, str(error), at)
            if not saved:
                return self._duplicate(name, self.store.find(sha256))
            return IngestOutcome(name, "failed", message_id, error=str(error))
        content = redact(text, self.sensitive)[0].encode("utf-8")
        message.sensitive_dropped = self._by_category(message.sensitive_dropped)
        summary = summary_of(message)
        message_id, saved = self.store.save_parsed(sha256, name, content, message, at, summary)
        if not saved:  # another process (a concurrent ingest) stored the same bytes first
            return self._duplicate(name, self.store.find(sha256))
        return self._outcome(name, "ingested", message_id, message, summary)

    @staticmethod
    def _duplicate(name: str, existing: Any) -> IngestOutcome:
        error = existing.error if existing.status == "failed" else None
        return IngestOutcome(name, "duplicate", existing.id, existing.kind, error=error)

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

    def ingest_path(
        self, path: Path, progress: Callable[[str, int, int], None] | None = None
    ) -> Iterator[IngestOutcome]:
        """A file, or every file under a folder (sorted; hidden files skipped)."""
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            files = [path]
        for done, child in enumerate(files):
            if progress is not None:
                progress(f"ingesting {path.name}", done, len(files))
            yield self.ingest(child.read_bytes(), str(child))
        if progress is not None:
            progress(f"ingesting {path.name}", len(files), len(files))

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
            if not self.store.mark_parsed(stored.id, message, self.clock(), summary):
                # another process parsed it again first: its data is stored once
                outcomes.append(IngestOutcome(stored.name, "duplicate", stored.id, str(message.kind)))
                continue
            outcomes.append(self._outcome(stored.name, "reparsed", stored.id, message, summary))
        return outcomes


def _decode(data: bytes) -> str:
    return decode(data)  # the parser's: UTF-8, else the 8-bit set the UNB declares, else Latin-1
