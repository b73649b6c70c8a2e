"""Property-based testing of the whole API against openapi.yaml (schemathesis, in-process WSGI).

For every operation, generated requests, valid (positive) and invalid (negative), must never get
a 5xx, every response must conform to the spec (status code, content type, headers, body schema)
and invalid requests must be refused. Seeded and bounded so the suite stays fast and deterministic.

One check is left out: `positive_data_acceptance` (a schema-valid request must get 2xx). The spec
gives each field's form, but some rules are not JSON Schema: a country code must be assigned
(not just two letters), exactly one party is the consignee, the date lies in a window that moves
with today, a name has a letter or digit, a cursor is one the service issued. Such requests get a
422 naming the field, which the other checks hold to the spec.
"""

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import create_app
from tests.conftest import empty_store, private_home

SPEC = schemathesis.openapi.from_path(Path(__file__).resolve().parents[2] / "openapi.yaml")
OPERATIONS = [result.ok() for result in SPEC.get_all_operations()]
# Invalid requests exist only for operations that take input.
CASES = [(op, mode) for op in OPERATIONS for mode in GenerationMode
         if mode == GenerationMode.POSITIVE or op.body or any(True for _ in op.iter_parameters())]
EXAMPLES = 20  # per operation and mode


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, trained_home, database_url):
    """One app for the module (loading a snapshot per test would dominate) that SPEC's requests go
    to, with the rate limit out of the way and small batches (generating big ones is slow and
    tells nothing more), and the headers of a score+read key."""
    home = private_home(tmp_path_factory.mktemp("fuzz") / "home", trained_home, database_url,
                        rate_limit="1000000/minute", max_batch=3)
    SPEC.app = create_app(home.settings)
    key = SPEC.app.extensions["diversion_risk_services"].keys.create("fuzz", "acme", "score,read")[1]
    yield {"Authorization": f"Bearer {key}"}
    SPEC.app = None
    empty_store(database_url)


@pytest.mark.parametrize("operation, mode", CASES, ids=lambda v: str(getattr(v, "label", v)))
def test_every_operation_conforms_to_the_spec(fuzzed, operation, mode):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(app=SPEC.app, base_url="http://localhost", headers=fuzzed,
                               excluded_checks=[positive_data_acceptance])

    check()
