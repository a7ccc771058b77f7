"""PNRGOV value decoders: SSR free text (DOCS, DOCO, DOCA, INFT, TKNE), IFT contacts, TVL dates, TBD bags.

Pure functions over strings and segments; the PNRGOV reader decides where the values go.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import NamedTuple

from tekser.domain.travel import Baggage, Payment
from tekser.ingest.messages.edifact import Delimiters, Segment, is_digits
from tekser.ingest.messages.values import (
    at,
    clean,
    clock,
    country,
    ddmmmyy,
    email,
    near_date,
    new_baggage,
    new_payment,
    past_date,
    phone,
    without_title,
)

GENDERS = frozenset({"M", "F", "U", "X", "MI", "FI", "UI"})
_CONTACT = re.compile(r"\bCTC ?([A-Z])\b[\s/]*(.*)")
_TICKET = re.compile(r"(INF)?(\d{10,16})")
_UNITS = {"700": "KGM", "701": "LBR", "702": None, "KG": "KGM", "KGM": "KGM", "LB": "LBR", "LBR": "LBR"}


def ssr_text(segment: Segment, component: str = ":") -> str:
    """The free text of an SSR (component 9 of element 1; unescaped colons rejoined)."""
    cells = segment.cells
    return component.join(cells[0][8:]).strip() if cells else ""


def ssr_references(segment: Segment) -> list[str]:
    """Traveller references named in an SSR (``+::1.1`` or ``+15A::1``)."""
    refs = []
    for element in segment.cells[1:]:
        if len(element) > 2 and element[2].strip():
            refs.append(element[2].strip())
    return refs


def free_text(segment: Segment, delimiters: Delimiters, start: int = 1) -> str:
    """Free-text elements from ``start`` rejoined as the sender typed them.

    Separators inside free text are often left unescaped (``866 746-4647`` with ``-`` as the
    element separator): components are rejoined with the component separator, elements with the
    element separator when it is a character people type in text, else with a space.
    """
    joiner = delimiters.element if delimiters.element in "-/*.," else " "
    if segment.component != delimiters.component:  # not from this interchange's tokeniser
        return joiner.join([delimiters.component.join(e) for e in segment.cells[start:]]).strip()
    return segment.joined(start, joiner).strip()


def _fields(text: str) -> list[str]:
    fields = list(map(str.strip, text.split("/")))
    return fields[1:] if text.startswith("/") else fields


class Docs(NamedTuple):
    kind: str | None
    issuer: str | None
    number: str | None
    nationality: str | None
    birth: date | None
    gender: str | None
    expiry: date | None
    surname: str | None
    given: str | None


def _is_docs_date(value: str) -> bool:
    return ddmmmyy(value) is not None


def docs(text: str, reference: date) -> Docs | None:
    """SSR DOCS ``/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SURNAME/GIVEN/MIDDLE`` (fields may be empty)."""
    f = _fields(text)
    if len(f) < 6:
        return None
    g = 5
    if f[g].upper() not in GENDERS or not (f[4] == "" or _is_docs_date(f[4])):
        # Shifted layouts ("P/P00266142/14JUL71/M/28MAY23/…"): anchor on date/gender/date.
        candidates = [
            i
            for i in range(1, len(f) - 1)
            if f[i].upper() in GENDERS and _is_docs_date(f[i - 1]) and (not f[i + 1] or _is_docs_date(f[i + 1]))
        ]
        if not candidates:
            return None
        g = candidates[0]
        numbers = [v for v in f[1 : g - 1] if v and not (len(v) in (2, 3) and v.isalpha())]
        countries = [v for v in f[1 : g - 1] if len(v) in (2, 3) and v.isalpha()]
        head = [
            f[0],
            countries[0] if countries else "",
            numbers[0] if numbers else "",
            countries[-1] if countries else "",
        ]
    else:
        head = f[:4]
    names = [_docs_name(n) for n in f[g + 2 : g + 5]]
    given = " ".join([n for n in names[1:] if n]) or None
    return Docs(
        kind=clean(head[0].upper()),
        issuer=country(head[1]),
        number=clean(head[2].upper().replace(" ", "")),
        nationality=country(head[3]),
        birth=_birth(f[g - 1], reference),
        gender=clean(f[g].upper()),
        expiry=_expiry(f[g + 1], reference) if g + 1 < len(f) else None,
        surname=names[0] if names else None,
        given=given,
    )


# Names and dates repeat across a push (families, charters): each is read once.
@lru_cache(maxsize=8192)
def _docs_name(value: str) -> str | None:
    return without_title(clean(value.upper()))


@lru_cache(maxsize=8192)
def _birth(value: str, reference: date) -> date | None:
    return past_date(ddmmmyy(value), reference)


@lru_cache(maxsize=8192)
def _expiry(value: str, reference: date) -> date | None:
    return near_date(ddmmmyy(value), reference)


class Doco(NamedTuple):
    birth_place: str | None
    kind: str | None
    number: str | None
    issue_place: str | None
    issued: date | None
    country: str | None


def doco(text: str, reference: date) -> Doco | None:
    """SSR DOCO ``/place of birth/V/number/place of issue/issue date/country``."""
    f = _fields(text)
    if len(f) < 3:
        return None
    f += [""] * (6 - len(f))
    return Doco(
        birth_place=clean(f[0]),
        kind=clean(f[1].upper()),
        number=clean(f[2].upper()),
        issue_place=clean(f[3]),
        issued=past_date(ddmmmyy(f[4]), reference),
        country=country(f[5]),
    )


def doca(text: str) -> tuple[str | None, str | None, str | None]:
    """SSR DOCA ``/R/GBR/street/city/state/postcode``: (type, country, address text)."""
    f = _fields(text)
    if len(f) < 2:
        return None, None, None
    parts = [p for p in f[2:6] if clean(p)]
    return clean(f[0].upper()), country(f[1]), ", ".join([*parts, f[1].strip()]) if parts else None


def infant(text: str, reference: date) -> tuple[str | None, str | None, date | None]:
    """SSR INFT ``SURNAME/GIVEN/10AUG11``: surname, given names, date of birth."""
    f = _fields(text)
    surname = clean(f[0].upper()) if f else None
    given = without_title(clean(f[1].upper())) if len(f) > 1 else None
    born = next((past_date(ddmmmyy(v), reference) for v in f[2:] if ddmmmyy(v)), None)
    return surname, given, born


def ticket(text: str) -> tuple[str | None, bool]:
    """Ticket number in TKNE free text and whether it is the infant's (``INF…``)."""
    match = _TICKET.search(text)
    if not match:
        return None, False
    return match.group(2), bool(match.group(1))


def contact(text: str) -> tuple[str, str] | None:
    """IFT/ADD contact text (``CTCE X//Y.COM``, ``YY CTCM 123``, ``CTC M 123``) → (kind, value)."""
    upper = text.upper()
    match = _CONTACT.search(upper) if "CTC" in upper else None
    if not match:
        return None
    letter, rest = match.groups()
    if letter == "E":
        value = email(rest)
        return ("email", value) if value else None
    if letter == "R":  # refused
        return None
    number = phone(rest)
    return ("phone", number) if number else None


def tvl_times(segment: Segment, reference: date) -> tuple[datetime | None, datetime | None, bool]:
    """Departure and arrival of a TVL (``ddmmyy:hhmm:ddmmyy:hhmm``, shorter forms); flag unreadable."""
    cells = segment.cells
    return _tvl_times(tuple(map(str.strip, cells[0][:4])) if cells else (), reference)


@lru_cache(maxsize=4096)
def _tvl_times(given: tuple[str, ...], reference: date) -> tuple[datetime | None, datetime | None, bool]:
    parts = [*given, "", "", "", ""][:4]
    dep_day = near_date(_ddmmyy(parts[0]), reference)
    dep_time = clock(parts[1]) if parts[1] else None
    arr_day, arr_time = dep_day, None
    if len(parts[2]) == 4 and not parts[3]:  # ddmmyy:hhmm:hhmm
        arr_time = clock(parts[2])
    else:
        arr_day = near_date(_ddmmyy(parts[2]), reference) if parts[2] else dep_day
        arr_time = clock(parts[3]) if parts[3] else None
    bad = bool((parts[0] and dep_day is None) or (parts[1] and dep_time is None))
    bad = bad or bool((parts[3] or len(parts[2]) == 4) and arr_time is None)
    # A date without a time of day is not an arrival time: keep None rather than invent midnight.
    return at(dep_day, dep_time), at(arr_day, arr_time) if arr_time is not None else None, bad


def _ddmmyy(text: str) -> tuple[int, int, int, bool] | None:
    """PNRGOV dates are DDMMYY (day first, DDMMCCYY rarely), unlike PAXLST's YYMMDD."""
    value = text.strip()
    if not is_digits(value) or len(value) not in (6, 8):
        return None
    return int(value[:2]), int(value[2:4]), int(value[4:]), len(value) == 6


@lru_cache(maxsize=8192)
def pnr_datetime(day: str, time: str, reference: date) -> datetime | None:
    """DAT/RCI date DDMMYY and time HHMM or HHMMSS."""
    when = near_date(_ddmmyy(day), reference)
    return at(when, clock(time) if time.strip() else None)


def baggage(segment: Segment, origin: str) -> Baggage | None:
    """TBD ``++count:weight:unit++pool+carrier:tag:consecutive:destination…`` (tags expanded)."""
    cells = segment.cells
    first = list(map(str.strip, cells[1][:3])) if len(cells) > 1 else []
    first += ("", "", "")
    count_text, weight_text, unit = first[0], first[1], first[2]
    count = int(count_text) if is_digits(count_text) else None
    try:
        weight = float(weight_text) if weight_text else None
    except ValueError:
        weight = None
    tags: list[str] = []
    for element in cells[2:]:
        if len(element) < 2:
            continue
        carrier = element[0].strip().replace(" ", "")
        number = element[1].strip().replace(" ", "")
        if not number or not number.isalnum() or carrier.upper() in ("HP", "MP"):
            if carrier.upper() == "MP" and number:
                tags.append(number)
            continue
        consecutive = element[2].strip() if len(element) > 2 else ""
        repeat = int(consecutive) if is_digits(consecutive) and 1 < int(consecutive) < 100 else 1
        if repeat > 1 and is_digits(number):
            tags.extend([f"{carrier}{int(number) + i:0{len(number)}d}" for i in range(repeat)])
        else:  # one tag: the digits as written (the width is kept)
            tags.append(carrier + number)
    unique = tuple(dict.fromkeys(tags)) if len(tags) > 1 else tuple(tags)
    if count is None and weight is None and not unique:
        return None
    return new_baggage(count=count, weight=weight, unit=_UNITS.get(unit, unit or None), tags=unique, origin=origin)


def payments(segment: Segment) -> tuple[list[Payment], bool]:
    """FOP ``CC::amount:VI:XXXXXXXX1186:0211`` (several per segment); only a card's last four digits
    are kept. The flag says a full card number was received (a finding, never stored)."""
    found: list[Payment] = []
    unmasked = False
    for element in segment.cells:
        comps = [*map(str.strip, element), "", "", "", "", "", ""]
        if not comps[0]:
            continue
        account = comps[4].replace(" ", "")
        unmasked = unmasked or (len(account) >= 12 and is_digits(account))
        last4 = account[-4:] if len(account) >= 4 and is_digits(account[-4:]) else None
        found.append(
            new_payment(
                comps[0].upper(), comps[3] or None, last4, comps[5] or None, comps[2] or None, None, segment.where()
            )
        )
    return found, unmasked
