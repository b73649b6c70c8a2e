"""Alerts from continuous screening: past decisions whose party was listed, or linked to a listed
entity, since; each with buttons to confirm or clear it."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from service.decisions import decode_cursor
from service.problems import Problem
from service.routes.common import known_id, services
from service.ui.blueprint import bp
from service.ui.forms import PAGE_SIZE, AlertQuery, ReviewForm, read
from service.ui.session import needs


@bp.get("/alerts")
@needs("read")
def alerts():
    query = read(AlertQuery(), request.args)
    after = decode_cursor(query["cursor"]) if "cursor" in query else None
    if "cursor" in query and after is None:
        raise Problem(400, "Invalid form", "cursor: not a cursor this service issued")
    items, cursor = services().alerts.page(g.caller.tenant, status=query["status"], limit=PAGE_SIZE, after=after)
    return render_template("ui/alerts.html", items=items, status=query["status"], cursor=cursor,
                           may_review=g.caller.may("review"))


@bp.post("/alerts/<alert_id>/review")
@needs("review")
def review_alert(alert_id: str):
    review = read(ReviewForm(), request.form)
    if services().alerts.review(g.caller, known_id(alert_id, "alert"), review["status"], review["note"]) is None:
        raise Problem(404, "Not Found", f"No alert {alert_id} for this tenant.")
    return redirect(url_for("ui.alerts", status=request.args.get("status", "open")), 303)
