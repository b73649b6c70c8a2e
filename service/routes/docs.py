"""The API's own description: GET /openapi.yaml and interactive docs at /docs (Swagger UI, bundled)."""

from __future__ import annotations

from flask import Blueprint, Response
from flask_swagger_ui import get_swaggerui_blueprint

from service.auth import public
from service.openapi import spec_yaml

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.yaml")
@public
def openapi_yaml():
    return Response(spec_yaml(), mimetype="application/yaml")


def swagger_ui():
    return get_swaggerui_blueprint("/docs", "/openapi.yaml", config={"app_name": "diversion-risk API"})
