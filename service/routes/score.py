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
from service.problems import Problem, invalid
from service.routes.common import json_body, services, serving_state
from service.schemas import BatchSchema, name_chars
from service.scoring import Scored, load_shipment, result, score_bodies
from service.sheets import SheetError, problems_by_row, read_table, result_rows, shipments_of, write_results

bp = Blueprint("score", __name__)
BATCH = BatchSchema()


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
    check_batch_work(envelope["shipments"])
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
    try:
        sheet = shipments_of(read_table(upload.read(), upload.filename))
    except SheetError as exc:
        raise Problem(422, "Invalid upload", f"{upload.filename}: {exc}",
                      [{"field": "file", "message": str(exc)}]) from None
    limit = current_app.config["MAX_BATCH"]
    if len(sheet) > limit:
        raise invalid({"file": [f"at most {limit} shipments per file (the command `score FILE` takes any number)"]},
                      "Invalid upload")
    readable = [s for s in sheet if not s.problems]
    check_batch_work([s.body for s in readable])
    scored = score_bodies([s.body for s in readable], state, services(), g.caller)
    outcomes = iter(scored.results)
    results = []
    for shipment in sheet:
        entry = {"shipment_id": shipment.shipment_id, "rows": shipment.rows, "notes": shipment.notes}
        if shipment.problems:
            entry["error"] = {"problems": shipment.problems}
        else:
            outcome = next(outcomes)
            entry |= {"result": outcome["result"]} if "result" in outcome else {
                "error": {"problems": problems_by_row(shipment, outcome["error"].get("errors", []))
                          or [{"row": shipment.rows[0], "column": "", "message": outcome["error"].get("detail", "")}]}}
        results.append(entry)
    if wanted == "json":
        response = jsonify({"results": results, "model_version": state.model_version,
                            "lists_version": state.lists_version, "lists_as_of": state.lists_as_of})
    else:
        content, mimetype = write_results(result_rows(sheet, [{"result": r.get("result"), "problems": r.get(
            "error", {}).get("problems", [])} for r in results]), f"results.{wanted}")
        response = Response(content, mimetype=mimetype,
                            headers={"Content-Disposition": f'attachment; filename="results.{wanted}"'})
    scored.record(services(), g.caller)
    return response
