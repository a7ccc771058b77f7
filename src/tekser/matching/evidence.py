"""Evidence beyond the name: date of birth, document, nationality, gender, place of birth.

Each comparison returns an :class:`Evidence`: the relation found, the values compared (with
the list field they came from), what it adds to or removes from the match score, and its
log-odds contribution to the priority. Agreement raises, conflict lowers; absence is neutral.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from rapidfuzz.distance import OSA

from tekser.domain.subjects import Subject
from tekser.domain.watchlists import DatePrecision, Document, FuzzyDate, ListEntry
from tekser.matching.config import MatchConfig
from tekser.names.fold import canonical

_NO_DETAIL: dict[str, object] = {}


class Evidence(NamedTuple):
    """One feature's comparison (a named tuple: five are made per list name assessed)."""

    feature: str
    relation: str
    score_delta: float = 0.0
    log_odds: float = 0.0
    query: str | None = None
    candidate: str | None = None
    candidate_field: str | None = None
    detail: dict[str, object] = _NO_DETAIL  # read only

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {"feature": self.feature, "relation": self.relation}
        if self.score_delta:
            data["score_delta"] = round(self.score_delta, 4)
        data["log_odds"] = round(self.log_odds, 3)
        for key in ("query", "candidate", "candidate_field"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        data.update(self.detail)
        return data


# --- dates of birth -----------------------------------------------------------------------

_DATE_RANK = {"exact": 6, "month": 5, "inside": 4, "overlaps": 3, "adjacent": 2, "disjoint": 1}


def _interval(value: FuzzyDate, tolerance_years: int) -> tuple[date, date, bool] | None:
    """The interval a date stands for; 1 January given as a full date is a year (a placeholder)."""
    if value.start is None or value.end is None:
        return None
    start, end = value.start, value.end
    placeholder = value.precision is DatePrecision.DAY and start.month == 1 and start.day == 1
    if placeholder:
        start, end = date(start.year, 1, 1), date(start.year, 12, 31)
    if value.approximate:
        start = date(max(start.year - tolerance_years, 1), 1, 1)
        end = date(min(end.year + tolerance_years, 9999), 12, 31)
    return start, end, placeholder


def _swapped(a: date, b: date) -> bool:
    return a.year == b.year and a.month == b.day and a.day == b.month


CORROBORATING_SPAN_DAYS = 31  # inside a year or a range is weak evidence: one date in 365 agrees by chance


def _relation(query: FuzzyDate, candidate: FuzzyDate, tolerance: int) -> tuple[str, int, int] | None:
    """The relation of two dates, the gap between them (days) and the width of the vaguer one."""
    q, c = _interval(query, tolerance), _interval(candidate, tolerance)
    if q is None or c is None:
        return None
    q_start, q_end, q_placeholder = q
    c_start, c_end, c_placeholder = c
    day_precise = (
        query.precision is DatePrecision.DAY
        and candidate.precision is DatePrecision.DAY
        and not (q_placeholder or c_placeholder)
        and not (query.approximate or candidate.approximate)
    )
    wide = max(q_end - q_start, c_end - c_start)  # the evidence is only as precise as the vaguer date
    if day_precise and q_start == c_start:
        return "exact", 0, 0
    if q_start <= c_end and c_start <= q_end:
        if (q_start >= c_start and q_end <= c_end) or (c_start >= q_start and c_end <= q_end):
            return ("month" if wide <= timedelta(days=31) else "inside"), 0, wide.days
        return "overlaps", 0, wide.days
    gap = (c_start - q_end).days if c_start > q_end else (q_start - c_end).days
    if day_precise and _swapped(q_start, c_start):
        return "adjacent", gap, 0
    return ("adjacent" if gap <= 366 else "disjoint"), gap, wide.days


def compare_birth_dates(subject: Subject, entry: ListEntry, config: MatchConfig) -> Evidence:
    query = subject.birth_date
    if query is None or not any(d.start for d in entry.birth_dates):
        return Evidence("birth_date", "absent", query=query.text if query else None)
    best: tuple[int, str, int, int, FuzzyDate] | None = None
    for candidate in entry.birth_dates:
        found = _relation(query, candidate, config.dob_tolerance_years)
        if found is None:
            continue
        relation, gap, span = found
        rank = _DATE_RANK[relation]
        if best is None or rank > best[0] or (rank == best[0] and (gap, span) < (best[2], best[3])):
            best = (rank, relation, gap, span, candidate)
    if best is None:
        return Evidence("birth_date", "absent", query=query.text)
    _, relation, gap, span, candidate = best
    delta = {
        "exact": config.dob_agreement_bonus,
        "month": config.dob_agreement_bonus,
        "inside": config.dob_agreement_bonus / 2,
        "overlaps": config.dob_agreement_bonus / 4,
        "adjacent": 0.0,
        "disjoint": -config.dob_conflict_penalty,
    }[relation]
    shown = candidate.text + (" (approximately)" if candidate.approximate else "")
    detail: dict[str, object] = {"distance_days": gap} if gap else {}
    # corroboration (which lifts a thin match's ceiling and lets a weak alias alert) needs dates
    # agreeing to the day or the month: a random date falls inside a listed year once in sixty
    precise = relation in ("exact", "month") or (relation == "inside" and span <= CORROBORATING_SPAN_DAYS)
    detail["corroborates"] = precise
    if relation == "inside" and not precise:
        detail["span_days"] = span
    return Evidence(
        "birth_date",
        relation,
        delta,
        config.log_odds.get(f"dob_{relation}", 0.0),
        query.text,
        shown,
        candidate.origin,
        detail,
    )


# --- documents ----------------------------------------------------------------------------


def _normalize(number: str) -> str:
    return "".join(c for c in number.upper() if c.isalnum())


def compare_documents(subject: Subject, entry: ListEntry, config: MatchConfig) -> Evidence:
    if not subject.document:
        return Evidence("document", "absent")
    number = _normalize(subject.document)
    documents = [d for d in entry.documents if d.number_normalized]
    if not number or not documents:
        return Evidence("document", "absent", query=subject.document)
    near: Document | None = None
    for document in documents:
        if document.number_normalized == number:
            return Evidence(
                "document",
                "exact",
                config.document_match_bonus,
                config.log_odds.get("document_exact", 0.0),
                subject.document,
                f"{document.number} ({document.kind})",
                document.origin,
                {"corroborates": True},
            )
        long_enough = min(len(number), len(document.number_normalized)) >= 6
        if near is None and long_enough and OSA.distance(number, document.number_normalized) <= 1:
            near = document
    if near is not None:
        return Evidence(
            "document",
            "near",
            config.document_match_bonus / 2,
            config.log_odds.get("document_near", 0.0),
            subject.document,
            f"{near.number} ({near.kind})",
            near.origin,
            {"note": "one character differs or two are swapped: a keying or OCR error?", "corroborates": True},
        )
    if subject.document_country:
        same = [
            d
            for d in documents
            if d.country is not None
            and d.country.code == subject.document_country
            and (not subject.document_type or d.kind == subject.document_type)
        ]
        if same:
            return Evidence(
                "document",
                "conflict",
                0.0,
                config.log_odds.get("document_conflict", -1.5),
                subject.document,
                f"{same[0].number} ({same[0].kind}, {subject.document_country})",
                same[0].origin,
            )
    return Evidence("document", "different", query=subject.document)


# --- nationality, gender, place of birth ---------------------------------------------------


def compare_nationality(subject: Subject, entry: ListEntry, config: MatchConfig) -> Evidence:
    if not subject.nationality:
        return Evidence("nationality", "absent")
    countries = [c for c in (*entry.nationalities, *entry.citizenships) if c.code]
    if not countries:
        return Evidence("nationality", "absent", query=subject.nationality)
    for country in countries:
        if country.code == subject.nationality:
            return Evidence(
                "nationality",
                "match",
                0.0,
                config.log_odds.get("nationality_match", 0.0),
                subject.nationality,
                country.name,
                "nationalities",
            )
    return Evidence(
        "nationality",
        "conflict",
        -config.nationality_conflict_penalty,
        config.log_odds.get("nationality_conflict", 0.0),
        subject.nationality,
        ", ".join(c.name for c in countries),
        "nationalities",
    )


def compare_gender(subject: Subject, entry: ListEntry, config: MatchConfig) -> Evidence:
    if not subject.gender or not entry.gender:
        return Evidence("gender", "absent")
    if subject.gender == entry.gender:
        return Evidence("gender", "match", 0.0, config.log_odds.get("gender_match", 0.0), subject.gender, entry.gender)
    return Evidence(
        "gender",
        "conflict",
        -config.gender_conflict_penalty,
        config.log_odds.get("gender_conflict", 0.0),
        subject.gender,
        entry.gender,
    )


def _place_words(text: str) -> set[str]:
    return {canonical(w) for w in text.replace(",", " ").split() if len(w) >= 4}


def compare_birth_place(subject: Subject, entry: ListEntry, config: MatchConfig) -> Evidence:
    if not subject.birth_place or not entry.birth_places:
        return Evidence("birth_place", "absent")
    wanted = _place_words(subject.birth_place)
    for place in entry.birth_places:
        if wanted & _place_words(place.text):
            return Evidence(
                "birth_place",
                "match",
                0.0,
                config.log_odds.get("birth_place_match", 0.0),
                subject.birth_place,
                place.text,
                place.origin,
            )
    return Evidence("birth_place", "different", query=subject.birth_place)
