"""Cross-origin requests from browsers: off unless DIVERSION_RISK_CORS_ORIGINS names the origins.

The API is for systems holding a key, not for web pages, so by default no response carries an
Access-Control-* header and browsers keep other sites' scripts out. A listed origin (exact match,
scheme and host and port) gets its origin echoed, preflights included; no wildcard, no cookies.
"""

from __future__ import annotations

from flask import Flask, Response, request

ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID"
EXPOSE_HEADERS = "X-Request-ID, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"


def origins(setting: str) -> frozenset[str]:
    return frozenset(o.strip().rstrip("/") for o in setting.split(",") if o.strip())


def install(app: Flask, setting: str) -> None:
    allowed = origins(setting)
    if not allowed:
        return

    @app.after_request
    def cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        response.vary.add("Origin")
        if origin not in allowed:
            return response
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        return response
