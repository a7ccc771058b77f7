"""The case file: one case, its alerts with their frozen evidence, decisions and items — as a
self-contained HTML page (no script, no external resource: it opens offline) and as a PDF.

The PDF is written with fpdf2 in DejaVu Sans (the font matplotlib ships, so nothing has to be
installed on the machine), with HarfBuzz shaping so that Arabic is joined and right-to-left and
Kazakh Cyrillic letters (Қ, Ә, Ұ ...) print. Everything a reader needs is in the file itself:
the evidence JSON of each alert is reproduced with its SHA-256 as recorded when the alert was
raised, so a recipient can check that nothing was edited since.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from jinja2 import Environment, select_autoescape

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Case #{{ case.id }} — {{ case.title }}</title>
<style>
body{font-family:system-ui,"DejaVu Sans",sans-serif;margin:2rem;max-width:60rem;color:#111}
h1{font-size:1.4rem}h2{font-size:1.15rem;border-bottom:1px solid #999;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.25rem .4rem;
text-align:left;vertical-align:top;font-size:.9rem}th{background:#eee}
pre{background:#f6f6f6;padding:.5rem;white-space:pre-wrap;word-break:break-all;font-size:.8rem}
.banner{border:2px solid #a00;padding:.5rem;background:#fff4f4}.meta td:first-child{width:12rem;font-weight:600}
</style></head><body>
<p class="banner">Restricted: personal data screened against watchlists. An alert is not a finding;
only the decisions recorded below, with their reasons, are.</p>
<h1>Case #{{ case.id }} — {{ case.title }}</h1>
<table class="meta">
<tr><td>Status</td><td>{{ case.status }}</td></tr>
<tr><td>Assignee</td><td>{{ case.assignee or "—" }}</td></tr>
<tr><td>Opened</td><td>{{ case.created_at }} by {{ case.created_by }}</td></tr>
{% if case.closed_at %}<tr><td>Closed</td><td>{{ case.closed_at }}</td></tr>{% endif %}
{% if case.summary %}<tr><td>Summary</td><td>{{ case.summary }}</td></tr>{% endif %}
<tr><td>File generated</td><td>{{ generated.at }} by {{ generated.by }}</td></tr>
</table>
{% if transmission %}<h2>Transmission</h2><table class="meta">
<tr><td>Recipient</td><td>{{ transmission.recipient }}</td></tr>
<tr><td>Requested by</td><td>{{ transmission.requested_by }}</td></tr>
<tr><td>Approved by</td><td>{{ transmission.approved_by }}</td></tr>
<tr><td>Reason</td><td>{{ transmission.reason }}</td></tr></table>{% endif %}
{% for alert in case.alerts %}
<h2>Alert #{{ alert.id }} — {{ alert.subject_name }} / {{ alert.entry_caption }}</h2>
<table class="meta">
<tr><td>Status</td><td>{{ alert.status }}</td></tr>
<tr><td>List, version</td><td>{{ alert.list_id }} {{ alert.list_version }} (entry {{ alert.entry_key }})</td></tr>
<tr><td>Score, priority</td><td>{{ "%.3f"|format(alert.score) }}, {{ "%.3f"|format(alert.priority) }}</td></tr>
<tr><td>Raised</td><td>{{ alert.created_at }} ({{ alert.cause }})</td></tr>
<tr><td>Algorithm</td><td>{{ alert.algorithm }}</td></tr>
<tr><td>Evidence SHA-256</td><td><code>{{ alert.evidence_sha256 }}</code></td></tr>
</table>
<table><tr><th>feature</th><th>relation</th><th>traveller / customer</th><th>list</th><th>log-odds</th></tr>
{% for f in alert.features %}<tr><td>{{ f.feature }}</td><td>{{ f.relation }}</td><td>{{ f.query }}</td>
<td>{{ f.candidate }}</td><td>{{ f.log_odds }}</td></tr>{% endfor %}</table>
<h3>Decisions</h3>
{% if alert.decisions %}<table><tr><th>when</th><th>who</th><th>step</th><th>value</th><th>reason</th></tr>
{% for d in alert.decisions %}<tr><td>{{ d.at }}</td><td>{{ d.actor }}</td><td>{{ d.kind }}</td><td>{{ d.value }}</td>
<td>{{ d.reason }}</td></tr>{% endfor %}</table>{% else %}<p>None recorded.</p>{% endif %}
<details><summary>Frozen evidence (JSON)</summary><pre>{{ alert.evidence_json }}</pre></details>
{% endfor %}
<h2>Case record</h2>
<table><tr><th>#</th><th>when</th><th>who</th><th>what</th><th>ref</th><th>text</th></tr>
{% for i in case["items"] %}<tr><td>{{ i.id }}</td><td>{{ i.at }}</td><td>{{ i.actor }}</td><td>{{ i.kind }}</td>
<td>{{ i.ref }}</td><td>{{ i.text }}</td></tr>{% endfor %}</table>
</body></html>
"""


@cache
def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _alert_view(alert: dict[str, Any]) -> dict[str, Any]:
    """What the file shows of one alert (the frozen evidence, read as stored)."""
    evidence = alert.get("evidence") or {}
    entry = evidence.get("entry") or {}
    names = entry.get("names") or [{}]
    features = [
        {
            "feature": _cell(f.get("feature")),
            "relation": _cell(f.get("relation")),
            "query": _cell(f.get("query")),
            "candidate": _cell(f.get("candidate")),
            "log_odds": _cell(f.get("log_odds")),
        }
        for f in evidence.get("features", [])
    ]
    return alert | {
        "subject_name": _cell((evidence.get("subject") or {}).get("name")),
        "entry_caption": _cell(names[0].get("full")),
        "entry_key": _cell(entry.get("key") or alert.get("entry_key")),
        "list_id": _cell(entry.get("list_id")),
        "list_version": _cell(evidence.get("list_version")),
        "algorithm": _cell(evidence.get("algorithm")),
        "features": features,
        "evidence_json": json.dumps(evidence, ensure_ascii=False, indent=1, sort_keys=True),
    }


def _view(case: dict[str, Any]) -> dict[str, Any]:
    return case | {"alerts": [_alert_view(a) for a in case.get("alerts", [])]}


def render_html(case: dict[str, Any], generated: dict[str, str], transmission: dict[str, Any] | None) -> str:
    template = _environment().from_string(_TEMPLATE)
    return template.render(case=_view(case), generated=generated, transmission=transmission)


@cache
def _font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _CaseFilePdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.case_title = title
        fonts = _font_dir()
        self.add_font("body", "", str(fonts / "DejaVuSans.ttf"))
        self.add_font("body", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.add_font("mono", "", str(fonts / "DejaVuSansMono.ttf"))
        self.set_text_shaping(True)
        self.set_auto_page_break(True, margin=15)
        self.set_creator("tekser")
        self.set_title(title)

    def header(self) -> None:
        self.set_font("body", "", 7)
        self.cell(0, 4, f"RESTRICTED · {self.case_title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("body", "", 7)
        self.cell(0, 4, f"page {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str, size: int = 12) -> None:
    pdf.ln(2)
    pdf.set_font("body", "B", size)
    pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("body", "", 9)


def _pairs(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    pdf.set_font("body", "", 9)
    with pdf.table(col_widths=(35, 115), text_align="LEFT", first_row_as_headings=False) as table:
        for label, value in rows:
            row = table.row()
            row.cell(label)
            row.cell(value or "—")


def _grid(pdf: FPDF, headings: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
    pdf.set_font("body", "", 8)
    with pdf.table(col_widths=widths, text_align="LEFT") as table:
        table.row(list(headings))
        for values in rows:
            table.row([v or "" for v in values])


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime(2000, 1, 1)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def render_pdf(case: dict[str, Any], generated: dict[str, str], transmission: dict[str, Any] | None) -> bytes:
    view = _view(case)
    pdf = _CaseFilePdf(f"Case #{view['id']} — {view['title']}")
    pdf.set_creation_date(_moment(generated["at"]))  # the same case and time make the same bytes
    pdf.alias_nb_pages()
    pdf.add_page()
    _heading(pdf, f"Case #{view['id']} — {view['title']}", 14)
    pdf.multi_cell(
        0,
        5,
        "Personal data screened against watchlists. An alert is not a finding; only the decisions "
        "recorded below, with their reasons, are.",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    _pairs(
        pdf,
        [
            ("Status", _cell(view.get("status"))),
            ("Assignee", _cell(view.get("assignee"))),
            ("Opened", f"{_cell(view.get('created_at'))} by {_cell(view.get('created_by'))}"),
            ("Closed", _cell(view.get("closed_at"))),
            ("Summary", _cell(view.get("summary"))),
            ("File generated", f"{generated['at']} by {generated['by']}"),
        ],
    )
    if transmission:
        _heading(pdf, "Transmission")
        _pairs(pdf, [(k.replace("_", " ").capitalize(), _cell(v)) for k, v in transmission.items()])
    for alert in view["alerts"]:
        _heading(pdf, f"Alert #{alert['id']} — {alert['subject_name']} / {alert['entry_caption']}")
        _pairs(
            pdf,
            [
                ("Status", _cell(alert.get("status"))),
                ("List, version", f"{alert['list_id']} {alert['list_version']} (entry {alert['entry_key']})"),
                ("Score, priority", f"{alert['score']:.3f}, {alert['priority']:.3f}"),
                ("Raised", f"{alert['created_at']} ({alert['cause']})"),
                ("Algorithm", alert["algorithm"]),
                ("Evidence SHA-256", alert["evidence_sha256"]),
            ],
        )
        _grid(
            pdf,
            ("feature", "relation", "traveller / customer", "list", "log-odds"),
            [(f["feature"], f["relation"], f["query"], f["candidate"], f["log_odds"]) for f in alert["features"]],
            (22, 22, 45, 45, 16),
        )
        _heading(pdf, "Decisions", 10)
        decisions = alert.get("decisions") or []
        if decisions:
            _grid(
                pdf,
                ("when", "who", "step", "value", "reason"),
                [(d["at"], d["actor"], d["kind"], d["value"], d["reason"]) for d in decisions],
                (32, 20, 16, 22, 60),
            )
        else:
            pdf.cell(0, 5, "None recorded.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _heading(pdf, "Case record")
    _grid(
        pdf,
        ("#", "when", "who", "what", "ref", "text"),
        [
            (str(i["id"]), _cell(i["at"]), i["actor"], i["kind"], _cell(i["ref"]), _cell(i["text"]))
            for i in view["items"]
        ],
        (8, 30, 18, 16, 22, 56),
    )
    for alert in view["alerts"]:
        pdf.add_page()
        _heading(pdf, f"Frozen evidence of alert #{alert['id']} (SHA-256 {alert['evidence_sha256']})", 10)
        pdf.set_font("mono", "", 6.5)
        pdf.multi_cell(0, 3, alert["evidence_json"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
