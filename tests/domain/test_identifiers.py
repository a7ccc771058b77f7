"""Kazakh IIN: date of birth, gender and check digit."""

from __future__ import annotations

from datetime import date

import pytest

from tekser.domain.identifiers import iin_check_digit, iin_facts


@pytest.mark.parametrize(
    ("iin", "born", "gender"),
    [
        ("921130348988", date(1992, 11, 30), "male"),
        ("850302463052", date(1985, 3, 2), "female"),
        ("651231421865", date(1965, 12, 31), "female"),
    ],
)
def test_iin_gives_birth_date_and_gender(iin: str, born: date, gender: str) -> None:
    assert iin_facts(iin) == (born, gender, [])


def test_iin_century_digits() -> None:
    assert iin_facts("010215517918")[:2] == (date(2001, 2, 15), "male")
    assert iin_facts("880615197799")[:2] == (date(1888, 6, 15), "male")


def test_iin_problems() -> None:
    assert iin_facts("751218369913")[2] == ["check digit is 3, expected 2"]
    assert iin_facts("800101300729")[2] == ["no check digit is possible for the first 11 digits"]
    assert iin_facts("851302463052")[2][0] == "digits 1-6 (851302) are not a date"
    assert iin_facts("850302063052")[2][0].startswith("digit 7 is 0")
    assert iin_facts("85030246305")[2] == ["11 characters, an IIN has 12 digits"]


def test_iin_check_digit_uses_second_weights_when_first_gives_ten() -> None:
    # 1·8+2·0+3·0+4·1+5·0+6·1+7·3+8·0+9·0+10·7+11·2 = 131, remainder 10 → weights 3..11,1,2
    assert iin_check_digit("80010130072") is None
    assert iin_check_digit("92113034898") == 8
