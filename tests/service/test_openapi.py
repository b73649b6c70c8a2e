import re
from pathlib import Path

import pytest

from features.hs import normalize_hs

from service.openapi import build_spec, spec_yaml

CHECKED_IN = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_checked_in_openapi_matches_the_schemas():
    assert CHECKED_IN.read_text() == spec_yaml(), "openapi.yaml drifted from the schemas: run `make openapi`"


@pytest.mark.parametrize("code", ["8542.31", "8542 31 00", "8542390000", " 854231 ", "85423", "12345678901",
                                  "abc123456", "", "8542.3l"])
def test_the_spec_pattern_of_hs_codes_is_what_the_service_accepts(code):
    pattern = build_spec()["components"]["schemas"]["Item"]["properties"]["hs_code"]["pattern"]
    assert (re.match(pattern, code) is not None) == (normalize_hs(code) is not None)


def test_the_spec_names_the_form_of_countries_and_refuses_control_characters_in_text():
    shipment = build_spec()["components"]["schemas"]["Shipment"]["properties"]
    assert re.match(shipment["destination_country"]["pattern"], "kz")
    assert not re.match(shipment["destination_country"]["pattern"], "KAZ")
    assert not re.match(shipment["shipment_id"]["pattern"], "A\u0000B")


def test_docs_examples_are_real_and_try_it_out_succeeds(client):
    """Every request body example of the document is accepted as is, and the response example is
    what the default model answers for it (regenerate examples/responses/ when the model changes)."""
    from service.openapi import build_spec

    spec = build_spec()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if "example" in content and path in ("/v1/score", "/v1/score/batch"):
                response = client.open(path, method=method.upper(), json=content["example"])
                assert response.status_code == 200, (path, response.json)
    body = spec["paths"]["/v1/score"]["post"]["requestBody"]["content"]["application/json"]["example"]
    shown = spec["paths"]["/v1/score"]["post"]["responses"]["200"]["content"]["application/json"]["example"]
    answered = client.post("/v1/score", json=body).json
    assert shown["band"] == answered["band"] and abs(shown["score"] - answered["score"]) < 1e-9
    assert [r["code"] for r in shown["reasons"]] == [r["code"] for r in answered["reasons"]]
    assert set(shown) == set(answered)
