"""POST /v1/score and /v1/score/batch: schema -> shipment -> scorer -> decision record -> response.

A score leaves only once its decision is committed: if the store fails, the client gets 503 (see
problems.register) and no score, so every score a client holds can be looked up later.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, g, jsonify
from marshmallow import ValidationError

from features.shipment import Shipment
from model.scorer import Assessment
from service.auth import requires
from service.problems import Problem, invalid
from service.routes.common import json_body, serving_state, services
from service.runtime import State
from service.schemas import BatchSchema, ShipmentSchema

bp = Blueprint("score", __name__)
# A schema holds no per-request state, so one instance serves every request: building one (its
# nested fields) costs more than loading a shipment with it.
SHIPMENT = ShipmentSchema()
BATCH = BatchSchema()


def result(shipment: Shipment, assessment: Assessment, state: State) -> dict:
    return {
        "shipment_id": shipment.shipment_id,
        "decision_id": str(uuid.uuid4()),
        "score": assessment.score,
        "band": assessment.band,
        "base": assessment.base,
        "reasons": assessment.reasons,
        "signals": {name: {"value": v.value, "evidence": v.evidence, "contribution": assessment.contributions.get(name, 0.0)}
                    for name, v in assessment.signals.items()},
        "model_version": state.model_version,
        "lists_version": state.lists_version,
        "lists_as_of": state.lists_as_of,
    }


def load_shipment(data) -> Shipment:
    if not isinstance(data, dict):
        raise invalid({"body": ["must be a JSON object (one shipment)"]})
    try:
        return SHIPMENT.load(data)
    except ValidationError as exc:
        raise invalid(exc.messages) from None


def record(scored: list[tuple[Shipment, dict]]) -> None:
    """Commit the decisions (one transaction), then count them by band."""
    if scored:
        services().decisions.record(g.caller, scored)
    for _, item in scored:
        services().metrics.decisions.labels(item["band"]).inc()


@bp.post("/v1/score")
@requires("score")
def score():
    state = serving_state()
    shipment = load_shipment(json_body())
    [assessment] = state.scorer.assess([shipment])
    body = result(shipment, assessment, state)
    record([(shipment, body)])
    return jsonify(body)


@bp.post("/v1/score/batch")
@requires("score")
def score_batch():
    state = serving_state()
    data = json_body()
    limit = current_app.config["MAX_BATCH"]
    try:
        envelope = BATCH.load(data if isinstance(data, dict) else {"body": data})
    except ValidationError as exc:
        raise invalid(exc.messages) from None
    if len(envelope["shipments"]) > limit:
        raise invalid({"shipments": [f"at most {limit} shipments per batch"]})
    loaded: list[Shipment | Problem] = []
    for raw in envelope["shipments"]:
        try:
            loaded.append(load_shipment(raw))
        except Problem as problem:
            loaded.append(problem)
    valid = [s for s in loaded if isinstance(s, Shipment)]
    assessments = iter(state.scorer.assess(valid))
    results = [
        {"index": i, "error": item.document()} if isinstance(item, Problem)
        else {"index": i, "result": result(item, next(assessments), state)}
        for i, item in enumerate(loaded)
    ]
    record([(item, entry["result"]) for item, entry in zip(loaded, results) if "result" in entry])
    return jsonify({"results": results, "model_version": state.model_version, "lists_version": state.lists_version,
                    "lists_as_of": state.lists_as_of})
