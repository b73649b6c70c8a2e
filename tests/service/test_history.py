"""The consignees' histories in the store: read by each score, added to in the decision's own
transaction, per tenant, and rebuilt from the record to the same tallies."""

import copy

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from features.history import MIN_TENANT_DECISIONS
from service.tables import HistoryTally
from tests.service.test_api import SHIPMENT
from tests.service.test_cli import last_figures


def _shipment(i: int, consignee: str, date: str = "2023-05-02", hs_code: str = "9403.20", origin: str = "CN") -> dict:
    body = copy.deepcopy(SHIPMENT)
    body.update(shipment_id=f"H-{i}", date=date, origin_country=origin)
    body["items"] = [{"hs_code": hs_code, "quantity": 10, "value": 5000.0, "currency": "USD"}]
    for party in body["parties"]:
        if party["role"] == "consignee":
            party.update(name=consignee, identifiers=[])
    return body


def _record(client, count=MIN_TENANT_DECISIONS):
    """A record of `count` decisions, each for a different furniture buyer."""
    batch = {"shipments": [_shipment(i, f"Furniture Buyer {i} GmbH") for i in range(count)]}
    assert client.post("/v1/score/batch", json=batch).status_code == 200


def _signals(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return response.get_json()["signals"]


def _tallies(app, tenant="acme") -> dict:
    with app.extensions["diversion_risk_services"].db.engine.connect() as connection:
        rows = connection.execute(select(HistoryTally).where(HistoryTally.tenant == tenant)).all()
    return {r.key: (r.n, round(r.total, 6), r.first_date, r.last_date) for r in rows}


def test_a_fresh_record_has_no_history(client):
    signals = _signals(client.post("/v1/score", json=_shipment(1, "Steppe Steel LLP")))
    assert signals["consignee_seen"]["value"] is None and signals["new_route"]["value"] is None


def test_a_consignee_first_seen_then_known_with_its_usual_goods(client):
    _record(client)
    first = _signals(client.post("/v1/score", json=_shipment(1, "Steppe Steel LLP", hs_code="7208.51")))
    assert first["consignee_seen"]["value"] == 0
    for i, date in enumerate(("2023-06-01", "2023-07-01", "2023-08-01")):
        client.post("/v1/score", json=_shipment(10 + i, "STEPPE STEEL LLP", date, hs_code="7208.51"))
    drones = _signals(client.post("/v1/score", json=_shipment(20, "Steppe Steel", "2023-09-01", hs_code="8806.22",
                                                              origin="TW")))
    assert drones["consignee_seen"]["value"] == 4
    assert drones["new_goods_chapter"]["value"] == 2 and drones["new_goods_chapter"]["evidence"]["new_chapters"] == ["88"]
    assert drones["new_route"]["value"] == 1 and drones["new_route"]["evidence"]["route"] == "TW>AE>KZ"


def test_a_batch_sees_its_own_earlier_shipments(client):
    _record(client)
    batch = {"shipments": [_shipment(1, "Steppe Steel LLP"), _shipment(2, "Steppe Steel LLP")]}
    results = client.post("/v1/score/batch", json=batch).get_json()["results"]
    assert [r["result"]["signals"]["consignee_seen"]["value"] for r in results] == [0, 1]


def test_histories_are_per_tenant(client, app, new_key):
    _record(client)
    client.post("/v1/score", json=_shipment(1, "Steppe Steel LLP"))
    other = app.test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key('globex')}"
    assert _signals(other.post("/v1/score", json=_shipment(1, "Steppe Steel LLP")))["consignee_seen"]["value"] is None
    assert _tallies(app, "globex")["tenant||"][0] == 1


def test_a_decision_that_cannot_be_stored_adds_nothing(client, app):
    _record(client)
    before = _tallies(app)

    def refuse(connection, cursor, statement, *args):
        if statement.startswith("INSERT INTO decisions"):  # after the tallies' upsert, in its transaction
            raise OperationalError(statement, {}, Exception("disk full"))

    engine = app.extensions["diversion_risk_services"].db.engine
    event.listen(engine, "before_cursor_execute", refuse)
    try:
        response = client.post("/v1/score", json=_shipment(1, "Steppe Steel LLP"))
    finally:
        event.remove(engine, "before_cursor_execute", refuse)
    assert response.status_code == 503 and "traceback" not in response.get_data(as_text=True).lower()
    assert _tallies(app) == before


def test_rebuild_recounts_the_same_tallies(client, app, run):
    _record(client, 60)
    for i in range(5):
        client.post("/v1/score", json=_shipment(100 + i, "Steppe Steel LLP", f"2023-0{i + 1}-10",
                                                hs_code="8542.31", origin=("CN", "TW")[i % 2]))
    before = _tallies(app)
    result = run("history", "rebuild")
    assert result.exit_code == 0, result.output
    assert last_figures(result.output) == {"tenants": "1", "decisions": "65", "tallies": str(len(before))}
    assert _tallies(app) == before


@pytest.mark.parametrize("path", ["/v1/score", "/v1/score/batch"])
def test_both_paths_add_to_the_tallies(client, app, path):
    body = _shipment(1, "Steppe Steel LLP")
    client.post(path, json=body if path == "/v1/score" else {"shipments": [body]})
    assert _tallies(app)["tenant||"][0] == 1
