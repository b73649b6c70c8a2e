"""The alerts API: the tenant's alerts, paged and filtered, and reviews that clear or confirm a match."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from click.testing import CliRunner

from service.alerts import add_alerts
from service.cli import main
from service.clearances import active_clearances
from service.tables import Clearance
from sqlalchemy import select

SHIPMENT = {"shipment_id": "S-1", "date": "2026-09-14", "destination_country": "KZ",
            "items": [{"hs_code": "8542.31"}], "parties": [{"role": "consignee", "name": "Aspan Arba LLP", "country": "KZ"}]}


@pytest.fixture
def raised(app, client):
    """Three alerts of tenant acme on one decision, a day apart, and one of tenant other."""
    services = app.extensions["diversion_risk_services"]
    decision = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    base = dt.datetime(2026, 10, 1)
    rows = [dict(id=str(uuid.uuid4()), created_at=base + dt.timedelta(days=i), tenant=tenant, decision_id=decision,
                 shipment_id="S-1", role="consignee", party={"name": "Aspan Arba LLP", "country": "KZ", "identifiers": []},
                 party_key=f"p{i}", entity_id=f"e{i}", reason="LINKED_SANCTIONED_PARTY", entry={"name": f"E {i}"},
                 path=[{"link": "SharedAddress"}], lists_before="a", lists_after="b")
            for i, tenant in enumerate(["acme", "acme", "acme", "other"])]
    with services.db.engine.begin() as connection:
        assert add_alerts(connection, rows) == 4
        assert add_alerts(connection, rows) == 0  # raised once
    return [r["id"] for r in rows]


def keyed(app, new_key, scopes: str, tenant: str = "acme"):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {new_key(tenant, scopes)}"
    return client


def test_alerts_are_paged_and_filtered_for_the_tenant(client, raised):
    first = client.get("/v1/alerts?limit=2").json
    assert [a["id"] for a in first["alerts"]] == raised[:2] and first["next_cursor"]
    second = client.get(f"/v1/alerts?limit=2&cursor={first['next_cursor']}").json
    assert [a["id"] for a in second["alerts"]] == raised[2:3] and second["next_cursor"] is None
    window = client.get("/v1/alerts?since=2026-10-02T00:00:00Z&until=2026-10-03T00:00:00Z").json["alerts"]
    assert [a["id"] for a in window] == raised[1:2]
    alert = client.get(f"/v1/alerts/{raised[0]}").json
    assert alert["status"] == "open" and alert["party"]["role"] == "consignee" and alert["reviews"] == []
    assert client.get(f"/v1/alerts/{raised[3]}").status_code == 404  # another tenant's
    assert client.get("/v1/alerts/not-a-uuid").status_code == 404


def test_a_review_needs_its_scope_and_the_latest_wins(app, new_key, client, raised):
    body = {"status": "cleared", "note": "a namesake"}
    assert client.post(f"/v1/alerts/{raised[0]}/review", json=body).status_code == 403  # score,read
    reviewer = keyed(app, new_key, "read,review")
    cleared = reviewer.post(f"/v1/alerts/{raised[0]}/review", json=body)
    assert cleared.status_code == 201 and cleared.json["status"] == "cleared"
    confirmed = keyed(app, new_key, "admin").post(f"/v1/alerts/{raised[0]}/review", json={"status": "confirmed"})
    assert confirmed.json["status"] == "confirmed" and [r["status"] for r in confirmed.json["reviews"]] == ["cleared", "confirmed"]
    assert [a["id"] for a in client.get("/v1/alerts?status=confirmed").json["alerts"]] == raised[:1]
    assert [a["id"] for a in client.get("/v1/alerts?status=open").json["alerts"]] == raised[1:3]
    assert client.get("/v1/alerts?status=cleared").json["alerts"] == []  # the latest review counts
    reviewer.post(f"/v1/alerts/{raised[2]}/review", json=body)
    [cleared_alert] = client.get("/v1/alerts?status=cleared").json["alerts"]
    assert cleared_alert["id"] == raised[2] and cleared_alert["reviews"][0]["note"] == "a namesake"
    assert client.get(f"/v1/alerts/{raised[0]}").json["status"] == "confirmed"
    assert reviewer.post(f"/v1/alerts/{raised[3]}/review", json=body).status_code == 404


def test_a_cleared_review_clears_the_pair_and_a_confirmed_one_revokes_it(app, new_key, raised):
    reviewer = keyed(app, new_key, "review")
    db = app.extensions["diversion_risk_services"].db
    reviewer.post(f"/v1/alerts/{raised[1]}/review", json={"status": "cleared"})
    with db.engine.connect() as connection:
        assert set(active_clearances(connection)["acme"]) == {("p1", "e1")}
    reviewer.post(f"/v1/alerts/{raised[1]}/review", json={"status": "cleared"})  # already cleared: no new row
    reviewer.post(f"/v1/alerts/{raised[1]}/review", json={"status": "confirmed"})
    with db.engine.connect() as connection:
        assert active_clearances(connection) == {}
        assert [r.active for r in connection.execute(select(Clearance).order_by(Clearance.seq))] == [True, False]


@pytest.mark.parametrize("query, field", [("status=closed", "status"), ("band=high", "band"), ("cursor=abc", "cursor"),
                                          ("limit=0", "limit")])
def test_a_bad_query_names_the_field(client, query, field):
    response = client.get(f"/v1/alerts?{query}")
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert field in {e["field"] for e in response.json["errors"]}


def test_a_bad_review_names_the_field(app, new_key, raised):
    reviewer = keyed(app, new_key, "review")
    wrong = reviewer.post(f"/v1/alerts/{raised[0]}/review", json={"status": "maybe"})
    assert wrong.status_code == 422 and wrong.json["errors"][0]["field"] == "status"
    unknown = reviewer.post(f"/v1/alerts/{raised[0]}/review", json={"status": "cleared", "by": "me"})
    assert unknown.status_code == 422 and "by" in {e["field"] for e in unknown.json["errors"]}
    long = reviewer.post(f"/v1/alerts/{raised[0]}/review", json={"status": "cleared", "note": "x" * 2001})
    assert long.status_code == 422 and "note" in {e["field"] for e in long.json["errors"]}
    assert reviewer.post(f"/v1/alerts/{raised[0]}/review", json=["cleared"]).status_code == 422
    assert reviewer.post(f"/v1/alerts/{raised[0]}/review", data="status=cleared").status_code == 415


def test_keys_may_hold_the_review_scope(home, monkeypatch):
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(home.root))
    monkeypatch.setenv("DIVERSION_RISK_DATABASE_URL", home.settings.database_url)
    out = CliRunner().invoke(main, ["keys", "create", "analyst", "--scopes", "read,review"])
    assert out.exit_code == 0 and out.output.strip().splitlines()[-1].startswith("drk_")
