"""What is being served: health, readiness, the active model's card and the lists snapshot."""

from __future__ import annotations

import os

from flask import Blueprint, current_app, jsonify

from service.problems import Problem
from service.routes.common import serving_state

bp = Blueprint("meta", __name__)


@bp.get("/healthz")
def healthz():
    """The process answers; says nothing of what it serves."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """200 only once a model and a lists snapshot are loaded, with the versions this worker serves."""
    state = current_app.extensions["diversion_risk"].current()
    if state is None:
        raise Problem(503, "Not Ready", "No lists snapshot and model are loaded yet.", headers={"Retry-After": "5"})
    return jsonify({"status": "ready", "lists_version": state.lists_version,
                    "model_version": state.model_version, "worker_pid": os.getpid()})


@bp.get("/v1/model")
def model():
    state = serving_state()
    return jsonify({"version": state.model_version, "card": state.model_card})


@bp.get("/v1/lists")
def lists():
    state = serving_state()
    return jsonify({"version": state.lists_version, **state.lists_meta})
