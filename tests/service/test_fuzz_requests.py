"""Property-based fuzzing (hypothesis) of the request loader and of the decision query's parsers.

test_fuzz_api.py generates requests from openapi.yaml; this one generates what a spec does not
describe: any JSON value, hostile ones weighted in (lone surrogates, control characters, integers
of thousands of digits, numbers past a double's range, NaN and Infinity literals, nesting close to
the parser's limit), in every field of a shipment, a batch and an outcome, and any text in the
cursor, since, until, band and limit of GET /v1/decisions.

The property: a 4xx problem+json or a 2xx whose body is strict JSON (no NaN or Infinity), nothing
else, and nothing recorded for a refused request. Derandomised (CI runs the same cases every
time) and bounded by EXAMPLES and DEADLINE: the whole module runs in well under a minute once the
session's trained home exists.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from copy import deepcopy
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from service.app import create_app
from service.decisions import MAX_SEQ, decode_cursor, encode_cursor
from service.tables import Decision, Outcome
from tests.conftest import empty_store, private_home
from tests.service.test_hostile_input import FULL, strict

EXAMPLES = 300  # per test
DEADLINE = dt.timedelta(seconds=5)  # per request: a stall is a failure too
FUZZ = settings(max_examples=EXAMPLES, deadline=DEADLINE, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


class Raw(str):
    """JSON text put into a body as is: what json.dumps cannot write (an integer of 5,000 digits)
    or will not (`1e400`), and nesting deeper than its recursion allows."""


def render(value) -> str:
    """A body as ASCII JSON text (a lone surrogate as `\\udfff`, a float NaN as `NaN`), Raw as is."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(render(v) for v in value) + "]"
    return json.dumps(value)


NUMBER_TEXTS = ["1" * 5000, "-" + "9" * 4301, "1" * 4300, "1e400", "-1e400", "1e-400", "5e-324", "-0",
                "1.7976931348623157e308", "1e15", "1000000000000001", "1e-6", "9.99e-7", "NaN", "Infinity", "-Infinity"]
HOSTILE_TEXTS = ["", " ", "\x00", "\n", "USD\n", "KZ\n", "8542.31\n", "\udfff", "\ud800x", "\u202e\u2066",
                 "\ufeff", "=cmd|' /C calc'!A0", "x" * 301, "2023-05-02\n", "0001-01-01", "9999-12-31",
                 "2023-05-02T00:00:00+14:00", "consignee", "bin", "NaN"]

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(st.characters(exclude_categories=()), max_size=40),  # surrogates and control characters included
    st.text(st.characters(codec="ascii"), max_size=12),
)
numbers = st.one_of(
    st.integers(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(),  # NaN and the infinities too, written as NaN/Infinity
    st.sampled_from(NUMBER_TEXTS).map(Raw),
)
deep = st.integers(1, 2000).flatmap(lambda depth: st.sampled_from([
    Raw("[" * depth + "]" * depth), Raw('{"a":' * depth + "1" + "}" * depth)]))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.one_of(
    st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                 max_leaves=10),
    deep,
)


def fields(value, path: str = "") -> list[tuple[str, object]]:
    """Every field of `value` and its value, containers included: "items", "items[0]", "items[0].hs_code"..."""
    if isinstance(value, dict):
        children = [(f"{path}.{k}" if path else k, v) for k, v in value.items()]
    elif isinstance(value, list):
        children = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    else:
        children = []
    return [pair for child in children for pair in [child, *fields(child[1], child[0])]]


def change(body, kind: str, path: str, value):
    """Set, drop or add (value: (key, value)) the field at `path`, if an earlier change left it."""
    if kind == "add":
        path, value = (f"{path}.{value[0]}" if path else value[0]), value[1]
    *parents, last = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)] or [""]
    node = body
    try:
        for part in parents:
            node = node[part]
        if kind == "drop":
            del node[last]
        else:
            node[last] = value
    except (KeyError, IndexError, TypeError):
        pass  # an earlier change removed or replaced what this one names


def mutated(body: dict) -> st.SearchStrategy:
    """`body` with one to three fields replaced by any value, dropped, or joined by unknown ones."""
    paths = [path for path, _ in fields(body)]
    objects = [""] + [path for path, value in fields(body) if isinstance(value, dict)]

    def apply(changes) -> dict:
        copy = deepcopy(body)
        for kind, path, value in changes:
            change(copy, kind, path, value)
        return copy

    one = st.one_of(
        st.tuples(st.just("set"), st.sampled_from(paths), values),
        st.tuples(st.just("drop"), st.sampled_from(paths), st.none()),
        st.tuples(st.just("add"), st.sampled_from(objects), st.tuples(texts, values)),
    )
    return st.lists(one, min_size=1, max_size=3).map(apply)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory, trained_home, database_url):
    """One app for the module, the rate limit out of the way, batches of at most 3, a test client
    with a score+read key, and three decisions to page through and add outcomes to."""
    home = private_home(tmp_path_factory.mktemp("fuzz-requests") / "home", trained_home, database_url,
                        rate_limit="1000000/minute", max_batch=3)
    app = create_app(home.settings)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = \
        f"Bearer {app.extensions['diversion_risk_services'].keys.create('fuzz', 'acme', 'score,read')[1]}"
    ids = [client.post("/v1/score", json={**FULL, "shipment_id": f"F{i}"}).json["decision_id"] for i in range(3)]
    yield app, client, ids
    empty_store(database_url)


def counts(app) -> tuple[int, int]:
    with app.extensions["diversion_risk_services"].db.session() as session:
        return (session.scalar(select(func.count()).select_from(Decision)),
                session.scalar(select(func.count()).select_from(Outcome)))


def answered(response) -> dict:
    """The body of a 4xx problem+json or a 2xx application/json, parsed strictly; anything else fails."""
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    text = response.get_data(as_text=True)
    if 400 <= response.status_code < 500:
        assert response.mimetype == "application/problem+json", (response.status_code, text[:300])
        problem = strict(text)
        assert problem["status"] == response.status_code and problem["title"], problem
        return problem
    assert 200 <= response.status_code < 300, (response.status_code, text[:300])
    assert response.mimetype == "application/json", response.mimetype
    return strict(text)


def url_encoded(text: str) -> str:
    """Percent-encoded UTF-8; a lone surrogate as the bytes UTF-8 would give it (which are not UTF-8)."""
    return quote(text.encode("utf-8", "surrogatepass"), safe="")


def post(client, path: str, body):
    return client.post(path, data=render(body).encode(), content_type="application/json")


@FUZZ
@given(body=st.one_of(mutated(FULL), values))
def test_score_answers_a_problem_or_strict_json_and_records_only_what_it_scores(fuzzed, body):
    app, client, _ = fuzzed
    before = counts(app)
    response = post(client, "/v1/score", body)
    answered(response)
    assert counts(app) == (before[0] + (response.status_code == 200), before[1])


@FUZZ
@given(body=st.one_of(
    st.lists(st.one_of(mutated(FULL), values), min_size=1, max_size=3).map(lambda shipments: {"shipments": shipments}),
    mutated({"shipments": [FULL]}),
))
def test_a_batch_answers_a_problem_or_strict_json_and_records_only_what_it_scores(fuzzed, body):
    app, client, _ = fuzzed
    before = counts(app)
    response = post(client, "/v1/score/batch", body)
    answer = answered(response)
    scored = sum("result" in r for r in answer["results"]) if response.status_code == 200 else 0
    for entry in answer.get("results", []):
        assert "result" in entry or 400 <= entry["error"]["status"] < 500, entry
    assert counts(app) == (before[0] + scored, before[1])


OUTCOME = {"outcome": "inconclusive", "source": "case-1", "note": "n"}


@FUZZ
@given(body=st.one_of(mutated(OUTCOME), values), junk_id=st.one_of(st.none(), texts))
def test_an_outcome_answers_a_problem_or_strict_json_and_records_only_what_it_takes(fuzzed, body, junk_id):
    app, client, ids = fuzzed
    decision_id = ids[0] if junk_id is None else url_encoded(junk_id)
    before = counts(app)
    response = post(client, f"/v1/decisions/{decision_id}/outcome", body)
    answered(response)
    assert counts(app) == (before[0], before[1] + (response.status_code == 201))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


offsets = st.integers(-1439, 1439).map(lambda minutes: dt.timezone(dt.timedelta(minutes=minutes)))
times = st.one_of(
    st.builds(lambda when, zone: when.replace(tzinfo=zone).isoformat(), st.datetimes(), st.none() | offsets),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "0001-01-01",
                     "9999-12-31T23:59:59.999999Z",
                     "2023-05-02T00:00:00Z\n", "2023-W18-2", "20230502T000000+0000"]),
)
cursors = st.one_of(
    st.integers(-(2**70), 2**70).map(lambda n: b64(f"d{n}".encode())),
    st.binary(max_size=60).map(b64),
    st.text(st.characters(exclude_categories=()), max_size=20).map(lambda t: b64(t.encode("utf-8", "surrogatepass"))),
)
PARAMETERS = ["since", "until", "band", "limit", "cursor"]
parameter_values = st.one_of(times, cursors, texts, st.integers().map(str), st.sampled_from(["low", "high"]))
# Each parameter may be there; now and then unknown ones too (they are refused before the others are used).
queries = st.builds(lambda known, unknown: {**unknown, **known},
                    st.fixed_dictionaries({}, optional=dict.fromkeys(PARAMETERS, parameter_values)),
                    st.one_of(st.just({}), st.just({}), st.just({}),
                              st.dictionaries(texts, parameter_values, max_size=2)))


def query_string(query: dict) -> str:
    return "&".join(f"{url_encoded(k)}={url_encoded(v)}" for k, v in query.items())


@FUZZ
@given(query=queries)
def test_the_decision_query_answers_a_page_or_a_problem_naming_the_parameter(fuzzed, query):
    app, client, _ = fuzzed
    before = counts(app)
    response = client.get(f"/v1/decisions?{query_string(query)}")
    answer = answered(response)
    if response.status_code == 200:
        assert isinstance(answer["decisions"], list) and "next_cursor" in answer
    else:
        assert response.status_code == 422 and answer["errors"], answer
    assert counts(app) == before


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(cursor=st.one_of(cursors, st.text(max_size=70)))
def test_a_cursor_decodes_to_a_stored_position_or_to_nothing(cursor):
    seq = decode_cursor(cursor)
    assert seq is None or (0 <= seq <= MAX_SEQ and decode_cursor(encode_cursor(seq)) == seq)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(seq=st.integers(0, MAX_SEQ))
def test_every_position_has_a_cursor_of_the_documented_form(seq):
    cursor = encode_cursor(seq)
    assert len(cursor) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]*", cursor) and decode_cursor(cursor) == seq
