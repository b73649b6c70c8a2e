"""POST /v1/score and /v1/score/batch: schema -> shipment -> scorer -> decision record -> response.

A score leaves only once its decision is committed: if the store fails, the client gets 503 (see
problems.register) and no score, so every score a client holds can be looked up later. A retry
with the same Idempotency-Key gets the first response again and records nothing (service/idempotency.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import Blueprint, current_app, g, jsonify
from marshmallow import ValidationError
from sqlalchemy import Connection

from features.history import Ledger
from features.shipment import Shipment
from model.serving.scorer import Assessment
from service.auth import requires
from service.problems import Problem, invalid
from service.routes.common import json_body, serving_state, services
from service.runtime import State
from service.schemas import BatchSchema, ShipmentSchema, name_chars

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


def check_batch_work(shipments: list) -> None:
    """Refuse a batch whose parties, or the characters of their names, exceed the settings:
    resolving them is the work (`service.schemas.name_chars`). Counted as sent, before any
    shipment is loaded; what is not a name is left to each shipment's validation."""
    lists = (shipment.get("parties") for shipment in shipments if isinstance(shipment, dict))
    names = [party.get("name") if isinstance(party, dict) else None
             for parties in lists if isinstance(parties, list) for party in parties]
    most = current_app.config["MAX_BATCH_PARTIES"]
    if len(names) > most:
        raise invalid({"shipments": [f"at most {most:,} parties in all the shipments of a batch"]})
    most = current_app.config["MAX_BATCH_NAME_CHARS"]
    if sum(name_chars(name) for name in names if isinstance(name, str)) > most:
        raise invalid({"shipments": [f"the parties' names must total at most {most:,} characters (NFKC) per batch"]})


def record(scored: list[tuple[Shipment, dict]], claim: Callable[[Connection], None] | None, ledger: Ledger) -> None:
    """Commit the decisions (one transaction, with the request's Idempotency-Key claim and what
    they add to the tenant's history tallies), then count them by band."""
    def with_decisions(connection: Connection) -> None:
        if claim is not None:
            claim(connection)
        services().history.add(connection, g.caller.tenant, ledger.pending)

    if scored:
        services().decisions.record(g.caller, scored, with_decisions)
    for _, item in scored:
        services().metrics.decisions.labels(item["band"]).inc()


def _sent_id(raw) -> str | None:
    """The shipment id a refused shipment of a batch was sent with, so the client can find it."""
    sent = raw.get("shipment_id") if isinstance(raw, dict) else None
    return sent[:128] if isinstance(sent, str) else None


@bp.post("/v1/score")
@requires("score")
def score():
    state = serving_state()
    data = json_body()
    claim = services().idempotency.claim(data)
    if claim.replay is not None:
        return claim.replay
    shipment = load_shipment(data)
    ledger = services().history.ledger(g.caller.tenant, [shipment])
    [assessment] = state.scorer.assess([shipment], services().clearances.of(g.caller.tenant), ledger)
    body = result(shipment, assessment, state)
    response = jsonify(body)
    record([(shipment, body)], claim.storing(response), ledger)
    return response


@bp.post("/v1/score/batch")
@requires("score")
def score_batch():
    state = serving_state()
    data = json_body()
    claim = services().idempotency.claim(data)
    if claim.replay is not None:
        return claim.replay
    limit = current_app.config["MAX_BATCH"]
    try:
        envelope = BATCH.load(data if isinstance(data, dict) else {"body": data})
    except ValidationError as exc:
        raise invalid(exc.messages) from None
    if len(envelope["shipments"]) > limit:
        raise invalid({"shipments": [f"at most {limit} shipments per batch"]})
    check_batch_work(envelope["shipments"])
    loaded: list[Shipment | Problem] = []
    for raw in envelope["shipments"]:
        try:
            loaded.append(load_shipment(raw))
        except Problem as problem:
            loaded.append(problem)
    valid = [s for s in loaded if isinstance(s, Shipment)]
    ledger = services().history.ledger(g.caller.tenant, valid)
    assessments = iter(state.scorer.assess(valid, services().clearances.of(g.caller.tenant), ledger))
    results = [
        {"index": i, "error": {**item.document(), "shipment_id": _sent_id(raw)}} if isinstance(item, Problem)
        else {"index": i, "result": result(item, next(assessments), state)}
        for i, (item, raw) in enumerate(zip(loaded, envelope["shipments"]))
    ]
    response = jsonify({"results": results, "model_version": state.model_version, "lists_version": state.lists_version,
                        "lists_as_of": state.lists_as_of})
    record([(item, entry["result"]) for item, entry in zip(loaded, results) if "result" in entry],
           claim.storing(response), ledger)
    return response
