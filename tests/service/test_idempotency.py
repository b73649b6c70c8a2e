"""Idempotency-Key on POST /v1/score and /v1/score/batch: a retry answers the first response and
records nothing, across workers (two apps on one store) and restarts, per tenant, until it expires."""

import dataclasses
import datetime as dt
import json
import threading
import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from service import idempotency
from service.app import create_app
from service.idempotency import IdempotencyKeys
from service.problems import Problem
from service.tables import Decision
from tests.service.test_api import SHIPMENT

BATCH = {"shipments": [SHIPMENT, {"bad": 1}, {**SHIPMENT, "shipment_id": "AWB-0002"}]}


def decisions(app) -> int:
    with app.extensions["diversion_risk_services"].db.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(Decision))


def post(client, body, key, path="/v1/score", **dumps):
    """POST with the key as the server receives it (in the environ: the test client refuses a CR in a header)."""
    return client.post(path, data=json.dumps(body, **dumps), content_type="application/json",
                       environ_overrides={} if key is None else {"HTTP_IDEMPOTENCY_KEY": key})


def keyed(app, key: str):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


@pytest.fixture
def key() -> str:
    return str(uuid.uuid4())


@pytest.mark.parametrize("path, body", [("/v1/score", SHIPMENT), ("/v1/score/batch", BATCH)])
def test_a_retry_answers_the_first_response_and_records_nothing(client, app, key, path, body):
    first = post(client, body, key, path)
    assert first.status_code == 200
    recorded = decisions(app)
    assert recorded == (1 if path == "/v1/score" else 2)
    # The same JSON with other whitespace and key order is the same request.
    retry = post(client, body, key, path, indent=2, sort_keys=True)
    assert (retry.status_code, retry.get_data()) == (200, first.get_data())
    assert decisions(app) == recorded
    # Without the key, the same shipment is a new decision.
    assert post(client, body, None, path).get_data() != first.get_data() and decisions(app) == 2 * recorded


def test_a_restarted_server_still_knows_the_key(client, app, home, new_key, key):
    first = post(client, SHIPMENT, key)
    restarted = create_app(home.settings)
    retry = post(keyed(restarted, new_key()), SHIPMENT, key)
    assert retry.get_data() == first.get_data() and decisions(app) == 1


def test_the_draft_quoted_form_is_the_same_key(client, app, key):
    first = post(client, SHIPMENT, key)
    assert post(client, SHIPMENT, f'"{key}"').get_data() == first.get_data() and decisions(app) == 1


@pytest.mark.parametrize("path, body", [("/v1/score", {**SHIPMENT, "shipment_id": "AWB-9"}),
                                        ("/v1/score/batch", {"shipments": [SHIPMENT]})])
def test_the_same_key_for_another_request_is_a_422(client, app, key, path, body):
    assert post(client, SHIPMENT, key).status_code == 200
    reused = post(client, body, key, path)
    assert reused.status_code == 422 and reused.mimetype == "application/problem+json"
    assert reused.json["errors"][0]["field"] == "Idempotency-Key"
    assert decisions(app) == 1


def test_a_refused_request_claims_nothing(client, app, key):
    assert post(client, {**SHIPMENT, "destination_country": "XX"}, key).status_code == 422
    assert post(client, SHIPMENT, key).status_code == 200 and decisions(app) == 1


@pytest.mark.parametrize("value", ["k" * 256, "", " lead", "bad\x01key", "tab\tkey", "del\x7f", "cr\rkey", "caf\xe9"])
def test_a_malformed_key_is_a_400(client, app, value):
    response = post(client, SHIPMENT, value)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == "Idempotency-Key"
    assert decisions(app) == 0


def test_a_key_of_255_characters_is_taken(client, app):
    assert post(client, SHIPMENT, "k" * 255).status_code == 200


def test_tenants_have_keys_of_their_own(client, app, new_key, key):
    acme = post(client, SHIPMENT, key).json
    globex = post(keyed(app, new_key("globex")), SHIPMENT, key).json
    assert acme["decision_id"] != globex["decision_id"] and decisions(app) == 2


def test_concurrent_requests_on_two_workers_record_one_decision(home, app, new_key, key, monkeypatch):
    """Both requests find the key free, then race to record: one commits, the other gets 409."""
    workers = [app, create_app(home.settings)]
    clients = [keyed(worker, new_key()) for worker in workers]
    barrier = threading.Barrier(len(clients))
    first = IdempotencyKeys._first

    def first_then_wait(self, claim):
        found = first(self, claim)
        barrier.wait(timeout=30)
        return found

    monkeypatch.setattr(IdempotencyKeys, "_first", first_then_wait)
    responses = [None] * len(clients)

    def send(i):
        responses[i] = post(clients[i], SHIPMENT, key)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.status_code for r in responses) == [200, 409]
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict.mimetype == "application/problem+json" and decisions(app) == 1
    monkeypatch.undo()
    winner = next(r for r in responses if r.status_code == 200)
    assert post(clients[0], SHIPMENT, key).get_data() == winner.get_data()


def test_an_expired_key_is_new_again(home, key, monkeypatch):
    app = create_app(dataclasses.replace(home.settings, idempotency_ttl=60.0))
    client = keyed(app, app.extensions["diversion_risk_services"].keys.create("t", "acme", "score")[1])
    first = post(client, SHIPMENT, key).json
    later = idempotency.utcnow() + dt.timedelta(seconds=61)
    monkeypatch.setattr(idempotency, "utcnow", lambda: later)
    second = post(client, SHIPMENT, key).json
    assert second["decision_id"] != first["decision_id"] and decisions(app) == 2
    assert post(client, SHIPMENT, key).json["decision_id"] == second["decision_id"]


def test_the_database_refuses_to_change_a_claim(client, app, key):
    post(client, SHIPMENT, key)
    with pytest.raises(DatabaseError):
        with app.extensions["diversion_risk_services"].db.engine.begin() as connection:
            connection.execute(text("UPDATE idempotency_keys SET status = 500"))


def test_a_body_too_deep_to_fingerprint_is_a_400(app):
    deep: list = []
    for _ in range(5000):
        deep = [deep]
    with app.test_request_context("/v1/score", method="POST"):
        with pytest.raises(Problem) as refused:
            idempotency.fingerprint(deep)
    assert refused.value.status == 400
