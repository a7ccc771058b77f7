"""The matching benchmark's dataset builder: deterministic, and each variant does what its category says."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from benchmarks.matching import dataset as ds
from benchmarks.matching import population as pop
from benchmarks.matching.report import threshold_for_fpr
from rapidfuzz.distance import OSA

from tekser.ingest.lists import un

SIZES = {
    "V0": 5,
    "held-out alias": 5,
    "held-out alias (other name)": 5,
    "synthetic": 5,
    "kz_persons": 6,
    "ru_persons": 3,
    "negatives_per_culture": 6,
    "people": 80,
}
# a small name source of the benchmark's shape (the real one is the names-dataset package)
TABLE = pop.TableSource(
    first={
        ("KZ", "M"): [("Ерлан", 1), ("Асқар", 2), ("Arman", 3)],
        ("KZ", "F"): [("Айгүл", 1), ("Динара", 2)],
        ("RU", "M"): [("Сергей", 1), ("Иван", 2)],
        ("RU", "F"): [("Ольга", 1), ("Анна", 2)],
        ("IQ", "M"): [("علي", 1), ("محمد", 2), ("Ali", 3), ("Mohammed", 4)],
        ("IQ", "F"): [("زهراء", 1), ("Zahraa", 2)],
        ("US", "M"): [("John", 1), ("David", 2)],
        ("US", "F"): [("Mary", 1), ("Emily", 2)],
    },
    last={
        "KZ": [("Ахметов", 1), ("Омарова", 2), ("Сейткали", 3)],
        "RU": [("Иванов", 1), ("Петрова", 2)],
        "IQ": [("الجبوري", 1), ("حسين", 2), ("Hussein", 3), ("Al-Jubouri", 4)],
        "US": [("Miller", 1), ("Garcia", 2)],
    },
)
NAMES = [
    ("ABDUL RAHMAN MAHMOUD AL-HASHIMI", True),
    ("NURLANOV, Askar Serikovich", True),
    ("Gulnara Tolegenova", True),
    ("Kim Chol-su", True),
    ("NORTHERN STAR SHIPPING CO. LTD", False),
    ("STEPPE RELIEF FOUNDATION", False),
    ("Abramovič Roman Arkadyevich", True),
    ("BALDENEGRO BASTIDAS, Manuel Dario", True),
    ("SOCIEDAD CONSTRUCTORA Y ADMINISTRADORA DEL VALLE LTDA.", False),
]
SEEDS = range(25)


@pytest.fixture(scope="module")
def entries(fixtures_dir: Path) -> list:
    return un.read(fixtures_dir / "lists" / "un" / "consolidated-small.xml").entries


@pytest.fixture(scope="module")
def dataset(entries: list) -> ds.Dataset:
    return ds.build_dataset(entries, seed=7, sizes=SIZES, source=TABLE)


def _snapshot(dataset: ds.Dataset) -> tuple:
    return (
        [q.as_dict() for q in dataset.queries],
        [q.as_dict() for q in dataset.negatives],
        dataset.removed,
        [e.key for e in dataset.injected],
    )


def test_same_seed_same_dataset(entries: list, dataset: ds.Dataset) -> None:
    assert _snapshot(ds.build_dataset(entries, seed=7, sizes=SIZES, source=TABLE)) == _snapshot(dataset)
    other = ds.build_dataset(entries, seed=8, sizes=SIZES, source=TABLE)
    assert [q.name for q in other.negatives] != [q.name for q in dataset.negatives]


def test_dataset_round_trips_through_json_lines(dataset: ds.Dataset, tmp_path: Path) -> None:
    path = tmp_path / "dataset.jsonl"
    ds.save(dataset, path)
    assert _snapshot(ds.load(path)) == _snapshot(dataset)


def test_queries_point_at_indexed_entries(entries: list, dataset: ds.Dataset) -> None:
    indexed = ds.index_entries(entries, dataset)
    keys = {e.key for e in indexed}
    assert all(q.expected in keys for q in dataset.queries)
    assert {q.category for q in dataset.queries} >= {"V0", "held-out Arabic original", "V6-KZ", "V9-P", "V6-RU-syn"}
    ids = [q.id for q in [*dataset.queries, *dataset.negatives]]
    assert len(ids) == len(set(ids))


def test_held_out_names_are_not_indexed(entries: list, dataset: ds.Dataset) -> None:
    indexed = {e.key: e for e in ds.index_entries(entries, dataset)}
    held_out = [q for q in dataset.queries if q.category.startswith("held-out")]
    assert held_out, "the fixture has Arabic and Cyrillic originals"
    for query in held_out:
        names = {n.full for n in indexed[query.expected].names}
        assert query.name not in names
        assert all(n.split_from != query.name for n in indexed[query.expected].names)


def test_injected_persons(dataset: ds.Dataset) -> None:
    kz = [e for e in dataset.injected if e.key.startswith("bench-kz:")]
    assert len(kz) == SIZES["kz_persons"]
    assert all(e.names[0].script == "Cyrl" and e.birth_dates for e in kz)
    for query in dataset.queries:
        if query.category in ("V6-KZ", "V9-P"):
            assert query.expected.startswith("bench-kz:")
            assert ds._is_latin(query.name)


def test_negatives_are_not_list_names(entries: list, dataset: ds.Dataset) -> None:
    listed = {ds.fold_key(n.full) for e in [*entries, *dataset.injected] for n in e.names}
    assert all(ds.fold_key(q.name) not in listed and q.expected is None for q in dataset.negatives)
    assert dataset.meta["people"] == SIZES["people"]


def test_innocent_people_from_the_name_source(dataset: ds.Dataset) -> None:
    people = [q for q in dataset.negatives if q.group == "population"]
    native = [q for q in people if q.form == "native"]
    assert {q.detail for q in people} == {"KZ", "RU", "IQ", "US"}
    # every person is in the sample once as written; those not written in Latin letters also as a passport does
    assert len(native) + dataset.meta["homonyms"]["population"] >= SIZES["people"]
    assert {q.script for q in native} >= {"Cyrl", "Arab", "Latn"}
    assert all(ds._is_latin(q.name) for q in people if q.form != "native")
    first_names = {n for names in TABLE.first.values() for n, _ in names}
    last_names = {n for names in TABLE.last.values() for n, _ in names}
    for query in native:
        words = query.name.split()
        assert words[0] in first_names, query
        assert words[-1] in last_names or pop._gendered_family(words[-1], "M", "Cyrl") in {
            pop._gendered_family(n, "M", "Cyrl") for n in last_names
        }, query
    with_date = sum(1 for q in native if q.birth_date)
    assert 0.3 < with_date / len(native) < 0.7  # about half carry a date of birth


def test_passport_forms() -> None:
    assert pop.passport_form(["Ерлан", "Ахметов"], "Cyrl", "KZ", {}) == ("Erlan Akhmetov", True)
    spellings = pop._latin_spellings([("Ahmed", 1), ("Hamdi", 2), ("Al-Otaibi", 3)])
    assert pop.passport_form(["احمد", "العتيبي"], "Arab", "SA", spellings) == ("Ahmed Al-Otaibi", True)
    # no Latin name with those consonants: a plain rendering, reported as such
    assert pop.passport_form(["فهد"], "Arab", "SA", spellings) == ("Fahad", False)
    assert pop.passport_form(["عبد", "الرحمن"], "Arab", "SA", {}) == ("Abdul Rahaman", False)  # (crude, but Latin)


def test_near_misses_of_the_injected_persons(dataset: ds.Dataset) -> None:
    near = [q for q in dataset.negatives if (q.group or "").startswith("near miss")]
    kinds = {q.group for q in near}
    assert kinds == {f"near miss: {kind}" for kind in pop.NEAR_MISS_KINDS}
    for query in near:
        listed = {w.rstrip("a") for w in ds.fold_tokens(ds.romanise(query.source or "", "kz-icao-fallback"))}
        written = {w.rstrip("a") for w in ds.fold_tokens(ds.romanise(query.name, "kz-icao-fallback"))}
        shared = listed & written  # (the other gender's form of a family name counts as shared)
        assert shared, query  # a near miss shares a part with the listed person
        assert set(written) != set(listed), query


def _variants(category: str) -> list[tuple[str, str]]:
    made = []
    for name, person in NAMES:
        for seed in SEEDS:
            result = ds.GENERATORS[category](name, random.Random(seed), person)
            if result is not None:
                made.append((name, result[0]))
    assert made, f"{category} applies to some test names"
    return made


def test_v1_changes_only_case_punctuation_and_legal_form() -> None:
    for name, variant in _variants("V1"):
        assert variant != name
        assert ds.v1_normal(variant) == ds.v1_normal(name), (name, variant)


def test_v2_is_one_edit_in_one_long_part() -> None:
    for name, variant in _variants("V2"):
        assert OSA.distance(name, variant) == 1, (name, variant)
        changed = [(a, b) for a, b in zip(name.split(" "), variant.split(" "), strict=True) if a != b]
        assert len(changed) == 1 and len(changed[0][0]) >= 6


def test_v3_same_tokens_other_order() -> None:
    for name, variant in _variants("V3"):
        before, after = name.replace(",", " ").split(), variant.replace(",", " ").split()
        assert sorted(before) == sorted(after) and before != after, (name, variant)


def test_v4_only_whitespace_and_hyphens() -> None:
    for name, variant in _variants("V4"):
        assert variant != name
        assert ds._SPACE_RE.sub("", variant) == ds._SPACE_RE.sub("", name), (name, variant)


def test_v5_only_diacritics() -> None:
    for name, variant in _variants("V5"):
        assert variant != name
        assert ds.strip_diacritics(variant) == ds.strip_diacritics(name)


def test_v9_drops_one_inner_part() -> None:
    for name, variant in _variants("V9"):
        before, after = name.replace(",", " ").split(), variant.replace(",", " ").split()
        assert len(after) == len(before) - 1
        assert any(before[:i] + before[i + 1 :] == after for i in range(len(before))), (name, variant)


def test_v10_truncates_at_35() -> None:
    for name, variant in _variants("V10"):
        assert len(name) > 35 and variant == name[:35].rstrip()


def test_v12_adds_a_title() -> None:
    for name, variant in _variants("V12"):
        title = variant.replace(",", " ").split()
        assert len(title) == len(name.replace(",", " ").split()) + 1
        assert any(t in ds.nd.TITLES_MALE + ds.nd.TITLES_FEMALE for t in title)


def test_romanisation_tables() -> None:
    assert ds.romanise("Қасым-Жомарт Тоқаев", "kz-icao-fallback") == "Kasym-Zhomart Tokaev"
    assert ds.romanise("Қасым-Жомарт Тоқаев", "kz-ics-630") == "Qasym-Zhomart Toqaev"
    assert ds.romanise("Юрий Щукин", "mvd-1997") == "Yuriy Shchukin"
    assert ds.romanise("Юрий Щукин", "icao-2013") == "Iurii Shchukin"
    assert ds.romanise("Дарья ИЛЬИНА", "icao-2013") == "Daria ILINA"
    assert ds.icu_romanise("Юрий", "Russian-Latin/BGN") == "Yuriy"


def test_patronymics() -> None:
    assert ds.russian_patronymic(ds.russify("Серік"), True) == "Сериковна"
    assert ds.russian_patronymic("Николай", False) == "Николаевич"
    assert ds.russian_patronymic("Юрий", False) == "Юрьевич"
    assert ds.russian_patronymic(ds.russify("Әбіш"), False) == "Абишевич"
    assert ds.kazakh_patronymic("Серік", True) == "Серікқызы"


def test_threshold_for_equal_false_positive_rate() -> None:
    scores = [0.95, 0.9, 0.8, 0.5, 0.1] + [0.0] * 95
    threshold, reachable = threshold_for_fpr(scores, 0.02)
    assert reachable and 0.8 < threshold <= 0.9 + 1e-5
    assert sum(s >= threshold for s in scores) == 2
    assert threshold_for_fpr([1.0, 1.0, 0.2], 0.0) == (1.0 + 1e-6, False)
