"""POST /v1/score, /v1/score/batch and /v1/score/file: body -> shipments -> scorer -> decision
record -> response, the scoring itself in `service.scoring` (shared with the `score FILE` command).

A score leaves only once its decision is committed: if the store fails, the client gets 503 (see
problems.register) and no score, so every score a client holds can be looked up later. A retry
with the same Idempotency-Key gets the first response again and records nothing (service/idempotency.py).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, g, jsonify, request
from marshmallow import ValidationError

from service.auth import requires
from service.problems import invalid
from service.routes.common import json_body, services, serving_state
from service.schemas import BatchSchema
from service.scoring import Scored, check_batch_work, load_shipment, result, score_bodies, score_sheet

bp = Blueprint("score", __name__)
BATCH = BatchSchema()


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
    Scored([], [(shipment, body)], ledger).record(services(), g.caller, claim.storing(response))
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
    check_batch_work(envelope["shipments"], current_app.config)
    scored = score_bodies(envelope["shipments"], state, services(), g.caller)
    response = jsonify({"results": scored.results, "model_version": state.model_version,
                        "lists_version": state.lists_version, "lists_as_of": state.lists_as_of})
    scored.record(services(), g.caller, claim.storing(response))
    return response


@bp.post("/v1/score/file")
@requires("score")
def score_file():
    """A CSV or XLSX of shipments (multipart field `file`, the template of examples/): each
    shipment scored and recorded as `/v1/score/batch` does, its problems named by row and column;
    `?format=csv` or `xlsx` answers with the results as a file, else JSON."""
    state = serving_state()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise invalid({"file": ["send a CSV or XLSX file as the multipart field `file`"]}, "Invalid upload")
    wanted = request.args.get("format", "json")
    if wanted not in ("json", "csv", "xlsx"):
        raise invalid({"format": ["must be json, csv or xlsx"]}, "Invalid query")
    sheet = score_sheet(upload.read(), upload.filename, state, services(), g.caller, current_app.config)
    if wanted == "json":
        response = jsonify({"results": sheet.results, "model_version": state.model_version,
                            "lists_version": state.lists_version, "lists_as_of": state.lists_as_of})
    else:
        content, mimetype = sheet.file(wanted)
        response = Response(content, mimetype=mimetype,
                            headers={"Content-Disposition": f'attachment; filename="results.{wanted}"'})
    sheet.scored.record(services(), g.caller)
    return response
