"""Limits and headers: a rate limit holds across the workers of a server and their restarts;
`Retry-After` only where it means something (the limiter's 429, our 503's 5 s); a 405 says what is allowed."""

from dataclasses import replace

from service.app import create_app
from tests.service.test_api import SHIPMENT


def test_a_limit_holds_across_the_workers_of_a_server_and_their_restarts(home):
    """Two apps on one home are two gunicorn workers (each its own process state); a third one is
    a worker started again."""
    settings = replace(home.settings, rate_limit="20/minute")
    workers = [create_app(settings), create_app(settings)]
    key = workers[0].extensions["diversion_risk_services"].keys.create("k", "acme", "read")[1]
    headers = {"Authorization": f"Bearer {key}"}
    statuses = [workers[i % 2].test_client().get("/v1/model", headers=headers).status_code for i in range(40)]
    assert statuses.count(200) == 20 and statuses.count(429) == 20
    restarted = create_app(settings)
    assert restarted.test_client().get("/v1/model", headers=headers).status_code == 429


def test_retry_after_is_only_on_429_and_on_our_503(tmp_path, home):
    client = create_app(replace(home.settings, rate_limit="2/minute")).test_client()
    keys = client.application.extensions["diversion_risk_services"].keys
    headers = {"Authorization": f"Bearer {keys.create('k', 'acme', 'read')[1]}"}
    ok = client.get("/v1/model", headers=headers)
    assert ok.status_code == 200 and "Retry-After" not in ok.headers and ok.headers["X-RateLimit-Limit"] == "2"
    client.get("/v1/model", headers=headers)
    limited = client.get("/v1/model", headers=headers)
    assert limited.status_code == 429 and 0 < int(limited.headers["Retry-After"]) <= 60
    assert not [name for name in limited.headers.keys() if name.lower().startswith("x-limiter")]

    not_ready = create_app(replace(home.settings, home=tmp_path))  # no model: every score is a 503
    key = not_ready.extensions["diversion_risk_services"].keys.create("k", "acme", "score")[1]
    response = not_ready.test_client().post("/v1/score", json=SHIPMENT, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 503 and response.headers.get_all("Retry-After") == ["5"]


def test_a_405_says_which_methods_are_allowed(client):
    response = client.delete("/v1/score")
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"POST", "OPTIONS"}


def test_a_counter_store_that_fails_falls_back_to_counting_in_the_process(home):
    (home.root / "ratelimit.sqlite").mkdir()  # cannot be opened as a database
    app = create_app(replace(home.settings, rate_limit="2/minute"))
    key = app.extensions["diversion_risk_services"].keys.create("k", "acme", "read")[1]
    client = app.test_client()
    statuses = [client.get("/v1/model", headers={"Authorization": f"Bearer {key}"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
