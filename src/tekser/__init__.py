"""tekser: counter-terrorism screening and targeting.

The small public Python interface; everything else is reached through the CLI or the modules.

    from tekser import Screener, Subject
    screener = Screener.from_entries(entries)          # or tekser.services.screening.screener_from_store
    result = screener.screen(Subject("1", "Doku Umarov"))
    for result in screener.screen_many(subjects): ...

Names are imported on first use, so that `import tekser` (and every CLI command) stays quick.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Match", "MatchConfig", "Screener", "ScreeningResult", "Subject", "__version__"]

_LAZY = {
    "Match": "tekser.matching.screener",
    "MatchConfig": "tekser.matching.config",
    "Screener": "tekser.matching.screener",
    "ScreeningResult": "tekser.matching.screener",
    "Subject": "tekser.domain.subjects",
}

if TYPE_CHECKING:
    from tekser.domain.subjects import Subject
    from tekser.matching.config import MatchConfig
    from tekser.matching.screener import Match, Screener, ScreeningResult


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'tekser' has no attribute {name!r}")
