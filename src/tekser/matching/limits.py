"""Names too long to compare: a subject's name cut to the parts and characters compared.

The screener compares, and a stored subject is found again under the blocking keys of, the
same cut name (``MatchConfig.max_name_parts``, ``max_name_chars``); each cut is a warning.
"""

from __future__ import annotations

from dataclasses import replace

from tekser.domain.subjects import Subject
from tekser.matching.config import MatchConfig

MAX_PARTS: int = MatchConfig.model_fields["max_name_parts"].default
MAX_CHARS: int = MatchConfig.model_fields["max_name_chars"].default


def within_limits(subject: Subject, max_parts: int, max_chars: int) -> tuple[Subject, tuple[str, ...]]:
    """The subject with its name (and family name) cut to the parts and characters compared, and
    a warning for each cut: a name of ten thousand words costs seconds to align, yet says no more
    than its first parts (no list name has more than a few dozen)."""
    warnings = []
    name = cut(subject.name, max_parts, max_chars)
    if name != subject.name:
        warnings.append(_cut_warning("name", subject.name, name, max_parts, max_chars))
    family = subject.family_name
    if family is not None:
        family = cut(family, max_parts, max_chars)
        if family != subject.family_name:
            warnings.append(_cut_warning("family_name", subject.family_name or "", family, max_parts, max_chars))
    if not warnings:
        return subject, ()
    return replace(subject, name=name, family_name=family), tuple(warnings)


def cut(text: str, max_parts: int, max_chars: int) -> str:
    """The first ``max_parts`` words of ``text``, within ``max_chars`` characters (at a word's end
    when one ends there); the text itself when within both."""
    head = text[: max_chars + 1]
    if len(head) <= max_chars and len(head.split(maxsplit=max_parts)) <= max_parts:
        return text
    words = text.split(maxsplit=max_parts)  # (never splits more than needed: a huge name costs little)
    kept = " ".join(words[:max_parts])
    if len(kept) > max_chars:
        at = kept.rfind(" ", 0, max_chars + 1)
        kept = kept[:at] if at > 0 else kept[:max_chars]
    return kept


def _cut_warning(field_name: str, written: str, kept: str, max_parts: int, max_chars: int) -> str:
    parts = len(written.split(maxsplit=max_parts))
    counted = f"more than {max_parts} parts" if parts > max_parts else _parts(parts)
    shown = repr(kept[:60]) + ("..." if len(kept) > 60 else "")
    return (
        f"field {field_name}: cut ({counted}, {len(written):,} characters): only its first "
        f"{_parts(len(kept.split()))} ({len(kept)} characters) compared, {shown} "
        f"(limits: {max_parts} parts, {max_chars} characters)"
    )


def _parts(count: int) -> str:
    return f"{count} part" if count == 1 else f"{count} parts"
