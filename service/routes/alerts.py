"""Alerts over HTTP: the tenant's alerts, one by one or a page at a time, and their reviews.

Reading needs `read`; a review needs `review` (or `admin`): a verdict clears or confirms a match
for every later score of the tenant, which a dashboard's read-only key must not do. Another
tenant's alert is a 404, the same as one that does not exist.
"""

from __future__ import annotations

from flask import Blueprint, g, jsonify

from service.auth import requires
from service.problems import Problem
from service.routes.common import body_of, known_id, page_query, services
from service.schemas import AlertQuerySchema, AlertReviewRequestSchema

bp = Blueprint("alerts", __name__)


def _not_found(alert_id: str) -> Problem:
    return Problem(404, "Not Found", f"No alert {alert_id} for this tenant.")


@bp.get("/v1/alerts")
@requires("read")
def list_alerts():
    query, after = page_query(AlertQuerySchema())
    items, cursor = services().alerts.page(g.caller.tenant, since=query.get("since"), until=query.get("until"),
                                           status=query.get("status"), limit=query["limit"], after=after)
    return jsonify({"alerts": items, "next_cursor": cursor})


@bp.get("/v1/alerts/<alert_id>")
@requires("read")
def get_alert(alert_id: str):
    found = services().alerts.get(g.caller.tenant, known_id(alert_id, "alert"))
    if found is None:
        raise _not_found(alert_id)
    return jsonify(found)


@bp.post("/v1/alerts/<alert_id>/review")
@requires("review")
def review_alert(alert_id: str):
    known_id(alert_id, "alert")
    review = body_of(AlertReviewRequestSchema(), "Invalid review")
    reviewed = services().alerts.review(g.caller, alert_id, review["status"], review["note"])
    if reviewed is None:
        raise _not_found(alert_id)
    return jsonify(reviewed), 201
