"""Derive tekser's table of how common each name part is among ordinary people.

    pip install '.[bench]'    # the names-dataset package (PyPI), read here only
    python scripts/name_frequencies.py [--min-share 1e-4]

Reads first and last names of every country of the ``names-dataset`` package (ranks per
country, from public profiles), turns each rank into a share of that country's people (Zipf:
share = 1 / (rank · H_n), n names ranked), and adds up, per country, the shares of the names
whose tekser renderings give a folded form (``f``) or a consonant skeleton (``s``). A part's
share is its highest over the countries: a name common anywhere counts as common for
everyone, so that no people's common names weigh more than another's. Forms and skeletons
whose share is at least ``--min-share`` are written to
``src/tekser/names/data/name_frequencies.tsv`` (the rest count as rare; tekser then uses the
lists' own frequency).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import math
import sys
from collections import defaultdict
from pathlib import Path

from tekser.names.parts import Role, analyze

OUT = Path(__file__).resolve().parents[1] / "src" / "tekser" / "names" / "data" / "name_frequencies.tsv"
VERSION = 2


def _harmonic(n: int) -> float:
    return math.log(n) + 0.5772156649 + 1 / (2 * n) if n > 0 else 1.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-share", type=float, default=3e-4, help="least share of a folded form kept")
    parser.add_argument("--min-skeleton-share", type=float, default=1e-3, help="least share of a skeleton kept")
    parser.add_argument("--min-names", type=int, default=5000, help="countries ranking fewer names are left out")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from names_dataset import NameDataset

    data = NameDataset()
    per_country: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    left_out: set[str] = set()
    # first names are ranked for both genders together, and each person has one of them: about
    # half the people of a country can carry a given first name; a last name, all of them
    for table, gender_share in ((data.first_names, 0.5), (data.last_names, 1.0)):
        ranked: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for name, info in table.items():
            for country, rank in info["rank"].items():
                if rank is not None:
                    ranked[country].append((rank, name))
        for country, names in ranked.items():
            if len(names) < args.min_names:  # too few names for their ranks to give shares
                left_out.add(country)
                continue
            harmonic = _harmonic(len(names))
            for rank, name in names:
                share = gender_share / (rank * harmonic)
                if share < args.min_share:
                    continue  # (shares fall with rank: the rest add nothing that could reach the table)
                keys: set[str] = set()
                for token in analyze(name).tokens:
                    if token.role is Role.INITIAL or not token.forms:
                        continue
                    keys.update("f:" + form for form in (*token.forms, *token.stems))
                    # Alotaibi is Al-Otaibi: lists write the article apart, people often together
                    keys.update("f:" + form[2:] for form in token.forms if form[:2] in ("al", "el") and len(form) >= 6)
                    keys.update("s:" + skeleton for skeleton in token.skeletons if len(skeleton) >= 2)
                for key in keys:
                    per_country[country][key] += share
        print(f"read {sum(len(v) for v in ranked.values()):,} ranked names", file=sys.stderr)
    best: dict[str, tuple[float, str]] = {}
    for country, shares in per_country.items():
        for key, share in shares.items():
            least = args.min_skeleton_share if key.startswith("s:") else args.min_share
            if share >= least and share > best.get(key, (0.0, ""))[0]:
                best[key] = (min(share, 1.0), country)
    version = importlib.metadata.version("names-dataset")
    lines = [
        f"# tekser name-part frequencies, version {VERSION}: derived by scripts/name_frequencies.py from",
        f"# names-dataset {version} (PyPI; first and last names of {len(per_country)} countries, by rank).",
        "# share: the highest over countries of the share of people whose first or last name has this folded",
        "# form (f:) or consonant skeleton (s:); Zipf shares from ranks. Parts below the cut-off are rare.",
        f"# version\t{VERSION}",
        f"# source\tnames-dataset {version}",
        f"# min_share\t{args.min_share:g}",
        f"# min_skeleton_share\t{args.min_skeleton_share:g}",
        f"# countries_left_out\t{','.join(sorted(left_out))} (fewer than {args.min_names} names ranked)",
        "key\tshare\tcountry",
    ]
    for key, (share, country) in sorted(best.items(), key=lambda item: (-item[1][0], item[0])):
        lines.append(f"{key}\t{share:.3g}\t{country}")
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(best):,} forms and skeletons → {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
