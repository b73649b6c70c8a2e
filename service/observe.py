"""Per-request bookkeeping: the request id, the latency histogram and the request log line.

Installed first, so its after_request hook sees every response, including problems raised by
authentication or the rate limiter.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

from service import logs
from service.metrics import Metrics

access = logging.getLogger(logs.ACCESS)


def install(app: Flask, metrics: Metrics) -> None:
    @app.before_request
    def start():
        g.request_id = logs.request_id(request.headers.get("X-Request-ID"))
        g.started = time.perf_counter()

    @app.after_request
    def finish(response: Response) -> Response:
        duration = time.perf_counter() - g.get("started", time.perf_counter())
        route = request.url_rule.rule if request.url_rule else "unmatched"  # bounded label values
        metrics.observe_request(route, request.method, response.status_code, duration)
        request_id = g.get("request_id") or logs.request_id(None)
        response.headers["X-Request-ID"] = request_id
        caller = g.get("caller")
        access.info("%s %s %s", request.method, request.path, response.status_code, extra={"fields": {
            "request_id": request_id, "key_id": caller.key_id if caller else None,
            "tenant": caller.tenant if caller else None, "method": request.method, "route": route,
            "path": request.path, "status": response.status_code, "duration_ms": round(duration * 1000, 2)}})
        return response
