"""Input that once got a 500, a 503 or a body that is not JSON (issue 17, "500s from input" and
"Non-finite numbers"): each gets a 4xx problem+json naming the field, or a 2xx whose body is
strict JSON; nothing is recorded for a refused request, and no log line carries the shipment.

Run against SQLite, and against PostgreSQL when TEST_DATABASE_URL is set (see tests/conftest.py)."""

from __future__ import annotations

import base64
import json
import logging
import math
import re

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import DataError, OperationalError, StatementError

from service import logs
from service.keys import Caller
from service.tables import Decision, Outcome
from tests.service.test_api import SHIPMENT

CONSIGNEE = {"role": "consignee", "name": "Aspan Arba LLP", "country": "KZ", "address": "Almaty, Abay 1",
             "incorporation_date": "2022-06-01", "identifiers": [{"scheme": "bin", "value": "220640012345"}]}
# SHIPMENT with every optional string field filled in, so each can be made hostile in turn.
FULL = {**SHIPMENT, "parties": [CONSIGNEE, SHIPMENT["parties"][1]]}
STRING_FIELDS = ["shipment_id", "date", "origin_country", "destination_country", "transit_countries[0]",
                 "items[0].hs_code", "items[0].description", "items[0].currency", "parties[0].role",
                 "parties[0].name", "parties[0].country", "parties[0].address", "parties[0].incorporation_date",
                 "parties[0].identifiers[0].scheme", "parties[0].identifiers[0].value"]
NUMBER_FIELDS = ["items[0].quantity", "items[0].value"]
BIG = "1" * 5000  # past Python's 4,300-digit limit for int(str)
PLACEHOLDER = "\ue000raw\ue000"  # a private-use character: replaced by raw JSON text after dumping


def _refuse(constant: str):
    raise ValueError(f"{constant} is not JSON")


def strict(text: str):
    """Parse as RFC 8259 JSON: NaN and Infinity are refused."""
    return json.loads(text, parse_constant=_refuse)


def put(body, path: str, value):
    """A deep copy of `body` with `value` at `path` ("parties[0].identifiers[0].value")."""
    copy = json.loads(json.dumps(body))
    *parents, last = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    node = copy
    for part in parents:
        node = node[part]
    node[last] = value
    return copy


def raw(body, text: str | None = None) -> bytes:
    """`body` as JSON with ASCII escapes (a lone surrogate as `\\udfff`), PLACEHOLDER as `text`."""
    dumped = json.dumps(body)
    return (dumped.replace(json.dumps(PLACEHOLDER), text) if text else dumped).encode()


def count(app, table=Decision) -> int:
    with app.extensions["diversion_risk_services"].db.session() as session:
        return session.scalar(select(func.count()).select_from(table))


def assert_refused(app, response, status: int, field: str, table=Decision) -> dict:
    text = response.get_data(as_text=True)
    assert response.status_code == status, text[:500]
    assert response.mimetype == "application/problem+json"
    problem = strict(text)
    assert field in [e["field"] for e in problem.get("errors", [])], problem
    assert count(app, table) == 0
    return problem


def post(client, path: str, data: bytes):
    return client.post(path, data=data, content_type="application/json")


@pytest.fixture
def decision_id(client, app) -> str:
    """A decision of the client's tenant (its outcomes are what the outcome cases count)."""
    return client.post("/v1/score", json=SHIPMENT).json["decision_id"]


# 500s from input: a lone surrogate


@pytest.mark.parametrize("field", STRING_FIELDS)
def test_a_lone_surrogate_in_a_shipment_string_is_refused_naming_it(app, client, field):
    response = post(client, "/v1/score", raw(put(FULL, field, "x\udfff")))
    assert_refused(app, response, 400, field)


def test_a_lone_surrogate_in_a_key_or_a_batch_is_refused(app, client):
    assert_refused(app, post(client, "/v1/score", raw({**FULL, "\udfff": 1})), 400, "\\udfff")
    batch = {"shipments": [FULL, put(FULL, "parties[1].name", "\udfff")]}
    assert_refused(app, post(client, "/v1/score/batch", raw(batch)), 400, "shipments[1].parties[1].name")


@pytest.mark.parametrize("field", ["outcome", "source", "note"])
def test_a_lone_surrogate_in_an_outcome_is_refused(app, client, decision_id, field):
    body = put({"outcome": "cleared", "source": "case-1", "note": "n"}, field, "\udfff")
    response = post(client, f"/v1/decisions/{decision_id}/outcome", raw(body))
    assert_refused(app, response, 400, field, table=Outcome)


@pytest.mark.parametrize("param", ["since", "until", "band", "cursor", "limit"])
def test_a_surrogate_encoded_in_a_query_is_refused(app, client, param):
    # A URL carries no lone surrogate but its UTF-8 form, which is not UTF-8: werkzeug keeps it escaped.
    assert_refused(app, client.get(f"/v1/decisions?{param}=%ED%BF%BF"), 422, param)


# 500s from input: an integer of 5,000 digits


@pytest.mark.parametrize("field", NUMBER_FIELDS + ["shipment_id", "date", "parties[0].name", "surprise"])
def test_an_integer_of_5000_digits_is_refused_naming_its_field(app, client, field):
    assert_refused(app, post(client, "/v1/score", raw(put(FULL, field, PLACEHOLDER), BIG)), 422, field)


def test_an_integer_of_5000_digits_in_a_batch_outcome_or_query_is_refused(app, client, decision_id):
    batch = raw({"shipments": [put(FULL, "items[0].value", PLACEHOLDER)]}, BIG)
    response = post(client, "/v1/score/batch", batch)
    assert response.status_code == 200 and strict(response.get_data(as_text=True))["results"][0]["error"]
    assert count(app) == 1  # the fixture's decision only
    outcome = raw({"outcome": "cleared", "source": PLACEHOLDER}, BIG)
    assert_refused(app, post(client, f"/v1/decisions/{decision_id}/outcome", outcome), 422, "source", Outcome)
    assert_refused(app, client.get(f"/v1/decisions?limit={BIG}"), 422, "limit", Outcome)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
@pytest.mark.parametrize("field", NUMBER_FIELDS + ["surprise"])
def test_nan_and_infinity_are_refused_naming_their_field(app, client, literal, field):
    assert_refused(app, post(client, "/v1/score", raw(put(FULL, field, PLACEHOLDER), literal)), 422, field)


# 500s from input: times at the calendar's edges, cursors


@pytest.mark.parametrize("query", ["since=0001-01-01T00:00:00%2B14:00", "until=9999-12-31T23:59:59-12:00",
                                   "since=0001-01-01T00:00:00.000001%2B00:01"])
def test_a_time_whose_utc_falls_off_the_calendar_is_refused(app, client, query):
    problem = assert_refused(app, client.get(f"/v1/decisions?{query}"), 422, query.split("=")[0])
    assert "0001-01-01" in problem["detail"] and "9999-12-31" in problem["detail"]


@pytest.mark.parametrize("query", ["since=0001-01-01T00:00:00Z", "until=9999-12-31T23:59:59.999999%2B00:00",
                                   "since=0001-01-01T00:00:00-14:00&until=9999-12-31T23:59:59%2B14:00"])
def test_the_calendar_edges_themselves_are_answered(client, query):
    response = client.get(f"/v1/decisions?{query}")
    assert response.status_code == 200 and strict(response.get_data(as_text=True))["next_cursor"] is None


def b64(text: str) -> str:
    """A cursor's form (URL-safe base64, unpadded) of any text."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    b64("d\u00b2"),  # a digit to str.isdigit, not to int()
    b64("d" + "9" * 40),  # past a 64-bit sequence
    b64(f"d{2**63}"),  # one past the largest
    b64("d-1"),
    "A" * 65,  # longer than any cursor issued
    b64("d10") + "%0A",  # a line break after a cursor: `$` let it through
    b64("d10") + "%00",
    "%C3%A9",
], ids=["superscript-digit", "40-digits", "2^63", "negative", "oversized", "trailing-newline", "nul", "non-ascii"])
def test_a_malformed_or_oversized_cursor_is_refused(app, client, cursor):
    assert_refused(app, client.get(f"/v1/decisions?cursor={cursor}"), 422, "cursor")


# 500s from input: junk in a path id


JUNK_IDS = ["%00", "a%00b", "00000000-0000-4000-8000-00000000000%00", "x" * 5000, "%E2%80%AE%F0%9F%98%80", "%ED%BF%BF",
            "a%2F"]


@pytest.mark.parametrize("junk", JUNK_IDS, ids=["nul", "inner-nul", "uuid-nul", "5000-chars", "bidi-emoji", "surrogate",
                                                "slash"])
def test_junk_in_a_path_id_is_not_found(app, client, junk):
    for response in (client.get(f"/v1/decisions/{junk}"),
                     client.post(f"/v1/decisions/{junk}/outcome", json={"outcome": "cleared", "source": "x"})):
        assert response.status_code == 404 and response.mimetype == "application/problem+json"
        assert "\x00" not in strict(response.get_data(as_text=True))["detail"]
    assert count(app, Outcome) == 0


# Patterns, numbers as strings, impossible dates


@pytest.mark.parametrize("field, value", [("items[0].currency", "USD\n"), ("items[0].hs_code", "854231\x00")])
def test_a_pattern_matches_the_whole_string(app, client, field, value):
    assert_refused(app, post(client, "/v1/score", raw(put(FULL, field, value))), 422, field)


@pytest.mark.parametrize("field", NUMBER_FIELDS)
@pytest.mark.parametrize("value", ["12", "1e3", True])
def test_a_number_given_as_a_string_is_refused(app, client, field, value):
    assert_refused(app, post(client, "/v1/score", raw(put(FULL, field, value))), 422, field)


@pytest.mark.parametrize("date", ["0001-01-01", "1599-12-31", "9999-12-31"])
def test_an_impossible_incorporation_date_is_refused_stating_the_range(app, client, date):
    response = post(client, "/v1/score", raw(put(FULL, "parties[0].incorporation_date", date)))
    problem = assert_refused(app, response, 422, "parties[0].incorporation_date")
    assert "1600-01-01" in problem["detail"]


# Non-finite numbers


@pytest.mark.parametrize("field", NUMBER_FIELDS)
@pytest.mark.parametrize("value", [1e308, 1e15 * 1.0000001, 5e-324, 1e-7],
                         ids=["1e308", "over-1e15", "subnormal", "1e-7"])
def test_amounts_past_the_bounds_are_refused(app, client, field, value):
    item = put(FULL["items"][0], field.split(".")[1], value)
    problem = assert_refused(app, post(client, "/v1/score", raw({**FULL, "items": [item, item]})), 422, field)
    assert "1e+15" in problem["detail"] and "1e-06" in problem["detail"]


def test_the_largest_and_smallest_amounts_give_finite_json_and_a_finite_record(client):
    items = [{"hs_code": "8542.31", "value": 1e15, "quantity": 1e-6}] * 499 \
        + [{"hs_code": "9403.20", "value": 1e-6, "quantity": 1e15}]
    response = post(client, "/v1/score", raw({**FULL, "items": items}))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = strict(response.get_data(as_text=True))
    assert 0 <= body["score"] <= 1 and body["signals"]["chpl_value_share"]["value"] == pytest.approx(1)
    stored = client.get(f"/v1/decisions/{body['decision_id']}")
    assert strict(stored.get_data(as_text=True))["signals"] == body["signals"]
    assert strict(client.get("/v1/decisions").get_data(as_text=True))["decisions"]


def test_the_json_provider_writes_no_nan_or_infinity(app):
    for number in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError):
            app.json.dumps({"score": number})


def test_the_decision_store_writes_no_nan_or_infinity(app, client):
    from tests.conftest import make_shipment

    body = client.post("/v1/score", json=SHIPMENT).json
    decisions = app.extensions["diversion_risk_services"].decisions
    for poisoned in ({**body, "score": math.nan}, {**body, "signals": {"chpl_tier": {"value": math.inf}}}):
        with pytest.raises(ValueError, match="JSON"):
            decisions.record(Caller("k", "acme", frozenset({"score"})), [(make_shipment(), poisoned)])
    assert count(app) == 1


# A client's bad data is not an outage; no log line carries the shipment


NAME = "Confidential Buyer Ltd"
SECRET = {**SHIPMENT, "shipment_id": "AWB-SECRET-77", "parties": [{"role": "consignee", "name": NAME, "country": "KZ"}]}


def logged(caplog) -> str:
    formatter = logs.JsonFormatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def fail_inserts(app, error):
    """Make every INSERT raise `error(statement, parameters)`; returns the remover."""
    def fail(connection, cursor, statement, parameters, *args):
        if statement.startswith("INSERT"):
            raise error(statement, parameters)

    engine = app.extensions["diversion_risk_services"].db.engine
    event.listen(engine, "before_cursor_execute", fail)
    return lambda: event.remove(engine, "before_cursor_execute", fail)


@pytest.mark.parametrize("error, status", [
    (lambda s, p: DataError(s, p, Exception(f"value too long for type: {NAME}")), 422),
    (lambda s, p: StatementError(f"cannot bind {NAME}", s, p, ValueError(f"Out of range: {NAME}")), 422),
    (lambda s, p: OperationalError(s, p, Exception("server closed the connection")), 503),
], ids=["data-error", "unbindable-value", "outage"])
def test_bad_data_is_no_outage_and_the_log_keeps_the_shipment_out(app, client, caplog, error, status):
    remove = fail_inserts(app, error)
    try:
        with caplog.at_level(logging.INFO):
            response = client.post("/v1/score", json=SECRET)
    finally:
        remove()
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert ("Retry-After" in response.headers) == (status == 503)
    text = logged(caplog)
    assert "decision store" in text and NAME not in text and "AWB-SECRET-77" not in text
    assert NAME not in response.get_data(as_text=True)
    assert count(app) == 0


def test_an_unexpected_error_log_keeps_the_shipment_out(app, client, caplog, monkeypatch):
    def boom(shipment, *args):
        raise ValueError(f"cannot score {shipment.parties[0].name}")

    monkeypatch.setattr("service.routes.score.result", boom)
    with caplog.at_level(logging.INFO):
        response = client.post("/v1/score", json=SECRET)
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    text = logged(caplog)
    assert "ValueError" in text and "boom" in text and NAME not in text
    assert count(app) == 0
