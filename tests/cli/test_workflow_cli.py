"""The analyst workflow on the command line: users, keys, cases, internal lists, the audit log."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import create_engine, text
from tests.cli.conftest import PASSWORD, Cli
from tests.workflow.conftest import ASKAR

from tekser.simulate.traffic import make_flights, paxlst


def _world(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> tuple[dict[str, str], str]:
    """A list, one alert, and users; returns their keys and the alert number."""
    result = cli("lists", "import", str(fixtures_dir / "lists" / "un" / "consolidated-small.xml"), "--list", "un",
                 "--min-entries", "3", "--by", "setup")  # fmt: skip
    assert result.exit_code == 0, result.output
    (flight,) = make_flights(seed=5, flights=1, passengers=6, planted=[ASKAR])
    message = tmp_path / "paxlst.edi"
    message.write_text(paxlst(flight, 1, iapi=True), encoding="utf-8")
    assert cli("iapi", str(message)).exit_code == 0
    keys = cli.users(ana="analyst", sue="supervisor", sam="supervisor", aud="auditor", dpo="dpo")
    alerts = json.loads(cli("alerts", "list", "--json", key=keys["ana"]).output)
    return keys, str(alerts[0]["id"])


def test_once_users_exist_everything_is_done_as_someone_allowed_to(cli: Cli, fixtures_dir: Path,
                                                                   tmp_path: Path) -> None:  # fmt: skip
    keys, alert = _world(cli, fixtures_dir, tmp_path)
    un = str(fixtures_dir / "lists" / "un" / "consolidated-small.xml")
    result = cli("lists", "import", un, "--list", "un", "--min-entries", "3", "--by", "setup")
    assert result.exit_code == 7 and "TEKSER_API_KEY" in result.output  # --by no longer says who you are
    result = cli("lists", "import", un, "--list", "un", "--min-entries", "3", key=keys["ana"])
    assert result.exit_code == 8  # analysts do not import lists
    result = cli("lists", "import", un, "--list", "un", "--min-entries", "3", key=keys["admin"])
    assert result.exit_code == 0, result.output
    result = cli("lists", "policy", "disable", "un", "--category", "terrorism", "--reason", "test", key=keys["ana"])
    assert result.exit_code == 8
    assert cli("alerts", "show", alert, key=keys["admin"]).exit_code == 8  # administrators read no personal data
    assert cli("alerts", "show", alert, key="tk_not-a-key").exit_code == 7
    assert cli("users", "add", "eve", "--role", "analyst", key=keys["ana"]).exit_code == 8
    result = cli("users", "create-admin", "mallory", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 5  # only while no user exists
    result = cli("keys", "create", "--user", "ana", "--password-stdin", stdin="wrong password!!\n")
    assert result.exit_code == 7
    assert cli("users", "disable", "ana", "--reason", "left the unit", key=keys["admin"]).exit_code == 0
    assert cli("alerts", "list", key=keys["ana"]).exit_code == 7  # a disabled user's key stops working
    listed = cli("users", "list", "--json", key=keys["admin"]).output
    assert {u["username"]: u["active"] for u in json.loads(listed)}["ana"] is False


def test_audit_verify_and_head_detect_tampering(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    keys, alert = _world(cli, fixtures_dir, tmp_path)
    assert cli("alerts", "show", alert, "--purpose", "review", key=keys["ana"]).exit_code == 0
    head = tmp_path / "head.json"
    result = cli("audit", "head", "--out", str(head), key=keys["aud"])
    assert result.exit_code == 0, result.output
    result = cli("audit", "verify", "--anchor", str(head), key=keys["aud"])
    assert result.exit_code == 0 and "intact" in result.output
    events = json.loads(cli("audit", "events", "--action", "alert.view", "--json", key=keys["aud"]).output)
    assert [(e["actor"], e["purpose"]) for e in events][-1] == ("ana (api-key:" + keys["ana"][3:11] + ")", "review")
    # a superuser drops the trigger and edits a record: caught, exit 9, the record named
    engine = create_engine(cli.db)
    with engine.begin() as connection:
        for name in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                            "AND tbl_name = 'audit_events'")).scalars():  # fmt: skip
            connection.execute(text(f'DROP TRIGGER "{name}"'))
        connection.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE seq = 5"))
    result = cli("audit", "verify", key=keys["aud"])
    assert result.exit_code == 9
    assert "broken at record 5" in result.output
    assert cli("audit", "verify", key=keys["sue"]).exit_code == 8  # supervisors do not verify the log


def test_a_case_is_exported_and_transmitted_signed(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    keys, alert = _world(cli, fixtures_dir, tmp_path)
    signing_key = tmp_path / "signing.pem"
    result = cli("keys", "signing-init", "--path", str(signing_key), key=keys["admin"])
    assert result.exit_code == 0, result.output
    env_key = {"TEKSER_SIGNING_KEY": str(signing_key)}
    result = cli("cases", "create", "KC 901", key=keys["ana"])
    case = re.search(r"case #(\d+)", result.output).group(1)  # type: ignore[union-attr]
    assert cli("cases", "add-alert", case, alert, key=keys["ana"]).exit_code == 0
    assert cli("cases", "note", case, "Seat 14C, travelling alone.", key=keys["ana"]).exit_code == 0
    out = tmp_path / "out"
    result = cli("cases", "export", case, "--out", str(out), key=keys["aud"])
    assert result.exit_code == 0, result.output
    assert (out / f"case-{case}.pdf").read_bytes().startswith(b"%PDF")
    assert "Seat 14C, travelling alone." in (out / f"case-{case}.html").read_text(encoding="utf-8")
    result = cli("cases", "transmit", case, "--to", "Border Service", "--reason", "identity confirmed",
                 key=keys["ana"])  # fmt: skip
    request = re.search(r"request #(\d+)", result.output).group(1)  # type: ignore[union-attr]
    result = cli("cases", "approve-transmission", request, "--reason", "mine", "--out", str(out), key=keys["ana"],
                 env=env_key)  # fmt: skip
    assert result.exit_code == 8
    result = cli("cases", "approve-transmission", request, "--reason", "basis checked", "--out", str(out),
                 key=keys["sue"], env=env_key)  # fmt: skip
    assert result.exit_code == 0, result.output
    pdf = out / f"case-{case}-transmitted.pdf"
    signature = pdf.with_suffix(".pdf.sig.json")
    assert cli.without_db("cases", "verify-signature", str(pdf), str(signature)).exit_code == 0
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 1
    pdf.write_bytes(bytes(data))
    assert cli.without_db("cases", "verify-signature", str(pdf), str(signature)).exit_code == 9


def test_an_internal_list_entry_from_proposal_to_screening(cli: Cli, fixtures_dir: Path, tmp_path: Path) -> None:
    keys, _ = _world(cli, fixtures_dir, tmp_path)
    result = cli("internal", "propose", "kz-watch", "-f", "family_name=ABENOV", "-f", "given_name=Serik",
                 "-f", "birth_date=1984-11-02", "-f", "nationality=KZ", "--legal-basis", "Art. 12",
                 "--source", "letter 77/2026", "--review-date", "2031-01-01", key=keys["ana"])  # fmt: skip
    assert result.exit_code == 0, result.output
    entry = re.search(r"entry #(\d+)", result.output).group(1)  # type: ignore[union-attr]
    assert cli("internal", "approve", entry, "--reason", "checked", key=keys["ana"]).exit_code == 8
    result = cli("internal", "approve", entry, "--reason", "basis and source checked", key=keys["sue"])
    assert result.exit_code == 0 and "kz-watch@1" in result.output
    subject = '{"id": "t1", "name": "Serik ABENOV", "birth_date": "1984-11-02"}\n'
    screened = cli("screen", "--workers", "1", stdin=subject, key=keys["ana"])
    assert f"kz-watch:E{entry}" in screened.output, screened.output
    result = cli("internal", "delist", entry, "--reason", "court ruling lifted the measure", key=keys["sue"])
    assert result.exit_code == 0, result.output
    shown = json.loads(cli("internal", "show", entry, key=keys["aud"]).output)
    assert [e["kind"] for e in shown["events"]] == ["propose", "approve", "delist"]
