"""The Screener's Python interface: screen, screen_many on all cores, policy, explanations."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tekser import MatchConfig, Screener, Subject
from tekser.domain.policy import Policy, PolicyEvent, PolicyScope
from tekser.domain.subjects import parse_birth_date
from tekser.domain.watchlists import EntityKind, ListEntry, Name, NameKind
from tekser.ingest.lists import ofac, un
from tekser.ingest.lists.dates import parse_date
from tekser.matching import screener as screener_module


def _screener(fixtures_dir: Path, policy: Policy | None = None) -> Screener:
    entries = un.read(fixtures_dir / "lists" / "un" / "consolidated-small.xml").entries
    entries += ofac.read(fixtures_dir / "lists" / "ofac").entries
    return Screener.from_entries(entries, policy=policy, versions={"un": "un@1", "ofac": "ofac@1"})


def test_screen_many_on_all_cores_equals_screen(fixtures_dir: Path) -> None:
    screener = _screener(fixtures_dir)
    subjects = [
        Subject(str(i), name, birth_date=parse_birth_date("1975"))
        for i, name in enumerate(["Askar Nurlanov", "Gulnara Tolegenova", "Nobody Atall", "NURLANOV, Askar"] * 150)
    ]
    one = [r.as_dict() for r in screener.screen_many(subjects, workers=1)]
    many = [r.as_dict() for r in screener.screen_many(subjects, workers=2, chunk=64)]
    streamed = [r.as_dict() for r in screener.screen_many(iter(subjects), workers=2, chunk=64)]  # not a sequence
    assert many == one
    assert streamed == one
    assert [r["id"] for r in many] == [s.id for s in subjects]
    assert sum(not r["matches"] for r in many) == 150  # Nobody Atall: no-match results come back whole too


def test_a_match_explains_itself(fixtures_dir: Path) -> None:
    screener = _screener(fixtures_dir)
    result = screener.screen(Subject("x", "Askar Nurlanuly", birth_date=parse_birth_date("1975-03-12"), gender="male"))
    keys = [m.key for m in result.matches]
    assert keys[:2] == ["ofac:90001", "un:QDi.901"] or keys[:2] == ["un:QDi.901", "ofac:90001"]
    match = next(m for m in result.matches if m.key == "un:QDi.901")
    assert match.alert
    assert 0.0 <= match.priority <= 1.0
    features = {e["feature"]: e for e in match.explanation}
    assert features["name"]["candidate_field"] == "INDIVIDUAL_ALIAS[3]/ALIAS_NAME"
    assert features["name"]["alias_quality"] == "strong"
    assert features["birth_date"]["relation"] == "exact"
    assert features["gender"]["relation"] == "match"
    summary = features["summary"]
    assert summary["list_version"] == "un@1"
    assert summary["algorithm"]["version"] == "5"
    assert len(summary["algorithm"]["config_sha256"]) == 64
    # what the name says, in bits, and what the date of birth adds: enough to alert, and shown
    information = features["name"]["information"]
    assert information["enough"] and information["support_bits"] == 14.0
    assert information["bits"] + information["support_bits"] >= information["needed_bits"]
    assert [p["kind"] for p in information["parts"]]


def test_priority_rises_with_corroboration(fixtures_dir: Path) -> None:
    """nomenklatura#334: an exact name alone must rank below an exact name with DOB and nationality."""
    screener = _screener(fixtures_dir)
    bare = screener.screen(Subject("a", "Gulnara Tolegenova")).matches[0]
    rich = screener.screen(
        Subject("b", "Gulnara Tolegenova", birth_date=parse_birth_date("1985"), gender="female")
    ).matches[0]
    assert bare.score == rich.score == 1.0
    assert rich.priority > bare.priority


def test_a_gender_conflict_lowers_the_score_and_can_decide_the_alert(fixtures_dir: Path) -> None:
    """UN QDi.901 is a man, Askar Nurlanov: a woman of a close name scores lower than the name alone."""
    screener = _screener(fixtures_dir)

    def match(name: str, gender: str | None) -> screener_module.Match:
        matches = screener.screen(Subject("x", name, gender=gender), top=3, explain=True).matches
        return next(m for m in matches if m.key == "un:QDi.901")

    for name in ("Askar Nurlanova", "Asker Nurlanova"):
        bare, female, male = match(name, None), match(name, "female"), match(name, "male")
        assert female.score < bare.score == male.score, name
        assert {e["feature"]: e.get("relation") for e in female.explanation}["gender"] == "conflict"
    # Asker Nurlanova alerts on the name alone; as a woman against a listed man she does not
    assert match("Asker Nurlanova", None).alert
    assert not match("Asker Nurlanova", "female").alert


def test_the_threshold_is_reached_at_equality(fixtures_dir: Path) -> None:
    """A threshold of 1.0 means "exact names only": an exact name still alerts, a near one does not."""
    born = parse_birth_date("1984")
    un_only = un.read(fixtures_dir / "lists" / "un" / "consolidated-small.xml").entries
    exact, near = (
        Subject(str(i), n, birth_date=born) for i, n in enumerate(["Gulnara Tolegenova", "Gulnara Tulegenova"])
    )
    default = Screener.from_entries(un_only)
    assert [m.alert for m in default.screen(near).matches] == [True]  # at the default threshold the near name alerts
    for screener, threshold in (
        (default, 1.0),  # asked for one screening
        (Screener.from_entries(un_only, MatchConfig(threshold=1.0)), None),  # configured
    ):
        (match,) = screener.screen(exact, threshold=threshold).matches
        assert (match.key, match.score, match.alert) == ("un:QDi.903", 1.0, True)
        assert screener.screen(near, threshold=threshold).matches == ()


def test_policy_leaves_entries_out(fixtures_dir: Path) -> None:
    from datetime import UTC, datetime

    event = PolicyEvent(1, "ofac", PolicyScope.LIST, "", False, "dpo", "not used", datetime.now(UTC))
    screener = _screener(fixtures_dir, Policy((event,)))
    assert all(m.list_id != "ofac" for m in screener.screen(Subject("a", "Askar Nurlanov")).matches)
    assert screener.index.excluded == 6


def test_configuration_is_documented_and_hashed() -> None:
    docs = MatchConfig.documentation()
    assert all(docs[name] for name in MatchConfig.model_fields)
    assert MatchConfig().config_hash("t1") != MatchConfig(threshold=0.9).config_hash("t1")
    assert MatchConfig().config_hash("t1") != MatchConfig().config_hash("t2")


def test_screening_leaves_no_cycles_for_the_frozen_heap(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The screener freezes what its screenings leave (the caches) instead of letting the collector
    walk it again and again; that is free of leaks only while screening makes no reference cycles."""

    monkeypatch.setattr(screener_module, "SETTLE_EVERY", 10**12)  # no settling during this test
    screener = _screener(fixtures_dir)
    names = ["Askar Nurlanov", "Gulnara Tolegenova", "Nobody Atall", "NURLANOV, Askar", "Абу Бакр", "عبد الرحمن"]
    for name in names:  # the lazy tables (loaded once) may leave some
        screener.screen(Subject("warm", name), top=5)
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        for number in range(300):
            name = f"{names[number % len(names)]} {chr(65 + number % 26)}{chr(97 + number // 26 % 26)}kov"
            screener.screen(
                Subject(str(number), name, birth_date=parse_birth_date("1975")), top=3 if number % 2 else None
            )
        assert gc.collect() == 0
    finally:
        if collecting:
            gc.enable()


def test_screenings_settle_the_heap_regularly(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settled: list[int] = []
    monkeypatch.setattr(screener_module, "SETTLE_EVERY", 10)
    monkeypatch.setattr(screener_module, "_settle_heap", lambda: settled.append(1))
    screener = _screener(fixtures_dir)
    for number in range(35):
        screener.screen(Subject(str(number), "Askar Nurlanov"))
    assert len(settled) == 3


def test_a_remembered_name_answers_as_a_fresh_screener_does(fixtures_dir: Path) -> None:
    """Names recur in traffic and the screener remembers what each written name reached (only
    what may reach the floor): a name met before, with other facts, another threshold or
    ``top``, must give what a screener that never met it gives, also at thresholds right at
    the scores (and with a date that lifts a thin match)."""
    remembering = _screener(fixtures_dir)
    fresh_screener = _screener(fixtures_dir)
    names = ["Askar Nurlanov", "Gulnara Tolegenova", "Nobody Atall", "NURLANOV, Askar", "Askar", "Nurlanov", "Gulnara"]
    born = parse_birth_date("1975-03-12")
    compared = 0
    for name in names:
        scores = {m.score for m in fresh_screener.screen(Subject("s", name, birth_date=born), top=10).matches}
        thresholds = sorted({None, *scores, *(round(s - 0.001, 6) for s in scores)}, key=lambda t: t or 0.0)
        for threshold in thresholds:
            for birth_date in (None, born):
                for top in (None, 5):
                    subject = Subject("s", name, birth_date=birth_date)
                    expected = _screener(fixtures_dir).screen(subject, threshold=threshold, top=top).as_dict()
                    found = remembering.screen(subject, threshold=threshold, top=top).as_dict()
                    assert found == expected, (name, threshold, birth_date, top)
                    compared += len(expected["matches"])
    assert compared >= 100  # (the names reach list entries: the comparison compares something)


def test_a_remembered_thin_match_is_still_lifted_by_a_date() -> None:
    """A thin match (common parts only: capped below the threshold) alerts when the date of birth
    agrees. The same written name met first without a date, at a threshold that gives the same
    floor, must not have been forgotten as too low."""
    entry = ListEntry(
        key="case:khan",
        list_id="case",
        source_id="khan",
        kind=EntityKind.PERSON,
        names=(Name("Ahmed Khan", NameKind.PRIMARY),),
        birth_dates=(parse_date("1950-09-04", origin="case"),),
    )
    screener = Screener.from_entries([entry])
    config = screener.config
    # no date, threshold lowered by what a date adds: the same floor as below, and nothing alerts
    undated = screener.screen(Subject("a", "Ahmad Khan"), threshold=config.threshold - config.dob_agreement_bonus)
    assert not any(m.alert for m in undated.matches)
    dated = screener.screen(Subject("b", "Ahmad Khan", birth_date=parse_birth_date("1950-09-04")))
    assert [m.key for m in dated.matches if m.alert] == ["case:khan"]
    name = next(e for e in dated.matches[0].explanation if e["feature"] == "name")
    # a common name: what it says is not enough alone; with its date of birth it is
    information = name["information"]
    assert information["bits"] < information["needed_bits"] <= information["bits"] + information["support_bits"]


def test_what_screening_remembers_stays_bounded(fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A long-running process meets ever new names: the names and the pairs of parts written
    together that it remembers stay within their bounds (pairs that reach nothing included)."""
    from tekser.matching import index as index_module

    monkeypatch.setattr(index_module, "JOINED_REMEMBERED", 10)
    monkeypatch.setattr(screener_module, "HITS_REMEMBERED", 10)
    screener = _screener(fixtures_dir)
    for number in range(200):
        given = f"Askar{chr(97 + number % 26)}{chr(97 + number // 26)}"
        screener.screen(Subject(str(number), f"{given} Nurlanov Bekov"))
    assert len(screener.index._joined_cache) <= 10
    assert len(screener._hits_cache) <= 10
    found = screener.screen(Subject("again", "Askar Nurlanov"))  # and what it still finds is right
    assert "un:QDi.901" in [m.key for m in found.matches]
