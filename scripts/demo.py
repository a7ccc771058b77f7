"""`make demo`: a tour of tekser on an embedded SQLite database in .demo/.

Every step is a real `tekser` command, printed before it runs, so the demo doubles as a
how-to. It uses the real UN and OFAC lists from ../shared/data when they are there, and the
small synthetic lists shipped in tests/fixtures otherwise (and for the lists that have no
public sample: EU, UK, Kazakhstan, national).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from tekser.simulate.traffic import Passenger, make_flights, paxlst

REPO = Path(__file__).absolute().parents[1]  # as run (a linked checkout stays itself)
FIXTURES = REPO / "tests" / "fixtures" / "lists"
DEMO = REPO / ".demo"
TEKSER = str(Path(sys.executable).with_name("tekser"))


def shared_lists() -> Path | None:
    shared = Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data")) / "lists"
    return shared if (shared / "un").is_dir() and (shared / "ofac").is_dir() else None


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m")


KEYS: dict[str, str] = {}  # API keys of the demo's users, by user name
PASSWORD = "demo password, not for production"


def _env(user: str | None) -> dict[str, str]:
    env = {**os.environ, "TEKSER_DB_URL": DB_URL, "COLUMNS": "120", "TEKSER_SIGNING_KEY": str(DEMO / "signing.pem")}
    # a demonstration: administrators act without an authenticator app (a deployment requires one)
    env["TEKSER_REQUIRE_ADMIN_MFA"] = "false"
    env["TEKSER_API_KEY"] = KEYS[user] if user else ""
    return env


def capture(*args: str, user: str | None = None, stdin: str | None = None, code: str = "") -> str:
    """A command's standard output, for the demo to pick what to show next (``code``: an enrolment code)."""
    env = _env(user) | ({"TEKSER_ENROL_CODE": code} if code else {})
    return subprocess.run([TEKSER, *args], env=env, check=True, capture_output=True, text=True,
                          input=stdin).stdout  # fmt: skip


def run(*args: str, check: bool = True, user: str | None = None) -> int:
    """Run and show a command (as ``user``: TEKSER_API_KEY holds their key)."""
    command = [TEKSER, *args]
    shown = " ".join(shlex.quote(a) for a in ["tekser", *args])
    who = f"TEKSER_API_KEY=<{user}> " if user else ""
    print(f"\033[36m$ {who}{shown}\033[0m", flush=True)
    result = subprocess.run(command, env=_env(user))
    if check and result.returncode != 0:
        sys.exit(f"demo step failed: {shown} (exit {result.returncode})")
    return result.returncode


def make_users() -> None:
    """The first administrator from the command line, a second one (the bootstrap, once per
    deployment: the only administrator makes one alone), then one user per role: each enrols with
    the one-time code and makes their own key. Analyst and supervisor roles are approved by the
    second administrator, whose approval gives the second part of their code."""
    people = [("aigerim", "analyst"), ("dana", "analyst"), ("yerlan", "supervisor"), ("asel", "supervisor"),
              ("marat", "auditor"), ("saule", "dpo"), ("gateway", "service")]  # fmt: skip
    print("(a demonstration: TEKSER_REQUIRE_ADMIN_MFA=false lets administrators act without an authenticator app;"
          " a deployment requires one: tekser users totp-enrol)")  # fmt: skip
    print("\033[36m$ tekser users create-admin admin --password-stdin\033[0m")
    print(capture("users", "create-admin", "admin", "--password-stdin", stdin=PASSWORD + "\n").strip())
    KEYS["admin"] = _key("admin")
    _enrolled("bolat", "administrator")
    for name, role in people:
        _enrolled(name, role)
        KEYS[name] = _key(name)
    print("\033[36m$ tekser keys create --user <each> --password-stdin\033[0m   (one API key per user, shown once)")
    run("users", "list", user="admin")
    run("audit", "admin-report", user="marat")


def _enrolled(name: str, role: str) -> None:
    """Add ``name`` and enrol them with the code: for a role awaiting a second administrator,
    with both parts (the first from admin, the second from bolat's approval)."""
    print(f"\033[36m$ TEKSER_API_KEY=<admin> tekser users add {name} --role {role}\033[0m")
    added = capture("users", "add", name, "--role", role, user="admin")
    code = added.strip().splitlines()[-1]
    if "awaits a second administrator" in added:
        print(f"\033[36m$ TEKSER_API_KEY=<bolat> tekser users approve-role {name}\033[0m   (part 2 of the code)")
        code += " " + capture("users", "approve-role", name, user="bolat").strip().splitlines()[-1]
    print(f"\033[36m$ TEKSER_ENROL_CODE=<code> tekser users enrol {name} --password-stdin\033[0m")
    capture("users", "enrol", name, "--password-stdin", stdin=PASSWORD + "\n", code=code)
    if role == "administrator":
        KEYS[name] = _key(name)


def _key(name: str) -> str:
    return capture("keys", "create", "--user", name, "--password-stdin", "--label", "demo",
                   stdin=PASSWORD + "\n").strip().splitlines()[-1]  # fmt: skip


# Listed persons hidden in the synthetic traffic under other spellings (MRZ style, another transliteration).
REAL_PLANTS = [
    "un:QDi.290:UMAROV:DOKKA:1964-04-13:RUS:9603464086",
    "ofac:6365:BIN LADIN:OSAMA:1957-03-10:SAU:P1234567",
    "ofac:2676:AL ZAWAHRI:AIMAN:1951-06-19:EGY:P7654321",
]
SYNTHETIC_PLANTS = [
    "un:QDi.901:NURLANULY:ASQAR:1975-03-12:KAZ:N01234567",
    "un:QDi.902:AL HASHIMI:ABDULRAHMAN:1981-05-01:SYR:N0098765",
]

DB_URL = os.environ.get("DEMO_DB", f"sqlite:///{DEMO / 'tekser.sqlite'}")


def main() -> None:
    shutil.rmtree(DEMO, ignore_errors=True)
    DEMO.mkdir()
    print(f"tekser demo — database {DB_URL}")
    run("db", "upgrade", "--create")  # a new database (its folder too: other commands refuse a missing one)

    real = shared_lists()
    step("1. Load watchlists (each import is a version: checked, hashed, stored in one transaction)")
    if real is not None:
        print(f"real UN and OFAC lists from {real}")
        run("lists", "import", str(real / "un"), str(real / "ofac"), "--by", "demo")
    else:
        print("../shared/data not found: using the synthetic UN and OFAC lists shipped in tests/fixtures")
        run("lists", "import", str(FIXTURES / "un"), str(FIXTURES / "ofac"), "--min-entries", "3", "--by", "demo")
    synthetic = [
        FIXTURES / "eu",
        FIXTURES / "uk" / "uk_sanctions_list_sample.xml",
        FIXTURES / "kz",  # the three AFM lists (category 1, category 2, WMD) as one list
        FIXTURES / "ftm",
    ]
    if all(path.exists() for path in synthetic):
        print("EU, UK, Kazakhstan and OpenSanctions (FtM) samples are synthetic: no public copy is available here")
        run("lists", "import", *map(str, synthetic), "--min-entries", "3", "--by", "demo")
    national = FIXTURES / "national" / "refused-entry.csv"
    if national.is_file():
        run("lists", "import", str(national), "--list", "refused-entry", "--by", "demo")

    step("2. What is loaded: active versions and their counts by kind")
    run("lists", "show")

    step("3. Nothing is half-loaded: a truncated file is refused and the active version stays")
    source = real / "un" / "UN_consolidated.xml" if real else FIXTURES / "un" / "consolidated-small.xml"
    truncated = DEMO / "UN_truncated.xml"
    data = source.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    run("lists", "import", str(truncated), "--by", "demo", check=False)
    run("lists", "failures")

    step("4. A new version of a list and what changed, field by field")
    changed = DEMO / "un-next.xml"
    text = source.read_text(encoding="utf-8")
    first_dob = text.index("<DATE>") + len("<DATE>")
    changed.write_text(text[:first_dob] + "1901-01-01" + text[first_dob + 10 :], encoding="utf-8")
    run("lists", "import", str(changed), "--by", "demo", *([] if real else ["--min-entries", "3"]))
    run("lists", "diff", "un", "--limit", "5")

    step("5. Deployment policy: leave out a category, with who and why")
    if (FIXTURES / "kz").is_dir():
        run(
            "lists",
            "policy",
            "disable",
            "kz",
            "--category",
            "extremism",
            "--by",
            "dpo",
            "--reason",
            "extremism-only listings are not used for travel screening (demo)",
            check=False,
        )
    run("lists", "policy", "show")

    step("6. Export the active lists as FollowTheMoney entities")
    run("lists", "export", "--format", "ftm", "--output", str(DEMO / "lists.ftm.jsonl"))

    step("7. Travel data: synthetic API and PNR traffic through Almaty and Astana, with listed persons hidden in it")
    plants = REAL_PLANTS if real is not None else SYNTHETIC_PLANTS
    traffic = DEMO / "traffic"
    subjects = DEMO / "travellers.jsonl"
    plant_args = [arg for plant in plants for arg in ("--plant", plant)]
    run("simulate", "traffic", "--out", str(traffic), "--flights", "12", "--passengers", "300",
        "--subjects", str(subjects), *plant_args)  # fmt: skip
    # a mailbox also receives things that are not messages: kept with their error, never dropped
    (traffic / "zz-mailer-daemon.txt").write_text("Delivery Status Notification (Failure)\n", encoding="utf-8")
    run("ingest", str(traffic), check=False)
    run("ingest", "--failed")

    step("8. Every arriving traveller was screened on ingest: the alerts, each with its evidence frozen")
    run("alerts", "list", "--limit", "15")
    found = json.loads(capture("alerts", "list", "--json", "--limit", "1000"))
    run("screening-status")
    if not found:
        sys.exit("demo: the planted travellers raised no alert")
    first = found[0]
    run("alerts", "show", str(first["id"]))

    step("9. Users and roles: the first administrator from the command line, then analysts, supervisors, ...")
    make_users()
    run("alerts", "show", str(first["id"]), user="admin", check=False)  # administrators read no personal data

    step("10. Interactive API at check-in: advisory (2Z) for a hit; no-board (1Z) only after four eyes")
    planted = plants[0].split(":")
    flight = next(f for f in make_flights(2026, 1, 5, []))
    flight.passengers = [
        Passenger(planted[2], planted[3], "M", date.fromisoformat(planted[4]), planted[5], planted[6],
                  date(2031, 1, 1), "DEMO42", "3A")
    ]  # fmt: skip
    request = DEMO / "checkin.edi"
    request.write_text(paxlst(flight, 1, iapi=True), encoding="utf-8")
    run("iapi", str(request), user="gateway")  # the check-in gateway: a program with the service role
    found = json.loads(capture("alerts", "list", "--json", "--limit", "1000", user="aigerim"))
    # the same person, entry and evidence as on arrival: no second alert; the analyst decides that one
    listed = f"{planted[0]}:{planted[1]}"
    alert = str(next(a for a in found if a["entry"] == listed)["id"])
    run("alerts", "review", alert, user="aigerim")
    run("alerts", "decide", alert, "true_match", "--reason", "passport photo and date of birth match the listing",
        user="aigerim")  # fmt: skip
    output = capture("alerts", "request", alert, "no_board", "--reason", "listed for terrorism, identity confirmed",
                     user="aigerim")  # fmt: skip
    print(output.strip())
    request_id = output.split("#", 1)[1].split(":", 1)[0]
    run("alerts", "approve", request_id, "--reason", "my own request", user="aigerim", check=False)  # refused
    run("alerts", "pending", user="yerlan")
    run("alerts", "approve", request_id, "--reason", "identity and listing checked", user="yerlan")
    run("iapi", str(request), "--json", user="gateway")

    step("11. Decisions on the other alerts; what happened at the border, for measuring precision later")
    weakest = str(found[-1]["id"])  # lowest priority: typically a common name with nothing else in common
    run("alerts", "review", weakest, user="dana")
    run("alerts", "decide", weakest, "false_positive", "--suppress",
        "--reason", "other person: different father's name and date of birth", user="dana")  # fmt: skip
    run("alerts", "outcome", alert, "denied_boarding", "--note", "directive 1Z; passenger did not board",
        user="aigerim")  # fmt: skip
    run("alerts", "list", "--limit", "3", user="dana")

    step("12. A case: alerts and notes together, a case file (HTML, PDF), a signed transmission (four eyes)")
    run("keys", "signing-init", user="admin")
    output = capture("cases", "create", f"Check-in {flight.carrier}{flight.number}: {planted[2]}", user="aigerim")
    print(output.strip())
    case = output.split("#", 1)[1].split()[0]
    run("cases", "add-alert", case, alert, "--note", "no-board approved", user="aigerim")
    run("cases", "note", case, "Travelling alone; booked two days before departure.", user="aigerim")
    run("cases", "export", case, "--out", str(DEMO / "cases"), user="aigerim")
    output = capture("cases", "transmit", case, "--to", "Border Guard Service", "--reason", "entry ban to enforce",
                     user="aigerim")  # fmt: skip
    print(output.strip())
    transmission = output.split("#", 1)[1].split()[0]
    run("cases", "approve-transmission", transmission, "--reason", "legal basis checked", "--out",
        str(DEMO / "cases"), user="asel")  # fmt: skip
    pdf = DEMO / "cases" / f"case-{case}-transmitted.pdf"
    run("cases", "verify-signature", str(pdf), str(pdf.with_suffix(".pdf.sig.json")))

    step("13. An internal watchlist: an analyst proposes, another person approves, screening uses it")
    output = capture("internal", "propose", "kz-watch", "-f", "family_name=ABENOV", "-f", "given_name=Serik",
                     "-f", "patronymic=Muratuly", "-f", "birth_date=1984-11-02", "-f", "nationality=KZ",
                     "-f", "category=terrorism", "--legal-basis", "Law 416-I Art. 12",
                     "--source", "KNB letter 77/2026", "--review-date", "2027-06-01", user="dana")  # fmt: skip
    print(output.strip())
    entry = output.split("#", 1)[1].split()[0]
    run("internal", "approve", entry, "--reason", "legal basis and source checked", user="yerlan")
    run("internal", "list", user="marat")

    step("14. The audit log: who saw and did what, when, why, from where; hash-chained and verified")
    run("audit", "events", "--action", "alert.", "--limit", "12", user="marat")
    run("audit", "head", "--out", str(DEMO / "audit-head.json"), user="marat")
    run("audit", "verify", "--anchor", str(DEMO / "audit-head.json"), user="marat")

    print(f"\nDone. Case files in {DEMO / 'cases'}. Explore: {TEKSER} lists show --db {DB_URL}")
    print(f"API keys of the demo users (TEKSER_API_KEY=...): {DEMO / 'keys.json'}")
    (DEMO / "keys.json").write_text(json.dumps(KEYS, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
