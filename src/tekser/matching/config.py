"""The matching algorithm's configuration: every knob named, typed, documented and hashed.

The configuration hash enters every result, together with the algorithm's name and version
and the versions of the data tables it reads, so a stored result can be reproduced.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field

ALGORITHM = "tekser-match"
VERSION = "5"  # 5: names cut to what is compared, 3 agreeing letters to alert; 4: information in bits

DEFAULT_LOG_ODDS = {
    "prior": -3.0,
    "name_per_point": 20.0,
    "dob_exact": 3.0,
    "dob_month": 2.0,
    "dob_inside": 1.5,
    "dob_overlaps": 0.8,
    "dob_adjacent": -0.5,
    "dob_disjoint": -3.0,
    "document_exact": 5.0,
    "document_near": 2.5,
    "nationality_match": 1.0,
    "nationality_conflict": -0.7,
    "gender_match": 0.3,
    "gender_conflict": -1.5,
    "birth_place_match": 0.8,
    "weak_alias": -1.0,
}


DEFAULT_SUPPORT_BITS = {
    "dob_exact": 14.0,
    "dob_month": 9.5,
    "dob_overlaps": 1.0,
    "document_exact": 20.0,
    "document_near": 12.0,
}
DOB_SPAN_DAYS = 21_915  # sixty years of dates of birth: what an agreeing date is one among


class MatchConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: float = Field(0.86, description="Match score at or above which a candidate is a hit (an alert).")
    weak_alias_needs_corroboration: bool = Field(
        True, description="A hit on a weak alias (UN Low, OFAC remarks a.k.a.) alerts only with corroborating evidence."
    )
    token_floor: float = Field(0.78, description="Token similarity below which two name parts are not aligned.")
    unmatched_weight: float = Field(0.4, description="Share of its weight an unmatched name part costs.")
    middle_unmatched_weight: float = Field(
        0.25,
        description="Share of its weight an unmatched middle name costs (a later given name, or a part between "
        "two matched ones): documents and customer files often leave middle names out.",
    )
    min_informative_weight: float = Field(
        0.8, description="Rarity-weighted mass of matched parts a fuzzy (not exact) name match needs to pass."
    )
    uninformative_cap: float = Field(
        0.8,
        description="Score ceiling of a fuzzy match below that mass, and of a one-part name against a longer one "
        "with a part left over; a corroborating date of birth or document lifts it.",
    )
    known_names_factor: float = Field(
        0.9,
        description="Share of their similarity two different parts keep when both are known names (in the lists or "
        "among ordinary people's names): Karimov and Kasimov are two names rather than one name mistyped.",
    )
    reversed_parts_factor: float = Field(
        0.92, description="Factor applied when the sources say given and family names are swapped."
    )
    dob_tolerance_years: int = Field(2, description="Widening of an approximate date of birth, in years.")
    dob_agreement_bonus: float = Field(0.04, description="Score added when a date of birth agrees (exact or inside).")
    dob_conflict_penalty: float = Field(
        0.12,
        description="Score removed when every date of birth is over a year apart (an exact name still alerts: "
        "listed dates are often wrong; its priority falls).",
    )
    document_match_bonus: float = Field(0.06, description="Score added when a document number matches.")
    gender_conflict_penalty: float = Field(0.08, description="Score removed when the genders differ.")
    nationality_conflict_penalty: float = Field(0.02, description="Score removed when no nationality agrees.")
    log_odds: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_LOG_ODDS),
        description="Log-odds contribution of each piece of evidence to the priority (Splink-style waterfall).",
    )
    min_alert_bits: float = Field(
        13.0,
        description="Information (bits) a person's name match, with what an agreeing date of birth or document adds, "
        "needs to alert (tekser.matching.information): common names alone do not alert.",
    )
    disagreement_bits: float = Field(
        4.0,
        description="Bits removed for each name part present on both sides that agrees with nothing "
        "(another given name, another family name).",
    )
    support_bits: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_SUPPORT_BITS),
        description="Bits that agreeing facts add to a name's information: a date of birth to the day is one "
        "in about 22,000 (sixty years of days), to the month one in 720; a document number is nearly unique.",
    )
    max_name_parts: int = Field(
        16,
        description="Most words of a subject's name compared (the first ones; a warning says the name was cut): "
        "a name of thousands of words costs seconds to align, and no list name has more than a few dozen.",
    )
    max_name_chars: int = Field(
        200, description="Most characters of a subject's name compared (cut at a word's end, with a warning)."
    )
    min_alert_letters: int = Field(
        3,
        description="Letters (or digits, once folded and transliterated) the agreeing name parts must hold for a "
        "match to alert, unless a document number agrees: 'A' is no one's name however exactly it matches.",
    )
    max_candidates: int = Field(
        60,
        description="Most list names scored per subject, highest score bound first (names found exactly come first).",
    )

    def config_hash(self, *table_versions: str) -> str:
        payload = json.dumps({"config": self.model_dump(), "tables": sorted(table_versions)}, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()

    @classmethod
    def documentation(cls) -> dict[str, str]:
        return {name: info.description or "" for name, info in cls.model_fields.items()}
