"""The decision record over HTTP: read decisions, append outcomes. Nothing updates or deletes one.

Outcomes need the `score` scope (the system that asked for a score reports what became of the
shipment) or `admin`; a read-only key, e.g. a dashboard's, cannot change what the record says.
Another tenant's decision is a 404, the same as one that does not exist.
"""

from __future__ import annotations

import re

from flask import Blueprint, g, jsonify, request
from marshmallow import ValidationError

from service.auth import requires
from service.decisions import decode_cursor
from service.problems import Problem, invalid
from service.routes.common import json_body, services
from service.schemas import DecisionQuerySchema, OutcomeRequestSchema

bp = Blueprint("decisions", __name__)


# A decision id is a UUID as str(uuid.uuid4()) writes it. Any other text names no decision and is
# answered without asking the store, where some (a NUL byte on PostgreSQL) are errors, not misses.
DECISION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _not_found(decision_id: str) -> Problem:
    return Problem(404, "Not Found", f"No decision {decision_id} for this tenant.")


def _known_form(decision_id: str) -> str:
    """The id, if it has a decision id's form; else 404 (without echoing the text)."""
    if DECISION_ID.fullmatch(decision_id) is None:
        raise Problem(404, "Not Found", "No decision has this id: decision ids are UUIDs.")
    return decision_id


@bp.get("/v1/decisions/<decision_id>")
@requires("read")
def get_decision(decision_id: str):
    found = services().decisions.get(g.caller.tenant, _known_form(decision_id))
    if found is None:
        raise _not_found(decision_id)
    return jsonify(found)


@bp.get("/v1/decisions")
@requires("read")
def list_decisions():
    try:
        query = DecisionQuerySchema().load(request.args.to_dict())
    except ValidationError as exc:
        raise invalid(exc.messages, "Invalid query") from None
    after = None
    if "cursor" in query:
        after = decode_cursor(query["cursor"])
        if after is None:
            raise invalid({"cursor": ["not a cursor this service issued"]}, "Invalid query")
    items, cursor = services().decisions.page(g.caller.tenant, since=query.get("since"), until=query.get("until"),
                                              band=query.get("band"), limit=query["limit"], after=after)
    return jsonify({"decisions": items, "next_cursor": cursor})


@bp.post("/v1/decisions/<decision_id>/outcome")
@requires("score")
def add_outcome(decision_id: str):
    _known_form(decision_id)
    data = json_body()
    if not isinstance(data, dict):
        raise invalid({"body": ["must be a JSON object"]}, "Invalid outcome")
    try:
        outcome = OutcomeRequestSchema().load(data)
    except ValidationError as exc:
        raise invalid(exc.messages, "Invalid outcome") from None
    recorded = services().decisions.add_outcome(g.caller, decision_id, **outcome)
    if recorded is None:
        raise _not_found(decision_id)
    return jsonify(recorded), 201
