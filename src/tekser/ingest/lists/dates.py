"""Dates as watchlists write them → :class:`FuzzyDate` intervals.

Handles the shapes found in the UN and OFAC files and the other readers' formats:
``1951-02-09``, ``09 Feb 1951``, ``09.02.1951``, ``1938``, ``Feb 1960``, ``Nov. 1973``,
``circa 1951``, ``1961 to 1963``, ``circa 1962-1964``, ``01 Jan 1961 to 31 Dec 1962``,
``Between Aug. and Sep. 1977``, ``30-35 years old`` (relative to a reference date) and
``24/06/1402 (Hijri Calendar)``. Anything else is kept as text, never guessed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from hijridate import Hijri

from tekser.domain.watchlists import DatePrecision, FuzzyDate

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        calendar.month_name[number].lower(),
        calendar.month_abbr[number].lower(),
    )
}
MONTHS["sept"] = 9

_MONTH = r"(?P<{}>[A-Za-z]{{3,9}})\.?"
_ISO = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?$")
_DMY_TEXT = re.compile(r"^(?P<d>\d{1,2})[ -]" + _MONTH.format("m") + r"[ -,]*(?P<y>\d{4})$")
_MY_TEXT = re.compile(r"^" + _MONTH.format("m") + r"[ ,]*(?P<y>\d{4})$")
_DMY_NUM = re.compile(r"^(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})$")
_APPROX = re.compile(r"^(?:circa|approximately|approx\.?|about|ca\.?|c\.)\s+(?P<rest>.+)$", re.IGNORECASE)
_RANGE = re.compile(r"^(?:between\s+)?(?P<a>.+?)\s*(?:\bto\b|\band\b|-|–|—)\s*(?P<b>.+)$", re.IGNORECASE)
_AGE = re.compile(r"^(?P<a>\d{1,3})\s*(?:-|–|to)\s*(?P<b>\d{1,3})\s+years?\s+old$", re.IGNORECASE)
_HIJRI = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\s*\(hijri(?: calendar)?\)$", re.IGNORECASE)


def _month(text: str) -> int | None:
    return MONTHS.get(text.lower().rstrip("."))


def _day(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _single(text: str) -> tuple[date, date, DatePrecision] | None:
    """One point of time at its natural precision, as an interval."""
    text = text.strip().strip(",")
    if match := _ISO.match(text):
        y = int(match["y"])
        if not 1000 <= y <= 2999:
            return None
        if match["d"]:
            day = _day(y, int(match["m"]), int(match["d"]))
            return (day, day, DatePrecision.DAY) if day else None
        if match["m"]:
            m = int(match["m"])
            if not 1 <= m <= 12:
                return None
            return date(y, m, 1), _last_day(y, m), DatePrecision.MONTH
        return date(y, 1, 1), date(y, 12, 31), DatePrecision.YEAR
    if match := _DMY_TEXT.match(text):
        m_text = _month(match["m"])
        day = _day(int(match["y"]), m_text, int(match["d"])) if m_text else None
        return (day, day, DatePrecision.DAY) if day else None
    if match := _DMY_NUM.match(text):
        day = _day(int(match["y"]), int(match["m"]), int(match["d"]))
        return (day, day, DatePrecision.DAY) if day else None
    if match := _MY_TEXT.match(text):
        m_text = _month(match["m"])
        if m_text is None:
            return None
        y = int(match["y"])
        return date(y, m_text, 1), _last_day(y, m_text), DatePrecision.MONTH
    return None


def _month_range(text: str) -> tuple[date, date] | None:
    """``Aug. and Sep. 1977`` / ``Aug. to Sep. 1977``: two months sharing the year."""
    match = re.match(
        r"^(?:between\s+)?(?P<a>[A-Za-z]{3,9})\.?\s+(?:and|to|-)\s+(?P<b>[A-Za-z]{3,9})\.?\s+(?P<y>\d{4})$",
        text,
        re.IGNORECASE,
    )
    if not match:
        return None
    first, last = _month(match["a"]), _month(match["b"])
    if first is None or last is None or first > last:
        return None
    y = int(match["y"])
    return date(y, first, 1), _last_day(y, last)


def parse_date(
    text: str,
    *,
    origin: str = "",
    note: str | None = None,
    approximate: bool = False,
    reference: date | None = None,
) -> FuzzyDate:
    """Parse ``text`` into an interval; unparseable text becomes a TEXT date with no interval.

    ``reference`` anchors relative forms such as "30-35 years old" (the listing date).
    """
    raw = " ".join(text.split())
    body = raw
    if match := _APPROX.match(body):
        approximate = True
        body = match["rest"]

    def made(start: date, end: date, precision: DatePrecision, calendar_name: str = "gregorian") -> FuzzyDate:
        return FuzzyDate(
            start=start,
            end=end,
            precision=precision,
            text=raw,
            approximate=approximate,
            calendar=calendar_name,
            note=note,
            origin=origin,
        )

    if single := _single(body):
        return made(*single)
    if months := _month_range(body):
        return made(months[0], months[1], DatePrecision.RANGE)
    if match := _HIJRI.match(body):
        try:
            gregorian = Hijri(int(match["y"]), int(match["m"]), int(match["d"])).to_gregorian()
        except (ValueError, OverflowError):
            pass
        else:
            day = date(gregorian.year, gregorian.month, gregorian.day)
            return made(day, day, DatePrecision.DAY, "hijri")
    if (match := _AGE.match(body)) and reference is not None:
        youngest, oldest = sorted((int(match["a"]), int(match["b"])))
        start = date(reference.year - oldest - 1, reference.month, 1)
        end = date(reference.year - youngest, 12, 31)
        return made(start, end, DatePrecision.RANGE)
    if match := _RANGE.match(body):
        first, last = _single(match["a"]), _single(match["b"])
        if first and last and first[0] <= last[1]:
            return made(first[0], last[1], DatePrecision.RANGE)
    return FuzzyDate(
        start=None,
        end=None,
        precision=DatePrecision.TEXT,
        text=raw,
        approximate=approximate,
        note=note,
        origin=origin,
    )


def year_range(
    first: int, last: int, *, text: str, origin: str, approximate: bool = False, note: str | None = None
) -> FuzzyDate:
    """A ``[first-01-01, last-12-31]`` interval (UN ``FROM_YEAR``/``TO_YEAR``)."""
    return FuzzyDate(
        start=date(min(first, last), 1, 1),
        end=date(max(first, last), 12, 31),
        precision=DatePrecision.RANGE,
        text=text,
        approximate=approximate,
        note=note,
        origin=origin,
    )


def parse_iso_date(text: str | None) -> date | None:
    """A plain calendar date (``YYYY-MM-DD``, with or without a zone offset), else None."""
    if not text:
        return None
    match = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        return None
    return _day(int(match[1]), int(match[2]), int(match[3]))
