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
