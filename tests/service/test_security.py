"""Security properties of every response: headers, no CORS unless configured, no internals
disclosed; and no code path that unpickles a file."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from service.app import API_CSP, SECURITY_HEADERS, create_app
from tests.service.test_api import SHIPMENT

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("method, path, body, status", [
    ("GET", "/healthz", None, 200),
    ("GET", "/metrics", None, 403),  # a score+read key; with scope metrics: test_leaks.py
    ("GET", "/openapi.yaml", None, 200),
    ("GET", "/docs/", None, 200),
    ("GET", "/v1/model", None, 200),
    ("POST", "/v1/score", SHIPMENT, 200),
    ("GET", "/nowhere", None, 404),
    ("POST", "/v1/score", {"shipment_id": 1}, 422),
    ("DELETE", "/v1/score", None, 405),
])
def test_every_response_carries_the_security_headers(client, method, path, body, status):
    response = client.open(path, method=method, json=body)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value, name
    assert response.headers["Content-Security-Policy"]
    assert response.headers["X-Request-ID"]


def test_problems_without_a_key_carry_them_too(app):
    response = app.test_client().post("/v1/score", json=SHIPMENT)
    assert response.status_code == 401 and response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Content-Security-Policy"] == API_CSP


def test_cors_is_off_by_default(client):
    for response in (client.get("/readyz", headers={"Origin": "https://evil.example"}),
                     client.options("/v1/score", headers={"Origin": "https://evil.example",
                                                          "Access-Control-Request-Method": "POST"})):
        assert not [h for h in response.headers.keys() if h.startswith("Access-Control-")]


def test_cors_answers_only_the_configured_origins(home, new_key):
    app = create_app(replace(home.settings, cors_origins="https://desk.example.com, https://b.example.com/"))
    client = app.test_client()
    preflight = client.options("/v1/score", headers={"Origin": "https://desk.example.com",
                                                     "Access-Control-Request-Method": "POST",
                                                     "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://desk.example.com"
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    assert client.get("/readyz", headers={"Origin": "https://b.example.com"}).headers["Access-Control-Allow-Origin"]
    other = client.get("/readyz", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers and "Origin" in other.headers["Vary"]
    unkeyed = client.post("/v1/score", json=SHIPMENT, headers={"Origin": "https://desk.example.com"})
    assert unkeyed.status_code == 401  # CORS lets a page ask; the key still decides


SECRET_PATH = "/srv/secret/internal/module.py"


@pytest.mark.parametrize("error, status", [
    (RuntimeError(f"boom in {SECRET_PATH}"), 500),
    (OperationalError("INSERT INTO decisions", {}, Exception(f"password=hunter2 at {SECRET_PATH}")), 503),
])
def test_no_stack_trace_or_internal_path_in_any_response(app, client, monkeypatch, error, status):
    runtime = app.extensions["diversion_risk"]

    def fail(shipments, cleared=None, ledger=None):
        raise error

    monkeypatch.setattr(runtime.current().scorer, "assess", fail)
    response = client.post("/v1/score", json=SHIPMENT)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    text = response.get_data(as_text=True)
    for leak in ("Traceback", SECRET_PATH, "hunter2", "INSERT", str(ROOT), "site-packages", 'File "'):
        assert leak not in text


UNPICKLING = re.compile(r"\b(pickle|cPickle|dill|joblib|cloudpickle)\.loads?\(|allow_pickle\s*=\s*True|torch\.load\(")


def test_no_code_unpickles_a_file():
    """Model files are skops with an allowlist of types (tests/service/test_faults.py); nothing
    else the service reads may be a pickle."""
    sources = [p for package in ("service", "model", "features") for p in (ROOT / package).rglob("*.py")]
    assert sources
    offending = [f"{p.relative_to(ROOT)}:{n}" for p in sources
                 for n, line in enumerate(p.read_text().splitlines(), 1) if UNPICKLING.search(line)]
    assert offending == []
