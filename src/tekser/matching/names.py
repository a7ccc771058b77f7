"""Name comparison: align the parts of two analysed names and score the alignment.

Each part of one name is paired with at most one part of the other (any order; a part may
also pair with two adjacent parts written together, "Abdulrahman" / "Abdul Rahman"). Parts
carry a weight from their rarity in the lists, so a common "Mohammed" counts less than a rare
family name. The score is symmetric:

    score = Σ pairs s·(w₁ + w₂) / (Σ pairs (w₁ + w₂) + α·Σ unpaired required parts w)

Titles, particles, legal forms and patronymics are optional: absent on one side, they cost
nothing; present on both, patronymics compare by father's-name stem and can confirm or
contradict. A fuzzy match that rests on too little rare material is capped below the
threshold; identical names (same folded parts) score 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import JaroWinkler

from tekser.matching.config import MatchConfig
from tekser.matching.weights import TokenWeights
from tekser.names.fold import canonical, loose_skeleton
from tekser.names.parts import AnalyzedName, Role, Token, name_groups, squashed

_GENDERED = ("ov", "ev", "in", "ski", "sk")
_CONNECTIVE = frozenset({Role.PARTICLE, Role.TITLE, Role.LEGAL})


@dataclass(frozen=True, slots=True)
class PartMatch:
    """How one part (or a pair of parts written together) of each name compared."""

    query: str | None
    candidate: str | None
    kind: str  # exact, variant, skeleton, fuzzy, gendered, initial, joined, patronymic, particle, unmatched
    score: float
    weight: float


Alignment = tuple[tuple[int, ...], tuple[int, ...], str, float, float]  # query idx, candidate idx, kind, score, weight


class NameScore(NamedTuple):
    """A name comparison's outcome (a named tuple: one is made per list name scored)."""

    score: float
    exact: bool
    matched_weight: float
    capped: bool = False
    reversed: bool = False
    alignment: tuple[Alignment, ...] = ()
    query_tokens: tuple[Token, ...] = ()
    candidate_tokens: tuple[Token, ...] = ()
    uncapped: float = 0.0  # the score before the ceiling for thin matches (used when other facts corroborate)

    @property
    def parts(self) -> tuple[PartMatch, ...]:
        """The alignment as readable records (built only when an explanation is read)."""
        return tuple(
            PartMatch(
                " ".join(self.query_tokens[i].text for i in q_idx) or None,
                " ".join(self.candidate_tokens[j].text for j in c_idx) or None,
                kind or self._kind(q_idx[0], c_idx[0], score),
                round(score, 4),
                round(weight, 4),
            )
            for q_idx, c_idx, kind, score, weight in self.alignment
        )

    def _kind(self, i: int, j: int, score: float) -> str:
        """How two parts compared, for pairs whose similarity came from the index."""
        plain, kind = token_similarity(self.query_tokens[i], self.candidate_tokens[j])
        return "other known name" if kind == "fuzzy" and abs(plain - score) > 1e-9 else kind


@lru_cache(maxsize=20_000)
def _string_similarity(a: str, b: str) -> float:
    return float(JaroWinkler.normalized_similarity(a, b))


def gendered(a: str, b: str) -> bool:
    """Ivanov / Ivanova, Tolegenov / Tolegenova, Kowalski / Kowalska."""
    if len(a) > len(b):
        a, b = b, a
    if b == a + "a" and a.endswith(_GENDERED):
        return True
    return a.endswith("ski") and b == a[:-1] + "a"


def token_similarity(a: Token, b: Token, both_known: bool = False, known_factor: float = 1.0) -> tuple[float, str]:
    """Similarity of two parts in [0, 1] and how it was reached.

    ``both_known``: each part is itself a known name (spelled so in the lists or in the
    population table); a merely similar spelling (Karimov / Kasimov) is then more likely
    another name than a keying error, and counts ``known_factor`` of its similarity."""
    if a.role is Role.PATRONYMIC and b.role is Role.PATRONYMIC and a.stems and b.stems:
        return max(_string_similarity(x, y) for x in a.stems for y in b.stems), "patronymic"
    if a.role is Role.INITIAL or b.role is Role.INITIAL:
        initial, other = (a, b) if a.role is Role.INITIAL else (b, a)
        letter = initial.forms[0][:1]
        if other.role is Role.INITIAL:
            return (1.0, "initial") if other.forms[0][:1] == letter else (0.0, "initial")
        return (0.8, "initial") if any(f.startswith(letter) for f in other.forms) else (0.0, "initial")
    if a.forms and b.forms and a.forms[0] == b.forms[0]:
        return 1.0, "exact"
    shared = set(a.forms).intersection(b.forms)
    if shared:
        return 1.0, "variant"
    best, kind = 0.0, "fuzzy"
    for x in a.forms:
        for y in b.forms:
            if gendered(x, y):
                return 0.9, "gendered"  # same family name, other gender: a relative as often as a spelling
            if len(x) <= SHORT_PART or len(y) <= SHORT_PART:
                continue  # short parts agree or not: Li is no mistyped Liz, nor Ali a mistyped Ari
            similarity = _string_similarity(x, y)
            if similarity > best:
                best = similarity
    # Jaro-Winkler is generous to short, similar names (Thomas/Tomana 0.89): squaring keeps typos in
    # longer names high (0.96 → 0.92) and pushes look-alikes down; names that differ only in their
    # vowels (Osama/Usama, Laden/Ladin: romanisations of Arabic short vowels) keep 0.9
    best = best * best
    if both_known and not (a.abjad or b.abjad) and not sound_alike(a.skeletons, b.skeletons):
        best, kind = best * known_factor, "other known name"
    if best < 0.9 and any(vowel_variants(x, y) for x in a.forms for y in b.forms):
        best, kind = 0.9, "vowels"
    if best < 0.9 and a.role is Role.NAME and b.role is Role.NAME and same_given_name(a.forms, b.forms):
        best, kind = 0.9, "diminutive"  # Volodya / Vladimir, Sasha / Aleksandr, Abdul / Abdullah
    if (a.abjad or b.abjad) and best < 0.92:
        if set(a.skeletons).intersection(b.skeletons):
            best, kind = 0.92, "skeleton"
        elif not (short(a) or short(b)):  # (a short part's skeleton is one or two letters: equal or not)
            for x in a.skeletons:
                for y in b.skeletons:
                    similarity = 0.95 * _string_similarity(x, y)
                    if similarity > best:
                        best, kind = similarity, "skeleton"
    return best, kind


def same_given_name(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """One given name in two forms: a short form or diminutive of the other (data/given_name_forms.yml)."""
    groups = name_groups(first)
    return bool(groups) and not groups.isdisjoint(name_groups(second))


def sound_alike(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Consonant skeletons equal once voiced and voiceless consonants merge (Izmailov, Ismailov):
    two renderings of one name, not two names."""
    return not {loose_skeleton(x) for x in first}.isdisjoint(loose_skeleton(y) for y in second)


_VOWEL = str.maketrans("", "", "aeiou")
SHORT_PART = 3  # parts of at most this many letters never match by spelling distance, only when equal


def short(token: Token) -> bool:
    """A part of three letters or fewer (its first rendering): Li, Ali, Liz, Abu."""
    return len(token.forms[0]) <= SHORT_PART if token.forms else True


def vowel_variants(a: str, b: str) -> bool:
    if len(a) <= SHORT_PART or len(b) <= SHORT_PART:
        return False
    consonants = a.translate(_VOWEL)
    # the last letter must agree: a final vowel often marks gender (Maria/Mario, Ivana/Ivano)
    same_end = a[-1:] == b[-1:]
    return same_end and len(consonants) >= 2 and consonants == b.translate(_VOWEL) and abs(len(a) - len(b)) <= 1


def _weight(token: Token, weights: TokenWeights, people: bool = True) -> float:
    if token.role is Role.INITIAL:
        return 0.3
    if token.role is Role.PATRONYMIC:
        return 1.0  # a father's name that differs says "another person" as loudly as a given name
    if token.optional:
        return 0.2
    return weights.of(token.forms, people)


Joined = tuple[int, tuple[str, ...]]  # first part's index, forms of the two parts written together
JOINED_MIN_LENGTH = 5  # a part compared with two written together has at least this many letters
JOINED_FLOOR = 0.9
JOINED_PART_MIN_LENGTH = 3  # each of two parts written together has at least this many letters ("Cheng He" is not)


def joined_similarity(forms: tuple[str, ...], joined: tuple[str, ...]) -> float:
    """1 when one part and two parts written together are the same letters (a rendering of at
    least five letters of each, folded alike: Abdulrahman / Abdul Rahman, Janggang / Jang Gang),
    else 0. Only the same letters: a near spelling of two parts written as one is as likely
    another name (Cheney / Cheng He), and the index finds what agrees letter for letter."""
    for x in forms:
        if len(x) >= JOINED_MIN_LENGTH and x in joined:
            return 1.0
    return 0.0


def _joined(tokens: tuple[Token, ...]) -> tuple[Joined, ...]:
    """Adjacent required parts written together: ("kim", "jong") → "kimjong"."""
    pairs = []
    for index in range(len(tokens) - 1):
        first, second = tokens[index], tokens[index + 1]
        if (
            first.role is Role.NAME
            and second.role is Role.NAME
            and first.forms
            and second.forms
            and min(len(first.forms[0]), len(second.forms[0])) >= JOINED_PART_MIN_LENGTH
        ):
            # folded across the join too: Jang + Gang is Janggang, written either way
            joined = dict.fromkeys(canonical(x + y) for x in first.forms[:2] for y in second.forms[:2])
            pairs.append((index, tuple(joined)))
    return tuple(pairs)


class PreparedName(NamedTuple):
    """An analysed name with what comparisons reuse: part weights, joined pairs, stems."""

    name: AnalyzedName
    weights: tuple[float, ...]
    joined: tuple[Joined, ...]
    concatenated: str
    stems: frozenset[str]
    required_weight: float
    required_count: int
    known: tuple[bool, ...] = ()  # per part: spelled as a known name (see token_similarity)
    squashed: str = ""  # every word folded and written together, titles and particles included
    middles: frozenset[int] = frozenset()  # the parts that may be middle names (see middle_candidates)
    structured: bool = False  # the source says which parts are the family name


class NameShape(NamedTuple):
    """What :func:`prepare` derives from a name alone, not from the lists' part weights (an
    index build works it out in several processes)."""

    joined: tuple[Joined, ...]
    concatenated: str
    stems: frozenset[str]
    squashed: str
    middles: frozenset[int]
    structured: bool


def shape(name: AnalyzedName) -> NameShape:
    tokens = name.tokens
    return NameShape(
        _joined(tokens),
        _concatenated(name),
        frozenset(s for t in tokens if t.role is Role.PATRONYMIC for s in t.stems),
        squashed(name.text),
        middle_candidates(tokens),
        _structured(tokens),
    )


def prepare(
    name: AnalyzedName, weights: TokenWeights, shaped: NameShape | None = None, people: bool = True
) -> PreparedName:
    """``people``: a person's name (or a subject of unknown kind), whose parts weigh by how common
    they are among people too; an organisation's words weigh by the lists alone."""
    tokens = name.tokens
    shaped = shaped or shape(name)
    part_weights = tuple(
        weights.of(t.forms, people) if t.role is Role.NAME else _weight(t, weights, people) for t in tokens
    )
    required_weight = 0.0
    required_count = 0
    for token, weight in zip(tokens, part_weights, strict=True):
        if not token.optional:
            required_weight += weight
            required_count += 1
    return PreparedName(
        name,
        part_weights,
        shaped.joined,
        shaped.concatenated,
        shaped.stems,
        required_weight,
        required_count,
        tuple(t.role is Role.NAME and weights.known(t.forms[0]) for t in tokens),
        shaped.squashed,
        shaped.middles,
        shaped.structured,
    )


def _structured(tokens: tuple[Token, ...]) -> bool:
    return any(t.family is not None for t in tokens if not t.optional)


def middle_candidates(tokens: tuple[Token, ...]) -> frozenset[int]:
    """Required parts that may be middle names, which travel documents and customer files often
    leave out: the given names after the first when the source says which parts are the family
    name; otherwise any part between the first and the last (the scorer then also asks that
    parts on both sides of it are matched)."""
    required = [i for i, t in enumerate(tokens) if not t.optional]
    if _structured(tokens):
        given = [i for i in required if tokens[i].family is False]
        return frozenset(given[1:])
    return frozenset(required[1:-1])


def compare_names(
    query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights, config: MatchConfig
) -> NameScore:
    return compare_prepared(prepare(query, weights), prepare(candidate, weights), config)


SimilarityCache = dict[
    tuple[
        tuple[str, ...],
        tuple[str, ...],
        tuple[str, ...],
        tuple[str, ...],
        tuple[str, ...],
        tuple[str, ...],
        Role,
        Role,
        bool,
        bool,
        bool,
        float,
    ],
    tuple[float, str],
]


_SHARED_CACHE: SimilarityCache = {}
_SHARED_CACHE_LIMIT = 10_000


def _similarity(a: Token, b: Token, both_known: bool = False, known_factor: float = 1.0) -> tuple[float, str]:
    """Token similarity, remembered across subjects: traveller names repeat, list names repeat more."""
    key = (
        a.forms,
        b.forms,
        a.skeletons,
        b.skeletons,
        a.stems,
        b.stems,
        a.role,
        b.role,
        a.abjad,
        b.abjad,
        both_known,
        known_factor,
    )
    found = _SHARED_CACHE.get(key)
    if found is None:
        found = token_similarity(a, b, both_known, known_factor)
        if len(_SHARED_CACHE) >= _SHARED_CACHE_LIMIT:
            _SHARED_CACHE.clear()
        _SHARED_CACHE[key] = found
    return found


similarity = _similarity  # the retrieval compares parts exactly as the scorer does


def compare_prepared(
    q: PreparedName,
    c: PreparedName,
    config: MatchConfig,
    pairs: Iterable[tuple[int, int, float]] | None = None,
) -> NameScore:
    """Align and score two prepared names. ``pairs`` (query position, candidate position,
    similarity): the similar parts already found by the index (those at or above the token
    floor); without them every pair of parts is compared here."""
    query, candidate = q.name, c.name
    q_tokens, c_tokens = query.tokens, candidate.tokens
    if not q_tokens or not c_tokens:
        return NameScore(0.0, False, 0.0)
    patronymics_agree = not q.stems or not c.stems or bool(q.stems & c.stems)
    if (query.key and query.key == candidate.key and patronymics_agree) or (
        query.plain and query.plain == candidate.plain
    ):
        q_core = [i for i, t in enumerate(q_tokens) if not t.optional]
        c_core = [j for j, t in enumerate(c_tokens) if not t.optional]
        same = tuple(
            ((i,), (j,), "exact", 1.0, q.weights[i] + c.weights[j]) for i, j in zip(q_core, c_core, strict=False)
        )
        return NameScore(1.0, True, q.required_weight, alignment=same, query_tokens=q_tokens, candidate_tokens=c_tokens)
    if patronymics_agree and (
        (len(q.concatenated) >= 6 and q.concatenated == c.concatenated and _all_names(q_tokens, c_tokens))
        or (len(q.squashed) >= 6 and q.squashed == c.squashed)
    ):
        # "Kimjongun" / "Kim Jong Un", "SheikhAhmed" / "Sheikh Ahmed": the same letters, split differently
        q_all = tuple(i for i, t in enumerate(q_tokens) if not t.optional)
        c_all = tuple(j for j, t in enumerate(c_tokens) if not t.optional)
        whole: Alignment = (q_all, c_all, "joined", 0.98, q.required_weight + c.required_weight)
        return NameScore(
            0.98, False, q.required_weight, alignment=(whole,), query_tokens=q_tokens, candidate_tokens=c_tokens
        )
    q_weights, c_weights = q.weights, c.weights
    floor = config.token_floor
    q_known, c_known = q.known or (False,) * len(q_tokens), c.known or (False,) * len(c_tokens)
    known_factor = config.known_names_factor

    # pairings: (negated score, tie-break forms, query indexes, candidate indexes, kind); the
    # tie-break is the sorted pair of forms, so the result does not depend on which side is the query
    options: list[tuple[float, str, str, tuple[int, ...], tuple[int, ...], str]] = []
    if pairs is not None:
        options = _given_options(q_tokens, c_tokens, pairs)
    for i, a in enumerate(q_tokens) if pairs is None else ():
        a_optional, a_role, a_form = a.optional, a.role, a.forms[0]
        for j, b in enumerate(c_tokens):
            b_role = b.role
            if a_optional != b.optional:
                if a_role is not Role.PATRONYMIC and b_role is not Role.PATRONYMIC:
                    continue
            elif a_optional and a_role is not b_role:
                continue
            b_form = b.forms[0]
            low, high = (a_form, b_form) if a_form <= b_form else (b_form, a_form)
            if a_role in _CONNECTIVE:
                if a_form == b_form:
                    options.append((-1.0, low, high, (i,), (j,), "particle"))
                continue
            similarity, kind = _similarity(a, b, q_known[i] and c_known[j], known_factor)
            if similarity >= floor or (a_role is Role.PATRONYMIC and b_role is Role.PATRONYMIC):
                options.append((-similarity, low, high, (i,), (j,), kind))
    if q.required_count != c.required_count:  # parts written together on one side only
        joined_floor = max(floor, JOINED_FLOOR)
        for side, (tokens_a, joined_b) in enumerate(((q_tokens, c.joined), (c_tokens, q.joined))):
            if not joined_b:
                continue
            joinable = [
                (i, a) for i, a in enumerate(tokens_a) if a.role is Role.NAME and len(a.forms[0]) >= JOINED_MIN_LENGTH
            ]
            for start, joined in joined_b:
                for i, a in joinable:
                    similarity = joined_similarity(a.forms, joined)
                    if similarity >= joined_floor:
                        pair: tuple[int, ...] = (start, start + 1)
                        single: tuple[int, ...] = (i,)
                        q_idx, c_idx = (single, pair) if side == 0 else (pair, single)
                        low, high = sorted((a.forms[0], joined[0]))
                        options.append((-similarity, low, high, q_idx, c_idx, "joined"))
    options.sort()

    used_q: set[int] = set()
    used_c: set[int] = set()
    raw: list[Alignment] = []
    numerator = denominator = matched = 0.0
    swapped = 0
    complete = True
    for negated, _, _, q_idx, c_idx, kind in options:
        if not used_q.isdisjoint(q_idx) or not used_c.isdisjoint(c_idx):
            continue
        used_q.update(q_idx)
        used_c.update(c_idx)
        similarity = -negated
        if len(q_idx) == 1 and len(c_idx) == 1:  # (as sum() adds them: 0 + w₁ + w₂)
            weight = q_weights[q_idx[0]] + c_weights[c_idx[0]]
        else:
            weight = sum(q_weights[i] for i in q_idx) + sum(c_weights[j] for j in c_idx)
        numerator += similarity * weight
        denominator += weight
        if kind != "particle" and (kind != "patronymic" or similarity >= 0.9):
            matched += similarity * weight / 2  # an agreeing father's name is real evidence too
        if similarity < 0.97:
            complete = False
        q_family = q_tokens[q_idx[0]].family
        c_family = c_tokens[c_idx[0]].family
        if q_family is not None and c_family is not None and q_family != c_family:
            swapped += 1
        raw.append((q_idx, c_idx, kind, similarity, weight))
    # a name cut at a field length (SWIFT 4 x 35): its last part may be the start of a word, and
    # what followed the cut (the other name's parts after its last matched one) costs nothing
    q_cut, c_cut = looks_truncated(query.text), looks_truncated(candidate.text)
    for cut, tokens_a, tokens_b, used_a, used_b in (
        (q_cut, q_tokens, c_tokens, used_q, used_c),
        (c_cut, c_tokens, q_tokens, used_c, used_q),
    ):
        last = len(tokens_a) - 1
        if not cut or last in used_a or last < 0 or not tokens_a[last].forms:
            continue
        stub = tokens_a[last].forms[0]
        if len(stub) < 2:
            continue
        for j, other in enumerate(tokens_b):
            if j not in used_b and _starts_any(other.forms, stub):
                used_a.add(last)
                used_b.add(j)
                weight = (q_weights[last] + c_weights[j]) if tokens_a is q_tokens else (q_weights[j] + c_weights[last])
                numerator += 0.95 * weight
                denominator += weight
                idx_a: tuple[int, ...] = (last,)
                idx_b: tuple[int, ...] = (j,)
                raw.append(
                    (idx_a, idx_b, "truncated", 0.95, weight)
                    if tokens_a is q_tokens
                    else (idx_b, idx_a, "truncated", 0.95, weight)
                )
                break
    # only the parts after the last one matched can have been cut off
    q_tail = max(used_q, default=-1) if c_cut else len(q_tokens)
    c_tail = max(used_c, default=-1) if q_cut else len(c_tokens)
    for side_tokens, side_weights, used, tail, prepared, query_side in (
        (q_tokens, q_weights, used_q, q_tail, q, True),
        (c_tokens, c_weights, used_c, c_tail, c, False),
    ):
        # an unmatched part that is a middle name: a later given name (when the source says),
        # or a part between two matched ones
        first_used, last_used = (min(used), max(used)) if used else (len(side_tokens), -1)
        for index, token in enumerate(side_tokens):
            if index in used or token.optional:
                continue
            complete = False
            if index > tail:
                raw.append(((index,), (), "cut off", 0.0, 0.0) if query_side else ((), (index,), "cut off", 0.0, 0.0))
                continue
            middle = index in prepared.middles and (prepared.structured or first_used < index < last_used)
            cost = (config.middle_unmatched_weight if middle else config.unmatched_weight) * side_weights[index]
            denominator += cost
            kind = "middle name missing" if middle else "unmatched"
            raw.append(((index,), (), kind, 0.0, cost) if query_side else ((), (index,), kind, 0.0, cost))
    score = numerator / denominator if denominator else 0.0
    paired = sum(1 for item in raw if item[0] and item[1])
    reversed_parts = swapped > 0 and swapped * 2 >= paired
    if reversed_parts:
        score *= config.reversed_parts_factor
    # a one-part name against a longer one with a part left over (Maulavi Adam / David Adams,
    # Hussain / Heeyu Shin) rests on one part: it stands only with corroboration
    one_part = (q.required_count == 1) != (c.required_count == 1) and any(
        not (item[0] and item[1]) and item[4] > 0 for item in raw
    )
    capped = not complete and (one_part or matched < config.min_informative_weight) and score > config.uninformative_cap
    uncapped = min(score, 1.0)
    if capped:
        score = config.uninformative_cap
    return NameScore(
        round(min(score, 1.0), 6),
        False,
        round(matched, 4),
        capped,
        reversed_parts,
        tuple(raw),
        q_tokens,
        c_tokens,
        round(uncapped, 6),
    )


def _all_names(*sides: tuple[Token, ...]) -> bool:
    """Every required part is a name (the parts written together are all the name, no initial left out)."""
    return all(t.role is Role.NAME for tokens in sides for t in tokens if not t.optional)


def _given_options(
    q_tokens: tuple[Token, ...], c_tokens: tuple[Token, ...], pairs: Iterable[tuple[int, int, float]]
) -> list[tuple[float, str, str, tuple[int, ...], tuple[int, ...], str]]:
    """The pairings from similar parts found elsewhere, plus what the index does not hold:
    agreeing particles and legal forms, and patronymics present on both sides (always paired)."""
    options: list[tuple[float, str, str, tuple[int, ...], tuple[int, ...], str]] = []
    given: set[tuple[int, int]] = set()
    for i, j, similarity in pairs:
        a, b = q_tokens[i], c_tokens[j]
        a_form, b_form = a.forms[0], b.forms[0]
        low, high = (a_form, b_form) if a_form <= b_form else (b_form, a_form)
        both = a.role is Role.PATRONYMIC and b.role is Role.PATRONYMIC
        options.append((-similarity, low, high, (i,), (j,), "patronymic" if both else ""))
        given.add((i, j))
    for i, a in enumerate(q_tokens):
        if a.role is Role.PATRONYMIC:
            for j, b in enumerate(c_tokens):
                if b.role is Role.PATRONYMIC and (i, j) not in given:
                    similarity, kind = _similarity(a, b)
                    low, high = sorted((a.forms[0], b.forms[0]))
                    options.append((-similarity, low, high, (i,), (j,), kind))
        elif a.role in _CONNECTIVE:
            for j, b in enumerate(c_tokens):
                if b.role is a.role and b.forms[0] == a.forms[0]:
                    options.append((-1.0, a.forms[0], a.forms[0], (i,), (j,), "particle"))
    return options


def _starts_any(forms: tuple[str, ...], stub: str) -> bool:
    for form in forms:  # noqa: SIM110 (a loop: cheaper than any() over a generator, called per pair)
        if form.startswith(stub):
            return True
    return False


def looks_truncated(text: str) -> bool:
    """Written to a fixed field width: 35 characters (SWIFT line) or 140 (four lines)."""
    return len(text) in (34, 35, 139, 140) and not text.endswith((" ", "."))


def _concatenated(name: AnalyzedName) -> str:
    return canonical("".join(t.forms[0] for t in name.core if t.forms and t.role is Role.NAME))
