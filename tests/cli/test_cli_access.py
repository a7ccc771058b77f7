"""Once users exist, ingest, screening and list views need an API key whose holder's role allows
them, and each run is an audit event; before the first user, the operator runs them (issue 16)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli

from tekser.simulate.traffic import make_flights, paxlst


def _audit(cli: Cli, key: str) -> list[dict[str, object]]:
    result = cli("audit", "events", "--json", "--limit", "1000", key=key)
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)
    assert isinstance(events, list)
    return events


def test_commands_need_a_key_once_users_exist_and_each_run_is_audited(
    cli: Cli, fixtures_dir: Path, tmp_path: Path
) -> None:
    un = fixtures_dir / "lists" / "un" / "consolidated-small.xml"
    assert cli("lists", "import", str(un), "--list", "un", "--min-entries", "3").exit_code == 0
    (flight,) = make_flights(seed=3, flights=1, passengers=5, planted=[])
    manifest = tmp_path / "manifest.edi"
    manifest.write_text(paxlst(flight, 1), encoding="utf-8")
    subjects = tmp_path / "subjects.jsonl"
    subjects.write_text(json.dumps({"id": "1", "name": "Askar Nurlanov"}) + "\n", encoding="utf-8")
    assert cli("screening-status").exit_code == 0  # no user yet: the operator sets the deployment up

    keys = cli.users(ana="analyst", aud="auditor", svc="service")
    commands = [
        ("ingest", str(manifest)),
        ("screening-status",),
        ("screen", "-i", str(subjects)),
        ("screen", "--stored"),
        ("rescreen", "un"),
        ("lists", "show"),
        ("lists", "diff", "un"),
        ("lists", "failures"),
        ("lists", "policy", "show"),
    ]
    for command in commands:
        result = cli(*command)
        assert result.exit_code == 7 and "TEKSER_API_KEY" in result.output, (command, result.output)
    for command in [("ingest", str(manifest)), ("screen", "--stored"), ("rescreen", "un")]:
        result = cli(*command, key=keys["aud"])  # an auditor reads, runs nothing
        assert result.exit_code == 8, (command, result.output)
    for who in ("ana", "svc"):
        for command in commands:
            result = cli(*command, key=keys[who])
            assert result.exit_code in (0, 1) if command[:2] == ("lists", "diff") else result.exit_code == 0, (
                who,
                command,
                result.output,
            )
    assert cli("lists", "show", key=keys["aud"]).exit_code == 0
    # list files alone, no database: nothing to protect, no key needed
    assert cli.without_db("screen", "--lists", str(un), "-i", str(subjects)).exit_code == 0

    events = _audit(cli, keys["aud"])
    runs = [(e["actor"], e["action"], e["object_type"]) for e in events]
    assert any(a.startswith("svc (api-key:") and act == "travel.ingest" for a, act, _ in runs)
    assert any(a.startswith("ana (api-key:") and act == "screening.run" for a, act, _ in runs)
    assert any(act == "list.view" and kind == "screening" for _, act, kind in runs)
    refused = [e for e in events if e["action"] == "access.denied" and str(e["actor"]).startswith("aud")]
    assert {e["object_id"] for e in refused} >= {"travel.ingest", "screening.run"}
