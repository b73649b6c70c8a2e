"""The decision record over HTTP: read decisions, append outcomes. Nothing updates or deletes one.

Outcomes need the `score` scope (the system that asked for a score reports what became of the
shipment) or `admin`; a read-only key, e.g. a dashboard's, cannot change what the record says.
Another tenant's decision is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from service.auth import requires
from service.problems import Problem
from service.routes.common import body_of, known_id, page_query, services
from service.schemas import DecisionQuerySchema, OutcomeRequestSchema

bp = Blueprint("decisions", __name__)


def _not_found(decision_id: str) -> Problem:
    return Problem(404, "Not Found", f"No decision {decision_id} for this tenant.")


@bp.get("/v1/decisions/<decision_id>")
@requires("read")
def get_decision(decision_id: str):
    found = services().decisions.get(g.caller.tenant, known_id(decision_id, "decision"))
    if found is None:
        raise _not_found(decision_id)
    return jsonify(found)


@bp.get("/v1/decisions")
@requires("read")
def list_decisions():
    query, after = page_query(DecisionQuerySchema())
    items, cursor = services().decisions.page(g.caller.tenant, since=query.get("since"), until=query.get("until"),
                                              band=query.get("band"), shipment_id=query.get("shipment_id"),
                                              limit=query["limit"], after=after)
    return jsonify({"decisions": items, "next_cursor": cursor})


@bp.post("/v1/decisions/<decision_id>/outcome")
@requires("score")
def add_outcome(decision_id: str):
    known_id(decision_id, "decision")
    outcome = body_of(OutcomeRequestSchema(), "Invalid outcome")
    recorded = services().decisions.add_outcome(g.caller, decision_id, **outcome)
    if recorded is None:
        raise _not_found(decision_id)
    return jsonify(recorded), 201
