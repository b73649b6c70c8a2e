"""The decision record over HTTP: stored before the response, read back per tenant, append-only."""

import hashlib
import json

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from tests.service.test_api import SHIPMENT

OTHER = {**SHIPMENT, "shipment_id": "AWB-0002", "destination_country": "DE", "transit_countries": [],
         "items": [{"hs_code": "9403.20"}], "parties": [{"role": "consignee", "name": "Möbel GmbH", "country": "DE"}]}


def test_a_decision_reads_back_with_the_same_score_and_reasons(client):
    scored = client.post("/v1/score", json=SHIPMENT).json
    stored = client.get(f"/v1/decisions/{scored['decision_id']}")
    assert stored.status_code == 200
    body = stored.json
    for field in ("decision_id", "shipment_id", "score", "band", "base", "reasons", "signals", "model_version", "lists_version"):
        assert body[field] == scored[field], field
    assert body["input"]["destination_country"] == "KZ" and body["outcome"] is None
    canonical = json.dumps(body["input"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert body["input_sha256"] == hashlib.sha256(canonical.encode()).hexdigest()


def test_a_batch_records_every_decision(client):
    body = client.post("/v1/score/batch", json={"shipments": [SHIPMENT, {"bad": 1}, OTHER]}).json
    ids = [r["result"]["decision_id"] for r in body["results"] if "result" in r]
    assert len(ids) == 2
    for decision_id in ids:
        assert client.get(f"/v1/decisions/{decision_id}").status_code == 200


def test_another_tenant_gets_404(client, app, new_key):
    decision_id = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    other = app.test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key('globex')}"
    assert other.get(f"/v1/decisions/{decision_id}").status_code == 404
    assert other.get("/v1/decisions").json["decisions"] == []
    outcome = other.post(f"/v1/decisions/{decision_id}/outcome", json={"outcome": "cleared", "source": "x"})
    assert outcome.status_code == 404 and outcome.mimetype == "application/problem+json"


def test_list_pages_and_filters(client):
    ids = [client.post("/v1/score", json={**s, "shipment_id": f"S{i}"}).json["decision_id"]
           for i, s in enumerate([SHIPMENT, OTHER, SHIPMENT])]
    first = client.get("/v1/decisions?limit=2").json
    second = client.get(f"/v1/decisions?limit=2&cursor={first['next_cursor']}").json
    assert [d["decision_id"] for d in first["decisions"] + second["decisions"]] == ids
    assert second["next_cursor"] is None
    low = client.get("/v1/decisions?band=low").json["decisions"]
    assert [d["shipment_id"] for d in low] == ["S1"]
    assert client.get("/v1/decisions?since=2999-01-01T00:00:00Z").json["decisions"] == []
    assert len(client.get("/v1/decisions?since=2000-01-01&until=2999-01-01").json["decisions"]) == 3


def test_a_shipment_scored_twice_returns_both_newest_first(client, app, new_key):
    first = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    client.post("/v1/score", json=OTHER)
    second = client.post("/v1/score", json={**SHIPMENT, "date": "2023-06-01"}).json["decision_id"]
    found = client.get("/v1/decisions?shipment_id=AWB-0001").json
    assert [d["decision_id"] for d in found["decisions"]] == [second, first] and found["next_cursor"] is None
    page = client.get("/v1/decisions?shipment_id=AWB-0001&limit=1").json
    rest = client.get(f"/v1/decisions?shipment_id=AWB-0001&limit=1&cursor={page['next_cursor']}").json
    assert [d["decision_id"] for d in page["decisions"] + rest["decisions"]] == [second, first]
    assert client.get("/v1/decisions?shipment_id=AWB-9999").json["decisions"] == []
    other = app.test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key('globex')}"
    assert other.get("/v1/decisions?shipment_id=AWB-0001").json["decisions"] == []


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("band=red", "band"), ("since=yesterday", "since"),
                                          ("cursor=zzz", "cursor"), ("colour=red", "colour"), ("shipment_id=", "shipment_id")])
def test_bad_queries_get_422_naming_the_field(client, query, field):
    response = client.get(f"/v1/decisions?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in [e["field"] for e in response.json["errors"]]


def test_outcomes_are_appended_and_the_latest_counts(client):
    decision_id = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    first = client.post(f"/v1/decisions/{decision_id}/outcome", json={"outcome": "inconclusive", "source": "case-1"})
    assert first.status_code == 201
    client.post(f"/v1/decisions/{decision_id}/outcome",
                json={"outcome": "confirmed_diversion", "source": "case-1", "note": "re-export to RU"})
    body = client.get(f"/v1/decisions/{decision_id}").json
    assert body["outcome"]["outcome"] == "confirmed_diversion" and body["outcome"]["note"] == "re-export to RU"
    assert [o["outcome"] for o in body["outcomes"]] == ["inconclusive", "confirmed_diversion"]


@pytest.mark.parametrize("body, field", [({"outcome": "guilty", "source": "x"}, "outcome"),
                                         ({"outcome": "cleared"}, "source"),
                                         ({"outcome": "cleared", "source": "x", "extra": 1}, "extra"),
                                         (["cleared"], "body")])
def test_bad_outcomes_get_422_naming_the_field(client, body, field):
    decision_id = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    response = client.post(f"/v1/decisions/{decision_id}/outcome", json=body)
    assert response.status_code == 422 and field in [e["field"] for e in response.json["errors"]]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_decisions_cannot_be_changed_over_http(client, method):
    decision_id = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    for path in (f"/v1/decisions/{decision_id}", f"/v1/decisions/{decision_id}/outcome", "/v1/decisions"):
        assert getattr(client, method)(path, json={"score": 0}).status_code == 405
    assert client.get(f"/v1/decisions/{decision_id}").json["score"] > 0


def test_the_database_refuses_changes_to_a_decision(client, app):
    client.post("/v1/score", json=SHIPMENT)
    engine = app.extensions["diversion_risk_services"].db.engine
    for statement in ("UPDATE decisions SET score = 0", "DELETE FROM decisions"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(statement))


def test_no_score_without_its_record(client, app):
    def fail(connection, cursor, statement, *args):
        if statement.startswith("INSERT"):  # writes fail; reads (the key lookup) still work
            raise OperationalError(statement, {}, Exception("server closed the connection"))

    engine = app.extensions["diversion_risk_services"].db.engine
    event.listen(engine, "before_cursor_execute", fail)
    try:
        for path, body in (("/v1/score", SHIPMENT), ("/v1/score/batch", {"shipments": [SHIPMENT]})):
            response = client.post(path, json=body)
            assert response.status_code == 503 and response.headers["Retry-After"]
            assert response.mimetype == "application/problem+json"
            assert "score" not in response.get_data(as_text=True).replace("/v1/score", "")
    finally:
        event.remove(engine, "before_cursor_execute", fail)
    assert client.get("/v1/decisions").json["decisions"] == []


def test_a_store_that_cannot_be_reached_gives_503(client, app):
    from service.db import make_engine

    services = app.extensions["diversion_risk_services"]
    services.db.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    services.db._sessions.configure(bind=services.db.engine)
    response = client.post("/v1/score", json=SHIPMENT)
    assert response.status_code == 503 and response.headers["Retry-After"] and "band" not in response.json
