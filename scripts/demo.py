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

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "lists"
DEMO = REPO / ".demo"
TEKSER = str(Path(sys.executable).with_name("tekser"))


def shared_lists() -> Path | None:
    shared = Path(os.environ.get("TEKSER_SHARED_DATA", REPO.parent / "shared" / "data")) / "lists"
    return shared if (shared / "un").is_dir() and (shared / "ofac").is_dir() else None


def step(title: str) -> None:
    print(f"\n\033[1m== {title}\033[0m")


def capture(*args: str) -> str:
    """A command's standard output, for the demo to pick what to show next."""
    env = {**os.environ, "TEKSER_DB_URL": DB_URL}
    return subprocess.run([TEKSER, *args], env=env, check=True, capture_output=True, text=True).stdout


def run(*args: str, check: bool = True) -> int:
    command = [TEKSER, *args]
    shown = " ".join(shlex.quote(a) for a in ["tekser", *args])
    print(f"\033[36m$ {shown}\033[0m", flush=True)
    result = subprocess.run(command, env={**os.environ, "TEKSER_DB_URL": DB_URL, "COLUMNS": "120"})
    if check and result.returncode != 0:
        sys.exit(f"demo step failed: {shown} (exit {result.returncode})")
    return result.returncode


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

    step("9. Interactive API at check-in: advisory (2Z) for an unconfirmed hit, no-board (1Z) only once confirmed")
    planted = plants[0].split(":")
    flight = next(f for f in make_flights(2026, 1, 5, []))
    flight.passengers = [
        Passenger(planted[2], planted[3], "M", date.fromisoformat(planted[4]), planted[5], planted[6],
                  date(2031, 1, 1), "DEMO42", "3A")
    ]  # fmt: skip
    request = DEMO / "checkin.edi"
    request.write_text(paxlst(flight, 1, iapi=True), encoding="utf-8")
    run("iapi", str(request))
    found = json.loads(capture("alerts", "list", "--json", "--limit", "1000"))
    # the same person, entry and evidence as on arrival: no second alert; the analyst confirms that one
    listed = f"{planted[0]}:{planted[1]}"
    alert = next(a for a in found if a["entry"] == listed)
    run("alerts", "confirm", str(alert["id"]), "--by", "analyst.aigerim",
        "--reason", "passport photo and date of birth match the listing")  # fmt: skip
    run("iapi", str(request), "--json")

    step("10. What happened at the border, for measuring precision later")
    run("alerts", "outcome", str(alert["id"]), "denied_boarding", "--by", "officer.serik",
        "--note", "directive 1Z; passenger did not board")  # fmt: skip
    weakest = found[-1]  # lowest priority: typically a common name with nothing else in common
    run("alerts", "outcome", str(weakest["id"]), "secondary_negative", "--by", "officer.serik",
        "--note", "other person: different father's name and date of birth")  # fmt: skip
    run("alerts", "list", "--limit", "3")

    print(f"\nDone. Explore: {TEKSER} alerts list --db {DB_URL}   (or lists show, screening-status ...)")


if __name__ == "__main__":
    main()
