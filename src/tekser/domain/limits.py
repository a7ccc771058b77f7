"""How much free text one record may carry, for every entry point (HTTP API and command line).

Reasons and notes are written to append-only tables and returned by the audit log forever: a
50 MB note would be stored twice and served on every read. Text that no database stores faithfully
(a NUL byte, which PostgreSQL refuses, or half a UTF-16 surrogate pair) is refused too.
"""

from __future__ import annotations

import re

from tekser.errors import InvalidInput

MAX_TEXT = 4000  # characters of a reason, note, summary or title
MAX_SHORT = 256  # characters of a one-line value (a verdict, a recipient, a subject's name)
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def bounded(text: str, what: str, limit: int = MAX_TEXT) -> str:
    """``text`` unchanged, or :class:`InvalidInput` naming ``what`` when it is too long or unstorable."""
    if len(text) > limit:
        raise InvalidInput(f"{what}: at most {limit} characters (got {len(text)})")
    if _UNSTORABLE.search(text):
        raise InvalidInput(f"{what}: contains a NUL byte or an unpaired surrogate")
    return text
