"""Keys, scopes, rate limits, metrics and request logs."""

import json
import logging
import os
from dataclasses import replace

import pytest

from service.app import create_app
from tests.service.test_api import SHIPMENT


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic dXNlcjpwYXNz",
                                    "Bearer drk_000000000000_" + "A" * 43])
def test_no_valid_key_gets_401(app, header):
    headers = {"Authorization": header} if header else {}
    response = app.test_client().post("/v1/score", json=SHIPMENT, headers=headers)
    assert response.status_code == 401 and response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_key_gets_401(app, new_key):
    key = new_key()
    keys = app.extensions["diversion_risk_services"].keys
    keys.revoke(key.split("_")[1])
    assert app.test_client().get("/v1/model", headers={"Authorization": f"Bearer {key}"}).status_code == 401


@pytest.mark.parametrize("scopes, method, path, status", [
    ("read", "post", "/v1/score", 403),
    ("read", "get", "/v1/model", 200),
    ("score", "get", "/v1/decisions", 403),
    ("score", "get", "/v1/lists", 403),
    ("admin", "get", "/v1/decisions", 200),
])
def test_scopes(app, new_key, scopes, method, path, status):
    client = app.test_client()
    response = getattr(client, method)(path, json=SHIPMENT, headers={"Authorization": f"Bearer {new_key('acme', scopes)}"})
    assert response.status_code == status
    if status == 403:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/openapi.yaml", "/docs/"])  # /metrics: test_leaks.py
def test_public_routes_need_no_key(app, path):
    assert app.test_client().get(path).status_code == 200


@pytest.mark.parametrize("redis_url", ["", os.environ.get("TEST_REDIS_URL")], ids=["memory", "redis"])
def test_rate_limit_per_key_gives_429_with_retry_after(home, redis_url):
    if redis_url is None:
        pytest.skip("set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to test the limiter on Redis")
    app = create_app(replace(home.settings, rate_limit="2/minute", redis_url=redis_url))
    keys = app.extensions["diversion_risk_services"].keys
    first, second = (keys.create("k", "acme", "read")[1] for _ in range(2))
    client = app.test_client()
    statuses = [client.get("/v1/model", headers={"Authorization": f"Bearer {first}"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get("/v1/model", headers={"Authorization": f"Bearer {first}"})
    assert limited.mimetype == "application/problem+json" and int(limited.headers["Retry-After"]) > 0
    assert client.get("/v1/model", headers={"Authorization": f"Bearer {second}"}).status_code == 200
    assert all(client.get("/healthz").status_code == 200 for _ in range(3))


def test_metrics_show_requests_decisions_and_versions(client, new_key):
    client.post("/v1/score", json=SHIPMENT)
    client.get("/v1/decisions/nope")
    text = client.get("/metrics", headers={"Authorization": f"Bearer {new_key('ops', 'metrics')}"}).get_data(as_text=True)
    assert 'diversion_risk_request_duration_seconds_count{method="POST",route="/v1/score",status="200"} 1.0' in text
    assert 'route="/v1/decisions/<decision_id>",status="404"' in text
    assert "diversion_risk_decisions_total{band=" in text
    assert "diversion_risk_lists_age_seconds" in text and 'diversion_risk_model_info{version="default-' in text


def test_one_json_log_line_per_request_with_its_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="diversion_risk.access"):
        echoed = client.get("/v1/model", headers={"X-Request-ID": "trace-42"})
        replaced = client.get("/v1/model", headers={"X-Request-ID": "<script>" + "x" * 200})
    assert echoed.headers["X-Request-ID"] == "trace-42"
    assert replaced.headers["X-Request-ID"] != "<script>" + "x" * 200 and len(replaced.headers["X-Request-ID"]) == 32
    records = [r for r in caplog.records if r.name == "diversion_risk.access"]
    assert len(records) == 2
    fields = records[0].fields
    assert fields["request_id"] == "trace-42" and fields["route"] == "/v1/model" and fields["status"] == 200
    assert fields["key_id"] and fields["duration_ms"] >= 0


def test_the_log_formatter_writes_one_json_object():
    from service.logs import JsonFormatter

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
    record.fields = {"status": 200}
    line = JsonFormatter().format(record)
    assert "\n" not in line and json.loads(line)["status"] == 200 and json.loads(line)["message"] == "hello you"
