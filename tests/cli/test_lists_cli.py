"""`tekser lists ...` end to end through the CLI, on embedded SQLite."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.cli.conftest import Cli, ListServer


@pytest.fixture
def lists_dir(fixtures_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "lists"
    (target / "un").mkdir(parents=True)
    shutil.copy(fixtures_dir / "lists" / "un" / "consolidated-small.xml", target / "un" / "consolidated.xml")
    shutil.copytree(fixtures_dir / "lists" / "ofac", target / "ofac")
    (target / "README.txt").write_text("not a list")
    return target


def test_import_folder_show_and_reimport(cli: Cli, lists_dir: Path) -> None:
    result = cli("lists", "import", str(lists_dir), "--min-entries", "3", "--by", "alice", "--json")
    assert result.exit_code == 0, result.output
    outcomes = {o["list"]: o for o in json.loads(result.stdout)}
    assert {k: (o["status"], o["version"], o["entries"]) for k, o in outcomes.items()} == {
        "un": ("imported", "un@1", 6),
        "ofac": ("imported", "ofac@1", 6),
    }
    assert any("README.txt" in w for o in outcomes.values() for w in o["warnings"])

    shown = json.loads(cli("lists", "show", "--json").stdout)
    by_list = {item["list"]: item for item in shown}
    assert by_list["ofac"]["counts"]["vessel"] == 1
    assert by_list["ofac"]["counts"]["aliases_weak"] == 5
    assert by_list["un"]["counts"]["names_original_script"] == 4
    assert by_list["un"]["imported_by"] == "alice"
    assert by_list["un"]["published_at"].startswith("2026-10-01T00:00:05")
    assert by_list["un"]["enabled"] is True

    again = cli("lists", "import", str(lists_dir / "un"), "--min-entries", "3")
    assert again.exit_code == 0
    assert "unchanged" in again.stdout

    table = cli("lists", "show").stdout
    assert "un@1" in table and "ofac@1" in table


def test_refused_import_exits_non_zero_and_keeps_the_version(cli: Cli, lists_dir: Path) -> None:
    assert cli("lists", "import", str(lists_dir / "un"), "--min-entries", "3").exit_code == 0
    target = lists_dir / "un" / "consolidated.xml"
    target.write_bytes(target.read_bytes()[:1500])
    result = cli("lists", "import", str(target), "--min-entries", "3")
    assert result.exit_code == 3
    assert "refused" in result.stdout
    assert "the active version of un is unchanged" in " ".join(result.stdout.split())
    as_json = cli("lists", "import", str(target), "--min-entries", "3", "--json")
    assert as_json.exit_code == 3
    assert "not well-formed XML" in json.loads(as_json.stdout)[0]["reason"]
    failures = json.loads(cli("lists", "failures", "--json").stdout)
    assert len(failures) == 2
    assert failures[0]["list"] == "un"
    assert failures[0]["files"] == ["consolidated.xml"]
    shown = json.loads(cli("lists", "show", "--json").stdout)
    assert [item["version"] for item in shown] == ["un@1"]


def test_too_small_list_is_refused_with_the_reason(cli: Cli, lists_dir: Path) -> None:
    result = cli("lists", "import", str(lists_dir / "ofac"))
    assert result.exit_code == 3
    assert "fewer than the minimum of 5000 for ofac" in " ".join(result.stdout.split())


def test_errors_are_one_line_without_traceback(cli: Cli, tmp_path: Path) -> None:
    result = cli("lists", "diff", "un@7")
    assert result.exit_code == 4
    assert result.stderr.strip() == "error: no version un@7"
    missing = cli("lists", "import", str(tmp_path / "nowhere.xml"))
    assert missing.exit_code == 3
    assert "no such file or folder" in missing.stdout + missing.stderr
    assert "Traceback" not in missing.stdout + missing.stderr


def test_diff_shows_changed_fields(cli: Cli, lists_dir: Path) -> None:
    cli("lists", "import", str(lists_dir / "un"), "--min-entries", "3")
    target = lists_dir / "un" / "consolidated.xml"
    target.write_text(
        target.read_text(encoding="utf-8").replace("<GENDER>Female</GENDER>", "<GENDER>Male</GENDER>"), "utf-8"
    )
    assert cli("lists", "import", str(target), "--min-entries", "3").exit_code == 0
    text = cli("lists", "diff", "un").stdout
    assert "un@1 → un@2" in text
    assert "~1 changed" in text
    assert "gender: + male; − female" in text
    as_json = json.loads(cli("lists", "diff", "un@1", "un@2", "--json").stdout)
    assert as_json["changed"] == [
        {
            "key": "un:QDi.903",
            "caption": "GULNARA TOLEGENOVA",
            "kind": "person",
            "fields": [{"field": "gender", "added": ["male"], "removed": ["female"]}],
        }
    ]


def test_policy_is_recorded_and_shown(cli: Cli, lists_dir: Path) -> None:
    cli("lists", "import", str(lists_dir / "ofac"), "--min-entries", "3")
    refused = cli("lists", "policy", "disable", "ofac", "--programme", "SDNT", "--reason", "x", "--by", "dpo")
    assert refused.exit_code == 2
    assert "ofac has no programme 'SDNT'" in refused.stderr
    done = cli("lists", "policy", "disable", "ofac", "--programme", "SDNTK", "--reason", "not CT", "--by", "dpo")
    assert done.exit_code == 0, done.output
    assert "ofac programme 'SDNTK' disabled by dpo" in done.stdout
    rows = json.loads(cli("lists", "policy", "show", "--json").stdout)
    assert [(r["list"], r["scope"], r["value"], r["enabled"], r["by"], r["reason"]) for r in rows] == [
        ("ofac", "programme", "SDNTK", False, "dpo", "not CT")
    ]
    shown = cli("lists", "show").stdout
    assert "policy ofac: programme 'SDNTK' disabled by dpo" in shown
    as_json = json.loads(cli("lists", "show", "--json").stdout)[0]
    assert as_json["policy"][0].endswith("not CT")


def _sources(tmp_path: Path, server: ListServer) -> Path:
    path = tmp_path / "sources.yml"
    files = ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"]
    ofac = "\n".join(f"      - {{url: '{server.url}/ofac/{name}', file: {name}}}" for name in files)
    path.write_text(
        f"""lists:
  un:
    downloads:
      - {{url: '{server.url}/un/consolidated.xml', file: consolidated.xml}}
    checks: {{min_entries: 3}}
  ofac:
    downloads:
{ofac}
    checks: {{min_entries: 3}}
  kz:
    downloads:
      - url: '{server.url}/kz/list.xml'
        file: list.xml
        headers: {{X-Api-Key: '{{kz_api_key}}'}}
""",
        encoding="utf-8",
    )
    return path


def test_update_downloads_conditionally_and_refuses_bad_files(
    cli: Cli, fixtures_dir: Path, tmp_path: Path, list_server: ListServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEKSER_SOURCES_FILE", str(_sources(tmp_path, list_server)))
    good = (fixtures_dir / "lists" / "un" / "consolidated-small.xml").read_bytes()
    list_server.files["/un/consolidated.xml"] = good
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        list_server.files[f"/ofac/{name}"] = (fixtures_dir / "lists" / "ofac" / name).read_bytes()

    first = cli("lists", "update", "un", "ofac", "--json")
    assert first.exit_code == 0, first.output
    assert [(o["list"], o["status"], o["version"]) for o in json.loads(first.stdout)] == [
        ("un", "imported", "un@1"),
        ("ofac", "imported", "ofac@1"),
    ]
    assert sorted(code for _, code in list_server.requests) == [200] * 5

    second = json.loads(cli("lists", "update", "un", "--json").stdout)
    assert second[0]["status"] == "unchanged"
    assert list_server.requests[-1] == ("/un/consolidated.xml", 304)

    list_server.files["/un/consolidated.xml"] = good[: len(good) // 2]
    third = cli("lists", "update", "un", "--json")
    assert third.exit_code == 3
    (outcome,) = json.loads(third.stdout)
    assert outcome["status"] == "refused"
    assert "not well-formed XML" in outcome["reason"]
    shown = json.loads(cli("lists", "show", "--json").stdout)
    assert {item["version"] for item in shown} == {"un@1", "ofac@1"}
    # a refused file does not become the reference for the next conditional request
    list_server.files["/un/consolidated.xml"] = good.replace(b"<GENDER>Female</GENDER>", b"<GENDER>Male</GENDER>")
    fourth = json.loads(cli("lists", "update", "un", "--json").stdout)
    assert (fourth[0]["status"], fourth[0]["version"], fourth[0]["changed"]) == ("imported", "un@2", 1)


def test_update_failures_are_clear(
    cli: Cli, tmp_path: Path, list_server: ListServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEKSER_SOURCES_FILE", str(_sources(tmp_path, list_server)))
    missing = cli("lists", "update", "un", "--json")
    assert missing.exit_code == 3
    assert "download failed: HTTP 404" in json.loads(missing.stdout)[0]["reason"]
    no_key = json.loads(cli("lists", "update", "kz", "--json").stdout)[0]
    assert "needs setting TEKSER_KZ_API_KEY" in no_key["reason"]
    monkeypatch.setenv("TEKSER_KZ_API_KEY", "secret-key")
    list_server.files["/kz/list.xml"] = b"<nothing/>"
    cli("lists", "update", "kz")
    assert list_server.headers_seen[-1]["X-Api-Key"] == "secret-key"
    list_server.close()
    down = json.loads(cli("lists", "update", "un", "--json").stdout)[0]
    assert "download failed: ConnectError" in down["reason"]
    failures = json.loads(cli("lists", "failures", "--json").stdout)
    assert all("secret-key" not in json.dumps(f) for f in failures)


def test_the_format_help_names_every_reader() -> None:
    from tekser.cli.lists import FORMATS
    from tekser.ingest.lists import registry

    assert FORMATS.split(", ") == list(registry.formats())


def test_a_refused_shrink_is_forced_only_with_a_reason(cli: Cli, lists_dir: Path, fixtures_dir: Path) -> None:
    assert cli("lists", "import", str(lists_dir / "ofac"), "--min-entries", "3").exit_code == 0
    dangling = fixtures_dir / "list-damage" / "ofac-dangling"
    refused = cli("lists", "import", str(dangling), "--min-entries", "3", "--json")
    assert refused.exit_code == 3
    (outcome,) = json.loads(refused.stdout)
    assert outcome["status"] == "refused"
    assert "alt.csv: 1 rows refer to an ent_num absent from sdn.csv (90004)" in outcome["reason"]
    assert "3 of the 6 entries of the active version removed (50.0%)" in outcome["reason"]

    for option in ("--force", "--accept-shrink"):  # the older name still works
        no_reason = cli("lists", "import", str(dangling), "--min-entries", "3", option)
        assert no_reason.exit_code == 2
        assert "--force needs --reason" in no_reason.stderr

    forced = cli(
        "lists",
        "import",
        str(dangling),
        "--min-entries",
        "3",
        "--force",
        "--reason",
        "delisted 2026-12-01",
        "--by",
        "carol",
    )
    assert forced.exit_code == 0, forced.output
    text = " ".join(forced.stdout.split())
    assert "imported" in text
    assert "forced by carol (delisted 2026-12-01): 3 of the 6 entries of the active version removed" in text
    shown = json.loads(cli("lists", "show", "--list", "ofac", "--json").stdout)
    assert shown[0]["version"] == "ofac@2"
    assert shown[0]["checks"]["forced"]["reason"] == "delisted 2026-12-01"


def test_a_cut_file_is_refused_whatever_the_options(cli: Cli, fixtures_dir: Path) -> None:
    cut = fixtures_dir / "list-damage" / "ofac-cut"
    result = cli("lists", "import", str(cut), "--min-entries", "3", "--force", "--reason", "looks fine", "--json")
    assert result.exit_code == 3
    (outcome,) = json.loads(result.stdout)
    assert outcome["reason"].startswith(f"{cut / 'sdn.csv'}: no end-of-file marker")
    assert json.loads(cli("lists", "show", "--json").stdout) == []


def test_ftm_export_round_trips_through_import(cli: Cli, lists_dir: Path, tmp_path: Path) -> None:
    assert cli("lists", "import", str(lists_dir), "--min-entries", "3").exit_code == 0
    result = cli("lists", "export", "--format", "ftm", "--list", "ofac")
    assert result.exit_code == 0, result.output
    first = [json.loads(line) for line in result.stdout.splitlines()]  # warnings stay off standard output
    assert {e["id"] for e in first if e["target"]} == {f"tekser-ofac-{n}" for n in range(90001, 90007)}
    assert "warning: 1 imoNumber values refused by FtM's cleaning (kept in notes)" in result.stderr
    exported = tmp_path / "ofac.ftm.jsonl"
    assert cli("lists", "export", "--list", "ofac", "-o", str(exported)).exit_code == 0
    imported = cli("lists", "import", str(exported), "--list", "ofac_ftm", "--min-entries", "3")
    assert imported.exit_code == 0, imported.output
    again = cli("lists", "export", "--list", "ofac_ftm")
    assert [json.loads(line) for line in again.stdout.splitlines()] == first
