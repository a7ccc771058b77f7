"""Airline messages in, :class:`~tekser.domain.travel.TravelMessage` out: PAXLST (API) and PNRGOV (PNR).

tekser's CSV/JSON manifest (rail, sea, road, charter; :mod:`.manifest`) is recognised and read too.

    parse_message(data, name=...)   one TravelMessage (several messages of one kind merged)
    parse_messages(data, name=...)  one TravelMessage per message in the interchange

Both are pure (no I/O) and raise only :class:`~tekser.errors.MessageError`, for input that
cannot be read at all; everything recoverable is a :class:`~tekser.domain.travel.Finding`.
Sensitive SSRs and free text are dropped inside the parsers (see :mod:`.sensitive`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import TypeAdapter

from tekser.domain.travel import Finding, TravelMessage
from tekser.errors import MessageError, quoted
from tekser.ingest.messages.charset import REPLACEMENT, charset_findings, replace_controls
from tekser.ingest.messages.edifact import Tokens, decode, tokenise
from tekser.ingest.messages.envelope import EdifactMessage, Interchange, read_interchange
from tekser.ingest.messages.manifest import looks_like_manifest, parse_manifest
from tekser.ingest.messages.paxlst import parse_paxlst
from tekser.ingest.messages.pnrgov import parse_pnrgov
from tekser.ingest.messages.sensitive import SensitiveFilter, default_filter
from tekser.ingest.messages.values import Context

__all__ = ["message_to_dict", "parse_message", "parse_messages"]

SUPPORTED = ("PAXLST", "PNRGOV")
_ADAPTER: TypeAdapter[TravelMessage] = TypeAdapter(TravelMessage)


def _kind(message: EdifactMessage, name: str) -> str:
    kind = message.message_type or (message.header.get(1) if message.header else "")
    if kind in SUPPORTED:
        return kind
    shown = kind or "(none)"
    raise MessageError(
        f"message type {quoted(shown)} is not supported (PAXLST and PNRGOV are)",
        message=name,
        segment=message.header.position,
        tag="UNH",
        element="2",
    )


def _one(message: EdifactMessage, interchange: Interchange, name: str, sensitive: SensitiveFilter) -> TravelMessage:
    kind = _kind(message, name)
    reference = interchange.prepared.date() if interchange.prepared else date.today()
    ctx = Context(name=name, sensitive=sensitive, reference=reference)
    ctx.findings.extend(message.findings)
    if not message.segments:
        raise MessageError("message has no segments between UNH and UNT", message=name, segment=message.header.position)
    parsed = parse_paxlst(message, interchange, ctx) if kind == "PAXLST" else parse_pnrgov(message, interchange, ctx)
    parsed.findings = [*interchange.findings, *ctx.finish()]
    parsed.sensitive_dropped = dict(ctx.dropped)
    return parsed


def parse_messages(
    data: bytes | str, *, name: str = "message", sensitive: SensitiveFilter | None = None
) -> list[TravelMessage]:
    """Every message of an interchange (multi-part messages reassembled), in order; a manifest is one."""
    if looks_like_manifest(data):  # tekser's CSV/JSON manifest (rail, sea, road, charter)
        return [parse_manifest(data, name=name, sensitive=sensitive)]
    text = decode(data)
    if not text.strip():
        raise MessageError("empty message", message=name)
    text, replaced = replace_controls(text)  # never an invisible control in a name
    tokens = tokenise(text)
    interchange = read_interchange(tokens, name)
    # the segments, not the text: a ’ read as the terminator is no character of the message
    read = text if text.isascii() else _segments_text(tokens)
    interchange.findings.extend(charset_findings(read, interchange.syntax, replaced, _holding(tokens, replaced)))
    deny = sensitive or default_filter()
    results = [_one(m, interchange, name, deny) for m in interchange.messages]
    for later in results[1:]:  # envelope findings belong to the interchange: report them once
        later.findings = [f for f in later.findings if f not in interchange.findings]
    return results


def _segments_text(tokens: Tokens) -> str:
    """The segments' texts as read (released service characters put back)."""
    joined = "".join(tokens.segments.raws)
    unpark = tokens.segments.syntax[2]
    return joined.translate(unpark) if unpark is not None else joined


def _holding(tokens: Tokens, replaced: list[str]) -> list[int]:
    """Positions of the segments where C1 controls were replaced (none looked for when none were)."""
    if not replaced:
        return []
    segments = tokens.segments
    return [p for p, raw in zip(segments.positions, segments.raws, strict=True) if REPLACEMENT in raw]


def _merge(messages: list[TravelMessage], name: str) -> TravelMessage:
    kinds = {m.kind for m in messages}
    if len(kinds) > 1:
        raise MessageError(
            f"interchange mixes {' and '.join(sorted(kinds))} messages: send one file per kind", message=name
        )
    merged = messages[0]
    for other in messages[1:]:
        merged.flights.extend(leg for leg in other.flights if leg not in merged.flights)
        merged.travellers.extend(other.travellers)
        merged.bookings.extend(other.bookings)
        merged.findings.extend(other.findings)
        merged.parts += other.parts
        for key, count in other.declared_counts.items():
            merged.declared_counts[key] = merged.declared_counts.get(key, 0) + count
        for key, count in other.sensitive_dropped.items():
            merged.sensitive_dropped[key] = merged.sensitive_dropped.get(key, 0) + count
    merged.findings.append(Finding(None, "UNH", None, f"interchange carries {len(messages)} messages: merged into one"))
    return merged


def parse_message(
    data: bytes | str, *, name: str = "message", sensitive: SensitiveFilter | None = None
) -> TravelMessage:
    """The message in ``data`` (PAXLST or PNRGOV, detected from UNH, or a manifest); several are merged."""
    messages = parse_messages(data, name=name, sensitive=sensitive)
    return messages[0] if len(messages) == 1 else _merge(messages, name)


def message_to_dict(message: TravelMessage) -> dict[str, Any]:
    """JSON-ready form of a parsed message (dates as ISO text, findings as objects and text)."""
    data: dict[str, Any] = _ADAPTER.dump_python(message, mode="json")
    data["findings"] = [{**f, "text": str(message.findings[i])} for i, f in enumerate(data["findings"])]
    return data
