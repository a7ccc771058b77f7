"""How much a name match says: the information of the parts that agree, in bits.

The match score tells whether two names are the same name. It does not tell whether that
name is common: "Muhammad Ali" and "Osama bin Laden" both score 1 against themselves, yet
thousands of innocent travellers are called Muhammad Ali. In record-linkage terms (Fellegi and
Sunter, 1969) agreeing on a part is worth log2(m/u) bits, u being the chance that an unrelated
person's name agrees: roughly the part's share of ordinary people (``TokenWeights.bits``, from
the population table ``tekser.names.frequencies``). A match alerts only when the name's
information, with what the date of birth or a document adds, reaches ``min_alert_bits``:

    bits = Σ agreeing parts  level(kind) · min(bits of each side's part)
           − disagreement_bits · (parts present on both sides that agree with nothing)

The levels, one per way two parts agree, form an explicit ladder (:data:`LEVELS`). A part that
agrees only by its consonant skeleton (one side in Arabic script) is worth no more than that
skeleton's own rarity; a near spelling less than an exact one, for a near miss on a common name
is nearly free to happen by chance. A match resting on one name part, when a name has more,
needs a date of birth or a document whatever its bits; so does a match of two parts beside one
present on both sides that disagrees (another given name: a brother; another family name: a
namesake), for relatives share family and father's names far more often than their shares
multiply to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from tekser.matching.names import NameScore
from tekser.matching.weights import TokenWeights
from tekser.names.parts import Role, Token


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of the agreement ladder: how much of a part's information an agreement of this kind keeps."""

    kind: str
    share: float
    why: str


LEVELS: tuple[Level, ...] = (
    Level("exact", 1.0, "the same folded form"),
    Level("variant", 1.0, "another rendering of the same written part"),
    Level("patronymic", 1.0, "the same father's-name stem (the stem's own information)"),
    Level("gendered", 1.0, "the same family name for the other gender"),
    Level("joined", 1.0, "two parts written together, letter for letter"),
    Level("diminutive", 0.75, "a short form or diminutive of the same given name (Volodya / Vladimir)"),
    Level("vowels", 0.75, "only the vowels differ: another name as often as another spelling"),
    Level("truncated", 0.75, "a name cut at a field length: the start of the word"),
    Level("skeleton", 1.0, "consonants only (Arabic script): worth at most the skeleton's own rarity"),
    Level("near skeleton", 0.5, "similar consonants only: half the skeleton's rarity"),
    Level("fuzzy", 0.5, "a near spelling (Jaro-Winkler): a near miss is far likelier by chance than agreement"),
    Level("other known name", 0.25, "two different known names that look alike"),
    Level("initial", 0.0, "an initial: at most INITIAL_BITS"),
    Level("kunya", 0.5, "both parts follow Abu or Umm: 'father of X' is shared by every father of an X"),
    Level("kunya and name", 0.25, "one part follows Abu or Umm, the other is a name of its own"),
)
_LEVEL = {level.kind: level for level in LEVELS}
INITIAL_BITS = 3.0  # one letter of about twenty common first letters
DISAGREEMENT_TOLERATED_AFTER = 2  # agreeing parts beyond which a disagreeing part needs no corroboration
EXACT_ENOUGH = 0.97  # a similarity this high is a spelling of the same part


class PartInformation(NamedTuple):
    query: str
    candidate: str
    kind: str
    bits: float


class Information(NamedTuple):
    bits: float
    agreeing: int  # name parts that agree (particles not counted)
    disagreeing: int  # parts present on both sides that agree with nothing
    one_part: bool  # the match rests on one part while a name has more
    parts: tuple[PartInformation, ...]

    @property
    def needs_corroboration(self) -> bool:
        """One part alone, or two agreeing beside one that disagrees (a brother: the same family and
        father's names, another given name; a namesake: another family name): a date of birth or a
        document must agree. Three parts agreeing beside one that differs is an alias's variation."""
        return self.one_part or (self.disagreeing > 0 and self.agreeing <= DISAGREEMENT_TOLERATED_AFTER)

    def as_dict(self) -> dict[str, object]:
        return {
            "bits": round(self.bits, 2),
            "agreeing_parts": self.agreeing,
            "disagreeing_parts": self.disagreeing,
            "one_part": self.one_part,
            "needs_corroboration": self.needs_corroboration,
            "parts": [
                {"query": p.query, "candidate": p.candidate, "kind": p.kind, "bits": round(p.bits, 2)}
                for p in self.parts
            ],
        }


def _kind(scored: NameScore, i: int, j: int, similarity: float, given: str) -> str:
    kind = given or scored._kind(i, j, similarity)  # (pairs found by the index carry no kind)
    if similarity >= EXACT_ENOUGH and kind in ("exact", "variant", "fuzzy", "other known name"):
        return "exact"
    if kind == "skeleton" and similarity < 0.92 - 1e-9:
        return "near skeleton"
    return kind


def name_information(scored: NameScore, weights: TokenWeights, disagreement_bits: float) -> Information:
    """The information of a scored name match (see the module's formula)."""
    q_tokens, c_tokens = scored.query_tokens, scored.candidate_tokens
    if scored.exact:
        return _exact_information(scored, weights)
    parts: list[PartInformation] = []
    total = 0.0
    agreeing = 0
    unmatched_q = unmatched_c = 0
    fathers_differ = 0
    q_kunya, c_kunya = _kunyas(q_tokens), _kunyas(c_tokens)
    for q_idx, c_idx, given, similarity, _ in scored.alignment:
        if not q_idx or not c_idx:
            if given == "unmatched":  # (an initial left over is no other name)
                if q_idx and q_tokens[q_idx[0]].role is not Role.INITIAL:
                    unmatched_q += 1
                elif c_idx and c_tokens[c_idx[0]].role is not Role.INITIAL:
                    unmatched_c += 1
            continue
        if given == "particle":
            continue
        q_parts = [q_tokens[i] for i in q_idx]
        c_parts = [c_tokens[j] for j in c_idx]
        if len(q_parts) == 1 and len(c_parts) == 1:
            kind = _kind(scored, q_idx[0], c_idx[0], similarity, given)
        else:
            kind = "joined" if similarity >= EXACT_ENOUGH else "fuzzy"
        if len(q_parts) != len(c_parts):  # parts written together: the same letters as the two apart
            bits = _bits(q_parts if len(q_parts) > len(c_parts) else c_parts, weights, kind)
        else:
            bits = min(_bits(q_parts, weights, kind), _bits(c_parts, weights, kind))
        if kind == "patronymic" and similarity < 0.9:
            fathers_differ += 1  # two fathers' names that differ (lists often give a variant: it costs bits only)
            continue
        if kind == "initial":
            bits = min(bits, INITIAL_BITS)
        elif kind in ("skeleton", "near skeleton"):
            bits = min(bits, weights.skeleton_bits(tuple(s for t in (*q_parts, *c_parts) for s in t.skeletons)))
        bits *= _level(kind, similarity)
        kunyas = (q_idx[0] in q_kunya) + (c_idx[0] in c_kunya)
        if kunyas:  # Abu Ibrahim is not Ibrahim, and a kunya is shared by many
            kind = "kunya" if kunyas == 2 else "kunya and name"
            bits *= _LEVEL[kind].share
        if kind != "initial":  # (an initial does not make a second agreeing part)
            agreeing += max(len(q_parts), len(c_parts))
        total += bits
        parts.append(PartInformation(" ".join(t.text for t in q_parts), " ".join(t.text for t in c_parts), kind, bits))
    disagreeing = min(unmatched_q, unmatched_c)
    q_required = sum(1 for t in q_tokens if not t.optional)
    c_required = sum(1 for t in c_tokens if not t.optional)
    one_part = agreeing == 1 and max(q_required, c_required) > 1
    penalty = disagreement_bits * (disagreeing + fathers_differ)
    return Information(total - penalty, agreeing, disagreeing, one_part, tuple(parts))


_KUNYA_MARKS = frozenset({"abu", "um"})  # the particle classes Abu and Umm (folded: tekser.names.parts)


def _kunyas(tokens: tuple[Token, ...]) -> frozenset[int]:
    """The name parts that follow Abu or Umm (an article between allowed): a kunya, "father of"."""
    found = set()
    for index, token in enumerate(tokens):
        if token.role is Role.PARTICLE and token.forms and token.forms[0] in _KUNYA_MARKS:
            following = index + 1
            while following < len(tokens) and tokens[following].role is Role.PARTICLE:
                following += 1
            if following < len(tokens) and not tokens[following].optional:
                found.add(following)
    return frozenset(found)


def _exact_information(scored: NameScore, weights: TokenWeights) -> Information:
    """Two names with the same parts: each part's information, fathers' names present on both
    sides (which agree, or the names would not be the same) included."""
    parts: list[PartInformation] = []
    q_kunya, c_kunya = _kunyas(scored.query_tokens), _kunyas(scored.candidate_tokens)
    for q_idx, c_idx, _, _, _ in scored.alignment:
        q, c = scored.query_tokens[q_idx[0]], scored.candidate_tokens[c_idx[0]]
        bits = min(weights.bits(q.forms), weights.bits(c.forms))
        kunyas = (q_idx[0] in q_kunya) + (c_idx[0] in c_kunya)
        kind = "exact" if not kunyas else "kunya" if kunyas == 2 else "kunya and name"
        parts.append(PartInformation(q.text, c.text, kind, bits * (_LEVEL[kind].share if kunyas else 1.0)))
    q_fathers = [t for t in scored.query_tokens if t.role is Role.PATRONYMIC and t.stems]
    c_fathers = [t for t in scored.candidate_tokens if t.role is Role.PATRONYMIC and t.stems]
    for q, c in zip(q_fathers, c_fathers, strict=False):
        parts.append(PartInformation(q.text, c.text, "patronymic", min(weights.bits(q.stems), weights.bits(c.stems))))
    total = sum(p.bits for p in parts)
    required = max(sum(1 for t in scored.query_tokens if not t.optional), 1)
    return Information(total, len(parts), 0, len(parts) == 1 and required > 1, tuple(parts))


FUZZY_FULL = 0.97  # a near spelling this close keeps all its information; at the token floor, a quarter


def _level(kind: str, similarity: float) -> float:
    if kind in ("fuzzy", "other known name"):
        closeness = max(0.0, min(1.0, (similarity - 0.78) / (FUZZY_FULL - 0.78)))
        return _LEVEL[kind].share * (0.5 + closeness)
    return _LEVEL[kind].share if kind in _LEVEL else _LEVEL["fuzzy"].share


def _bits(tokens: list[Token], weights: TokenWeights, kind: str) -> float:
    total = 0.0
    for token in tokens:
        if kind == "patronymic" and token.role is Role.PATRONYMIC and token.stems:
            total += weights.bits(token.stems)
        else:
            total += weights.bits(token.forms)
    return total
