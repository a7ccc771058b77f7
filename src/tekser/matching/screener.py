"""The Screener: subjects in, explained matches out.

Built once from list entries (and the deployment policy), then ``screen(subject)`` for one
subject or ``screen_many(subjects)`` for a batch on every core. Each match carries two
numbers: the **match score** in [0, 1] (is it the same name, adjusted by agreeing or
conflicting facts?) and the **priority** (how corroborated is it? a logistic of summed log-odds,
Splink-style), plus the evidence behind both.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, NamedTuple

from tekser.domain.policy import Policy
from tekser.domain.subjects import Subject
from tekser.domain.watchlists import EntityKind, ListEntry, NameQuality
from tekser.matching.config import ALGORITHM, DOB_SPAN_DAYS, VERSION, MatchConfig
from tekser.matching.evidence import (
    Evidence,
    compare_birth_dates,
    compare_birth_place,
    compare_documents,
    compare_gender,
    compare_nationality,
)
from tekser.matching.index import ListIndex, NameRecord, kind_filter
from tekser.matching.information import Information, name_information
from tekser.matching.limits import within_limits
from tekser.matching.memory import Recent
from tekser.matching.names import NameScore, compare_prepared, looks_truncated, prepare
from tekser.matching.weights import population_version
from tekser.names.packed import name_variants
from tekser.names.parts import Role, Token, analyze, given_name_forms_version, vocabulary_version
from tekser.names.translit import TABLES_VERSION

REPORT_FLOOR = 0.7  # candidates below this name score are not reported even with --top
BELOW_PER_TOP = 2  # list names scored per candidate asked for below the threshold (--top)
ASSESSED_BEYOND_TOP = 3  # names assessed beyond those asked for (a date may reorder them)
CUT_MARGIN = 0.1  # how much further a truncated name is searched (its last part may be a stub)
SETTLE_EVERY = 2048  # screenings between two settlings of the heap (see _settle_heap)
NAMES_PER_ENTRY = 3  # best-scoring names of an entry (strong, weak) assessed: the alert rules choose among them
HITS_REMEMBERED = 10_000  # written names whose hits are remembered (most have none: a few MB)


@dataclass(frozen=True, slots=True)
class Match:
    key: str
    list_id: str
    name: str  # the entry's caption
    matched_name: str  # the list name that matched best
    score: float
    priority: float
    alert: bool
    explanation: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "score": round(self.score, 4),
            "priority": round(self.priority, 4),
            "alert": self.alert,
            "list": self.list_id,
            "name": self.name,
            "matched_name": self.matched_name,
            "explanation": list(self.explanation),
        }


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    subject_id: str
    matches: tuple[Match, ...]
    error: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    # what of the subject was left out or cut (an unknown country, a name too long): screened without it
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def __reduce__(self) -> tuple[type[ScreeningResult], tuple[object, ...]]:
        # sent back from worker processes, mostly without a match: a plain tuple pickles faster
        return (ScreeningResult, (self.subject_id, self.matches, self.error, self.notes, self.warnings))

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.subject_id, "matches": [m.as_dict() for m in self.matches]}
        if self.error:
            data["error"] = self.error
        if self.notes:
            data["notes"] = list(self.notes)
        if self.warnings:
            data["warnings"] = list(self.warnings)
        return data


class _Assessment(NamedTuple):
    """A list name's evaluation for one subject, before its explanation is written out."""

    entry: ListEntry
    record: NameRecord
    scored: NameScore
    name_score: float  # the name score used (above a thin match's ceiling when corroborated)
    lifted: bool
    evidence: tuple[Evidence, ...]
    score: float
    log_odds: float
    alert: bool
    weak: bool
    information: Information | None  # persons: what the name says, in bits (None: not asked)
    support: float  # bits the date of birth and document add
    informative: bool  # the name, with that support, says enough to alert
    letters: int  # letters of the agreeing parts (too few: the name cannot alert, see min_alert_letters)


class _NameHits(NamedTuple):
    """What screening needs of a written name, remembered per name: whether it has a usable
    part, the titles removed from it, and per (entry, weak alias) its best list names that may
    reach the floor (up to NAMES_PER_ENTRY, best first)."""

    usable: bool
    titles: tuple[str, ...]
    best: Mapping[tuple[int, bool], tuple[tuple[NameScore, NameRecord], ...]]


_NO_HITS: Mapping[tuple[int, bool], tuple[tuple[NameScore, NameRecord], ...]] = MappingProxyType({})
_NOTHING = _NameHits(True, (), _NO_HITS)  # what most names reach: shared, not one per name


def _logistic(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))


class Screener:
    def __init__(
        self,
        index: ListIndex,
        config: MatchConfig | None = None,
        *,
        versions: dict[str, str] | None = None,
        policy: Policy | None = None,
    ) -> None:
        self.index = index
        self.config = config or MatchConfig()
        self.versions = dict(versions or {})
        self.policy = policy
        self.config_hash = self.config.config_hash(
            TABLES_VERSION, vocabulary_version(), population_version(), given_name_forms_version()
        )
        self.algorithm = {"name": ALGORITHM, "version": VERSION, "config_sha256": self.config_hash}
        self._hits_cache: Recent[tuple[str, EntityKind | None, str | None, float], _NameHits] = Recent(HITS_REMEMBERED)
        self._screened = 0

    @classmethod
    def from_entries(
        cls,
        entries: Iterable[ListEntry],
        config: MatchConfig | None = None,
        *,
        policy: Policy | None = None,
        versions: dict[str, str] | None = None,
    ) -> Screener:
        return cls.from_index(ListIndex.build(entries, policy), config, policy=policy, versions=versions)

    @classmethod
    def from_index(
        cls,
        index: ListIndex,
        config: MatchConfig | None = None,
        *,
        policy: Policy | None = None,
        versions: dict[str, str] | None = None,
    ) -> Screener:
        """A screener on an index built before (or kept between runs)."""
        # the index lives as long as the process: keep the collector from walking it (0.4 s pauses)
        gc.freeze()
        return cls(index, config, versions=versions, policy=policy)

    # --- one subject ------------------------------------------------------------------------

    def screen(
        self, subject: Subject, *, threshold: float | None = None, top: int | None = None, explain: bool = False
    ) -> ScreeningResult:
        """The matches of one subject: every alert (and every score at the threshold, a weak alias
        wanting corroboration), with their full explanation. ``top``: also the N best candidates
        that do not alert (name score 0.7 and up), each with its score and a short explanation —
        the full one too with ``explain``. The alerts are the same whatever ``top`` is."""
        self._screened += 1
        if self._screened % SETTLE_EVERY == 0:
            _settle_heap()
        threshold = self.config.threshold if threshold is None else threshold
        compared, cut = within_limits(subject, self.config.max_name_parts, self.config.max_name_chars)
        variants = _packed_names(compared.name)
        if variants:  # one field holding several names ("A; B", "AHMAD (AHMED) SANTOS"): each is screened
            result = self._screen_each(compared, variants, threshold, top, explain)
        else:
            result = self._screen_name(compared, threshold, top, explain)
        warnings = subject.warnings + cut
        return replace(result, warnings=warnings) if warnings else result

    def _screen_name(self, subject: Subject, threshold: float, top: int | None, explain: bool) -> ScreeningResult:
        config = self.config
        # evidence can add at most this much: names further below the threshold cannot alert
        headroom = (config.dob_agreement_bonus if subject.birth_date else 0.0) + (
            config.document_match_bonus if subject.document else 0.0
        )
        # the alerts come from the same comparisons whatever is reported below the threshold
        floor = threshold - headroom
        # a name cut at a field length may end in the start of a word: look a little further
        search_floor = floor - CUT_MARGIN if looks_truncated(subject.name) else floor
        hits = self._name_hits(subject.name, subject.kind, subject.family_name, search_floor)
        if not hits.usable:
            return ScreeningResult(
                subject.id, (), error=f"name {subject.name!r} has no usable part (placeholder or empty)"
            )
        chosen: dict[int, _Assessment] = {}
        for (entry_position, _), names in hits.best.items():
            for scored, record in names:  # the alert rules choose among an entry's best names
                if max(scored.score, scored.uncapped) < floor:
                    continue  # (a thin match below its ceiling may still stand on a date or document)
                found = self._assess(subject, scored, record, threshold)
                current = chosen.get(entry_position)
                if current is None or (found.alert, found.score, found.log_odds) > (
                    current.alert,
                    current.score,
                    current.log_odds,
                ):
                    chosen[entry_position] = found
        assessed = sorted(chosen.values(), key=lambda a: (-a.score, -a.log_odds, a.entry.key))
        reported = [a for a in assessed if a.alert or a.score >= threshold]
        if top:  # and the best that do not reach the threshold: what a reviewer compares with
            below = [a for a in assessed if not (a.alert or a.score >= threshold)]
            below += self._below_threshold(subject, threshold, top, set(chosen))
            below.sort(key=lambda a: (-a.score, -a.log_odds, a.entry.key))
            reported += below[:top]
        notes = tuple(f"titles removed: {', '.join(hits.titles)}" for _ in (0,) if hits.titles)
        return ScreeningResult(
            subject.id,
            tuple(
                self._explain(subject, a, threshold, full=explain or a.alert or a.score >= threshold) for a in reported
            ),
            notes=notes,
        )

    def _below_threshold(self, subject: Subject, threshold: float, top: int, seen: set[int]) -> list[_Assessment]:
        """The best candidates that do not reach the threshold (name score ``REPORT_FLOOR`` and up),
        for a report: a few more than ``top`` are scored, nothing is remembered (a batch with
        ``--top`` stays as fast and as small as one without, but for these)."""
        config = self.config
        kind = subject.kind
        organization = kind is not None and kind is not EntityKind.PERSON
        family = (subject.family_name,) if subject.family_name else ()
        analyzed = analyze(subject.name, organization=organization, family_parts=family)
        if not analyzed.tokens or analyzed.placeholder:
            return []
        query = prepare(analyzed, self.index.weights, people=not organization)
        record_ids = self.index.candidates(
            query,
            kind_filter(kind),
            REPORT_FLOOR,
            BELOW_PER_TOP * top,
            token_floor=config.token_floor,
            unmatched_weight=config.unmatched_weight,
            known_factor=config.known_names_factor,
            middle_weight=config.middle_unmatched_weight,
        )
        best: dict[int, tuple[NameScore, NameRecord]] = {}
        records, prepared = self.index.records, self.index.prepared
        for record_id in record_ids:
            record = records[record_id]
            if record.entry in seen:
                continue
            scored = compare_prepared(query, prepared[record_id], config, record_ids.pairs.get(record_id))
            current = best.get(record.entry)
            if scored.score >= REPORT_FLOOR and (current is None or scored.score > current[0].score):
                best[record.entry] = (scored, record)
        # only the best names are assessed (their dates, documents...): the rest would not be reported
        ranked = sorted(best.values(), key=lambda hit: -hit[0].score)[: top + ASSESSED_BEYOND_TOP]
        found = [self._assess(subject, scored, record, threshold) for scored, record in ranked]
        # (one that reaches the threshold would have been found above: never reported here)
        return [a for a in found if not (a.alert or a.score >= threshold)]

    def _screen_each(
        self, subject: Subject, names: list[str], threshold: float, top: int | None, explain: bool
    ) -> ScreeningResult:
        """A subject whose name field packs several names: each screened, the best match per entry kept."""
        best: dict[str, Match] = {}
        errors = []
        for name in names:
            result = self._screen_name(replace(subject, name=name, family_name=None), threshold, top, explain)
            if result.error:
                errors.append(result.error)
            for match in result.matches:
                current = best.get(match.key)
                if current is None or (match.alert, match.score, match.priority) > (
                    current.alert,
                    current.score,
                    current.priority,
                ):
                    best[match.key] = match
        ranked = sorted(best.values(), key=lambda m: (-m.score, -m.priority, m.key))
        matches = [m for m in ranked if m.alert or m.score >= threshold]
        matches += [m for m in ranked if not (m.alert or m.score >= threshold)][: top or 0]
        note = f"the name field holds {len(names)} names, each screened: " + "; ".join(names)
        error = "; ".join(errors) if len(errors) == len(names) else None
        return ScreeningResult(subject.id, tuple(matches), error=error, notes=(note,))

    def forget_names(self) -> None:
        """Forget the written names met so far (their parts' similar list parts stay known)."""
        self._hits_cache.clear()

    def _name_hits(self, name: str, kind: EntityKind | None, family_name: str | None, floor: float) -> _NameHits:
        """The best list names per entry for a written name that may reach ``floor``;
        remembered, as names recur in traffic (only what may reach the floor: mostly nothing)."""
        written = (name, kind, family_name, floor)
        found = self._hits_cache.get(written)
        if found is not None:
            return found
        config = self.config
        organization = kind is not None and kind is not EntityKind.PERSON
        analyzed = analyze(name, organization=organization, family_parts=(family_name,) if family_name else ())
        best: dict[tuple[int, bool], list[tuple[NameScore, NameRecord]]] = {}
        if analyzed.tokens and not analyzed.placeholder:
            query = prepare(analyzed, self.index.weights, people=not organization)
            record_ids = self.index.candidates(
                query,
                kind_filter(kind),
                floor,
                config.max_candidates,
                token_floor=config.token_floor,
                unmatched_weight=config.unmatched_weight,
                known_factor=config.known_names_factor,
                middle_weight=config.middle_unmatched_weight,
            )
            # per entry, the best strong name and the best weak one: a weak alias may score higher
            # yet not alert, while a strong name just above the threshold does
            records, prepared = self.index.records, self.index.prepared
            for record_id, bound in zip(record_ids, record_ids.bounds, strict=True):
                record = records[record_id]
                slot = (record.entry, record.name.quality is NameQuality.WEAK)
                current = best.setdefault(slot, [])
                if len(current) >= NAMES_PER_ENTRY and bound <= current[-1][0].score and not current[-1][0].capped:
                    continue  # other names of the entry already score at least this name's bound
                scored = compare_prepared(query, prepared[record_id], config, record_ids.pairs.get(record_id))
                current.append((scored, record))
                current.sort(key=lambda hit: -hit[0].score)
                del current[NAMES_PER_ENTRY:]
        # what cannot reach the floor, even lifted by corroboration, is never reported: not kept
        kept = {
            slot: names
            for slot, hits in best.items()
            if (names := tuple(hit for hit in hits if max(hit[0].score, hit[0].uncapped) >= floor))
        }
        usable = bool(analyzed.tokens) and not analyzed.placeholder
        hits = _NameHits(usable, analyzed.titles, kept) if kept or analyzed.titles or not usable else _NOTHING
        self._hits_cache.put(written, hits)
        return hits

    def _assess(self, subject: Subject, scored: NameScore, record: NameRecord, threshold: float) -> _Assessment:
        """The match score, priority and alert of one list name, with the evidence behind them."""
        entry = self.index.entries[record.entry]
        config = self.config
        weak = record.name.quality is NameQuality.WEAK
        evidence = (
            compare_birth_dates(subject, entry, config),
            compare_documents(subject, entry, config),
            compare_nationality(subject, entry, config),
            compare_gender(subject, entry, config),
            compare_birth_place(subject, entry, config),
        )
        corroborated = any(e.detail.get("corroborates") for e in evidence)
        person = entry.kind is EntityKind.PERSON
        # a thin name match (common parts only) stands when the date of birth or a document agrees;
        # for a person, what the name says decides (below), whatever the rarity weights of the lists
        lifted = scored.capped and (corroborated or person)
        name_score = scored.uncapped if lifted else scored.score
        information: Information | None = None
        support = 0.0
        informative = True
        score = max(0.0, min(1.0, name_score + sum(e.score_delta for e in evidence)))
        letters = agreeing_letters(scored)
        if letters < config.min_alert_letters:  # (digits count when the two are written alike: MS-13)
            letters = max(letters, _written_alike(subject.name, record.name.full))
        if letters < config.min_alert_letters and not any(
            e.feature == "document" and e.relation in ("exact", "near") for e in evidence
        ):  # "A" against "A", of any kind: too little to tell anyone apart (a document number would)
            informative = False
            name_score = min(name_score, config.uninformative_cap)
            score = min(score, config.uninformative_cap)
        if person and max(score, name_score) > config.uninformative_cap:
            # a common name alone does not alert, however well it matches: it needs its date of birth
            # (asked only of a score above the ceiling of what says too little: below, it decides nothing)
            information = name_information(scored, self.index.weights, config.disagreement_bits)
            support = _support_bits(evidence, config)
            informative = information.bits + support >= config.min_alert_bits and (
                not information.needs_corroboration or corroborated
            )
            if not informative:
                name_score = min(name_score, config.uninformative_cap)
                score = min(score, config.uninformative_cap)
        name_log_odds = config.log_odds["name_per_point"] * (name_score - threshold)
        weak_log_odds = config.log_odds.get("weak_alias", 0.0) if weak else 0.0
        log_odds = config.log_odds["prior"] + name_log_odds + weak_log_odds + sum(e.log_odds for e in evidence)
        alert = (
            score >= threshold
            and informative
            and (not weak or corroborated or not config.weak_alias_needs_corroboration)
        )
        return _Assessment(
            entry,
            record,
            scored,
            name_score,
            lifted,
            evidence,
            score,
            log_odds,
            alert,
            weak,
            information,
            support,
            informative,
            letters,
        )

    def _explain(self, subject: Subject, found: _Assessment, threshold: float, full: bool = True) -> Match:
        """The match with its explanation: every feature's contribution and the values compared
        (``full``), or only the name's relation and score (a candidate that does not alert)."""
        config = self.config
        scored, name, entry = found.scored, found.record.name, found.entry
        short = found.letters < config.min_alert_letters
        relation = (
            "too short"
            if short and not found.informative
            else "uninformative"
            if not found.informative
            else "corroborated"
            if found.lifted and found.information is None
            else "exact"
            if scored.exact
            else "capped"
            if scored.capped
            else "same parts"
            if scored.score >= 1
            else "similar"
        )
        if not full:
            return Match(
                key=entry.key,
                list_id=entry.list_id,
                name=entry.caption,
                matched_name=name.full,
                score=found.score,
                priority=_logistic(found.log_odds),
                alert=found.alert,
                explanation=(
                    {
                        "feature": "name",
                        "relation": relation,
                        "name_score": round(found.name_score, 4),
                        "query": subject.name,
                        "candidate": name.full,
                        "candidate_field": name.origin,
                    },
                    {
                        "feature": "summary",
                        "match_score": round(found.score, 4),
                        "threshold": threshold,
                        "list_version": self.versions.get(entry.list_id),
                        "algorithm": self.algorithm,
                        "explanation": "short: below the threshold (the evidence with --explain)",
                    },
                ),
            )
        detail: dict[str, Any] = {
            "name_score": found.name_score,
            "name_kind": str(name.kind),
            "alias_quality": str(name.quality),
            "source_quality": name.source_quality,
            "original_script": name.original_script,
            "parts": [
                {
                    k: v
                    for k, v in (
                        ("query", p.query),
                        ("candidate", p.candidate),
                        ("kind", p.kind),
                        ("score", p.score),
                        ("weight", p.weight),
                    )
                    if v is not None
                }
                for p in scored.parts
            ],
        }
        if scored.reversed:
            detail["reversed_parts"] = True
        if short:
            detail["letters"] = {"agreeing": found.letters, "needed": config.min_alert_letters}
        if found.lifted and found.information is None:
            detail["ceiling_lifted_by"] = "date of birth or document"
        if found.information is not None:
            detail["information"] = {
                **found.information.as_dict(),
                "support_bits": round(found.support, 2),
                "needed_bits": config.min_alert_bits,
                "enough": found.informative,
            }
        name_evidence = Evidence(
            "name",
            relation,
            0.0,
            config.log_odds["name_per_point"] * (found.name_score - threshold),
            subject.name,
            name.full,
            name.origin,
            detail,
        )
        evidence = [name_evidence, *found.evidence]
        if found.weak:
            evidence.append(
                Evidence(
                    "alias_quality",
                    "weak",
                    0.0,
                    config.log_odds.get("weak_alias", 0.0),
                    candidate=name.source_quality or "weak",
                    candidate_field=name.origin,
                    detail={
                        "policy": "a weak alias alerts only with a corroborating date of birth or document"
                        if config.weak_alias_needs_corroboration
                        else "weak aliases alert like strong ones (configured)"
                    },
                )
            )
        explanation = [e.as_dict() for e in evidence if e.relation != "absent" or e.feature == "name"]
        explanation.append(
            {
                "feature": "summary",
                "match_score": round(found.score, 4),
                "threshold": threshold,
                "priority_log_odds": round(found.log_odds, 3),
                "list_version": self.versions.get(entry.list_id),
                "algorithm": self.algorithm,
            }
        )
        return Match(
            key=entry.key,
            list_id=entry.list_id,
            name=entry.caption,
            matched_name=name.full,
            score=found.score,
            priority=_logistic(found.log_odds),
            alert=found.alert,
            explanation=tuple(explanation),
        )

    # --- many subjects -----------------------------------------------------------------------

    def screen_many(
        self,
        subjects: Iterable[Subject],
        *,
        threshold: float | None = None,
        top: int | None = None,
        workers: int | None = None,
        chunk: int = 256,
        explain: bool = False,
    ) -> Iterator[ScreeningResult]:
        """Screen in order, on ``workers`` processes (default: every core; 1: in this process).

        A sequence (a list of subjects in memory) is inherited by the forked workers, which are
        sent only where each chunk starts and ends; any other iterable is sent chunk by chunk."""
        workers = workers or os.cpu_count() or 1
        if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for subject in subjects:
                yield self.screen(subject, threshold=threshold, top=top, explain=explain)
            return
        global _WORKER
        context = multiprocessing.get_context("fork")
        if isinstance(subjects, Sequence):
            _WORKER = (self, threshold, top, explain, subjects)  # inherited by the forked workers, never pickled
            ranges = list(_ranges(len(subjects), chunk))
            with context.Pool(workers) as pool:
                found_ranges = _in_order(pool, _screen_range, ranges, workers * CHUNKS_AHEAD)
                for (start, _), found in zip(ranges, found_ranges, strict=True):
                    for offset, result in enumerate(found):
                        # most subjects match nothing: the worker sends None, not an empty result
                        yield result if result is not None else ScreeningResult(subjects[start + offset].id, ())
            return
        _WORKER = (self, threshold, top, explain, ())
        with context.Pool(workers) as pool:
            for results in _in_order(pool, _screen_chunk, _chunks(subjects, chunk), workers * CHUNKS_AHEAD):
                yield from results


CHUNKS_AHEAD = 4  # chunks in flight per worker: input read and results held stay bounded, whatever the batch


def _in_order(pool: Any, function: Any, tasks: Iterable[Any], ahead: int) -> Iterator[Any]:
    """``function`` over ``tasks`` on the pool, results in order, at most ``ahead`` tasks in flight:
    a million subjects read from a file are not all read (nor their results all held) at once, as
    ``Pool.imap`` would (it reads its whole input ahead)."""
    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(function, (task,)))
        if len(pending) >= ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def agreeing_letters(scored: NameScore) -> int:
    """Letters of the name parts that agree, the fewer of either side's: what the match rests on.
    Optional parts (titles, particles, legal forms) count none, an initial one."""
    query, candidate = scored.query_tokens, scored.candidate_tokens
    total = 0
    for q_idx, c_idx, kind, _, _ in scored.alignment:
        if not q_idx or not c_idx or kind in ("particle", "unmatched"):
            continue
        q_letters = sum(_letters(query[i]) for i in q_idx)
        c_letters = sum(_letters(candidate[j]) for j in c_idx)
        total += min(q_letters, c_letters)
    return total


def _written_alike(query: str, candidate: str) -> int:
    """Letters and digits of two names written alike, character for character (MS-13 and ms 13);
    0 otherwise. Name parts keep no digits: P-532 and P-533 compare as "P", yet P-532 is an aircraft."""
    written = [c for c in query.casefold() if c.isalnum()]
    return len(written) if written == [c for c in candidate.casefold() if c.isalnum()] else 0


def _letters(token: Token) -> int:
    if token.optional or not token.forms:
        return 0
    if token.role is Role.INITIAL:
        return 1
    # as written (PKK folds to "pk") or as transliterated (王伟 is "vangvei"), whichever is longer
    return max(sum(c.isalnum() for c in token.text), len(token.forms[0]))


def _support_bits(evidence: tuple[Evidence, ...], config: MatchConfig) -> float:
    """What an agreeing date of birth or document adds to a name's information, in bits."""
    bits = config.support_bits
    total = 0.0
    for item in evidence:
        if item.feature == "birth_date":
            if item.relation in ("exact", "month", "overlaps"):
                total += bits.get(f"dob_{item.relation}", 0.0)
            elif item.relation == "inside":  # one date among the listed span's
                span = item.detail.get("span_days")
                days = span if isinstance(span, int) and span > 0 else 31
                total += max(0.0, math.log2(DOB_SPAN_DAYS / max(days, 1)))
        elif item.feature == "document" and item.relation in ("exact", "near"):
            total += bits.get(f"document_{item.relation}", 0.0)
    return total


def _packed_names(name: str) -> list[str]:
    """The names a packed name field holds, the field as written first (a bracket may as well be
    part of the name: LABICO SAL (OFF SHORE)); empty when it holds one name."""
    if ";" not in name and "(" not in name:
        return []
    variants, _ = name_variants(name)
    names = [v for v, _ in variants]
    if ";" not in name:
        names.insert(0, name)
    return names if len(names) > 1 else []


def _settle_heap() -> None:
    """Freeze what the screenings so far left behind: mostly the caches of the names and parts
    met. Left in the collector's care, every full collection walked all of it again (a
    quarter-second pause every few ten thousand subjects, 8 % of a batch's time). Frozen
    objects are still freed when nothing refers to them; only cycles would stay, and screening
    makes none once its lazy tables are loaded (a test keeps it so)."""
    gc.freeze()


_WORKER: tuple[Screener, float | None, int | None, bool, Sequence[Subject]] | None = None


def _ranges(size: int, chunk: int) -> Iterator[tuple[int, int]]:
    return ((start, min(start + chunk, size)) for start in range(0, size, chunk))


def _screen_range(bounds: tuple[int, int]) -> list[ScreeningResult | None]:
    assert _WORKER is not None
    screener, threshold, top, explain, subjects = _WORKER
    found: list[ScreeningResult | None] = []
    for position in range(*bounds):
        result = screener.screen(subjects[position], threshold=threshold, top=top, explain=explain)
        found.append(result if result.matches or result.error or result.notes or result.warnings else None)
    return found


def _screen_chunk(subjects: list[Subject]) -> list[ScreeningResult]:
    assert _WORKER is not None
    screener, threshold, top, explain, _ = _WORKER
    return [screener.screen(s, threshold=threshold, top=top, explain=explain) for s in subjects]


def _chunks(items: Iterable[Subject], size: int) -> Iterator[list[Subject]]:
    batch: list[Subject] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
