"""`tekser screen`: list files or the database in, one JSON line per subject out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.cli.conftest import Cli


@pytest.fixture
def subjects(tmp_path: Path) -> Path:
    path = tmp_path / "subjects.jsonl"
    rows = [
        {"id": "p1", "name": "Askar Nurlanov", "birth_date": "1975-03-12", "nationality": "KZ"},
        {"id": "p2", "name": "Abd al-Rahman al-Hashimi"},
        {"id": "p3", "name": "Jane Walker", "birth_date": "1990"},
        {"id": "p4", "name": "Abu Yusuf"},
        {"id": "p5", "name": "FNU"},
        {"id": "p6", "name": "Dana", "birth_date": "1990-02-30"},
        {"id": "p7", "birth_date": "1975"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def _results(stdout: str) -> dict[str, dict[str, object]]:
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return {str(line.get("id", f"error{i}")): line for i, line in enumerate(lines)}


def test_screen_list_files_directly(cli: Cli, fixtures_dir: Path, subjects: Path) -> None:
    result = cli("screen", "--lists", str(fixtures_dir / "lists" / "un"), "--input", str(subjects), "--workers", "1")
    assert result.exit_code == 2, result.output  # one record without a name
    out = _results(result.stdout)
    first = out["p1"]["matches"]
    assert isinstance(first, list)
    assert first[0]["key"] == "un:QDi.901"
    assert first[0]["alert"] is True
    features = {e["feature"]: e for e in first[0]["explanation"]}
    assert features["birth_date"]["relation"] == "exact"
    assert features["nationality"]["relation"] == "conflict"  # listed as Russian Federation
    assert features["summary"]["algorithm"]["name"] == "tekser-match"
    assert features["summary"]["list_version"].startswith("files consolidated-small.xml")
    second = out["p2"]["matches"]
    assert [m["key"] for m in second] == ["un:QDi.902"]  # the Arabic original-script name
    assert out["p3"]["matches"] == []
    # "Abu Yusuf" is a weak (UN Low) alias: reported, never alerts alone
    assert all(not m["alert"] for m in out["p4"]["matches"])
    assert "placeholder" in out["p5"]["error"]
    # an impossible date is left out: the subject is screened on its name, with a warning
    assert out["p6"]["warnings"] == [
        "line 6 (id p6), field birth_date: must be YYYY, YYYY-MM or YYYY-MM-DD: not used (got '1990-02-30')"
    ]
    errors = [line for key, line in out.items() if key.startswith("error")]
    assert len(errors) == 1  # only the record without a name is rejected, named by its line and field
    assert "line 7 (id p7), field name: is required" in errors[0]["error"]
    assert "screened 6 subjects" in result.stderr
    assert "1 with warnings" in result.stderr
    assert "1 rejected" in result.stderr


def test_screen_top_reports_candidates_below_the_threshold(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.csv"
    query.write_text("id,name\nq1,Askar Nurlanoff\n", encoding="utf-8")
    strict = cli(
        "screen", "--lists", str(fixtures_dir / "lists"), "-i", str(query), "--threshold", "0.99", "--workers", "1"
    )
    assert strict.exit_code == 0, strict.output
    assert _results(strict.stdout)["q1"]["matches"] == []
    top = cli("screen", "--lists", str(fixtures_dir / "lists"), "-i", str(query), "--threshold", "0.99", "--top", "3")
    matches = _results(top.stdout)["q1"]["matches"]
    assert matches
    assert matches[0]["alert"] is False
    assert matches[0]["score"] < 0.99


def test_screen_against_the_database_applies_the_policy(cli: Cli, fixtures_dir: Path, subjects: Path) -> None:
    assert cli("lists", "import", str(fixtures_dir / "lists" / "un"), "--min-entries", "3").exit_code == 0
    before = _results(cli("screen", "-i", str(subjects), "--workers", "1").stdout)
    assert before["p1"]["matches"][0]["key"] == "un:QDi.901"
    summary = next(e for e in before["p1"]["matches"][0]["explanation"] if e["feature"] == "summary")
    assert summary["list_version"].startswith("un@1 (")
    assert (
        cli("lists", "policy", "disable", "un", "--programme", "Al-Qaida", "--reason", "test", "--by", "dpo").exit_code
        == 0
    )
    after = cli("screen", "-i", str(subjects), "--workers", "1")
    assert _results(after.stdout)["p1"]["matches"] == []
    assert "left out by policy" in after.stderr
    assert "programme 'Al-Qaida' disabled by dpo" in after.stderr


def test_screen_without_lists_is_a_clear_error(cli: Cli, subjects: Path) -> None:
    result = cli("screen", "-i", str(subjects))
    assert result.exit_code == 4
    assert "no active list version to screen against" in result.stderr


def test_unusable_fields_are_warnings_and_namibia_is_a_country(cli: Cli, tmp_path: Path) -> None:
    """Issue 15: NA is Namibia's ISO code; an unusable field never drops a subject (exit 0)."""
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "namibia.ftm.jsonl").write_text(
        json.dumps(
            {
                "id": "nam-1",
                "schema": "Person",
                "properties": {"name": ["Hendrik Witbooi Kaunda"], "nationality": ["na"], "birthDate": ["1961-04-02"]},
            }
        )
        + "\n",
        encoding="utf-8",
    )
    rows = [
        {"id": "n1", "name": "Hendrik Witbooi Kaunda", "nationality": "NA"},
        {"id": "n2", "name": "Hendrik Witbooi Kaunda", "nationality": "Atlantis"},
        {"id": "n3", "name": "Hendrik Witbooi Kaunda", "birth_date": "1990-02-31"},
        {"id": "n4", "name": "Hendrik Witbooi Kaunda", "gender": "x"},
    ]
    subjects = tmp_path / "subjects.jsonl"
    subjects.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = cli("screen", "--lists", str(lists), "-i", str(subjects), "--workers", "1")
    assert result.exit_code == 0, result.output
    out = _results(result.stdout)
    assert set(out) == {"n1", "n2", "n3", "n4"}
    nationality = next(e for e in out["n1"]["matches"][0]["explanation"] if e["feature"] == "nationality")
    assert (nationality["relation"], nationality["query"]) == ("match", "NA")
    assert "warnings" not in out["n1"]
    for key, field, value in (
        ("n2", "nationality", "Atlantis"),
        ("n3", "birth_date", "1990-02-31"),
        ("n4", "gender", "x"),
    ):
        assert out[key]["matches"][0]["alert"] is True  # screened on everything else
        (warning,) = out[key]["warnings"]
        assert f"field {field}:" in warning and repr(value) in warning
    assert "3 with warnings, 0 rejected" in result.stderr


def test_a_csv_nationality_na_is_namibia(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.csv"
    query.write_text("id,name,nationality,gender\nq1,Askar Nurlanov,NA,\nq2,,KZ,male\n", encoding="utf-8")
    result = cli("screen", "--lists", str(fixtures_dir / "lists" / "un"), "-i", str(query), "--workers", "1")
    assert result.exit_code == 2, result.output  # q2 has no name: rejected, q1 screened all the same
    out = _results(result.stdout)
    nationality = next(e for e in out["q1"]["matches"][0]["explanation"] if e["feature"] == "nationality")
    assert nationality["query"] == "NA" and nationality["relation"] == "conflict"  # Namibia, not "unknown"
    errors = [line["error"] for key, line in out.items() if key.startswith("error")]
    assert errors == [
        "row 3 (id q2): invalid subject: row 3 (id q2), field name: is required (or given_name / family_name)"
    ]
