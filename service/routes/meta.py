"""What is being served: health, readiness, metrics, the active model's card and the lists snapshot."""

from __future__ import annotations

import os

from flask import Blueprint, Response, current_app, jsonify

from service.auth import presented_caller, public, requires
from service.problems import Problem
from service.routes.common import serving_state, services

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
@public
def healthz():
    """The process answers; says nothing of what it serves."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@public
def readyz():
    """200 only once a model and a lists snapshot are loaded, with the versions this worker serves,
    and, if the latest activation did not load, the versions refused (the reason is in the logs).
    An admin key also sees which worker answered (its process id: nobody else's business)."""
    runtime = current_app.extensions["diversion_risk"]
    state = runtime.current()
    if state is None:
        raise Problem(503, "Not Ready", "No lists snapshot and model are loaded yet.", headers={"Retry-After": "5"})
    body = {"status": "ready", "lists_version": state.lists_version, "model_version": state.model_version}
    if (caller := presented_caller()) and caller.may("admin"):
        body["worker_pid"] = os.getpid()
    if runtime.refused:
        body["refused"] = runtime.refused
    return jsonify(body)


@bp.get("/v1/model")
@requires("read")
def model():
    state = serving_state()
    return jsonify({"version": state.model_version, "card": state.model_card})


@bp.get("/v1/lists")
@requires("read")
def lists():
    state = serving_state()
    return jsonify({"version": state.lists_version, "lists_as_of": state.lists_as_of, **state.lists_meta})


@bp.get("/metrics")
@requires("metrics")
def metrics():
    """Prometheus exposition, merged over all gunicorn workers: counts over every tenant, so for a
    key with scope `metrics` (the operator's scraper), not for a tenant's key."""
    body, content_type = services().metrics.exposition()
    return Response(body, content_type=content_type)
