"""The examples/ shipments give what examples/README.md says they give."""

import json

import pytest

from tests.conftest import EXAMPLES


def score(client, name):
    body = (EXAMPLES / f"{name}.json").read_text()
    path = "/v1/score/batch" if name in ("batch", "consignee-history") else "/v1/score"
    response = client.post(path, data=body, content_type="application/json")
    assert response.status_code == 200, response.json
    return response.json


@pytest.mark.parametrize("name, band, codes", [
    ("chips-to-kazakhstan", None, {"DUAL_USE_HS", "YOUNG_CONSIGNEE", "TRANSSHIPMENT_ROUTE", "EAEU_DESTINATION"}),
    ("chips-to-russia", "high", {"EMBARGOED_DESTINATION", "DUAL_USE_HS", "YOUNG_CONSIGNEE"}),
    ("invalid-identifier", None, {"INVALID_IDENTIFIER", "TRADING_CONSIGNEE", "UNDATED_CONSIGNEE"}),
    ("sanctioned-consignee", "high", {"SANCTIONED_PARTY"}),
    ("furniture-to-germany", "low", set()),
    ("linked-consignee", None, {"LINKED_SANCTIONED_PARTY"}),
    ("designated-since-2022", "high", {"SANCTIONED_PARTY"}),
])
def test_examples(client, name, band, codes):
    body = score(client, name)
    assert band is None or body["band"] == band
    assert codes <= {r["code"] for r in body["reasons"]}
    if not codes:
        assert body["reasons"] == []


def test_chips_to_kazakhstan_are_at_least_medium(client):
    assert score(client, "chips-to-kazakhstan")["band"] in ("medium", "high")


def test_an_invalid_bin_is_shown_and_dates_nothing(client):
    body = score(client, "invalid-identifier")
    invalid = body["signals"]["invalid_identifiers"]
    assert invalid["value"] == 1 and invalid["evidence"]["identifiers"][0]["problem"] == "wrong check digit"
    assert body["signals"]["consignee_age_days"]["value"] is None


def test_the_consignee_history_example(client):
    """A steel importer's year in the record, a first big order of chips, then chips at a fraction of
    their price and drones from a fourth shipper on a new route."""
    results = score(client, "consignee-history")["results"]
    first_seen = results[50]["result"]  # a chip importer seen for the first time, the record 50 decisions thick
    assert first_seen["signals"]["consignee_seen"]["value"] == 0
    assert "NEW_CONSIGNEE" in {r["code"] for r in first_seen["reasons"]}
    last = results[-1]["result"]
    codes = {r["code"] for r in last["reasons"]}
    assert {"UNUSUAL_GOODS", "UNUSUAL_UNIT_VALUE", "UAV_ITEM", "DUAL_USE_HS", "CHPL_SURGE", "NEW_ROUTE", "MANY_SHIPPERS"} <= codes
    signals = last["signals"]
    assert signals["consignee_seen"]["value"] == 14 and signals["new_route"]["value"] == 1
    assert signals["chpl_value_surge"]["value"] > 5 and signals["distinct_shippers"]["value"] == 4
    assert last["band"] == "high"


def test_sanctioned_example_names_the_designation(client):
    reason = score(client, "sanctioned-consignee")["reasons"][0]
    assert reason["code"] == "SANCTIONED_PARTY" and "mostotrest" in reason["message"].casefold()


def test_a_designation_since_2022_is_known_with_its_date(client):
    body = score(client, "designated-since-2022")
    assert "RUSSIA-EO14024" in body["reasons"][0]["message"] + str(body["reasons"][0]["evidence"])
    assert body["lists_as_of"] == "2022-04-21"  # the bundled CSL is the oldest source


def test_young_consignee_is_dated_by_its_bin(client):
    body = score(client, "chips-to-kazakhstan")
    assert body["signals"]["consignee_age_days"]["evidence"]["source"] == "bin:230440000010"


def test_batch_example(client):
    results = score(client, "batch")["results"]
    assert ["result" in r for r in results] == [True, True, False, True]
    assert results[2]["error"]["errors"][0]["field"] == "items[0].hs_code"
    assert json.loads((EXAMPLES / "batch.json").read_text())["shipments"][0]["shipment_id"] == results[0]["result"]["shipment_id"]
