"""EDIFACT envelopes: UNB/UNG/UNH/UNT/UNE/UNZ, control counts and multi-part reassembly.

Wrong counts and references are carrier-compliance findings, not rejections: the payload is
still read. Only an input without any ``UNH`` is refused here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from tekser.domain.travel import Finding
from tekser.errors import MessageError, quoted
from tekser.ingest.messages.edifact import (
    Delimiters,
    Segment,
    Segments,
    Tokens,
    is_digits,
    join_segments,
    no_segments,
    resynchronise,
)

KNOWN_SYNTAXES = frozenset({"UNOA", "UNOB", "UNOC", "UNOD", "UNOE", "UNOF", "UNOW", "UNOY", "IATA", "IATB", "SIRE"})
_SEQUENCE = re.compile(r"0*(\d{1,3})")
_SERVICE = frozenset({"UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})


@dataclass(slots=True)
class Interchange:
    delimiters: Delimiters
    syntax: str | None = None
    sender: str | None = None
    recipient: str | None = None
    prepared: datetime | None = None
    reference: str | None = None
    findings: list[Finding] = field(default_factory=list)
    messages: list[EdifactMessage] = field(default_factory=list)


@dataclass(slots=True)
class EdifactMessage:
    """The segments between UNH and UNT (exclusive); several parts after reassembly."""

    header: Segment
    reference: str
    message_type: str
    version: str | None
    common_access: str | None
    sequence: int | None
    last: bool | None  # UNH sequence mark: True "F", False "C", None absent
    segments: Segments = field(default_factory=no_segments)
    part_starts: list[int] = field(default_factory=lambda: [0])
    findings: list[Finding] = field(default_factory=list)
    parts: int = 1
    group_sender: str | None = None


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if is_digits(text) and len(text) < 10 else None


def edifact_datetime(day: str, time: str = "") -> datetime | None:
    """UNB/UNG date (YYMMDD or CCYYMMDD) and time (HHMM); None when unreadable."""
    day, time = day.strip(), time.strip()
    try:
        if len(day) == 6 and is_digits(day):
            year = 2000 + int(day[:2]) if int(day[:2]) < 70 else 1900 + int(day[:2])
            rest = day[2:]
        elif len(day) == 8 and is_digits(day):
            year, rest = int(day[:4]), day[4:]
        else:
            return None
        hour, minute = (int(time[:2]), int(time[2:4])) if len(time) >= 4 and is_digits(time[:4]) else (0, 0)
        return datetime(year, int(rest[:2]), int(rest[2:4]), hour, minute)
    except ValueError:
        return None


def _open_message(header: Segment) -> EdifactMessage:
    identifier = header.element(1)
    kind = identifier[0].strip().upper() if identifier else ""
    version = ":".join(c.strip() for c in identifier[1:3]) if len(identifier) > 2 else None
    sequence_parts = header.element(3)
    sequence = None
    last: bool | None = None
    if sequence_parts and sequence_parts[0].strip():
        match = _SEQUENCE.fullmatch(sequence_parts[0].strip())
        sequence = int(match.group(1)) if match else None
        mark = sequence_parts[1].strip().upper() if len(sequence_parts) > 1 else ""
        last = True if mark == "F" else False if mark == "C" else None
    return EdifactMessage(
        header=header,
        reference=header.get(0),
        message_type=kind,
        version=version or None,
        common_access=header.get(2) or None,
        sequence=sequence,
        last=last,
    )


class _Walk:
    """One pass over the interchange's segments, checking the envelope as it goes."""

    def __init__(self, tokens: Tokens) -> None:
        self.interchange = Interchange(tokens.delimiters, findings=list(tokens.findings))
        self.findings = self.interchange.findings
        self.segments = tokens.segments
        self.message: EdifactMessage | None = None
        self.message_start = 0
        self.runs: list[Segments] = []  # the open message's segments, between service segments
        self.group_reference: str | None = None
        self.group_sender: str | None = None
        self.group_count = 0
        self.groups = 0
        self.stray = 0

    def note(self, segment: Segment | None, message: str, element: str | None = None) -> None:
        self.findings.append(
            Finding(segment.position if segment else None, segment.tag[:12] if segment else None, element, message)
        )

    def run(self) -> Interchange:
        """Only service segments are looked at one by one; the segments between them are taken as runs."""
        segments = self.segments
        total = len(segments)
        service = list(itertools.compress(range(total), map(_SERVICE.__contains__, segments.tags)))
        seen_unb = False
        following = 0  # the first segment not yet taken
        index = 0
        for index in service:
            if following < index:
                self.payload(segments[following:index])
            following = index + 1
            segment = segments[index]
            tag = segment.tag
            if tag == "UNZ":
                self.close_message(segment, None)
                self.check_unz(segment)
                break
            if tag == "UNH":
                self.close_message(segment, None)
                self.message = _open_message(segment)
                self.message.group_sender = self.group_sender
                self.message_start = index
                self.group_count += 1
            elif tag == "UNT":
                self.close_message(segment, index)
            elif tag == "UNB":
                if seen_unb:
                    self.note(segment, "second UNB inside one interchange")
                seen_unb = True
                self.read_unb(segment)
            elif tag == "UNG":
                self.close_message(segment, None)
                self.groups += 1
                self.group_count = 0
                self.group_reference = segment.get(4) or None
                self.group_sender = segment.get(1) or None
            else:  # UNE
                self.close_message(segment, None)
                self.check_une(segment)
        else:
            if following < total:
                self.payload(segments[following:])
            index = total
            self.close_message(None, None)
            if total:
                self.note(None, "interchange has no UNZ")
        if index + 1 < total:
            self.findings.append(
                Finding(None, "UNZ", None, f"{total - index - 1} segment(s) of text after UNZ ignored")
            )
        if not seen_unb and self.interchange.messages:
            self.note(None, "interchange has no UNB")
        return self.interchange

    def payload(self, run: Segments) -> None:
        """Segments between two service segments: the open message's, else stray."""
        if self.message is not None:
            self.runs.append(run)
            return
        for segment in run[: max(0, 3 - self.stray)]:
            self.findings.append(
                Finding(segment.position, segment.tag[:12], None, "segment outside any message ignored")
            )
        self.stray += len(run)

    def read_unb(self, segment: Segment) -> None:
        interchange = self.interchange
        interchange.syntax = segment.get(0).upper() or None
        if interchange.syntax not in KNOWN_SYNTAXES:
            self.note(segment, f"unknown syntax identifier {quoted(interchange.syntax)}", "1")
        interchange.sender = segment.get(1) or None
        interchange.recipient = segment.get(2) or None
        if interchange.recipient is None:
            self.note(segment, "recipient is empty", "3")
        interchange.prepared = edifact_datetime(segment.get(3, 0), segment.get(3, 1))
        interchange.reference = segment.get(4) or None

    def close_message(self, closing: Segment | None, unt_index: int | None) -> None:
        message = self.message
        if message is None:
            if closing is not None and closing.tag == "UNT":
                self.note(closing, "UNT without UNH ignored")
            return
        self.message = None
        runs, self.runs = self.runs, []
        if runs:
            message.segments = join_segments(runs)
        self.interchange.messages.append(message)
        if unt_index is None or closing is None:
            message.findings.append(
                Finding(message.header.position, "UNH", None, f"message {quoted(message.reference)} has no UNT")
            )
            return
        counted = unt_index - self.message_start + 1
        declared = _number(closing.get(0))
        if declared is None:
            message.findings.append(Finding(closing.position, "UNT", "1", "segment count missing or unreadable"))
        elif declared != counted:
            message.findings.append(
                Finding(closing.position, "UNT", "1", f"segment count {declared} declared, {counted} counted")
            )
        reference = closing.get(1)
        if not reference:
            message.findings.append(Finding(closing.position, "UNT", "2", "message reference missing"))
        elif reference != message.reference:
            message.findings.append(
                Finding(
                    closing.position,
                    "UNT",
                    "2",
                    f"reference {quoted(reference)} does not match UNH {quoted(message.reference)}",
                )
            )

    def check_une(self, segment: Segment) -> None:
        declared = _number(segment.get(0))
        if declared is not None and declared != self.group_count:
            self.note(segment, f"group message count {declared} declared, {self.group_count} counted", "1")
        reference = segment.get(1)
        if self.group_reference and reference != self.group_reference:
            self.note(segment, f"reference {quoted(reference)} does not match UNG {quoted(self.group_reference)}", "2")

    def check_unz(self, segment: Segment) -> None:
        counted = self.groups or len(self.interchange.messages)
        declared = _number(segment.get(0))
        if declared is None:
            self.note(segment, "control count missing or unreadable", "1")
        elif declared != counted:
            self.note(segment, f"control count {declared} declared, {counted} counted", "1")
        reference, expected = segment.get(1), self.interchange.reference
        if expected and reference != expected:
            if reference.startswith(expected):
                self.note(segment, "text after UNZ without a segment terminator ignored", "2")
            else:
                self.note(segment, f"reference {quoted(reference)} does not match UNB {quoted(expected)}", "2")


def read_interchange(tokens: Tokens, name: str) -> Interchange:
    """Walk the envelope; refuse input that holds no message at all."""
    if not tokens.segments:
        raise MessageError("empty message: no EDIFACT segment found", message=name)
    interchange = _Walk(tokens).run()
    if not interchange.messages:
        first = tokens.segments[0]
        raise MessageError(
            "no UNH segment: not an EDIFACT message", message=name, segment=first.position, tag=first.tag
        )
    interchange.messages = reassemble(interchange.messages)
    return interchange


def reassemble(messages: list[EdifactMessage]) -> list[EdifactMessage]:
    """Join multi-part messages (same type and common access reference) in sequence order."""
    groups: dict[tuple[str, str], list[EdifactMessage]] = {}
    result: list[EdifactMessage] = []
    for message in messages:
        single = message.sequence in (None, 1) and message.last is not False
        if single or message.common_access is None:
            if not single:
                _check_parts([message])
            result.append(message)
            continue
        key = (message.message_type, message.common_access)
        if key not in groups:
            groups[key] = []
            result.append(message)  # placeholder, replaced by the joined message below
        groups[key].append(message)
    for parts in groups.values():
        first = parts[0]
        index = result.index(first)
        result[index] = _join(parts)
    return result


def _check_parts(parts: list[EdifactMessage]) -> list[Finding]:
    findings: list[Finding] = []
    numbers = [p.sequence for p in parts if p.sequence is not None]
    finals = [p.sequence for p in parts if p.last and p.sequence is not None]
    total = max(finals) if finals else max(numbers, default=0)
    missing = sorted(set(range(1, total + 1)) - set(numbers))
    header = parts[0].header
    if missing:
        shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
        findings.append(Finding(header.position, "UNH", "4", f"multi-part message: part(s) {shown} missing"))
    if not finals:
        findings.append(Finding(header.position, "UNH", "4", "multi-part message: last part (F) missing"))
    parts[0].findings.extend(findings)
    return findings


def _join(parts: list[EdifactMessage]) -> EdifactMessage:
    ordered = sorted(parts, key=lambda p: p.sequence or 0)
    unique: list[EdifactMessage] = []
    for part in ordered:
        if unique and part.sequence == unique[-1].sequence:
            unique[0].findings.append(
                Finding(part.header.position, "UNH", "4", f"part {part.sequence} received twice: repeat ignored")
            )
            continue
        unique.append(part)
    joined = unique[0]
    runs = [joined.segments]
    size = len(joined.segments)
    for part in unique[1:]:
        joined.part_starts.append(size)
        runs.append(part.segments)
        size += len(part.segments)
        joined.findings.extend(part.findings)
    joined.segments = join_segments(runs)
    joined.parts = len(unique)
    _check_parts(unique)
    return joined


def resynchronise_parts(
    message: EdifactMessage, limits: dict[str, int], known: frozenset[str], findings: list[Finding]
) -> tuple[Sequence[Segment], list[int]]:
    """:func:`resynchronise` each part; returns the segments and where each part starts."""
    bounds = [*message.part_starts, len(message.segments)]
    parts = [
        resynchronise(message.segments[begin:end], limits, known, findings) for begin, end in itertools.pairwise(bounds)
    ]
    starts = [0, *itertools.accumulate(len(p) for p in parts[:-1])]
    runs = [p for p in parts if isinstance(p, Segments)]
    if len(runs) == len(parts):
        return join_segments(runs), starts
    return [s for p in parts for s in p], starts
