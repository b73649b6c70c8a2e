"""openapi.yaml, generated from the marshmallow schemas (a test fails when the checked-in file drifts)."""

from __future__ import annotations

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from service import schemas



def _problem() -> dict:
    return {"description": "Problem details (RFC 9457)",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _free(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"type": "object"}}}}


# (path, method, summary, request schema or None, success response, error statuses)
OPERATIONS = [
    ("/v1/score", "post", "Score one shipment", "Shipment", _json("Score", "The calibrated score, band and reasons"), (400, 413, 415, 422, 503)),
    ("/v1/score/batch", "post", "Score up to the batch limit of shipments; results or per-shipment errors, in order",
     "Batch", _json("BatchResponse", "One result or error per shipment"), (400, 413, 415, 422, 503)),
    ("/v1/model", "get", "The active model's version and card", None, _free("Model card"), (503,)),
    ("/v1/lists", "get", "The active lists snapshot: version, sources, counts", None, _free("Snapshot metadata"), (503,)),
    ("/healthz", "get", "Liveness", None, _free("The process answers"), ()),
    ("/readyz", "get", "Readiness: 200 once a snapshot and a model are loaded", None, _free("Versions served by this worker"), (503,)),
]


def build_spec() -> dict:
    spec = APISpec(
        title="diversion-risk",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={"description": "Scores shipments for the risk that export-controlled goods are diverted to Russia "
                             "through third countries, and says why. Wire contract v1."},
    )
    # Nested schemas are referenced by the names registered first, so leaves come first.
    for name, schema in (("Problem", schemas.ProblemSchema), ("Shipment", schemas.ShipmentSchema),
                         ("Batch", schemas.BatchSchema), ("Score", schemas.ScoreSchema),
                         ("BatchResponse", schemas.BatchResponseSchema)):
        spec.components.schema(name, schema=schema)
    for path, method, summary, body, ok, errors in OPERATIONS:
        operation = {"summary": summary, "responses": {"200": ok, **{str(code): _problem() for code in errors}}}
        if body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{body}"}}}}
        spec.path(path=path, operations={method: operation})
    return spec.to_dict()


def spec_yaml() -> str:
    return yaml.safe_dump(build_spec(), sort_keys=False, allow_unicode=True)
