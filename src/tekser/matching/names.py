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

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from tekser.matching.config import MatchConfig
from tekser.matching.weights import TokenWeights
from tekser.names.parts import AnalyzedName, Role, Token

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


@dataclass(frozen=True, slots=True)
class NameScore:
    score: float
    parts: tuple[PartMatch, ...]
    exact: bool
    matched_weight: float
    capped: bool = False
    reversed: bool = False


@lru_cache(maxsize=500_000)
def _string_similarity(a: str, b: str) -> float:
    return float(JaroWinkler.normalized_similarity(a, b))


def _gendered(a: str, b: str) -> bool:
    """Ivanov / Ivanova, Tolegenov / Tolegenova, Kowalski / Kowalska."""
    if len(a) > len(b):
        a, b = b, a
    if b == a + "a" and a.endswith(_GENDERED):
        return True
    return a.endswith("ski") and b == a[:-1] + "a"


def token_similarity(a: Token, b: Token) -> tuple[float, str]:
    """Similarity of two parts in [0, 1] and how it was reached."""
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
            if _gendered(x, y):
                return 0.9, "gendered"  # same family name, other gender: a relative as often as a spelling
            similarity = _string_similarity(x, y)
            if similarity > best:
                best = similarity
    if (a.abjad or b.abjad) and best < 0.92:
        if set(a.skeletons).intersection(b.skeletons):
            best, kind = 0.92, "skeleton"
        else:
            for x in a.skeletons:
                for y in b.skeletons:
                    similarity = 0.95 * _string_similarity(x, y)
                    if similarity > best:
                        best, kind = similarity, "skeleton"
    return best, kind


def _weight(token: Token, weights: TokenWeights) -> float:
    if token.role is Role.INITIAL:
        return 0.3
    if token.role is Role.PATRONYMIC:
        return 1.0  # a father's name that differs says "another person" as loudly as a given name
    if token.optional:
        return 0.2
    return weights.of(token.forms)


def _joined(tokens: tuple[Token, ...]) -> tuple[tuple[int, Token], ...]:
    """Adjacent required parts written together: ("kim", "jong") → "kimjong"."""
    pairs = []
    for index in range(len(tokens) - 1):
        first, second = tokens[index], tokens[index + 1]
        if first.role is Role.NAME and second.role is Role.NAME and first.forms and second.forms:
            forms = tuple(dict.fromkeys(x + y for x in first.forms[:2] for y in second.forms[:2]))
            pairs.append((index, Token(f"{first.text} {second.text}", forms, (), Role.NAME)))
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class PreparedName:
    """An analysed name with what comparisons reuse: part weights, joined pairs, stems."""

    name: AnalyzedName
    weights: tuple[float, ...]
    joined: tuple[tuple[int, Token], ...]
    concatenated: str
    stems: frozenset[str]
    required_weight: float
    required_count: int


def prepare(name: AnalyzedName, weights: TokenWeights) -> PreparedName:
    part_weights = tuple(_weight(t, weights) for t in name.tokens)
    required = [w for t, w in zip(name.tokens, part_weights, strict=True) if not t.optional]
    return PreparedName(
        name=name,
        weights=part_weights,
        joined=_joined(name.tokens),
        concatenated=_concatenated(name),
        stems=frozenset(s for t in name.tokens if t.role is Role.PATRONYMIC for s in t.stems),
        required_weight=sum(required),
        required_count=len(required),
    )


def compare_names(
    query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights, config: MatchConfig
) -> NameScore:
    return compare_prepared(prepare(query, weights), prepare(candidate, weights), config)


SimilarityCache = dict[tuple[tuple[str, ...], tuple[str, ...], Role, Role], tuple[float, str]]


def _similarity(a: Token, b: Token, cache: SimilarityCache | None) -> tuple[float, str]:
    if cache is None:
        return token_similarity(a, b)
    key = (a.forms, b.forms, a.role, b.role)
    found = cache.get(key)
    if found is None:
        found = token_similarity(a, b)
        cache[key] = found
    return found


def compare_prepared(
    q: PreparedName, c: PreparedName, config: MatchConfig, cache: SimilarityCache | None = None
) -> NameScore:
    query, candidate = q.name, c.name
    q_tokens, c_tokens = query.tokens, candidate.tokens
    if not q_tokens or not c_tokens:
        return NameScore(0.0, (), False, 0.0)
    patronymics_agree = not q.stems or not c.stems or bool(q.stems & c.stems)
    if query.key and query.key == candidate.key and patronymics_agree:
        same = tuple(
            PartMatch(a.text, b.text, "exact", 1.0, w)
            for a, b, w in zip(
                query.core,
                candidate.core,
                [w for t, w in zip(q_tokens, q.weights, strict=True) if not t.optional],
                strict=True,
            )
        )
        return NameScore(1.0, same, True, sum(p.weight for p in same))
    if len(q.concatenated) >= 6 and q.concatenated == c.concatenated and patronymics_agree:
        # "Kimjongun" / "Kim Jong Un", "Andrewstraat" / "Andrew straat": the same letters, split differently
        weight = q.required_weight
        return NameScore(
            0.98, (PartMatch(query.text, candidate.text, "joined", 0.98, round(weight, 4)),), False, weight
        )
    q_weights, c_weights = q.weights, c.weights

    # candidate pairings: (score, sort key, query indexes, candidate indexes, kind)
    options: list[tuple[float, str, tuple[int, ...], tuple[int, ...], str]] = []
    for i, a in enumerate(q_tokens):
        a_optional = a.optional
        for j, b in enumerate(c_tokens):
            b_optional = b.optional
            if a_optional != b_optional and not (a.role is Role.PATRONYMIC or b.role is Role.PATRONYMIC):
                continue
            if a_optional and b_optional and a.role is not b.role:
                continue
            if a.role in _CONNECTIVE:
                if a.forms[0] == b.forms[0]:
                    options.append((1.0, _order(a, b), (i,), (j,), "particle"))
                continue
            similarity, kind = _similarity(a, b, cache)
            both_patronymic = a.role is Role.PATRONYMIC and b.role is Role.PATRONYMIC
            if similarity >= config.token_floor or both_patronymic:
                options.append((similarity, _order(a, b), (i,), (j,), kind))
    for side, (tokens_a, joined_b) in enumerate(((q_tokens, c.joined), (c_tokens, q.joined))):
        for start, joined in joined_b:
            for i, a in enumerate(tokens_a):
                if a.role is not Role.NAME or len(a.forms[0]) < 5:
                    continue
                similarity = max(_string_similarity(x, y) for x in a.forms for y in joined.forms)
                if similarity >= max(config.token_floor, 0.9):
                    pair: tuple[int, ...] = (start, start + 1)
                    single: tuple[int, ...] = (i,)
                    q_idx, c_idx = (single, pair) if side == 0 else (pair, single)
                    options.append((similarity, _order(a, joined), q_idx, c_idx, "joined"))
    options.sort(key=lambda o: (-o[0], o[1]))

    used_q: set[int] = set()
    used_c: set[int] = set()
    parts: list[PartMatch] = []
    numerator = denominator = matched = 0.0
    swapped = 0
    for similarity, _, q_idx, c_idx, kind in options:
        if used_q.intersection(q_idx) or used_c.intersection(c_idx):
            continue
        used_q.update(q_idx)
        used_c.update(c_idx)
        weight = sum(q_weights[i] for i in q_idx) + sum(c_weights[j] for j in c_idx)
        numerator += similarity * weight
        denominator += weight
        if kind != "particle" and (kind != "patronymic" or similarity >= 0.9):
            matched += similarity * weight / 2  # an agreeing father's name is real evidence too
        q_family = {q_tokens[i].family for i in q_idx}
        c_family = {c_tokens[j].family for j in c_idx}
        if None not in q_family and None not in c_family and q_family != c_family:
            swapped += 1
        parts.append(
            PartMatch(
                " ".join(q_tokens[i].text for i in q_idx),
                " ".join(c_tokens[j].text for j in c_idx),
                kind,
                round(similarity, 4),
                round(weight, 4),
            )
        )
    for index, token in enumerate(q_tokens):
        if index not in used_q and not token.optional:
            denominator += config.unmatched_weight * q_weights[index]
            parts.append(
                PartMatch(token.text, None, "unmatched", 0.0, round(config.unmatched_weight * q_weights[index], 4))
            )
    for index, token in enumerate(c_tokens):
        if index not in used_c and not token.optional:
            denominator += config.unmatched_weight * c_weights[index]
            parts.append(
                PartMatch(None, token.text, "unmatched", 0.0, round(config.unmatched_weight * c_weights[index], 4))
            )
    score = numerator / denominator if denominator else 0.0
    reversed_parts = swapped > 0 and swapped * 2 >= len([p for p in parts if p.kind != "unmatched"])
    if reversed_parts:
        score *= config.reversed_parts_factor
    complete = not any(p.kind == "unmatched" for p in parts) and all(p.score >= 0.97 for p in parts)
    capped = not complete and matched < config.min_informative_weight and score > config.uninformative_cap
    if capped:
        score = config.uninformative_cap
    return NameScore(round(min(score, 1.0), 6), tuple(parts), False, round(matched, 4), capped, reversed_parts)


def _concatenated(name: AnalyzedName) -> str:
    return "".join(t.forms[0] for t in name.core if t.forms and t.role is Role.NAME)


def _order(a: Token, b: Token) -> str:
    """A tie-break that does not depend on which name is the query (keeps scores symmetric)."""
    first, second = sorted((a.forms[0] if a.forms else "", b.forms[0] if b.forms else ""))
    return f"{first}\x00{second}"
