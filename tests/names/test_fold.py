"""Folding: the fast implementation gives exactly what the rules as first written give.

The folded forms are part of the frozen matching algorithm (list-name keys, stored reverse
keys, scores), so a speed-up may not change a single one: the reference below is the plain
statement of the rules, compared on Latin letter soup heavy in the letters the rules touch.
"""

from __future__ import annotations

import re
import string

from hypothesis import given, settings
from hypothesis import strategies as st

from tekser.names import fold

_DOUBLE = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aeiou])h$")
_VOWELS = re.compile(r"[aeiou]")


def _reference_fold_once(text: str) -> str:
    for old, new in fold._DIGRAPHS:
        text = text.replace(old, new)
    text = _DOUBLE.sub(r"\1", text.translate(fold._LETTERS))
    for old, new in fold._IOTATED:
        text = text.replace(old, new)
    text = _DOUBLE.sub(r"\1", text)
    return _FINAL_H.sub("", text) or text


def reference_canonical(latin: str) -> str:
    text = re.sub(r"[^a-z]+", "", latin.lower())
    for _ in range(4):
        folded = _reference_fold_once(text)
        if folded == text:
            break
        text = folded
    return text


def reference_skeleton(form: str) -> str:
    return _DOUBLE.sub(r"\1", form[0] + _VOWELS.sub("", form[1:])) if form else form


_RULE_LETTERS = "aeiouyhkstcszdjgpqxwn"  # the letters digraphs, doubling and iotation are made of
_SOUP = st.text(st.sampled_from(_RULE_LETTERS + _RULE_LETTERS.upper() + string.ascii_lowercase + " -'."), max_size=24)


@settings(max_examples=3000, deadline=None)
@given(_SOUP)
def test_canonical_equals_the_rules_as_written(latin: str) -> None:
    assert fold.canonical.__wrapped__(latin) == reference_canonical(latin)  # type: ignore[attr-defined]


@settings(max_examples=1000, deadline=None)
@given(_SOUP)
def test_skeletons_equal_the_rules_as_written(latin: str) -> None:
    form = reference_canonical(latin)
    assert fold.skeleton.__wrapped__(form) == reference_skeleton(form)  # type: ignore[attr-defined]
    loose = _DOUBLE.sub(r"\1", reference_skeleton(form).translate(fold._LOOSE))
    assert fold.loose_skeleton.__wrapped__(form) == loose  # type: ignore[attr-defined]


def test_examples() -> None:
    assert fold.canonical("Yuliya") == fold.canonical("IULIIA") == "ula"
    assert fold.canonical("Abdullah") == "abdula"
    assert fold.canonical("KHASSENOVA") == "hasenova"
    assert fold.canonical("Shchukin") == "sukin"
    assert fold.canonical("h") == "h"
