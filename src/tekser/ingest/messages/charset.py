"""Characters a message's declared character set (UNB syntax identifier) cannot carry.

A byte such as 0x87 in a UNOA message is no character of it: read as Latin-1 it became the
invisible control U+0087 inside a name. It is ç in code page 850 and ‡ in Windows-1252, so no
guess is safe for a name that is then screened: C1 controls (U+0080–U+009F) are replaced by
U+FFFD, visibly, and reported with their byte values. Characters that are visible but outside the
declared set (``Ü`` in UNOA) are kept as read and reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tekser.domain.travel import Finding

REPLACEMENT = "\ufffd"
_C1 = re.compile("[\x80-\x9f]")
_SYNTAX = re.compile(rb"UNB\s*[^A-Za-z0-9\s]\s*(UNO[A-Z]|IATA)")
# The codec of each declared set (ISO 9735 level A to F, W/Y: UTF-8). IATA's is level A.
_CODECS = {
    "UNOA": "ascii", "UNOB": "ascii", "IATA": "ascii", "IATB": "ascii",
    "UNOC": "latin-1", "UNOD": "iso8859-2", "UNOE": "iso8859-5", "UNOF": "iso8859-7",
}  # fmt: skip
_SHOWN = 5  # distinct characters named in a finding


def declared_codec(data: bytes) -> str | None:
    """The codec of the syntax identifier in the UNB near the start of ``data`` (None: unknown)."""
    match = _SYNTAX.search(data, 0, 4096)
    return _CODECS.get(match.group(1).decode("ascii")) if match else None


def replace_controls(text: str) -> tuple[str, list[str]]:
    """``text`` with every C1 control replaced by U+FFFD, and the controls replaced (in order)."""
    if text.isascii():  # nearly always: nothing to look for
        return text, []
    found = _C1.findall(text)
    return (_C1.sub(REPLACEMENT, text), found) if found else (text, [])


def charset_findings(text: str, syntax: str | None, replaced: Sequence[str], positions: Sequence[int]) -> list[Finding]:
    """What the declared set could not carry: ``replaced`` controls (in the segments at ``positions``)
    and visible characters outside the set, kept as read."""
    findings: list[Finding] = []
    declared = syntax or "(none)"
    if replaced:
        codes = ", ".join(f"0x{ord(c):02X}" for c in sorted(set(replaced))[:_SHOWN])
        where = ", ".join(str(p) for p in positions[:3]) + (" …" if len(positions) > 3 else "")
        findings.append(
            Finding(
                None,
                "UNB",
                "1",
                f"{len(replaced)} byte(s) {declared} cannot carry ({codes}) replaced by U+FFFD"
                + (f" in segment(s) {where}" if where else ""),
            )
        )
    codec = _CODECS.get(syntax or "")
    if codec is None or text.isascii():
        return findings
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        outside = sorted({c for c in text if c != REPLACEMENT and not _encodes(c, codec)})
        if outside:
            shown = "".join(outside[:_SHOWN]) + ("…" if len(outside) > _SHOWN else "")
            findings.append(Finding(None, "UNB", "1", f"characters outside {declared} kept as read: {shown!r}"))
    return findings


def _encodes(character: str, codec: str) -> bool:
    try:
        character.encode(codec)
    except UnicodeEncodeError:
        return False
    return True
