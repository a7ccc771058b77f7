"""Realistic synthetic airline traffic for the demo, tests and benchmarks.

Flights to and from Almaty (ALA) and Astana (NQZ) via Istanbul, Dubai, Moscow, Tashkent and
Urumqi, a few hundred passengers each, written as UN/EDIFACT PAXLST (D02B) and PNRGOV (11.1)
messages. A handful of *planted* travellers carry the names of listed persons under another
spelling (MRZ-style, another transliteration, a typo) so that screening has something to find.
Every name, date and number is invented (or, for planted travellers, taken from a public list).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

ROUTES = [
    ("KC", "ALA", "IST"),
    ("KC", "IST", "ALA"),
    ("KC", "NQZ", "DXB"),
    ("KC", "DXB", "ALA"),
    ("SU", "SVO", "ALA"),
    ("SU", "NQZ", "SVO"),
    ("HY", "TAS", "ALA"),
    ("HY", "ALA", "TAS"),
    ("CZ", "URC", "ALA"),
    ("CZ", "NQZ", "URC"),
    ("TK", "IST", "NQZ"),
    ("FZ", "DXB", "NQZ"),
]

# name pools by nationality: (given male, given female, family stem, family suffix male/female)
POOLS: dict[str, tuple[list[str], list[str], list[str], tuple[str, str]]] = {
    "KZ": (
        ["ASKAR", "NURLAN", "YERLAN", "DANIYAR", "ARMAN", "AIDOS", "MARAT", "BOLAT", "SERIK", "KAIRAT", "SAMAT"],
        ["AIGUL", "ASEL", "AIZHAN", "GULNARA", "SAULE", "DINARA", "ALIYA", "MADINA", "ZHANNA", "AIGERIM"],
        ["NURLAN", "SERIK", "ABDRAKHMAN", "ZHUMABAY", "TOLEGEN", "ISKAK", "SATPAY", "KUNANBAY", "OMAR", "BEKMUKHAMBET"],
        ("OV", "OVA"),
    ),
    "RU": (
        ["IVAN", "SERGEI", "DMITRII", "ALEKSANDR", "ANDREI", "MIKHAIL", "NIKOLAI", "OLEG", "PAVEL", "IURII"],
        ["OLGA", "ELENA", "NATALIIA", "IULIIA", "ANNA", "MARIIA", "SVETLANA", "TATIANA", "EKATERINA"],
        ["IVAN", "PETR", "SMIRN", "KUZNETS", "POP", "VOLK", "SOKOL", "LEBED", "KOZL", "NOVIK", "MOROZ"],
        ("OV", "OVA"),
    ),
    "UZ": (
        ["SHERZOD", "JASUR", "DILSHOD", "AKMAL", "NODIR", "BEKZOD", "ULUGBEK", "RUSTAM", "FARRUKH"],
        ["DILNOZA", "NIGORA", "SHAHNOZA", "MALIKA", "ZARINA", "GULNOZA", "FERUZA"],
        ["KARIM", "RAKHIM", "YUSUP", "TASHKENT", "ALIM", "USMAN", "NAZAR", "SULTAN"],
        ("OV", "OVA"),
    ),
    "TR": (
        ["MEHMET", "AHMET", "MUSTAFA", "EMRE", "BURAK", "OMER", "HASAN", "MURAT", "YUSUF"],
        ["AYSE", "FATMA", "ZEYNEP", "ELIF", "EMINE", "MERVE", "HATICE"],
        ["YILMAZ", "KAYA", "DEMIR", "SAHIN", "CELIK", "YILDIZ", "AYDIN", "OZTURK", "ARSLAN"],
        ("", ""),
    ),
    "CN": (
        ["WEI", "JUN", "LEI", "YONG", "JIE", "TAO", "MING", "ALIM", "ERKIN", "MEMET"],
        ["LI", "FANG", "YAN", "JING", "XIU", "GULZAR", "AYGUL", "MEIHUA"],
        ["WANG", "LI", "ZHANG", "LIU", "CHEN", "YANG", "ZHAO", "TURSUN", "ABLIMIT", "KADIR"],
        ("", ""),
    ),
    "AE": (
        ["MOHAMMED", "AHMED", "KHALID", "OMAR", "ALI", "HAMAD", "SAEED", "RASHID", "SULTAN"],
        ["FATIMA", "MARYAM", "AISHA", "NOURA", "HESSA", "SHAMMA", "MOZA"],
        ["AL MANSOORI", "AL HASHIMI", "AL SUWAIDI", "AL KETBI", "AL MAZROUEI", "AL NUAIMI", "AL FALASI"],
        ("", ""),
    ),
    "GB": (
        ["JAMES", "JOHN", "OLIVER", "GEORGE", "HARRY", "JACK", "DAVID"],
        ["EMMA", "SOPHIE", "CHARLOTTE", "AMELIA", "OLIVIA", "EMILY"],
        ["SMITH", "JONES", "TAYLOR", "BROWN", "WILLIAMS", "WILSON", "EVANS"],
        ("", ""),
    ),
}
NATIONALITY_ALPHA3 = {"KZ": "KAZ", "RU": "RUS", "UZ": "UZB", "TR": "TUR", "CN": "CHN", "AE": "ARE", "GB": "GBR"}
ROUTE_MIX = {
    "IST": ["KZ", "KZ", "TR", "TR", "RU", "GB"],
    "DXB": ["KZ", "KZ", "AE", "RU", "GB", "UZ"],
    "SVO": ["KZ", "RU", "RU", "RU", "UZ"],
    "TAS": ["KZ", "UZ", "UZ", "UZ", "RU"],
    "URC": ["KZ", "CN", "CN", "CN"],
}
SENSITIVE_MEALS = ["AVML", "MOML", "KSML", "DBML"]


@dataclass(frozen=True, slots=True)
class Planted:
    """A listed person travelling under another spelling; ``key`` is the list entry expected to match."""

    key: str
    surname: str
    given_names: str
    birth_date: date | None
    nationality: str  # alpha-3
    passport: str


@dataclass(slots=True)
class Passenger:
    surname: str
    given: str
    gender: str
    birth_date: date
    nationality: str  # alpha-3
    passport: str
    expiry: date
    locator: str
    seat: str
    meal: str | None = None
    planted: str | None = None


@dataclass(slots=True)
class Flight:
    carrier: str
    number: str
    origin: str
    destination: str
    departure: datetime
    arrival: datetime
    passengers: list[Passenger] = field(default_factory=list)


def _family(rng: random.Random, nationality: str, female: bool) -> str:
    _, _, stems, (male_suffix, female_suffix) = POOLS[nationality]
    stem = rng.choice(stems)
    return stem + (female_suffix if female else male_suffix)


def _locator(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))


def make_flights(
    seed: int, flights: int, passengers: int, planted: list[Planted], start: date | None = None
) -> list[Flight]:
    rng = random.Random(seed)
    day = datetime.combine(start or date(2026, 11, 20), datetime.min.time())
    result = []
    for index in range(flights):
        carrier, origin, destination = ROUTES[index % len(ROUTES)]
        departure = day + timedelta(
            days=index // len(ROUTES), hours=rng.randint(0, 22), minutes=rng.choice([0, 15, 30, 45])
        )
        flight = Flight(
            carrier, str(100 + index), origin, destination, departure, departure + timedelta(hours=rng.randint(2, 6))
        )
        foreign = next((a for a in (origin, destination) if a in ROUTE_MIX), "IST")
        mix = ROUTE_MIX[foreign]
        count = rng.randint(int(passengers * 0.8), passengers)
        for number in range(count):
            nationality = rng.choice(mix)
            female = rng.random() < 0.5
            males, females, _, _ = POOLS[nationality]
            given = rng.choice(females if female else males)
            flight.passengers.append(
                Passenger(
                    surname=_family(rng, nationality, female),
                    given=given,
                    gender="F" if female else "M",
                    birth_date=date(rng.randint(1950, 2018), rng.randint(1, 12), rng.randint(1, 28)),
                    nationality=NATIONALITY_ALPHA3[nationality],
                    passport=f"{rng.choice('NPA')}{rng.randint(1000000, 9999999)}",
                    expiry=date(rng.randint(2027, 2035), rng.randint(1, 12), rng.randint(1, 28)),
                    locator=_locator(rng)
                    if number % 3 == 0 or not flight.passengers
                    else flight.passengers[-1].locator,
                    seat=f"{rng.randint(1, 40)}{rng.choice('ABCDEF')}",
                    meal=rng.choice(SENSITIVE_MEALS) if rng.random() < 0.04 else None,
                )
            )
        result.append(flight)
    for position, person in enumerate(planted):
        flight = result[(position * 3 + 1) % len(result)]
        flight.passengers.insert(
            rng.randint(0, len(flight.passengers)),
            Passenger(
                surname=person.surname,
                given=person.given_names,
                gender="M",
                birth_date=person.birth_date or date(1980, 6, 1),
                nationality=person.nationality,
                passport=person.passport,
                expiry=date(2030, 5, 1),
                locator=_locator(rng),
                seat="12C",
                planted=person.key,
            ),
        )
    return result


def _yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")


def paxlst(flight: Flight, reference: int, passengers: list[Passenger] | None = None, iapi: bool = False) -> str:
    """A PAXLST D02B passenger manifest for one flight (one segment per line, default delimiters);
    with ``iapi``, an interactive D05B request with a unique passenger reference (RFF+ABO) each."""
    dep, arr = flight.departure, flight.arrival
    version = "D:05B" if iapi else "D:02B"
    chosen = flight.passengers if passengers is None else passengers
    body = [
        "BGM+745",
        "NAD+MS+++TEKSER DEMO CARRIER DESK",
        "COM+77272000000:TE",
        f"TDT+20+{flight.carrier}{flight.number}+++{flight.carrier}",
        f"LOC+125+{flight.origin}",
        f"DTM+189:{dep:%y%m%d%H%M}:201",
        f"LOC+87+{flight.destination}",
        f"DTM+232:{arr:%y%m%d%H%M}:201",
    ]
    for pax in chosen:
        body += [
            f"NAD+FL+++{pax.surname}:{pax.given}",
            f"ATT+2++{pax.gender}",
            f"DTM+329:{_yymmdd(pax.birth_date)}",
            f"LOC+178+{flight.origin}",
            f"LOC+179+{flight.destination}",
            f"NAT+2+{pax.nationality}",
            f"RFF+AVF:{pax.locator}",
            *([f"RFF+ABO:{pax.locator}{pax.seat}"] if iapi else []),
            f"RFF+SEA:{pax.seat}",
            f"DOC+P:110:111+{pax.passport}",
            f"DTM+36:{_yymmdd(pax.expiry)}",
            f"LOC+91+{pax.nationality}",
        ]
    body.append(f"CNT+42:{len(chosen)}")
    access = f"{flight.carrier}{flight.number}/{dep:%y%m%d}/{dep:%H%M}"
    segments = [f"UNH+{reference}+PAXLST:{version}:UN:IATA+{access}+01:F", *body]
    segments.append(f"UNT+{len(segments) + 1}+{reference}")
    stamp = f"{dep - timedelta(hours=1):%y%m%d:%H%M}"
    envelope = [
        f"UNB+UNOA:4+{flight.carrier}DCS+KZPIU+{stamp}+{reference}",
        f"UNG+PAXLST+{flight.carrier}DCS+KZPIU+{stamp}+{reference}+UN+{version}",
        *segments,
        f"UNE+1+{reference}",
        f"UNZ+1+{reference}",
    ]
    return "UNA:+.? '\n" + "'\n".join(envelope) + "'\n"


def pnrgov(flight: Flight, reference: int) -> str:
    """A PNRGOV 11.1 full push: every booking on the flight, with DOCS, contacts, seats and meals."""
    dep = flight.departure
    tvl = f"TVL+{dep:%d%m%y}:{dep:%H%M}+{flight.origin}+{flight.destination}+{flight.carrier}+{flight.number}"
    by_locator: dict[str, list[Passenger]] = {}
    for pax in flight.passengers:
        by_locator.setdefault(pax.locator, []).append(pax)
    body = ["MSG+:22", f"ORG+{flight.carrier}:ALA", tvl, f"EQN+{len(by_locator)}"]
    created = dep - timedelta(days=12)
    for locator, party in by_locator.items():
        body += ["SRC", f"RCI+{flight.carrier}:{locator}::{created:%d%m%y}:{created:%H%M}"]
        for number, pax in enumerate(party, start=1):
            docs = (
                f"SSR+DOCS:HK:1:{flight.carrier}:::::/P/{pax.nationality}/{pax.passport}/{pax.nationality}/"
                f"{pax.birth_date:%d%b%y}/{pax.gender}/{pax.expiry:%d%b%y}/{pax.surname}/{pax.given}".upper()
            )
            body += [f"TIF+{pax.surname}+{pax.given}:A:{number}", docs]
            if pax.meal:
                body.append(f"SSR+{pax.meal}:HK:1:{flight.carrier}")
        body += [
            f"{tvl}",
            f"RPI+{len(party)}+HK",
            f"SSR+SEAT:HK:{len(party)}:{flight.carrier}:::{flight.origin}:{flight.destination}+{party[0].seat}",
        ]
    segments = [f"UNH+{reference}+PNRGOV:11:1:IA+{flight.carrier}{flight.number}/{dep:%d%m%y}/{dep:%H%M}", *body]
    segments.append(f"UNT+{len(segments) + 1}+{reference}")
    stamp = f"{dep - timedelta(hours=24):%y%m%d:%H%M}"
    envelope = [
        f"UNB+IATA:1+{flight.carrier}+KZPIU+{stamp}+{reference}",
        f"UNG+PNRGOV+{flight.carrier}+KZPIU+{stamp}+{reference}+IA+11:1",
        *segments,
        f"UNE+1+{reference}",
        f"UNZ+1+{reference}",
    ]
    return "UNA:+.? '\n" + "'\n".join(envelope) + "'\n"


def messages(flights: list[Flight]) -> Iterator[tuple[str, str]]:
    """``(file name, message text)`` for every flight: its PNRGOV push, then its PAXLST manifest."""
    for index, flight in enumerate(flights, start=1):
        stem = f"{flight.carrier}{flight.number}-{flight.departure:%Y%m%d}"
        yield f"{stem}-pnrgov.edi", pnrgov(flight, 7000 + index)
        yield f"{stem}-paxlst.edi", paxlst(flight, 5000 + index)
