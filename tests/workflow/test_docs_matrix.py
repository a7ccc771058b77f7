"""docs/workflow.md shows the authorisation matrix the code enforces."""

from __future__ import annotations

from pathlib import Path

from tekser.domain.access import MATRIX, Action, Role

DOC = Path(__file__).resolve().parents[2] / "docs" / "workflow.md"


def test_the_documented_matrix_is_the_enforced_one() -> None:
    rows = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("| `")]
    table = {}
    columns = [Role.ANALYST, Role.SUPERVISOR, Role.AUDITOR, Role.ADMINISTRATOR, Role.DPO, Role.SERVICE]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) != 7 or cells[0].strip("`") not in {a.value for a in Action}:
            continue
        table[Action(cells[0].strip("`"))] = frozenset(r for r, c in zip(columns, cells[1:], strict=True) if c == "yes")
    assert table == MATRIX
