from pathlib import Path

from service.openapi import spec_yaml

CHECKED_IN = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_checked_in_openapi_matches_the_schemas():
    assert CHECKED_IN.read_text() == spec_yaml(), "openapi.yaml drifted from the schemas: run `make openapi`"
