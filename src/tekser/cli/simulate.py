"""`tekser simulate traffic` and `simulate checkin`: realistic synthetic PAXLST and PNRGOV messages,
and interactive check-in requests, for demos and tests."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from tekser.cli.common import DebugOption, console, fail, handled, styled

PLANT_HELP = (
    "A listed person to hide in the traffic: LIST:NUMBER:SURNAME:GIVEN:YYYY-MM-DD:NATIONALITY:PASSPORT "
    "(e.g. un:QDi.290:UMAROV:DOKKA:1964-04-13:RUS:9603464086)."
)

app = typer.Typer(help="Synthetic data for demos, tests and benchmarks.", no_args_is_help=True)


@app.command("traffic")
def traffic(
    out: Annotated[Path, typer.Option(help="Folder to write the messages to.")],
    flights: Annotated[int, typer.Option(help="Number of flights.")] = 12,
    passengers: Annotated[int, typer.Option(help="Passengers per flight (at most).")] = 300,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same traffic).")] = 2026,
    plant: Annotated[
        list[str] | None,
        typer.Option(help=PLANT_HELP),
    ] = None,
    subjects: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the passengers as subjects (default: OUT-subjects.jsonl beside OUT, "
            "so that `tekser ingest OUT` sees only messages)."
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Write one PNRGOV push and one PAXLST manifest per flight, and a subjects file of every passenger."""
    with handled(debug):
        from tekser.simulate.traffic import make_flights, messages

        planted = _planted(plant)
        made = make_flights(seed, flights, passengers, planted)
        out.mkdir(parents=True, exist_ok=True)
        count = 0
        for name, text in messages(made):
            (out / name).write_text(text, encoding="utf-8")
            count += 1
        with (subjects or out.with_name(f"{out.name}-subjects.jsonl")).open("w", encoding="utf-8") as handle:
            for flight in made:
                for number, pax in enumerate(flight.passengers, start=1):
                    record = {
                        "id": f"{flight.carrier}{flight.number}-{flight.departure:%Y%m%d}-{number}",
                        "name": f"{pax.given} {pax.surname}",
                        "family_name": pax.surname,
                        "birth_date": pax.birth_date.isoformat(),
                        "nationality": pax.nationality,
                        "gender": "male" if pax.gender == "M" else "female",
                        "document": pax.passport,
                        "document_country": pax.nationality,
                        "schema": "Person",
                    }
                    handle.write(json.dumps(record) + "\n")
        total = sum(len(f.passengers) for f in made)
        console.print(
            f"wrote {count} messages for {len(made)} flights ({total} passengers, {len(planted)} planted) to {out}"
        )


@app.command("checkin")
def checkin(
    out: Annotated[Path, typer.Option(help="File to write the check-in request to.")],
    passengers: Annotated[int, typer.Option(help="Other passengers checking in with them.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same request).")] = 2026,
    plant: Annotated[list[str] | None, typer.Option(help=PLANT_HELP)] = None,
    debug: DebugOption = False,
) -> None:
    """Write an interactive check-in request (PAXLST D05B, one RFF+ABO per passenger) for `tekser iapi`:
    the planted people and a few other passengers checking in for one flight. A check-in is matched
    to earlier alerts by the person (name, date of birth, document), not by the flight."""
    with handled(debug):
        from tekser.simulate.traffic import make_flights, paxlst

        planted = _planted(plant)
        (flight,) = make_flights(seed, 1, max(passengers, 1), planted)
        chosen = [p for p in flight.passengers if p.planted] + [p for p in flight.passengers if not p.planted]
        chosen = chosen[: len(planted) + passengers]
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(paxlst(flight, 1, passengers=chosen, iapi=True), encoding="utf-8")
        console.print(styled("wrote a check-in request for {} passengers ({} planted) to {}", len(chosen),
                             len(planted), out))  # fmt: skip


def _planted(specs: list[str] | None) -> list[Any]:
    from tekser.simulate.traffic import Planted

    planted = []
    for spec in specs or []:
        parts = spec.split(":")
        if len(parts) != 7:
            fail(f"--plant {spec!r}: expected LIST:NUMBER:SURNAME:GIVEN:YYYY-MM-DD:NATIONALITY:PASSPORT", 2)
        try:
            born = date.fromisoformat(parts[4])
        except ValueError:
            fail(f"--plant {spec!r}: {parts[4]!r} is not a date (YYYY-MM-DD)", 2)
        planted.append(Planted(f"{parts[0]}:{parts[1]}", parts[2], parts[3], born, parts[5], parts[6]))
    return planted
