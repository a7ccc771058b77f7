"""How common a name part is among ordinary people: the table ``data/name_frequencies.tsv``.

Derived by ``scripts/name_frequencies.py`` from the ``names-dataset`` package (first and last
names of about a hundred countries, by rank; Zipf shares): for each folded form (``f:``) and
consonant skeleton (``s:``) of a name part, the highest share, over the countries, of the
people whose first or last name has it. Parts not in the table are rarer than its cut-off.
A name common in any country counts as common for everyone: no people's common names weigh
more than another's.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import NamedTuple


class Frequencies(NamedTuple):
    forms: dict[str, float]
    skeletons: dict[str, float]
    version: str
    form_floor: float  # the table's cut-off: a form not in it is at most this common
    skeleton_floor: float


@cache
def population() -> Frequencies:
    text = resources.files("tekser.names").joinpath("data/name_frequencies.tsv").read_text(encoding="utf-8")
    forms: dict[str, float] = {}
    skeletons: dict[str, float] = {}
    settings: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#"):
            fields = line[1:].strip().split("\t")
            if len(fields) >= 2:
                settings[fields[0]] = fields[1]
            continue
        key, share, *_ = line.split("\t")
        if key == "key":
            continue
        (forms if key.startswith("f:") else skeletons)[key[2:]] = float(share)
    return Frequencies(
        forms,
        skeletons,
        f"name-frequencies-{settings.get('version', '?')} ({settings.get('source', '?')})",
        float(settings.get("min_share", "0.0003")),
        float(settings.get("min_skeleton_share", "0.001")),
    )


def share(form: str) -> float:
    """The share of people with a name part of this folded form (0 when rarer than the table's cut-off)."""
    return population().forms.get(form, 0.0)


def skeleton_share(skeleton: str) -> float:
    return population().skeletons.get(skeleton, 0.0)


def frequencies_version() -> str:
    return population().version
