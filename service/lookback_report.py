"""The report of a look-back run (`service.lookback`): a CSV of every decision whose band changed,
and an HTML page with the run, its versions and window, its figures, the band transitions and
the decisions that went up to high with the reasons they gained.

Both are read from the run's `lookback_results` rows in seq order, streamed: a run of millions
of decisions is written in bounded memory. Shipment ids and tenants are the clients' text: CSV
cells are spreadsheet-safe (`service.exports.spreadsheet_safe`) and the HTML escapes everything.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from sqlalchemy import func, select

from service.db import Database
from service.exports import csv_rows
from service.lookback import BANDS, LookbackResult
from service.tables import LookbackResult as Row

COLUMNS = ("decision_id", "tenant", "shipment_id", "band_before", "band_after", "score_before", "score_after",
           "reasons_added")
BATCH = 1000

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Look-back {{ r.run_id }}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}td.n{text-align:right}</style></head>
<body>
<h1>Look-back {{ r.run_id }}</h1>
<table>
<tr><th>lists version</th><td>{{ r.lists_version }}</td></tr>
<tr><th>model version</th><td>{{ r.model_version }}</td></tr>
<tr><th>window</th><td>from {{ r.since.isoformat() }}Z{% if r.until %} to {{ r.until.isoformat() }}Z{% endif %}</td></tr>
<tr><th>started</th><td>{{ r.started_at.isoformat(timespec="seconds") }}Z</td></tr>
{% for name, value in figures.items() %}<tr><th>{{ name }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
<h2>Band transitions</h2>
<table><tr><th>before \\ after</th>{% for b in bands %}<th>{{ b }}</th>{% endfor %}</tr>
{% for before in bands %}<tr><th>{{ before }}</th>{% for after in bands %}<td class="n">{{ transitions.get((before, after), 0) }}</td>{% endfor %}</tr>
{% endfor %}</table>
<h2>Up to high ({{ r.to_high }})</h2>
<table><tr><th>decision</th><th>tenant</th><th>shipment</th><th>band before</th><th>score before</th><th>score after</th><th>reasons added</th></tr>
{% for d in to_high %}<tr><td>{{ d.decision_id }}</td><td>{{ d.tenant }}</td><td>{{ d.shipment_id }}</td><td>{{ d.band_before }}</td><td class="n">{{ "%.4f"|format(d.score_before) }}</td><td class="n">{{ "%.4f"|format(d.score_after) }}</td><td>{{ d.reasons_added|join(", ") }}</td></tr>
{% endfor %}</table>
</body></html>
"""
ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _stream(connection, query):
    """The rows of `query`, fetched in batches (a server-side cursor on PostgreSQL)."""
    yield from connection.execution_options(stream_results=True, yield_per=BATCH).execute(query)


def write_report(result: LookbackResult, db: Database, directory: Path) -> tuple[Path, Path]:
    """Write lookback-<run>.csv and lookback-<run>.html in `directory`; their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = directory / f"lookback-{result.run_id}.csv", directory / f"lookback-{result.run_id}.html"
    mine = select(*(getattr(Row, c) for c in COLUMNS)).where(Row.run_id == result.run_id).order_by(Row.decision_seq)
    with db.engine.connect() as connection:
        with open(csv_path, "w", newline="", encoding="utf-8") as out:
            write_row = csv_rows(out, COLUMNS)
            for row in _stream(connection, mine.where(Row.band_before != Row.band_after)):
                write_row({**row._asdict(), "reasons_added": ";".join(row.reasons_added)})
        transitions = {(before, after): n for before, after, n in connection.execute(
            select(Row.band_before, Row.band_after, func.count()).where(Row.run_id == result.run_id)
            .group_by(Row.band_before, Row.band_after))}
        seen = {band for pair in transitions for band in pair}
        bands = list(BANDS) + sorted(seen - set(BANDS))  # a band this version does not know is shown too
        to_high = _stream(connection, mine.where(Row.band_after == "high", Row.band_before != "high"))
        page = ENVIRONMENT.from_string(TEMPLATE).generate(r=result, figures=result.figures(), bands=bands,
                                                         transitions=transitions, to_high=to_high)
        with open(html_path, "w", encoding="utf-8") as out:
            out.writelines(page)
    return csv_path, html_path
