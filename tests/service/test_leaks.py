"""What leaks: label values a client can add to /metrics, counts over every tenant, worker ids."""

import re

import pytest

from service.headers import SECURITY_HEADERS
from service.metrics import METHODS


def test_random_methods_and_paths_add_no_label_values(app, client):
    for i in range(30):
        client.open("/v1/score", method=f"X{i:03d}")
        client.get(f"/random/{i}")
    text = app.extensions["diversion_risk_services"].metrics.exposition()[0].decode()
    methods = set(re.findall(r'diversion_risk_request_duration_seconds_count\{method="([^"]*)"', text))
    routes = set(re.findall(r'diversion_risk_request_duration_seconds_count\{[^}]*route="([^"]*)"', text))
    assert "other" in methods and methods <= METHODS | {"other"}
    assert "unmatched" in routes and not any(route.startswith("/random") for route in routes)


@pytest.mark.parametrize("scopes, status", [(None, 401), ("score,read", 403), ("metrics", 200), ("admin", 200)])
def test_metrics_need_the_metrics_scope(app, new_key, scopes, status):
    headers = {"Authorization": f"Bearer {new_key('ops', scopes)}"} if scopes else {}
    response = app.test_client().get("/metrics", headers=headers)
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "text/plain" and "diversion_risk_model_info" in response.get_data(as_text=True)
        assert all(response.headers[name] == value for name, value in SECURITY_HEADERS.items())
    else:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("scopes, shown", [(None, False), ("score,read,metrics", False), ("admin", True)])
def test_readyz_shows_the_worker_pid_to_an_admin_key_only(app, new_key, scopes, shown):
    headers = {"Authorization": f"Bearer {new_key('acme', scopes)}"} if scopes else {}
    body = app.test_client().get("/readyz", headers=headers).get_json()
    assert body["status"] == "ready" and ("worker_pid" in body) == shown
    assert "worker_pid" not in app.test_client().get("/readyz", headers={"Authorization": "Bearer drk_bogus"}).get_json()
