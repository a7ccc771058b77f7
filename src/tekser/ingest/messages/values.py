"""Value readers shared by the PAXLST and PNRGOV parsers: dates, names, places, contacts.

Every reader is lenient: an unreadable value becomes ``None`` (and the caller records a
finding); nothing here raises on bad input.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from types import MemberDescriptorType
from typing import Any, ParamSpec, TypeVar

from tekser.domain.countries import country_code
from tekser.domain.travel import (
    Agency,
    Baggage,
    Booking,
    Contact,
    Finding,
    HistoryItem,
    Leg,
    Payment,
    TravelDocument,
    Traveller,
)
from tekser.ingest.messages.edifact import Segment, is_digits
from tekser.ingest.messages.sensitive import SensitiveFilter

# Placeholders senders put where they have no value (GTAS filters the same family).
PLACEHOLDERS = frozenset({"UNKNOWN", "UNK", "NULL", "NA", "N/A", "?", "_", "FNU", "LNU", "XXX", "-", "."})
MAX_FINDINGS = 200
_P = ParamSpec("_P")
_T = TypeVar("_T")
_LONGEST_PLACEHOLDER = max(len(p) for p in PLACEHOLDERS)


def words(text: str) -> frozenset[str]:
    """A set of codes written as one space-separated string (easier to read than a long literal)."""
    return frozenset(text.split())


_MONTHS = {m: i for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN"), start=1)} | {
    m: i for i, m in enumerate(("JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=7)
}
_DDMMMYY = re.compile(r"(\d{1,2})([A-Z]{3})(\d{2}|\d{4})")
_PHONE = re.compile(r"\+?\d[\d \-().]{4,}\d")
_NON_DIGITS = re.compile(r"\D")
_EMAIL_SUFFIX = re.compile(r"-\d+[A-Z' ]+(?:/[A-Z' ]*)*$")
_SEAT = re.compile(r"0*(\d{1,3})([A-Z])")
# Titles typed into given names (docs/travel.md, "Titles in given names"). A title standing as a
# word of its own ("NINA MS", "MR JOHN") is always one. Glued to the end of a name ("JOHNMR",
# "ANNAMRS"), as reservation systems write it: MR, MRS and MSTR end no given name, so they always
# go; MS, MISS, DR and the rest end real names (WILLIAMS, ALEXANDR) and go only where the
# passport's name (SSR DOCS) shows the name without them (settle_titles).
TITLES = frozenset({"MR", "MRS", "MS", "MISS", "MSTR", "DR", "PROF", "REV", "SIR", "CHD", "INF"})
_GLUED = re.compile(r"(\S*?[A-Z]{2})(MRS|MR|MSTR)")
_GLUED_AMBIGUOUS = re.compile(r"(\S*?[A-Z]{2})(MISS|MS|DR|PROF|REV|SIR|CHD|INF)")


def clean(value: str | None) -> str | None:
    """The value stripped; None when empty or a placeholder."""
    if not value:
        return None
    value = value.strip()
    # upper() never shortens a text: one longer than every placeholder is none.
    if not value or (len(value) <= _LONGEST_PLACEHOLDER and value.upper() in PLACEHOLDERS):
        return None
    return value


def is_placeholder(value: str) -> bool:
    return value.strip().upper() in PLACEHOLDERS


@lru_cache(maxsize=4096)
def country(value: str | None) -> str | None:
    """ISO alpha-2 for a code (alpha-2 or alpha-3) when known; otherwise the value as given."""
    text = _country_text(value)
    if text is None:
        return None
    text = text.upper()
    if len(text) in (2, 3) and text.isalpha():
        return country_code(text) or text
    return text


def _country_text(value: str | None) -> str | None:
    # in a country field NA is Namibia's ISO code, not "not available" (the other placeholders hold)
    if value is not None and value.strip().upper() == "NA":
        return value.strip()
    return clean(value)


@lru_cache(maxsize=4096)
def is_known_country(value: str | None) -> bool:
    text = _country_text(value)
    return bool(text) and len(text or "") in (2, 3) and country_code(text or "") is not None


@lru_cache(maxsize=4096)
def country_checked(value: str | None) -> tuple[str | None, bool]:
    """:func:`country` and :func:`is_known_country` in one look-up."""
    return country(value), is_known_country(value)


@lru_cache(maxsize=8192)
def without_title(given: str | None) -> str | None:
    """Given names without titles that are certainly titles: a title word ("NINA MS" → NINA,
    "MR JOHN" → JOHN) and MR, MRS or MSTR glued to a name ("JOHNMR" → JOHN, "AARONMR DANIEL" →
    AARON DANIEL). "WILLIAMS" and "ALEXANDR" stay: see :func:`settle_titles`."""
    if not given:
        return given
    words = given.split()
    if len(words) > 1:
        words = [w for w in words if w.upper() not in TITLES] or words[:1]
    words = [_unglued(w) for w in words]
    return " ".join(words) or None


def _unglued(word: str) -> str:
    match = _GLUED.fullmatch(word)
    return match.group(1) if match else word


def settle_titles(given: str | None, passport: str | None) -> str | None:
    """``given`` with MS, MISS, DR and the like removed from the end of a name where the passport's
    given names (SSR DOCS) hold that name without them (NINAMS + NINA → NINA; WILLIAMS + WILLIAMS
    stays)."""
    if not given or not passport:
        return given
    known = set(passport.upper().split())
    words = given.split()
    settled = [_settled(word, known) for word in words]
    return given if settled == words else " ".join(settled)


def _settled(word: str, known: set[str]) -> str:
    match = _GLUED_AMBIGUOUS.fullmatch(word.upper())
    return match.group(1) if match and word.upper() not in known and match.group(1) in known else word


@lru_cache(maxsize=4096)
def seat(value: str | None) -> str | None:
    """Seat as row + letter without leading zeros (014A → 14A); None for XXX and the like."""
    text = clean(value)
    if text is None:
        return None
    text = text.upper().replace(" ", "")
    match = _SEAT.fullmatch(text)
    return f"{int(match.group(1))}{match.group(2)}" if match else None


def phone(text: str | None) -> str | None:
    """The first telephone number in free text, digits only (a leading + kept)."""
    if not text:
        return None
    match = _PHONE.search(text)
    if not match:
        return None
    number = match.group(0)
    digits = _NON_DIGITS.sub("", number)
    if len(digits) < 5:
        return None
    return ("+" if number.startswith("+") else "") + digits


def email(text: str | None) -> str | None:
    """A PNR-encoded e-mail address (``//`` for @, ``..`` for _) decoded and lower-cased."""
    if not text:
        return None
    value = text.strip().split()[0] if text.strip() else ""
    value = _EMAIL_SUFFIX.sub("", value.upper())
    value = value.replace("//", "@").replace("..", "_")
    if value.count("@") != 1 or value.startswith("@") or value.endswith("@"):
        return None
    return value.lower()


@lru_cache(maxsize=8192)  # dates of birth and expiry repeat across a push
def ddmmmyy(text: str) -> tuple[int, int, int, bool] | None:
    """Day, month, year and whether the year had two digits, for ``12JUL64``."""
    match = _DDMMMYY.fullmatch(text.strip().upper())
    if not match:
        return None
    month = _MONTHS.get(match.group(2))
    if month is None:
        return None
    year = match.group(3)
    return int(match.group(1)), month, int(year), len(year) == 2


@lru_cache(maxsize=8192)
def yymmdd(text: str) -> tuple[int, int, int, bool] | None:
    """Day, month, year and two-digit flag for ``YYMMDD`` or ``CCYYMMDD``."""
    text = text.strip()
    if not is_digits(text):
        return None
    if len(text) == 6:
        return int(text[4:6]), int(text[2:4]), int(text[:2]), True
    if len(text) == 8:
        return int(text[6:8]), int(text[4:6]), int(text[:4]), False
    return None


def _make(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@lru_cache(maxsize=8192)
def past_date(parts: tuple[int, int, int, bool] | None, reference: date) -> date | None:
    """A date of birth: a two-digit year takes the latest century not after ``reference``."""
    if parts is None:
        return None
    day, month, year, short = parts
    if not short:
        return _make(year, month, day)
    century = reference.year // 100 * 100
    for base in (century, century - 100, century - 200):
        candidate = _make(base + year, month, day)
        if candidate is not None and candidate <= reference:
            return candidate
    return None


@lru_cache(maxsize=8192)
def near_date(parts: tuple[int, int, int, bool] | None, reference: date) -> date | None:
    """Expiry, issue, schedule and booking dates: a two-digit year takes the nearest century."""
    if parts is None:
        return None
    day, month, year, short = parts
    if not short:
        return _make(year, month, day)
    century = reference.year // 100 * 100
    candidates = [d for base in (century - 100, century, century + 100) if (d := _make(base + year, month, day))]
    return min(candidates, key=lambda d: abs((d - reference).days), default=None)


def clock(text: str) -> tuple[int, int, int] | None:
    """HHMM or HHMMSS; None when not a valid time of day."""
    text = text.strip()
    if not is_digits(text) or len(text) not in (4, 6):
        return None
    hour, minute, second = int(text[:2]), int(text[2:4]), int(text[4:6] or 0)
    if hour > 24 or minute > 59 or second > 59 or (hour == 24 and (minute or second)):
        return None
    return (0, 0, 0) if hour == 24 else (hour, minute, second)


def at(day: date | None, time: tuple[int, int, int] | None) -> datetime | None:
    if day is None:
        return None
    hour, minute, second = time or (0, 0, 0)
    return datetime(day.year, day.month, day.day, hour, minute, second)


def slot_constructor(cls: Callable[_P, _T]) -> Callable[_P, _T]:
    """A constructor for a frozen slots dataclass (same parameters and defaults) that fills the slots directly.

    A frozen dataclass's own ``__init__`` stores every field through ``object.__setattr__`` to get
    past its frozen ``__setattr__``, which costs about twice as much; the parsers make a
    :class:`~tekser.domain.travel.Traveller`, a document and more for every passenger. The result
    is the same object. Anything the shortcut would not reproduce exactly (``__post_init__``,
    ``InitVar``, ``init=False`` or keyword-only fields, no slots) gets the class itself back.
    """
    target: Any = cls
    if not isinstance(target, type) or not dataclasses.is_dataclass(target) or hasattr(target, "__post_init__"):
        return cls
    if target.__new__ is not object.__new__:
        return cls
    fields = dataclasses.fields(target)
    frozen = getattr(getattr(target, "__dataclass_params__", None), "frozen", False)
    if not frozen or len(fields) != len(target.__dataclass_fields__):
        return cls
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": target, "_MISSING": dataclasses.MISSING}
    params: list[str] = []
    lines: list[str] = []
    for index, f in enumerate(fields):
        slot = next((vars(k)[f.name] for k in target.__mro__ if f.name in vars(k)), None)
        if not f.init or f.kw_only is True or f.name.startswith("_") or type(slot) is not MemberDescriptorType:
            return cls
        namespace[f"_set{index}"] = slot.__set__
        if f.default is not dataclasses.MISSING:
            namespace[f"_default{index}"] = f.default
            params.append(f"{f.name}=_default{index}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory{index}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            lines.append(f"if {f.name} is _MISSING: {f.name} = _factory{index}()")
        else:
            params.append(f.name)
        lines.append(f"_set{index}(self, {f.name})")
    body = "\n    ".join(["self = _new(_cls)", *lines, "return self"])
    exec(f"def construct({', '.join(params)}):\n    {body}\n", namespace)  # as dataclasses makes __init__
    construct: Callable[_P, _T] = namespace["construct"]
    construct.__qualname__ = construct.__name__ = f"new_{target.__name__}"
    construct.__doc__ = f"A new {target.__name__} (see slot_constructor)."
    return construct


# The model objects the parsers make for every passenger, segment or PNR (see slot_constructor).
new_agency = slot_constructor(Agency)
new_baggage = slot_constructor(Baggage)
new_booking = slot_constructor(Booking)
new_contact = slot_constructor(Contact)
new_document = slot_constructor(TravelDocument)
new_history_item = slot_constructor(HistoryItem)
new_leg = slot_constructor(Leg)
new_payment = slot_constructor(Payment)
new_traveller = slot_constructor(Traveller)


@dataclass(slots=True)
class Context:
    """What one parse accumulates besides the model: findings and sensitive-drop counts."""

    name: str
    sensitive: SensitiveFilter
    reference: date
    findings: list[Finding] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)
    omitted: int = 0

    def note(self, segment: Segment | None, message: str, element: str | None = None) -> None:
        if len(self.findings) >= MAX_FINDINGS:
            self.omitted += 1
            return
        position = segment.position if segment is not None else None
        tag = segment.tag[:12] if segment is not None else None  # a garbled "tag" can be long: never quoted whole
        self.findings.append(Finding(position, tag, element, message))

    def drop(self, key: str) -> None:
        self.dropped[key] = self.dropped.get(key, 0) + 1

    def finish(self) -> list[Finding]:
        if self.omitted:
            self.findings.append(Finding(None, None, None, f"{self.omitted} further finding(s) omitted"))
            self.omitted = 0
        return self.findings

    def free_text(self, text: str) -> str | None:
        """Free text that passed the sensitive filter (None when dropped or empty)."""
        text = " ".join(text.split())
        if not text:
            return None
        hit = self.sensitive.text_hit(text)
        if hit is not None:
            self.drop(hit)
            return None
        return text
