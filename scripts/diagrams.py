"""Draw the pictures in docs/img (matplotlib, no network): `python scripts/diagrams.py`."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

OUT = Path(__file__).resolve().parents[1] / "docs" / "img"

BOXES = {
    "new": (0.3, 3.0, "#e8eef7"),
    "in review": (3.4, 3.0, "#e8eef7"),
    "decided\ntrue match · false positive\n· inconclusive": (6.8, 3.0, "#e8eef7"),
    "adverse action requested\nno board · refuse entry ·\nfreeze · transmit": (6.8, 0.8, "#fff4e0"),
    "approved by a second person\n(no board → iAPI 1Z,\nBGM+132 to the airline)": (10.6, 0.8, "#e6f4e6"),
    "rejected": (10.6, 2.6, "#f6e6e6"),
    "suppressed pair\n(false positive, until the entry\nor the person's data change)": (10.6, 4.5, "#f0f0f0"),
}
ARROWS = [
    ("new", "in review", "review"),
    ("in review", "decided\ntrue match · false positive\n· inconclusive", "decide + reason"),
    ("decided\ntrue match · false positive\n· inconclusive", "in review", "reopen + reason"),
    (
        "decided\ntrue match · false positive\n· inconclusive",
        "adverse action requested\nno board · refuse entry ·\nfreeze · transmit",
        "request (true match)",
    ),
    (
        "adverse action requested\nno board · refuse entry ·\nfreeze · transmit",
        "approved by a second person\n(no board → iAPI 1Z,\nBGM+132 to the airline)",
        "approve (≠ requester)",
    ),
    ("adverse action requested\nno board · refuse entry ·\nfreeze · transmit", "rejected", "reject"),
    (
        "decided\ntrue match · false positive\n· inconclusive",
        "suppressed pair\n(false positive, until the entry\nor the person's data change)",
        "--suppress",
    ),
]


def life_cycle() -> None:
    fig, ax = plt.subplots(figsize=(12, 5.2))
    ax.set_xlim(-1.1, 12.0)
    ax.set_ylim(-0.3, 5.6)
    ax.axis("off")
    width, height = 2.5, 1.0
    patches = {}
    for label, (x, y, colour) in BOXES.items():
        patches[label] = FancyBboxPatch(
            (x - width / 2, y - height / 2),
            width,
            height,
            boxstyle="round,pad=0.05",
            facecolor=colour,
            edgecolor="#444",
        )
        ax.add_patch(patches[label])
        ax.text(x, y, label, ha="center", va="center", fontsize=8.5)
    for start, end, label in ARROWS:
        (x1, y1, _), (x2, y2, _) = BOXES[start], BOXES[end]
        bend = 0.45 if label.startswith("reopen") else 0.0
        arrow = FancyArrowPatch(
            (x1, y1),
            (x2, y2),
            connectionstyle=f"arc3,rad={bend}",
            arrowstyle="-|>",
            mutation_scale=14,
            patchA=patches[start],
            patchB=patches[end],
            color="#333",
        )
        ax.add_patch(arrow)
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2 + (0.62 if bend > 0 else 0.08)
        if x1 == x2:
            mx += 0.1
        ax.text(mx, my, label, ha="left" if x1 == x2 else "center", va="bottom", fontsize=8, color="#0b4f8a")
    ax.set_title("An alert's life: every step an append-only record with who, when and why", fontsize=11)
    fig.tight_layout()
    fig.savefig(OUT / "alert-life-cycle.png", dpi=110)


RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "matching.json"


def matching_recall() -> None:
    """Recall per category, tekser at its threshold against logic-v2 at the same false-positive
    rate, from the last `python -m benchmarks matching` (benchmarks/results/matching.json)."""
    summary = json.loads(RESULTS.read_text(encoding="utf-8"))
    rows = [c for c in summary["categories"].values() if c.get("target") != "info"]
    labels = [f"{c['label']} (n={c['n']})" for c in rows]
    ours = [c["recall"] for c in rows]
    theirs = [c.get("peer_recall_equal_fpr") or 0.0 for c in rows]
    fig, ax = plt.subplots(figsize=(9, 0.36 * len(rows) + 1.4))
    positions = range(len(rows))
    ax.barh([p + 0.2 for p in positions], ours, height=0.4, color="#3b6ea5", label="tekser (threshold 0.86)")
    ax.barh([p - 0.2 for p in positions], theirs, height=0.4, color="#c9a227", label="logic-v2 at equal FPR")
    ax.axvline(0.98, color="#888", linestyle="--", linewidth=0.8)
    ax.text(0.975, -0.9, "0.98", fontsize=7, color="#666", ha="right")
    ax.set_yticks(list(positions), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0.0, 1.0)
    ax.set_xlabel("recall (expected entry alerts)")
    fpr = summary["fpr"]["fpr"]
    ax.set_title(f"Matching recall by category, UN + OFAC (false-positive rate {fpr:.2%} on both sides)", fontsize=9)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(OUT / "matching-recall.png", dpi=110)


def matching_precision() -> None:
    """Recall against the false-alert rate on real innocent people, tekser and logic-v2, threshold by
    threshold; and the false-alert rate per country at each engine's default threshold."""
    summary = json.loads(RESULTS.read_text(encoding="utf-8"))
    curve = summary.get("curve") or {}
    if "tekser" not in curve:
        return
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4), gridspec_kw={"width_ratios": [1, 1, 1.25]})
    engines = [("tekser", "#3b6ea5", 0.86), ("logic-v2", "#c9a227", 0.70)]
    for ax, key, title in (
        (axes[0], "recall", "every positive category pooled"),
        (axes[1], "recall_held_out", "held-out real aliases and original-script names"),
    ):
        for engine, colour, default in engines:
            points = curve.get(engine)
            if not points:
                continue
            xs = [max(p["fpr"], 1e-4) for p in points]
            ys = [p[key] for p in points]
            ax.plot(xs, ys, color=colour, linewidth=1.6, label=engine)
            at = min(points, key=lambda p: abs(p["threshold"] - default))
            ax.plot([max(at["fpr"], 1e-4)], [at[key]], "o", color=colour, markersize=6)
            ax.annotate(
                f"{default:.2f}",
                (max(at["fpr"], 1e-4), at[key]),
                textcoords="offset points",
                xytext=(6, -10),
                fontsize=7,
                color=colour,
            )
        ax.axvline(0.005, color="#888", linestyle="--", linewidth=0.8)
        ax.text(0.0052, 0.02, "0.5 %", fontsize=7, color="#666", transform=ax.get_xaxis_transform())
        ax.set_xscale("log")
        ax.set_xlim(1e-4, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_xlabel("false-alert rate on innocent people (log)")
        ax.set_ylabel("recall")
        ax.set_title(title, fontsize=9)
        ax.grid(True, which="both", linewidth=0.3, color="#ddd")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    groups = summary["fpr"]["groups"]["by_country"]
    peer_groups = ((summary.get("peer") or {}).get("groups") or {}).get("by_country", {})
    countries = sorted(groups, key=lambda c: -groups[c]["fpr"])
    positions = range(len(countries))
    ax = axes[2]
    ax.barh(
        [p + 0.2 for p in positions],
        [100 * groups[c]["fpr"] for c in countries],
        height=0.4,
        color="#3b6ea5",
        label="tekser (0.86, 13 bits)",
    )
    if peer_groups:
        ax.barh(
            [p - 0.2 for p in positions],
            [100 * peer_groups.get(c, {}).get("fpr", 0.0) for c in countries],
            height=0.4,
            color="#c9a227",
            label="logic-v2 (0.70)",
        )
    ax.axvline(1.5, color="#888", linestyle="--", linewidth=0.8)
    ax.set_yticks(list(positions), countries, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("false alerts per country, % (target ≤ 1.5 %)")
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_title("by country of the innocent people's names", fontsize=9)
    fig.suptitle(
        f"Innocent people from real name data ({summary['fpr']['name_source']}, {summary['fpr']['negatives']:,} "
        "screenings): recall against false alerts",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(OUT / "matching-precision.png", dpi=110)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    life_cycle()
    if RESULTS.exists():
        matching_recall()
        matching_precision()
