"""Error messages that help a newcomer: what was expected, what was probably meant, which
shipment of a batch was refused, every field error of a body at once."""

import copy

from tests.service.test_api import SHIPMENT


def _errors(response) -> dict:
    assert response.mimetype == "application/problem+json"
    return {e["field"]: e["message"] for e in response.json["errors"]}


def test_an_alpha3_code_or_a_name_gets_a_suggestion(client):
    body = copy.deepcopy(SHIPMENT)
    body["destination_country"] = "KAZ"
    body["parties"][0]["country"] = "Germany"
    errors = _errors(client.post("/v1/score", json=body))
    assert "did you mean KZ?" in errors["destination_country"]
    assert "did you mean DE?" in errors["parties[0].country"]
    body["destination_country"] = "XQZ"
    assert "did you mean" not in _errors(client.post("/v1/score", json=body))["destination_country"]


def test_a_date_error_says_the_format(client):
    errors = _errors(client.post("/v1/score", json={**SHIPMENT, "date": "14.09.2023"}))
    assert "YYYY-MM-DD" in errors["date"]


def test_every_field_error_of_a_body_at_once(client):
    body = copy.deepcopy(SHIPMENT)
    body["date"] = "yesterday"
    body["items"][0]["hs_code"] = "85"
    for party in body["parties"]:
        party["role"] = "shipper"  # no consignee: a rule of the whole shipment, reported with the others
    errors = _errors(client.post("/v1/score", json=body))
    assert {"date", "items[0].hs_code", "parties"} <= set(errors)


def test_a_key_without_the_bearer_prefix_is_named_as_such(app, new_key):
    client = app.test_client()
    response = client.post("/v1/score", json=SHIPMENT, headers={"Authorization": new_key()})
    assert response.status_code == 401 and "`Bearer ` prefix" in response.json["detail"]
    response = client.post("/v1/score", json=SHIPMENT, headers={"Authorization": f"Token {new_key()}"})
    assert response.status_code == 401 and "`Bearer ` prefix" in response.json["detail"]


def test_a_body_over_the_limit_states_the_limit(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/v1/score", data=b"{" + b" " * limit + b"}", content_type="application/json")
    assert response.status_code == 413 and f"{limit:,} bytes" in response.json["detail"]


def test_a_refused_shipment_of_a_batch_carries_its_id(client):
    bad = {**SHIPMENT, "shipment_id": "AWB-BAD", "date": "someday"}
    results = client.post("/v1/score/batch", json={"shipments": [SHIPMENT, bad, {"x": 1}]}).json["results"]
    assert "result" in results[0]
    assert results[1]["error"]["shipment_id"] == "AWB-BAD" and results[2]["error"]["shipment_id"] is None
