"""The review queue, one decision, and recording its outcome."""

from __future__ import annotations

import datetime as dt

from flask import current_app, g, redirect, render_template, request, url_for

from service.problems import Problem
from service.registry import RegistryError
from service.routes.common import known_id, services
from service.sources import oldest_as_of
from service.ui.blueprint import bp
from service.ui.forms import PAGE_SIZE, OutcomeForm, QueueQuery, day_start, read
from service.ui.graph import path_graphs
from service.ui.session import needs


@bp.get("/")
@needs("read")
def queue():
    """Decisions needing review first (band high or medium, no outcome yet), then by band, then
    newest first; filtered by status, band, day and shipment id."""
    query = read(QueueQuery(), request.args)
    until = query.get("until")
    items, more = services().decisions.queue(
        g.caller.tenant, status=query["status"], band=query.get("band"), since=day_start(query.get("since")),
        until=day_start(until + dt.timedelta(days=1)) if until else None, shipment_id=query.get("shipment_id"),
        limit=PAGE_SIZE, offset=(query["page"] - 1) * PAGE_SIZE)
    return render_template("ui/queue.html", items=items, query=query, more=more,
                           args={k: v for k, v in request.args.items() if k != "page" and v})


def _decision_or_404(decision_id: str) -> dict:
    found = services().decisions.get(g.caller.tenant, known_id(decision_id, "decision"))
    if found is None:
        raise Problem(404, "Not Found", f"No decision {decision_id} for this tenant.")
    return found


def lists_as_of(version: str) -> str | None:
    """How current the lists a decision was screened against were, while the home still holds them."""
    try:
        return oldest_as_of(current_app.extensions["diversion_risk"].home.snapshot_meta(version)["sources"])
    except RegistryError:
        return None


@bp.get("/decisions/<decision_id>")
@needs("read")
def decision(decision_id: str):
    found = _decision_or_404(decision_id)
    return render_template("ui/decision.html", d=found, graphs=path_graphs(found["reasons"]),
                           lists_as_of=lists_as_of(found["lists_version"]), may_record=g.caller.may("score"))


@bp.post("/decisions/<decision_id>/outcome")
@needs("score")
def record_outcome(decision_id: str):
    _decision_or_404(decision_id)
    outcome = read(OutcomeForm(), request.form)
    services().decisions.add_outcome(g.caller, decision_id, **outcome)
    return redirect(url_for("ui.decision", decision_id=decision_id, _anchor="outcomes"), 303)
