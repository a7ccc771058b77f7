"""PNR history (Gr.10–12): who changed the PNR (ABI), when (DAT), and what each action (SAC) touched.

Each ``SAC`` becomes one :class:`HistoryItem` whose ``what`` lists the history segments after it
(``TVL DL324 LHR-JFK 2010-12-10; status K``). Sensitive SSRs and free text never get here: the
reader drops them first, and an action left with nothing to say is not recorded at all.
"""

from __future__ import annotations

from datetime import date, datetime

from tekser.domain.travel import HistoryItem, Leg
from tekser.ingest.messages import pnr_values as pv
from tekser.ingest.messages.edifact import Segment
from tekser.ingest.messages.values import new_history_item, words

# History SSRs whose free text is structured data, never checked for keywords (nor kept).
STRUCTURED_HISTORY = words("SEAT DOCS DOCO DOCA TKNE INFT FQTV NSST RQST")


def describe(leg: Leg) -> str:
    day = leg.departure.date().isoformat() if leg.departure else ""
    return " ".join(p for p in (leg.flight, f"{leg.departure_airport or ''}-{leg.arrival_airport or ''}", day) if p)


class History:
    def __init__(self) -> None:
        self.parts: list[str] | None = None  # the action being read
        self.origin = ""
        self.action = ""
        self.by: str | None = None
        self.when: datetime | None = None
        self.items: list[HistoryItem] = []

    def credit(self, s: Segment) -> None:
        """ABI: a new history credit (office, agent, location)."""
        self.close()
        parts = [s.get(4, 0), s.get(1, 1) or s.get(1, 0), s.get(2, 0)]
        self.by = "/".join(p for p in parts if p) or None
        self.when = None
        self.action = ""

    def dated(self, s: Segment, reference: date) -> None:
        for element in s.cells:
            if len(element) > 1:
                self.when = pv.pnr_datetime(element[1], element[2] if len(element) > 2 else "", reference)

    def start(self, s: Segment) -> None:
        """SAC: +++X cancelled, +++A added."""
        self.close()
        self.action = s.get(2) or s.get(1) or s.get(0)
        self.parts = []
        self.origin = s.where()

    def add(self, text: str) -> None:
        if self.parts is None:
            self.parts, self.origin = [], ""
        self.parts.append(text)

    def close(self) -> None:
        if self.parts:
            self.items.append(
                new_history_item(self.action or "?", "; ".join(self.parts), self.by, self.when, self.origin)
            )
        self.parts = None

    def take(self) -> list[HistoryItem]:
        """The PNR's history, ready for the booking; the next PNR starts empty."""
        self.close()
        items, self.items = self.items, []
        self.by, self.when, self.action = None, None, ""
        return items
