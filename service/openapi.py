"""openapi.yaml, generated from the marshmallow schemas (a test fails when the checked-in file drifts)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from service import idempotency, schemas

HEADERS = {
    401: {"WWW-Authenticate": "Bearer"},
    429: {"Retry-After": "seconds until the key's budget allows another request"},
    503: {"Retry-After": "seconds after which to retry"},
}


def _problem(status: int) -> dict:
    response = {"description": "Problem details (RFC 9457)",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    if status in HEADERS:
        response["headers"] = {name: {"description": text, "schema": {"type": "string"}}
                               for name, text in HEADERS[status].items()}
    return response


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _free(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}}


def _text(description: str) -> dict:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


KEYED = (401, 403, 429)  # every keyed route may answer these
DECISION_ID = {"name": "decision_id", "in": "path", "required": True, "schema": {"type": "string"}}
ALERT_ID = {**DECISION_ID, "name": "alert_id"}
QUERIES = {"/v1/decisions": schemas.DecisionQuerySchema, "/v1/alerts": schemas.AlertQuerySchema}
IDEMPOTENT = ("/v1/score", "/v1/score/batch")
IDEMPOTENCY_KEY = {
    "name": idempotency.HEADER, "in": "header", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_LENGTH,
               "pattern": idempotency.KEY_PATTERN},
    "description": "Makes a retry safe (draft-ietf-httpapi-idempotency-key-header): a key of your choosing, e.g. a "
                   f"UUID, bare or quoted (\"...\"), at most {idempotency.MAX_LENGTH} printable ASCII characters "
                   "(else 400). Within "
                   "DIVERSION_RISK_IDEMPOTENCY_TTL (24 h) of its first use, the same key with the same request (method, "
                   "path, JSON body) answers the first response again (same status, body and decision_id) and records "
                   "nothing; with another request it is a 422; while a request with it is in flight, a 409. Keys are "
                   "per tenant."}

# Real examples for the request bodies and a real response (examples/ of the repository; the
# document is generated without them where the package is installed without the repository).
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REQUEST_EXAMPLES = {"Shipment": "chips-to-kazakhstan.json", "Batch": "batch.json"}
RESPONSE_EXAMPLES = {"/v1/score": "responses/chips-to-kazakhstan.json"}
BODY_EXAMPLES = {"OutcomeRequest": {"outcome": "cleared", "source": "inspection 2025-113", "note": "goods as declared"},
                 "AlertReviewRequest": {"status": "cleared", "note": "a namesake: another company, other address"}}


def _example(name: str | None) -> dict | None:
    if name in BODY_EXAMPLES:
        return BODY_EXAMPLES[name]
    path = EXAMPLES / (REQUEST_EXAMPLES.get(name) or RESPONSE_EXAMPLES.get(name) or "-")
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


# (path, method, summary, scope or None when public, request schema or None, success response, error statuses)
OPERATIONS = [
    ("/v1/score", "post", "Score one shipment; the decision is recorded before the response", "score", "Shipment",
     _json("Score", "The calibrated score, band and reasons"), (400, 409, 413, 415, 422, 503)),
    ("/v1/score/batch", "post", "Score up to the batch limit of shipments; results or per-shipment errors, in order; "
     "all decisions recorded in one transaction", "score",
     "Batch", _json("BatchResponse", "One result or error per shipment"), (400, 409, 413, 415, 422, 503)),
    ("/v1/score/file", "post", "Score a CSV or XLSX of shipments (one row per item, examples/shipments-template.csv); "
     "each shipment recorded as from /v1/score/batch, its problems named by row and column; `?format=csv|xlsx` "
     "answers with the results as a file", "score", "file",
     {"description": "One result or problem per shipment (JSON), or the results file",
      "content": {"application/json": {"schema": {"type": "object"}}, "text/csv": {"schema": {"type": "string"}},
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
                      {"schema": {"type": "string", "format": "binary"}}}}, (413, 422, 503)),
    ("/v1/decisions", "get", "The tenant's decisions, oldest first, one page at a time", "read", None,
     _json("DecisionPage", "A page of decisions and the cursor of the next"), (422, 503)),
    ("/v1/decisions/{decision_id}", "get", "One of the tenant's decisions, as answered, with its outcomes", "read", None,
     _json("Decision", "The decision"), (404, 503)),
    ("/v1/decisions/{decision_id}/outcome", "post", "Append what became of the shipment (the latest outcome counts)",
     "score", "OutcomeRequest", {**_json("Outcome", "The outcome as recorded"), "description": "Recorded"},
     (400, 404, 413, 415, 422, 503)),
    ("/v1/alerts", "get", "The tenant's alerts (decisions whose party became listed or linked since), oldest first, "
     "one page at a time", "read", None, _json("AlertPage", "A page of alerts and the cursor of the next"), (422, 503)),
    ("/v1/alerts/{alert_id}", "get", "One of the tenant's alerts, with its reviews", "read", None,
     _json("Alert", "The alert"), (404, 503)),
    ("/v1/alerts/{alert_id}/review", "post", "Append a review (confirmed or cleared; the latest counts); cleared also "
     "clears the (party, entity) pair in the tenant's later alerts and scores", "review", "AlertReviewRequest",
     {**_json("Alert", "The alert as it now stands"), "description": "Recorded"}, (400, 404, 413, 415, 422, 503)),
    ("/v1/model", "get", "The active model's version and card", "read", None, _free("Model card"), (503,)),
    ("/v1/lists", "get", "The active lists snapshot: version, sources, counts", "read", None, _free("Snapshot metadata"), (503,)),
    ("/healthz", "get", "Liveness", None, None, _free("The process answers"), ()),
    ("/readyz", "get", "Readiness: 200 once a snapshot and a model are loaded", None, None,
     _free("Versions served by this worker"), (503,)),
    ("/metrics", "get", "Prometheus metrics of all workers", "metrics", None, _text("Prometheus text format"), ()),
]


def _parameters(path: str, method: str) -> list[dict]:
    if path in IDEMPOTENT:
        return [IDEMPOTENCY_KEY]
    if "{decision_id}" in path:
        return [DECISION_ID]
    if "{alert_id}" in path:
        return [ALERT_ID]
    if path in QUERIES:
        return [{"in": "query", "schema": QUERIES[path]}]
    if path == "/v1/score/file":
        return [{"name": "format", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["json", "csv", "xlsx"], "default": "json"}}]
    return []


def build_spec() -> dict:
    spec = APISpec(
        title="diversion-risk",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Scores shipments for the risk that export-controlled goods are diverted to Russia "
                             "through third countries, and says why. Wire contract v1. Every decision is recorded. "
                             "Send an API key as `Authorization: Bearer KEY`; each route names the scope it needs "
                             "(a key with scope `admin` holds them all)."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "description": "An API key "
                                               "made with `diversion-risk keys create`; it belongs to one tenant"})
    # Nested schemas are referenced by the names registered first, so leaves come first.
    for name, schema in (("Problem", schemas.ProblemSchema), ("Shipment", schemas.ShipmentSchema),
                         ("Batch", schemas.BatchSchema), ("Score", schemas.ScoreSchema),
                         ("BatchResponse", schemas.BatchResponseSchema), ("Outcome", schemas.OutcomeSchema),
                         ("OutcomeRequest", schemas.OutcomeRequestSchema), ("Decision", schemas.DecisionSchema),
                         ("DecisionPage", schemas.DecisionPageSchema), ("AlertParty", schemas.AlertPartySchema),
                         ("AlertReview", schemas.AlertReviewSchema), ("AlertReviewRequest", schemas.AlertReviewRequestSchema),
                         ("Alert", schemas.AlertSchema), ("AlertPage", schemas.AlertPageSchema)):
        spec.components.schema(name, schema=schema)
    for path, method, summary, scope, body, ok, errors in OPERATIONS:
        statuses = sorted(set(errors) | (set(KEYED) if scope else set()))
        success = "201" if path.endswith(("/outcome", "/review")) else "200"
        operation = {"summary": summary + (f" (scope `{scope}`)" if scope else " (no key needed)"),
                     "responses": {success: ok, **{str(code): _problem(code) for code in statuses}},
                     "security": [{"bearer": []}] if scope else []}
        parameters = _parameters(path, method)
        if parameters:
            operation["parameters"] = parameters
        if body == "file":
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary", "description": "a .csv or .xlsx file"}}}}}}
        elif body:
            content = {"schema": {"$ref": f"#/components/schemas/{body}"}}
            if _example(body) is not None:
                content["example"] = _example(body)
            operation["requestBody"] = {"required": True, "content": {"application/json": content}}
        if _example(path) is not None:
            operation["responses"][success] = {**ok, "content": {"application/json": {
                **ok["content"]["application/json"], "example": _example(path)}}}
        spec.path(path=path, operations={method: operation})
    return spec.to_dict()


def spec_yaml() -> str:
    return yaml.safe_dump(build_spec(), sort_keys=False, allow_unicode=True)
