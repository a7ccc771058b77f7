"""Identifier rules that need no library: the Kazakh IIN/BIN.

No open library validates the Kazakh IIN (individual identification number): python-stdnum
and rigour have none, and nomenklatura's ``inn_code_match`` is the Russian INN. Written here
from the published structure: 12 digits, YYMMDD, a century-and-gender digit, a serial and a
mod-11 check digit with a second weight series when the first gives 10.
"""

from __future__ import annotations

import re
from datetime import date

_IIN_WEIGHTS = (tuple(range(1, 12)), (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2))


def iin_check_digit(iin: str) -> int | None:
    """Check digit of an IIN from its first 11 digits; None when no valid one exists."""
    digits = [int(c) for c in iin[:11]]
    for weights in _IIN_WEIGHTS:
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def iin_facts(iin: str) -> tuple[date | None, str | None, list[str]]:
    """``(date of birth, gender, problems)`` from a 12-digit IIN; any problem makes it invalid.

    Digits 1-6 are YYMMDD; digit 7 gives century and gender (1/2: 1800s, 3/4: 1900s, 5/6:
    2000s; odd male, even female); digit 12 is the check digit.
    """
    if not re.fullmatch(r"[0-9]{12}", iin):
        return None, None, [f"{len(iin)} characters, an IIN has 12 digits"]
    problems: list[str] = []
    born: date | None = None
    gender: str | None = None
    marker = int(iin[6])
    if 1 <= marker <= 6:
        gender = "male" if marker % 2 else "female"
        try:
            born = date(1800 + (marker - 1) // 2 * 100 + int(iin[:2]), int(iin[2:4]), int(iin[4:6]))
        except ValueError:
            problems.append(f"digits 1-6 ({iin[:6]}) are not a date")
    else:
        problems.append(f"digit 7 is {marker}, expected 1-6 (century and gender)")
    expected = iin_check_digit(iin)
    if expected is None:
        problems.append("no check digit is possible for the first 11 digits")
    elif expected != int(iin[11]):
        problems.append(f"check digit is {iin[11]}, expected {expected}")
    return born, gender, problems
