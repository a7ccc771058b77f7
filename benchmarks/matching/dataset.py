"""The matching benchmark's dataset: queries with the list entry they must find, and negatives.

Everything here is deterministic (seeded) and independent of tekser's matching code: the
variant generators, the romanisation tables and the synthetic names are the benchmark's own,
so the benchmark does not grade the matcher with its own rules. Only the list readers and the
domain classes (``ListEntry``, ``Name``...) are shared with tekser.

Categories (matching.md §6):

- ``V0`` list names verbatim; ``held-out alias``: an alias removed from the index and used as a
  query; ``held-out Arabic original`` / ``held-out Cyrillic original``: the UN
  NAME_ORIGINAL_SCRIPT removed from the index and used as the query;
- synthetic variants of indexed names: V1 case/punctuation/legal form, V2 one typo, V3 token
  order, V4 whitespace/hyphens, V5 diacritics, V9 a middle part dropped, V10 truncation at 35
  characters, V12 a title added;
- V6-RU: Latin renderings of Cyrillic list names (ICU BGN and Cyrillic-Latin, MVD-1997, ICAO 2013);
- V6-KZ / V9-P: synthetic Kazakh persons injected into the index (``bench-kz:``) and queried with
  ICAO-fallback and ICS-630 renderings, MRZ style without patronymic, or the patronymic in the
  other language's form;
- negatives: synthetic persons from thirteen countries, none equal to a list name.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rapidfuzz.distance import Indel

from benchmarks.matching import names_data as nd

if TYPE_CHECKING:
    from benchmarks.matching import population
from tekser.domain.serialization import entry_from_dict, entry_to_dict
from tekser.domain.watchlists import (
    Country,
    DatePrecision,
    EntityKind,
    FuzzyDate,
    ListEntry,
    Name,
    NameKind,
    NamePart,
    NameQuality,
    PartRole,
)

SEED = 20_260_301
VERSION = "1"

DEFAULT_SIZES: dict[str, int] = {
    "V0": 1500,
    "held-out alias": 800,
    "held-out alias (other name)": 300,
    "synthetic": 300,  # each synthetic variant category
    "kz_persons": 200,
    "ru_persons": 100,
    "negatives_per_culture": 800,  # (the traffic's synthetic names)
    "people": 30_000,  # innocent people from real name data (population.py)
}

# category id → (label, kind of target); the order is the report's
CATEGORIES: dict[str, str] = {
    "V0": "V0 exact list names",
    "held-out alias": "held-out alias (spelling variant)",
    "held-out alias (other name)": "held-out alias (other name, info)",
    "held-out Arabic original": "held-out Arabic original script",
    "held-out Cyrillic original": "held-out Cyrillic original script",
    "V1": "V1 case / punctuation / legal form",
    "V2": "V2 one typo",
    "V3": "V3 token order",
    "V4": "V4 whitespace / hyphens",
    "V5": "V5 diacritics",
    "V6-RU": "V6-RU re-romanised Cyrillic (UN)",
    "V6-RU-syn": "V6-RU re-romanised Cyrillic (synthetic)",
    "V6-KZ": "V6-KZ Kazakh romanisations",
    "V9": "V9 middle part dropped",
    "V9-P": "V9-P patronymic absent / other language",
    "V10": "V10 truncated at 35 characters",
    "V12": "V12 title added",
}
SYNTHETIC = ("V1", "V2", "V3", "V4", "V5", "V9", "V10", "V12")
INJECTED_PREFIXES = ("bench-kz:", "bench-ru:")


@dataclass(frozen=True, slots=True)
class Query:
    id: str
    category: str  # a CATEGORIES key, or "negative"
    name: str
    expected: str | None  # the entry key that must alert; None for negatives
    schema: str | None = None  # person | organization | None (vessels, aircraft: any kind)
    birth_date: str | None = None  # YYYY-MM-DD
    source: str | None = None  # the list name the query was made from
    detail: str | None = None  # how: operation, renderer, culture (negatives: the country)
    group: str | None = None  # negatives: "population" or "near miss: <kind>"
    script: str | None = None  # negatives: the script written in (Arab→Latn: a passport's Latin form)
    form: str | None = None  # negatives: native, or passport (the Latin form)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Query:
        return cls(**{"expected": None, **data})


@dataclass(slots=True)
class Dataset:
    meta: dict[str, Any]
    removed: dict[str, list[tuple[str, str]]]  # entry key → (full, origin) of the names held out
    injected: list[ListEntry]
    queries: list[Query]
    negatives: list[Query]
    pools: dict[str, int] = field(default_factory=dict)  # eligible items per category before sampling

    def positives_by_category(self) -> dict[str, list[Query]]:
        grouped: dict[str, list[Query]] = {}
        for query in self.queries:
            grouped.setdefault(query.category, []).append(query)
        return grouped


# --- folding (the benchmark's own, for relatedness and exclusion checks) ------------------------


def strip_diacritics(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold_tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[^\w]+|_", strip_diacritics(text).casefold()) if t]


def fold_key(text: str) -> str:
    """Order-insensitive folded form: two names with this key equal are the same name."""
    return " ".join(sorted(fold_tokens(text)))


_PARTICLES = frozenset(
    nd.words("al el bin ibn bint ben abu abou abd ul ud ur de da del di van von der la le ould uld bn")
)


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


# --- romanisation tables (the benchmark's own; ICU is used only for BGN and Cyrillic-Latin) ------

_RU_ICAO = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        nd.words("a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch ie y - e iu ia"),
        strict=True,
    )
)
_RU_ICAO["ь"] = ""  # the soft sign is not written
_RU_MVD_1997 = {**_RU_ICAO, "й": "y", "ю": "yu", "я": "ya", "ъ": ""}
_KZ_ICAO_FALLBACK = {
    **_RU_ICAO,
    "ә": "a",
    "ғ": "g",
    "қ": "k",
    "ң": "n",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "kh",
    "і": "i",
}
_KZ_ICS_630 = {
    **_RU_ICAO,
    "й": "y",
    "ю": "yu",
    "я": "ya",
    "ё": "yo",
    "ъ": "",
    "ә": "a",
    "ғ": "gh",
    "қ": "q",
    "ң": "ng",
    "ө": "o",
    "ұ": "u",
    "ү": "u",
    "һ": "h",
    "і": "i",
}
_KG_ICAO = {**_RU_ICAO, "ң": "n", "ө": "o", "ү": "u"}
_RUSSIFY = str.maketrans("әғқңөұүһіӘҒҚҢӨҰҮҺІ", "агкноуухиАГКНОУУХИ")

TABLES: dict[str, dict[str, str]] = {
    "icao-2013": _RU_ICAO,
    "mvd-1997": _RU_MVD_1997,
    "kz-icao-fallback": _KZ_ICAO_FALLBACK,
    "kz-ics-630": _KZ_ICS_630,
    "kg-icao": _KG_ICAO,
}


def romanise(text: str, table: str) -> str:
    """Cyrillic → Latin with one of the tables above; words title-cased (or upper if they were)."""
    mapping = TABLES[table]
    words = []
    for word in text.split():
        out = "".join(mapping.get(c.lower(), c.lower()) for c in word)
        if word.isupper() and len(word) > 1:
            words.append(out.upper())
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in out.split("-")))
    return " ".join(words)


@cache
def _icu(transform: str) -> Any:
    import icu  # pyicu-wheels, a tekser dependency

    return icu.Transliterator.createInstance(transform)


def icu_romanise(text: str, transform: str) -> str:
    return str(_icu(transform).transliterate(text))


def russify(text: str) -> str:
    return text.translate(_RUSSIFY)


# --- synthetic variant generators ------------------------------------------------------------
# Each takes a list name and returns (variant, operation) or None when the category does not apply.

Variant = tuple[str, str] | None

_LEGAL_GROUPS = (
    ("LTD", "LTD.", "LIMITED"),
    ("CO", "CO.", "COMPANY"),
    ("CORP", "CORP.", "CORPORATION"),
    ("INC", "INC.", "INCORPORATED"),
    ("LLC", "L.L.C."),
    ("DOO", "D.O.O."),
    ("GMBH", "G.M.B.H."),
    ("SA", "S.A."),
    ("SL", "S.L."),
    ("SRL", "S.R.L."),
    ("JSC", "J.S.C."),
    ("OOO", "O.O.O."),
    ("LLP", "L.L.P."),
    ("PTE", "PTE."),
    ("BV", "B.V."),
    ("AG", "A.G."),
    ("SAL", "S.A.L."),
    ("FZE", "F.Z.E."),
    ("CJSC", "C.J.S.C."),
    ("PJSC", "P.J.S.C."),
)
_LEGAL = {spelling: group for group in _LEGAL_GROUPS for spelling in group}
_LEGAL_CANONICAL = {spelling.replace(".", ""): group[0] for group in _LEGAL_GROUPS for spelling in group}
_V1_PUNCT = ".,'’`()"


def v1_normal(name: str) -> str:
    """What a V1 variant must leave unchanged: letters, order and legal form (not case, punctuation)."""
    text = "".join(c for c in name.casefold() if c not in _V1_PUNCT)
    return " ".join(_LEGAL_CANONICAL.get(t.upper(), t.upper()) for t in text.split())


def _recase(name: str, rng: random.Random) -> str:
    words = name.split()
    styles = ["upper", "lower", "title", "family-upper"]
    rng.shuffle(styles)
    for style in styles:
        if style == "upper":
            out = name.upper()
        elif style == "lower":
            out = name.lower()
        elif style == "title":
            out = " ".join(w[:1].upper() + w[1:].lower() for w in words)
        else:
            out = " ".join(
                w.upper() if i == len(words) - 1 else w[:1].upper() + w[1:].lower() for i, w in enumerate(words)
            )
        if out != name:
            return out
    return name


def v1_case_punctuation(name: str, rng: random.Random, person: bool) -> Variant:
    text, ops = name, []
    words = text.split()
    legal = [i for i, w in enumerate(words) if w.upper() in _LEGAL]
    if legal and rng.random() < 0.7:
        i = rng.choice(legal)
        group = _LEGAL[words[i].upper()]
        options = [s for s in group if s != words[i].upper()]
        words[i] = rng.choice(options)
        text = " ".join(words)
        ops.append("legal form")
    if any(c in _V1_PUNCT for c in text) and rng.random() < 0.7:
        stripped = "".join(c for c in text if c not in _V1_PUNCT)
        if stripped.split():
            text = " ".join(stripped.split())
            ops.append("punctuation removed")
    elif not ops and rng.random() < 0.3:
        words = text.split()
        singles = [i for i, w in enumerate(words) if len(w) == 1 and w.isalpha()]
        if singles:
            words[rng.choice(singles)] += "."
            text = " ".join(words)
            ops.append("period added")
    recased = _recase(text, rng)
    if recased != text:
        text = recased
        ops.append("case")
    if text == name or not text.strip():
        return None
    return text, "+".join(ops)


_VOWELS = "aeiou"


def v2_typo(name: str, rng: random.Random, person: bool) -> Variant:
    words = name.split(" ")
    eligible = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 6]
    if not eligible:
        return None
    i = rng.choice(eligible)
    word = words[i]
    ops: list[tuple[str, Callable[[], str]]] = []
    swaps = [k for k in range(len(word) - 1) if word[k].lower() != word[k + 1].lower()]
    if swaps:
        k = rng.choice(swaps)
        ops.append(("swap", lambda k=k: word[:k] + word[k + 1] + word[k] + word[k + 2 :]))
    k = rng.randrange(len(word))
    ops.append(("duplicate", lambda k=k: word[: k + 1] + word[k] + word[k + 1 :]))
    doubles = [k for k in range(len(word) - 1) if word[k].lower() == word[k + 1].lower()]
    if doubles:
        k = rng.choice(doubles)
        ops.append(("double to single", lambda k=k: word[:k] + word[k + 1 :]))
    vowels = [k for k, c in enumerate(word) if c.lower() in _VOWELS]
    if vowels:
        k = rng.choice(vowels)
        other = rng.choice([v for v in _VOWELS if v != word[k].lower()])
        other = other.upper() if word[k].isupper() else other
        ops.append(("vowel", lambda k=k, other=other: word[:k] + other + word[k + 1 :]))
    label, make = rng.choice(ops)
    words[i] = make()
    return " ".join(words), label


def _plain_tokens(name: str) -> list[str]:
    return name.replace(",", " ").split()


def v3_token_order(name: str, rng: random.Random, person: bool) -> Variant:
    if person and "," in name:
        family, _, given = name.partition(",")
        if family.strip() and given.strip():
            return f"{given.strip()} {family.strip()}", "comma form to given-first"
    tokens = _plain_tokens(name)
    if len(tokens) < 2:
        return None
    if person:
        orders = {
            "last first": [tokens[-1], *tokens[:-1]],
            "first last": [*tokens[1:], tokens[0]],
            "reversed": tokens[::-1],
        }
    else:
        k = rng.randrange(len(tokens) - 1)
        orders = {"adjacent swap": [*tokens[:k], tokens[k + 1], tokens[k], *tokens[k + 2 :]]}
    choices = [(label, order) for label, order in orders.items() if order != tokens]
    if not choices:
        return None
    label, order = rng.choice(choices)
    return " ".join(order), label


_SPACE_RE = re.compile(r"[\s\-\u00a0]")


def v4_whitespace(name: str, rng: random.Random, person: bool) -> Variant:
    words = name.split(" ")
    ops: list[tuple[str, Callable[[], str]]] = []
    joinable = [i for i in range(len(words) - 1) if words[i].isalpha() and words[i + 1].isalpha()]
    if joinable:
        i = rng.choice(joinable)
        ops.append(("join", lambda i=i: " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])))
    if "-" in name:
        ops.append(("hyphen to space", lambda: name.replace("-", " ")))
        ops.append(("hyphen removed", lambda: name.replace("-", "")))
    if joinable:
        i = rng.choice(joinable)
        ops.append(
            ("space to hyphen", lambda i=i: " ".join([*words[:i], words[i] + "-" + words[i + 1], *words[i + 2 :]]))
        )
    long_words = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 8]
    if long_words:
        i = rng.choice(long_words)
        cut = rng.randint(3, len(words[i]) - 3)
        ops.append(
            ("split", lambda i=i, cut=cut: " ".join([*words[:i], words[i][:cut], words[i][cut:], *words[i + 1 :]]))
        )
    if len(words) > 1:
        ops.append(("no-break space", lambda: "\u00a0".join(words)))
    if not ops:
        return None
    label, make = rng.choice(ops)
    variant = make()
    return (variant, label) if variant != name else None


_ACCENTS = {
    "a": "áàâäã",
    "e": "éèêë",
    "i": "íìîï",
    "o": "óòôöõ",
    "u": "úùûü",
    "c": "çč",
    "s": "šş",
    "z": "žź",
    "n": "ñń",
    "g": "ğ",
    "y": "ý",
    "r": "ř",
}


def v5_diacritics(name: str, rng: random.Random, person: bool) -> Variant:
    stripped = strip_diacritics(name)
    if stripped != name:
        return stripped, "diacritics removed"
    positions = [k for k, c in enumerate(name) if c.lower() in _ACCENTS]
    if not positions:
        return None
    chars = list(name)
    for k in rng.sample(positions, min(len(positions), rng.randint(1, 3))):
        accented = rng.choice(_ACCENTS[chars[k].lower()])
        chars[k] = accented.upper() if chars[k].isupper() else accented
    return "".join(chars), "diacritics added"


_TITLES = frozenset(
    nd.words(
        "dr doctor prof sheikh shaikh shaykh sheik haji hajji hajj alhaj alhajj mullah mulla maulavi maulvi "
        "mawlawi qari mufti imam hafiz engineer eng general gen colonel col mr mrs"
    )
)
_COMPOUND_HEADS = frozenset(nd.words("abdul abdel abdal abdur abdu abdoul abd abu abou umm bin ibn bint ben al el"))


def _plain(word: str) -> str:
    return "".join(c for c in word.casefold() if c.isalpha())


def _real_part(word: str) -> bool:
    """A name part proper: not a title, particle or the head of a compound (Abdul, Abu)."""
    plain = _plain(word)
    return len(plain) >= 2 and plain not in _TITLES and plain not in _PARTICLES and plain not in _COMPOUND_HEADS


def v9_middle_dropped(name: str, rng: random.Random, person: bool) -> Variant:
    if not person:
        return None
    if "," in name:
        family_text, _, given_text = name.partition(",")
        family, given = family_text.split(), given_text.split()
        natural = [("g", i, w) for i, w in enumerate(given)] + [("f", i, w) for i, w in enumerate(family)]
    else:
        family, given = [], name.split()
        natural = [("g", i, w) for i, w in enumerate(given)]
    if len(natural) < 3:
        return None
    # a middle name lies between two real name parts: dropping the one given name after a title
    # ("GHAIR, Dr. Alim" → "GHAIR, Dr.") or the second half of a compound ("Abdul Hakim" →
    # "Abdul") leaves no given name at all, another category (and not one logic-v2 is spared)
    real = [_real_part(w) if side == "g" else _plain(w) not in _PARTICLES for side, _, w in natural]
    inner = [
        n
        for k, n in enumerate(natural[1:-1], start=1)
        if len(n[2]) >= 3
        and n[2].isalpha()
        and _real_part(n[2])
        and any(real[:k])
        and any(real[k + 1 :])
        and _plain(natural[k - 1][2]) not in _COMPOUND_HEADS
    ]
    if not inner:
        return None
    side, index, word = rng.choice(inner)
    if side == "g":
        given = [w for i, w in enumerate(given) if i != index]
    else:
        family = [w for i, w in enumerate(family) if i != index]
    if "," in name:
        if not family or not given:
            return None
        return f"{' '.join(family)}, {' '.join(given)}", f"dropped {word}"
    return " ".join(given), f"dropped {word}"


def v10_truncated(name: str, rng: random.Random, person: bool) -> Variant:
    if len(name) <= 35:
        return None
    return name[:35].rstrip(), "cut at 35"


def v12_title(name: str, rng: random.Random, person: bool, female: bool = False) -> Variant:
    if not person:
        return None
    title = rng.choice(nd.TITLES_FEMALE if female else nd.TITLES_MALE)
    if "," in name:
        family, _, given = name.partition(",")
        return f"{family.strip()}, {title} {given.strip()}", f"title {title}"
    return f"{title} {name}", f"title {title}"


GENERATORS: dict[str, Callable[..., Variant]] = {
    "V1": v1_case_punctuation,
    "V2": v2_typo,
    "V3": v3_token_order,
    "V4": v4_whitespace,
    "V5": v5_diacritics,
    "V9": v9_middle_dropped,
    "V10": v10_truncated,
    "V12": v12_title,
}


# --- list names ---------------------------------------------------------------------------------


def indexable_names(entry: ListEntry) -> list[Name]:
    """The names a screening index holds: a string the source packed several variants into is
    replaced by its variants."""
    parents = {n.split_from for n in entry.names if n.split_from}
    return [n for n in entry.names if not (n.split_from is None and n.full in parents)]


def _name_id(name: Name) -> tuple[str, str]:
    return name.full, name.origin


def apply_removals(entries: Iterable[ListEntry], removed: dict[str, list[tuple[str, str]]]) -> list[ListEntry]:
    """The entries with every held-out name (and the variants split from it) removed."""
    out = []
    for entry in entries:
        gone = {tuple(r) for r in removed.get(entry.key, ())}
        if gone:
            fulls = {full for full, _ in gone}
            names = tuple(n for n in entry.names if _name_id(n) not in gone and n.split_from not in fulls)
            entry = replace(entry, names=names)
        out.append(entry)
    return out


def index_entries(entries: Iterable[ListEntry], dataset: Dataset) -> list[ListEntry]:
    """What the benchmark indexes: the lists without held-out names, plus the injected persons."""
    return [*apply_removals(entries, dataset.removed), *dataset.injected]


def _schema(entry: ListEntry) -> str | None:
    if entry.kind is EntityKind.PERSON:
        return "person"
    if entry.kind is EntityKind.ORGANIZATION:
        return "organization"
    return None


def _birth_date(entry: ListEntry, rng: random.Random) -> str | None:
    """A full date of birth consistent with the entry, as a traveller's document would give it."""
    for value in entry.birth_dates:
        if value.start is None or value.end is None or value.end < value.start:
            continue
        span = (value.end - value.start).days
        if span > 3 * 366:
            continue
        return (value.start + timedelta(days=rng.randint(0, span))).isoformat()
    return None


def _related(alias: Name, others: Sequence[Name]) -> bool:
    """Does the alias spell (most of) another name of the entry? ≥ 2 parts and ≥ 75 % of its parts
    close (Indel similarity ≥ 0.75) to parts, or adjacent pairs of parts, of one other name."""
    tokens = [t for t in fold_tokens(alias.full) if t not in _PARTICLES and len(t) >= 2]
    if len(tokens) < 2:
        return False
    for other in others:
        theirs = [t for t in fold_tokens(other.full) if t not in _PARTICLES and len(t) >= 2]
        pieces = theirs + [a + b for a, b in zip(fold_tokens(other.full), fold_tokens(other.full)[1:], strict=False)]
        if not theirs:
            continue
        matched = sum(1 for t in tokens if max(Indel.normalized_similarity(t, p) for p in pieces) >= 0.75)
        if matched >= 2 and matched >= 0.75 * len(tokens):
            return True
    return False


# --- synthetic Kazakh and Russian persons --------------------------------------------------------

_HUSHING = ("ж", "ш", "ч", "щ", "ц")
_RU_VOWELS = "аеёиоуыэюя"
_KZ_VOWELS = "аеёиоуыэюяәіөұү"


def russian_patronymic(father: str, female: bool) -> str:
    """Father's name (Cyrillic, Russian spelling) → Russian patronymic."""
    if father.endswith("ий") and father not in ("Дмитрий", "Георгий"):
        stem = father[:-2] + "ье"
    elif father.endswith("й"):
        stem = father[:-1] + "е"
    elif father.endswith(_HUSHING) or father[-1] in _RU_VOWELS:
        stem = father + "е"
    else:
        stem = father + "о"
    return stem + ("вна" if female else "вич")


def kazakh_patronymic(father: str, female: bool) -> str:
    return father + ("қызы" if female else "ұлы")


def _kz_surname(root: str, female: bool, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.15:
        return root
    if root.endswith("й"):
        base = root[:-1] + "ев"
    elif root[-1] in _KZ_VOWELS:
        base = root + "ев"
    elif roll < 0.3:
        base = root + "ин"
    else:
        base = root + "ов"
    return base + ("а" if female else "")


def _ru_feminine(surname: str) -> str:
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    if surname.endswith("ский"):
        return surname[:-4] + "ская"
    return surname


def _random_day(rng: random.Random, first: int = 1955, last: int = 2004) -> date:
    start = date(first, 1, 1).toordinal()
    return date.fromordinal(rng.randint(start, date(last, 12, 31).toordinal()))


@dataclass(frozen=True, slots=True)
class SyntheticPerson:
    key: str
    female: bool
    given: str
    patronymic: str
    family: str
    birth: date
    other_patronymic: str  # the same father's name in the other language's form


def _injected_entry(person: SyntheticPerson, list_id: str, country: Country, full: str) -> ListEntry:
    parts = (
        NamePart(PartRole.FAMILY, person.family),
        NamePart(PartRole.GIVEN, person.given),
        NamePart(PartRole.PATRONYMIC, person.patronymic),
    )
    name = Name(full, parts=parts, script="Cyrl", original_script=True, origin="synthetic")
    birth = FuzzyDate(person.birth, person.birth, DatePrecision.DAY, person.birth.isoformat(), origin="synthetic")
    return ListEntry(
        key=person.key,
        list_id=list_id,
        source_id=person.key.split(":", 1)[1],
        kind=EntityKind.PERSON,
        names=(name,),
        gender="female" if person.female else "male",
        birth_dates=(birth,),
        citizenships=(country,),
    )


def kazakh_persons(count: int, rng: random.Random) -> list[SyntheticPerson]:
    people = []
    for number in range(1, count + 1):
        female = rng.random() < 0.5
        given = rng.choice(nd.KZ_FEMALE if female else nd.KZ_MALE)
        father = rng.choice(nd.KZ_FATHERS)
        kazakh = kazakh_patronymic(father, female)
        russian = russian_patronymic(russify(father), female)
        patronymic, other = (kazakh, russian) if rng.random() < 0.5 else (russian, kazakh)
        family = _kz_surname(rng.choice(nd.KZ_SURNAME_ROOTS), female, rng)
        people.append(
            SyntheticPerson(f"bench-kz:{number:04d}", female, given, patronymic, family, _random_day(rng), other)
        )
    return people


def russian_persons(count: int, rng: random.Random) -> list[SyntheticPerson]:
    people = []
    for number in range(1, count + 1):
        female = rng.random() < 0.5
        given = rng.choice(nd.RU_FEMALE if female else nd.RU_MALE)
        patronymic = russian_patronymic(rng.choice(nd.RU_FATHERS), female)
        family = rng.choice(nd.RU_SURNAMES)
        family = _ru_feminine(family) if female else family
        people.append(
            SyntheticPerson(f"bench-ru:{number:04d}", female, given, patronymic, family, _random_day(rng), "")
        )
    return people


def _ordered(
    person: SyntheticPerson, render: Callable[[str], str], *, patronymic: str | None, given_first: bool
) -> str:
    given, family = render(person.given), render(person.family)
    middle = [render(patronymic)] if patronymic else []
    return " ".join([given, *middle, family] if given_first else [family, given, *middle])


# --- negatives ---------------------------------------------------------------------------------


def _pick(rng: random.Random, female: bool, male: Sequence[str], women: Sequence[str]) -> str:
    return rng.choice(women if female else male)


def _neg_kz(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.KZ_MALE, nd.KZ_FEMALE)
    family = _kz_surname(rng.choice(nd.KZ_SURNAME_ROOTS), female, rng)
    roll = rng.random()
    father = rng.choice(nd.KZ_FATHERS)
    middle = []
    if roll < 0.25:
        middle = [kazakh_patronymic(father, female)]
    elif roll < 0.5:
        middle = [russian_patronymic(russify(father), female)]
    return romanise(" ".join([given, *middle, family]), "kz-icao-fallback")


def _neg_ru(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.RU_MALE, nd.RU_FEMALE)
    family = rng.choice(nd.RU_SURNAMES)
    family = _ru_feminine(family) if female else family
    middle = [russian_patronymic(rng.choice(nd.RU_FATHERS), female)] if rng.random() < 0.4 else []
    table = "icao-2013" if rng.random() < 0.7 else "mvd-1997"
    return romanise(" ".join([given, *middle, family]), table)


def _neg_kg(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.KG_MALE, nd.KG_FEMALE)
    father = rng.choice(nd.KG_FATHERS)
    roll = rng.random()
    if roll < 0.25:
        words = [given, father, "кызы" if female else "уулу"]
    else:
        family = rng.choice(nd.KG_SURNAMES)
        family = family + "а" if female else family
        middle = [russian_patronymic(father, female)] if roll < 0.5 else []
        words = [given, *middle, family]
    return romanise(" ".join(words), "kg-icao")


def _neg_uz(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.UZ_MALE, nd.UZ_FEMALE)
    family = rng.choice(nd.UZ_SURNAMES) + ("a" if female else "")
    roll = rng.random()
    father = rng.choice(nd.UZ_MALE)
    if roll < 0.2:
        word = "qizi" if female else "o'g'li"
        return f"{given} {father} {word} {family}"
    if roll < 0.4 and father[-1] not in "aeiou'":
        return f"{given} {father}{'ovna' if female else 'ovich'} {family}"
    return f"{given} {family}"


def _neg_tr(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.TR_MALE, nd.TR_FEMALE)
    if rng.random() < 0.15:
        given += " " + _pick(rng, female, nd.TR_MALE, nd.TR_FEMALE)
    name = f"{given} {rng.choice(nd.TR_SURNAMES)}"
    return strip_diacritics(name.replace("ı", "i").replace("İ", "I")) if rng.random() < 0.5 else name


def _neg_ar(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.AR_MALE, nd.AR_FEMALE)
    father = rng.choice(nd.AR_MALE)
    parts = [given]
    if rng.random() < 0.15:
        parts.append("bint" if female else "bin")
    parts.append(father)
    if rng.random() < 0.3:
        parts.append(rng.choice(nd.AR_MALE))
    parts.append(rng.choice(nd.AR_SURNAMES))
    return " ".join(parts)


def _neg_ir(rng: random.Random, female: bool) -> str:
    return f"{_pick(rng, female, nd.IR_MALE, nd.IR_FEMALE)} {rng.choice(nd.IR_SURNAMES)}"


def _neg_afpk(rng: random.Random, female: bool) -> str:
    given = _pick(rng, female, nd.AFPK_MALE, nd.AFPK_FEMALE)
    parts = [given]
    if rng.random() < 0.4:
        parts.append(_pick(rng, female, nd.AFPK_MALE, nd.AFPK_FEMALE))
    parts.append(rng.choice(nd.AFPK_SURNAMES))
    return " ".join(parts)


def _neg_cn(rng: random.Random, female: bool) -> str:
    family = rng.choice(nd.CN_FAMILY)
    if rng.random() < 0.35:
        given = rng.choice(nd.CN_SYLLABLES)
    else:
        first, second = rng.choice(nd.CN_SYLLABLES), rng.choice(nd.CN_SYLLABLES).lower()
        given = first + rng.choice(["", "", "", "-", " "]) + (second if rng.random() < 0.8 else second.capitalize())
    if rng.random() < 0.3:
        family = family.upper()
    return f"{family} {given}" if rng.random() < 0.6 else f"{given} {family}"


def _neg_kr(rng: random.Random, female: bool) -> str:
    family = rng.choice(nd.KR_FAMILY)
    first, second = rng.choice(nd.KR_SYLLABLES), rng.choice(nd.KR_SYLLABLES)
    given = rng.choice([first + second.lower(), f"{first}-{second.lower()}", f"{first} {second}"])
    return f"{family} {given}" if rng.random() < 0.6 else f"{given} {family}"


def _neg_in(rng: random.Random, female: bool) -> str:
    parts = [_pick(rng, female, nd.IN_MALE, nd.IN_FEMALE)]
    if rng.random() < 0.25:
        parts.append(rng.choice(nd.IN_MIDDLE))
    parts.append(rng.choice(nd.IN_SURNAMES))
    return " ".join(parts)


def _neg_eu(rng: random.Random, female: bool) -> str:
    parts = [_pick(rng, female, nd.EU_MALE, nd.EU_FEMALE)]
    if rng.random() < 0.15:
        parts.append(_pick(rng, female, nd.EU_MALE, nd.EU_FEMALE))
    parts.append(rng.choice(nd.EU_SURNAMES))
    if rng.random() < 0.1:
        parts.append(rng.choice(nd.EU_SURNAMES))
    name = " ".join(parts)
    return strip_diacritics(name) if rng.random() < 0.3 else name


def _neg_us(rng: random.Random, female: bool) -> str:
    parts = [_pick(rng, female, nd.US_MALE, nd.US_FEMALE)]
    roll = rng.random()
    if roll < 0.3:
        parts.append(rng.choice("ABCDEFGHJKLMNPRSTW") + ".")
    elif roll < 0.45:
        parts.append(_pick(rng, female, nd.US_MALE, nd.US_FEMALE))
    parts.append(rng.choice(nd.US_SURNAMES))
    return " ".join(parts)


CULTURES: dict[str, Callable[[random.Random, bool], str]] = {
    "KZ": _neg_kz,
    "RU": _neg_ru,
    "UZ": _neg_uz,
    "KG": _neg_kg,
    "TR": _neg_tr,
    "AR": _neg_ar,
    "IR": _neg_ir,
    "AF/PK": _neg_afpk,
    "CN": _neg_cn,
    "KR": _neg_kr,
    "IN": _neg_in,
    "EU": _neg_eu,
    "US": _neg_us,
}


# --- the builder -------------------------------------------------------------------------------


def _rng(seed: int, label: str) -> random.Random:
    return random.Random(f"{seed}:{label}")


def build_dataset(
    entries: Sequence[ListEntry],
    seed: int = SEED,
    sizes: dict[str, int] | None = None,
    source: population.NameSource | None = None,
) -> Dataset:
    sizes = {**DEFAULT_SIZES, **(sizes or {})}
    entries = sorted(entries, key=lambda e: e.key)
    queries: list[Query] = []
    removed: dict[str, list[tuple[str, str]]] = {}
    pools: dict[str, int] = {}
    counter = iter(range(1, 10_000_000))

    def add(
        category: str, name: str, entry: ListEntry, rng: random.Random, source: str | None, detail: str | None
    ) -> None:
        queries.append(
            Query(
                f"q{next(counter):06d}",
                category,
                name,
                entry.key,
                _schema(entry),
                _birth_date(entry, rng) if entry.kind is EntityKind.PERSON else None,
                source,
                detail,
            )
        )

    # 1. original-script names held out (UN individuals' NAME_ORIGINAL_SCRIPT)
    for script, category in (("Arab", "held-out Arabic original"), ("Cyrl", "held-out Cyrillic original")):
        rng = _rng(seed, category)
        found = 0
        for entry in entries:
            if entry.kind is not EntityKind.PERSON:
                continue
            for name in entry.names:
                if name.origin == "NAME_ORIGINAL_SCRIPT" and name.script == script:
                    removed.setdefault(entry.key, []).append(_name_id(name))
                    add(category, name.full, entry, rng, name.full, "NAME_ORIGINAL_SCRIPT")
                    found += 1
        pools[category] = found

    # 2. one alias per entry held out: a spelling variant of a remaining name, or another name
    rng = _rng(seed, "held-out alias")
    variants: list[tuple[ListEntry, Name]] = []
    others: list[tuple[ListEntry, Name]] = []
    for entry in entries:
        gone = set(map(tuple, removed.get(entry.key, ())))
        names = [n for n in indexable_names(entry) if _name_id(n) not in gone]
        strong = [n for n in names if n.quality is NameQuality.STRONG]
        plain = [
            n
            for n in strong
            if n.kind is not NameKind.PRIMARY and n.split_from is None and not n.original_script and _is_latin(n.full)
        ]
        options = []
        for alias in plain:
            rest = [n for n in strong if n is not alias]
            if rest and fold_key(alias.full) not in {fold_key(n.full) for n in rest}:
                options.append((alias, rest))
        if not options:
            continue
        alias, rest = rng.choice(options)
        (variants if _related(alias, rest) else others).append((entry, alias))
    pools["held-out alias"], pools["held-out alias (other name)"] = len(variants), len(others)
    for category, pool in (("held-out alias", variants), ("held-out alias (other name)", others)):
        chosen = rng.sample(pool, min(sizes[category], len(pool)))
        for entry, alias in sorted(chosen, key=lambda item: item[0].key):
            removed.setdefault(entry.key, []).append(_name_id(alias))
            add(category, alias.full, entry, rng, alias.full, f"{alias.origin} ({alias.source_quality or alias.kind})")

    # 3. names that stay indexed: exact and synthetic variants
    kept = apply_removals(entries, removed)
    indexed = [
        (entry, name)
        for entry in kept
        for name in indexable_names(entry)
        if name.quality is NameQuality.STRONG and name.full.strip()
    ]
    rng = _rng(seed, "V0")
    pools["V0"] = len({e.key for e, _ in indexed})
    by_entry: dict[str, list[tuple[ListEntry, Name]]] = {}
    for entry, name in indexed:
        by_entry.setdefault(entry.key, []).append((entry, name))
    for key in sorted(rng.sample(sorted(by_entry), min(sizes["V0"], len(by_entry)))):
        entry, name = rng.choice(by_entry[key])
        add("V0", name.full, entry, rng, name.full, f"{name.kind}")
    latin = [(e, n) for e, n in indexed if _is_latin(n.full) and not n.original_script]
    for category in SYNTHETIC:
        rng = _rng(seed, category)
        order = list(latin)
        rng.shuffle(order)
        used: set[str] = set()
        eligible = 0
        made: list[tuple[ListEntry, Name, str, str]] = []
        generator = GENERATORS[category]
        for entry, name in order:
            person = entry.kind is EntityKind.PERSON
            if category == "V12":
                result = v12_title(name.full, rng, person, female=entry.gender == "female")
            else:
                result = generator(name.full, rng, person)
            if result is None or result[0] == name.full:
                continue
            eligible += 1
            if entry.key in used or len(made) >= sizes["synthetic"]:
                continue
            used.add(entry.key)
            made.append((entry, name, *result))
        pools[category] = eligible
        for entry, name, variant, operation in made:
            add(category, variant, entry, rng, name.full, operation)

    # 4. V6-RU from Cyrillic list names that stay indexed
    rng = _rng(seed, "V6-RU")
    cyrillic = [(e, n) for e, n in indexed if n.script == "Cyrl"]
    pools["V6-RU"] = len(cyrillic)
    for entry, name in cyrillic:
        renderings = {
            "ICU Russian-Latin/BGN": icu_romanise(name.full, "Russian-Latin/BGN"),
            "ICU Cyrillic-Latin": icu_romanise(name.full, "Cyrillic-Latin"),
            "MVD-1997": romanise(name.full, "mvd-1997"),
            "ICAO-2013": romanise(name.full, "icao-2013"),
        }
        seen: set[str] = set()
        for renderer, text in renderings.items():
            if text not in seen:
                seen.add(text)
                add("V6-RU", text, entry, rng, name.full, renderer)

    # 5. synthetic Kazakh and Russian persons, injected into the index
    injected: list[ListEntry] = []
    rng = _rng(seed, "kz-persons")
    kz_people = kazakh_persons(sizes["kz_persons"], rng)
    kz_country = Country("Kazakhstan", "KZ")
    for number, person in enumerate(kz_people):
        listed = f"{person.family.upper()} {person.given} {person.patronymic}"
        entry = _injected_entry(person, "bench-kz", kz_country, listed)
        injected.append(entry)
        icao = lambda text: romanise(text, "kz-icao-fallback")  # noqa: E731
        ics = lambda text: romanise(text, "kz-ics-630")  # noqa: E731
        kz_forms = [
            ("ICAO-fallback, given first", _ordered(person, icao, patronymic=person.patronymic, given_first=True)),
            ("ICS-630, given first", _ordered(person, ics, patronymic=person.patronymic, given_first=True)),
            (
                "ICAO-fallback, family first, upper",
                _ordered(person, icao, patronymic=person.patronymic, given_first=False).upper(),
            ),
            ("ICS-630, family first", _ordered(person, ics, patronymic=person.patronymic, given_first=False)),
        ]
        picks = rng.sample(kz_forms, 2 if number < sizes["synthetic"] - len(kz_people) else 1)
        for renderer, text in picks:
            add("V6-KZ", text, entry, rng, listed, renderer)
        if number % 2 == 0:
            mrz = f"{icao(person.family)} {icao(person.given)}".upper()
            add("V9-P", mrz, entry, rng, listed, "MRZ style, no patronymic")
        else:
            swapped = _ordered(person, icao, patronymic=person.other_patronymic, given_first=True)
            add("V9-P", swapped, entry, rng, listed, f"patronymic in the other language ({person.other_patronymic})")
    pools["V6-KZ"] = pools["V9-P"] = len(kz_people)
    rng = _rng(seed, "ru-persons")
    ru_people = russian_persons(sizes["ru_persons"], rng)
    for person in ru_people:
        listed = f"{person.family} {person.given} {person.patronymic}"
        entry = _injected_entry(person, "bench-ru", Country("Russia", "RU"), listed)
        injected.append(entry)
        given_first = rng.random() < 0.7
        renderers: dict[str, Callable[[str], str]] = {
            "ICU Russian-Latin/BGN": lambda t: icu_romanise(t, "Russian-Latin/BGN"),
            "ICU Cyrillic-Latin": lambda t: icu_romanise(t, "Cyrillic-Latin"),
            "MVD-1997": lambda t: romanise(t, "mvd-1997"),
            "ICAO-2013": lambda t: romanise(t, "icao-2013"),
        }
        per_person = max(1, round(sizes["synthetic"] / max(len(ru_people), 1)))
        for label in rng.sample(sorted(renderers), min(per_person, len(renderers))):
            text = _ordered(person, renderers[label], patronymic=person.patronymic, given_first=given_first)
            add("V6-RU-syn", text, entry, rng, listed, label)
    pools["V6-RU-syn"] = len(ru_people)

    # 6. negatives: innocent people from real name data, and near misses of the injected persons
    from benchmarks.matching import population

    source = source or population.NamesDatasetSource()
    list_keys = {fold_key(n.full) for e in [*entries, *injected] for n in e.names}
    persons = population.people(source, sizes["people"], seed)
    negatives, homonyms = population.population_queries(persons, list_keys)
    near = population.near_misses(source, population.listed_persons(injected), seed)
    near_homonyms = sum(1 for q in near if fold_key(q.name) in list_keys)
    negatives += [q for q in near if fold_key(q.name) not in list_keys]
    excluded = homonyms + near_homonyms
    meta = {
        "version": VERSION,
        "seed": seed,
        "sizes": sizes,
        "negatives_excluded_as_list_names": excluded,
        "homonyms": {"population": homonyms, "near misses": near_homonyms},
        "people": len(persons),
        "name_source": source.version,
        "counts": {c: sum(1 for q in queries if q.category == c) for c in CATEGORIES},
        "negatives": len(negatives),
    }
    return Dataset(meta, removed, injected, queries, negatives, pools)


# --- batch traffic ----------------------------------------------------------------------------


def traffic(
    dataset: Dataset, size: int, hit_rate: float = 0.01, seed: int = SEED, people: Sequence[Query] = ()
) -> Iterator[Query]:
    """A batch as screening meets it: ``size`` travellers or customers, ``hit_rate`` of them listed
    persons (queries of the dataset's positive categories, drawn at random). The others are
    ``people`` — innocent people from real name data (:func:`load_or_build_traffic`), taken in
    turn from an offset the seed sets — or, without them, synthetic names of the thirteen cultures
    (names repeat part by part, rarely whole). Seeded; not the quality negatives."""
    rng = _rng(seed, "traffic")
    positives = [q for q in dataset.queries if q.category != "held-out alias (other name)"]
    makers = list(CULTURES.items())
    offset = rng.randrange(len(people)) if people else 0
    for number in range(size):
        if positives and rng.random() < hit_rate:
            query = rng.choice(positives)
            yield replace(query, id=f"t{number:07d}")
            continue
        if people:
            yield replace(people[(offset + number) % len(people)], id=f"t{number:07d}")
            continue
        culture, make = makers[number % len(makers)]
        female = rng.random() < 0.5
        birth = _random_day(rng, 1945, 2006).isoformat()
        yield Query(f"t{number:07d}", "negative", make(rng, female), None, "person", birth, None, culture)


def load_or_build_traffic(results: Path, size: int, seed: int = SEED + 100) -> tuple[list[Query], Path]:
    """Innocent traffic from real name data (population.traffic_people), built once per size and
    cached beside the dataset (JSON Lines, not committed)."""
    from benchmarks.matching import population

    digest = hashlib.sha256(f"{seed}:{size}:{_names_version()}".encode())
    digest.update(Path(__file__).with_name("population.py").read_bytes())
    path = results / f"matching-traffic-{digest.hexdigest()[:16]}.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as lines:
            return [Query.from_dict(json.loads(line)) for line in lines], path
    queries = population.traffic_people(population.NamesDatasetSource(), size, seed)
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        for query in queries:
            out.write(json.dumps(query.as_dict(), ensure_ascii=False) + "\n")
    temporary.replace(path)
    return queries, path


# --- storage -----------------------------------------------------------------------------------


def save(dataset: Dataset, path: Path) -> None:
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"type": "meta", **dataset.meta, "pools": dataset.pools}, ensure_ascii=False) + "\n")
        for key, names in sorted(dataset.removed.items()):
            out.write(json.dumps({"type": "removed", "entry": key, "names": names}, ensure_ascii=False) + "\n")
        for entry in dataset.injected:
            out.write(json.dumps({"type": "injected", "entry": entry_to_dict(entry)}, ensure_ascii=False) + "\n")
        for query in [*dataset.queries, *dataset.negatives]:
            out.write(json.dumps({"type": "query", **query.as_dict()}, ensure_ascii=False) + "\n")
    temporary.replace(path)


def load(path: Path) -> Dataset:
    meta: dict[str, Any] = {}
    pools: dict[str, int] = {}
    removed: dict[str, list[tuple[str, str]]] = {}
    injected: list[ListEntry] = []
    queries: list[Query] = []
    negatives: list[Query] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            kind = record.pop("type")
            if kind == "meta":
                pools = record.pop("pools", {})
                meta = record
            elif kind == "removed":
                removed[record["entry"]] = [tuple(n) for n in record["names"]]
            elif kind == "injected":
                injected.append(entry_from_dict(record["entry"]))
            else:
                query = Query.from_dict(record)
                (negatives if query.category == "negative" else queries).append(query)
    return Dataset(meta, removed, injected, queries, negatives, pools)


def list_paths(shared: Path) -> dict[str, Path]:
    return {"un": shared / "lists" / "un" / "UN_consolidated.xml", "ofac": shared / "lists" / "ofac"}


def read_lists(shared: Path) -> list[ListEntry]:
    from tekser.ingest.lists import ofac, un

    paths = list_paths(shared)
    return [*un.read(paths["un"]).entries, *ofac.read(paths["ofac"]).entries]


def _names_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("names-dataset")
    except importlib.metadata.PackageNotFoundError:
        return "none"


def lists_hash(shared: Path) -> str:
    digest = hashlib.sha256(f"{VERSION}:{SEED}:{sorted(DEFAULT_SIZES.items())}:{_names_version()}".encode())
    for generator_file in (Path(__file__), Path(nd.__file__), Path(__file__).with_name("population.py")):
        digest.update(generator_file.read_bytes())
    for path in list_paths(shared).values():
        files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.name.encode())
            digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:16]


def load_or_build(shared: Path, results: Path) -> tuple[Dataset, Path, bool]:
    """The dataset for these list files (cached as JSON Lines); True when it was just built."""
    results.mkdir(parents=True, exist_ok=True)
    path = results / f"matching-dataset-{lists_hash(shared)}.jsonl"
    if path.exists():
        return load(path), path, False
    dataset = build_dataset(read_lists(shared))
    save(dataset, path)
    for stale in results.glob("matching-dataset-*.jsonl"):
        if stale != path:
            stale.unlink()
    return dataset, path, True
