"""The wire contract v1 over HTTP (Flask's test client against a prepared home)."""

import json
import math

import pytest

from service.app import create_app

SHIPMENT = {
    "shipment_id": "AWB-0001",
    "date": "2023-05-02",
    "origin_country": "CN",
    "destination_country": "KZ",
    "transit_countries": ["AE"],
    "items": [{"hs_code": "8542.31", "description": "microcontrollers", "quantity": 100, "value": 25000.0, "currency": "USD"}],
    "parties": [
        {"role": "consignee", "name": "Aspan Arba LLP", "country": "KZ"},
        {"role": "shipper", "name": "Shenzhen Parts Co", "country": "CN"},
    ],
}


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_scores_a_linked_consignee_with_reasons(client):
    response = post(client, "/v1/score", SHIPMENT)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["shipment_id"] == "AWB-0001" and 0 <= body["score"] <= 1
    codes = [r["code"] for r in body["reasons"]]
    assert {"DUAL_USE_HS", "EAEU_DESTINATION", "LINKED_SANCTIONED_PARTY", "YOUNG_CONSIGNEE"} <= set(codes)
    contributions = [r["contribution"] for r in body["reasons"]]
    assert contributions == sorted(contributions, reverse=True)
    linked = next(r for r in body["reasons"] if r["code"] == "LINKED_SANCTIONED_PARTY")
    step = linked["evidence"]["sanctioned_proximity"]["parties"][0]["path"][0]
    assert step["link"] == "SharedAddress" and step["entity_id"] == "t-ru-nm"
    route = next(r for r in body["reasons"] if r["code"] == "TRANSSHIPMENT_ROUTE")
    assert route["red_flags"][0]["id"] == "J22-01" and "transshipment" in route["red_flags"][0]["text"]
    dual_use = next(r for r in body["reasons"] if r["code"] == "DUAL_USE_HS")
    assert dual_use["evidence"]["chpl_tier"]["tier_definition"].startswith("Items of the highest concern")
    assert body["band"] in ("medium", "high")


def test_contributions_sum_to_the_score(client):
    body = post(client, "/v1/score", SHIPMENT).json
    logit = math.log(body["score"] / (1 - body["score"]))
    assert body["base"] + sum(s["contribution"] for s in body["signals"].values()) == pytest.approx(logit, abs=1e-6)
    by_code = sum(r["contribution"] for r in body["reasons"])
    assert by_code <= sum(max(s["contribution"], 0) for s in body["signals"].values()) + 1e-9


def test_a_sanctioned_consignee_forces_band_high(client):
    shipment = {**SHIPMENT, "destination_country": "DE", "transit_countries": [],
                "items": [{"hs_code": "9403.20"}],
                "parties": [{"role": "consignee", "name": "ООО «Небесная механика»", "country": "RU"}]}
    body = post(client, "/v1/score", shipment).json
    assert body["band"] == "high"
    assert body["reasons"][0]["code"] == "SANCTIONED_PARTY"
    assert "band set to high" in body["reasons"][0]["message"]


def test_identifier_resolves_whatever_the_spelling(client):
    shipment = {**SHIPMENT, "parties": [{"role": "consignee", "name": "Completely Different Name",
                                         "identifiers": [{"scheme": "inn", "value": "5001007329"}]}]}
    body = post(client, "/v1/score", shipment).json
    assert body["signals"]["sanctioned_match"]["evidence"]["parties"][0]["matched_by"] == "identifier"


def test_batch_keeps_order_and_isolates_errors(client):
    bad = {**SHIPMENT, "items": [{"hs_code": "ABC"}]}
    body = post(client, "/v1/score/batch", {"shipments": [SHIPMENT, bad, {**SHIPMENT, "shipment_id": "B"}]}).json
    assert [r["index"] for r in body["results"]] == [0, 1, 2]
    assert body["results"][0]["result"]["shipment_id"] == "AWB-0001"
    assert body["results"][1]["error"]["errors"][0]["field"] == "items[0].hs_code"
    assert body["results"][2]["result"]["shipment_id"] == "B"


def test_meta_endpoints(client):
    ready = client.get("/readyz").json
    assert ready["status"] == "ready" and ready["lists_version"] and ready["model_version"]
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/v1/model").json["card"]["training_data"]["kind"] == "simulated"
    lists = client.get("/v1/lists").json
    assert lists["counts"]["sanctioned"] > 30000 and lists["lists_as_of"] == "2022-04-21"
    assert {s["name"]: s["format"] for s in lists["sources"]} == {
        "network": "ftm", "ofac": "ofac-sdn", "uk-fcdo": "uk-fcdo", "un": "un-sc", "us-csl": "us-csl"}
    assert client.get("/docs/").status_code == 200
    assert client.get("/openapi.yaml").data.startswith(b"paths:") or b"openapi: 3.1.0" in client.get("/openapi.yaml").data


def test_security_headers_and_no_stack_traces(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_not_ready_without_a_model(tmp_path, home):
    from dataclasses import replace

    app = create_app(replace(home.settings, home=tmp_path))
    key = app.extensions["diversion_risk_services"].keys.create("test", "acme", "score")[1]
    client = app.test_client()
    assert client.get("/readyz").status_code == 503
    response = client.post("/v1/score", json=SHIPMENT, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 503 and response.headers["Retry-After"]
