"""Re-screening: decisions recorded before a list update get alerts once the update is active."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from service import rescreen as rescreen_module
from service.app import create_app
from service.cli import main
from service.db import Database
from service.home import Home
from service.rescreen import Rescreener
from service.tables import Alert, Decision
from tests.conftest import EXAMPLES, empty_store, ofac_fixture_home

NETWORK = EXAMPLES / "network.ftm.jsonl"


@pytest.fixture
def before_home(tmp_path, trained_home, database_url) -> Home:
    """A home with one small source (the OFAC fixture) and the default model: the network is not listed yet."""
    yield ofac_fixture_home(tmp_path / "h", trained_home, database_url)
    empty_store(database_url)


def shipment(shipment_id: str, consignee: str, country: str) -> dict:
    return {"shipment_id": shipment_id, "date": "2026-09-14", "origin_country": "CN", "destination_country": "KZ",
            "items": [{"hs_code": "8542.31", "description": "microcontrollers", "value": 48000.0, "currency": "USD"}],
            "parties": [{"role": "consignee", "name": consignee, "country": country},
                        {"role": "shipper", "name": "Shenzhen Parts Co", "country": "CN"}]}


@pytest.fixture
def recorded(before_home):
    """Score five shipments before the update: two for Aspan Arba (1 link from the sanctioned
    company once the network is listed), one for that company itself, one 2 links away, one with no link."""
    app = create_app(before_home.settings)
    keys = app.extensions["diversion_risk_services"].keys
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {keys.create('t', 'acme', 'score,read,review')[1]}"
    ids = {}
    for sid, name, country in [("S-1", "Aspan Arba LLP", "KZ"), ("S-2", "ASPAN ARBA LLP", "KZ"),
                               ("S-3", "Nebesnaya Mekhanika LLC", "RU"), ("S-4", "Ararat Components LLC", "AM"),
                               ("S-5", "Rheinland Elektronik GmbH", "DE")]:
        response = client.post("/v1/score", json=shipment(sid, name, country))
        assert response.status_code == 200, response.json
        ids[sid] = response.json["decision_id"]
    return app, client, ids


def rescreener(home: Home) -> Rescreener:
    db = Database(home.settings)
    db.upgrade()
    return Rescreener(home, db)


def alerts(home: Home) -> list[dict]:
    with Database(home.settings).engine.connect() as connection:
        return [dict(r) for r in connection.execute(select(Alert).order_by(Alert.seq)).mappings()]


def test_an_update_raises_one_alert_per_decision_whose_party_is_now_listed(before_home, recorded):
    _, client, ids = recorded
    first = rescreener(before_home).run()  # the first screening: nothing listed that the decisions did not say
    assert first.alerts == 0
    before = before_home.lists.active()
    before_home.import_lists([NETWORK], source="network")
    result = rescreener(before_home).run()
    raised = {(a["shipment_id"], a["reason"]): a for a in alerts(before_home)}
    assert set(raised) == {("S-1", "LINKED_SANCTIONED_PARTY"), ("S-2", "LINKED_SANCTIONED_PARTY"),
                           ("S-3", "SANCTIONED_PARTY"), ("S-4", "LINKED_SANCTIONED_PARTY")}
    assert result.alerts == 4 and result.lists_before == before and result.lists_after == before_home.lists.active()
    # S-1 and S-2 name one party (the same words, differently cased, key apart): each decision gets its alert.
    aspan = raised[("S-1", "LINKED_SANCTIONED_PARTY")]
    assert aspan["decision_id"] == ids["S-1"] and aspan["entity_id"] == "t-kz-aa" and aspan["role"] == "consignee"
    assert aspan["path"][0]["phrase"] == "shares address with" and aspan["path"][-1]["entity_id"] == "t-ru-nm"
    assert aspan["entry"]["sanctioned_entity_id"] == "t-ru-nm" and aspan["entry"]["designated"] == "2023-02-24"
    assert aspan["lists_before"] == before and aspan["party"]["name"] == "Aspan Arba LLP"
    assert raised[("S-3", "SANCTIONED_PARTY")]["path"] == []
    assert raised[("S-4", "LINKED_SANCTIONED_PARTY")]["entry"]["hops"] == 2
    # The decision itself is unchanged: it still says what it said when it was made.
    assert "LINKED_SANCTIONED_PARTY" not in {r["code"] for r in client.get(f"/v1/decisions/{ids['S-1']}").json["reasons"]}
    assert rescreener(before_home).run().alerts == 0  # nothing to do: already screened
    assert len(alerts(before_home)) == 4


def test_a_decision_that_already_reported_the_entity_gets_no_alert(before_home):
    before_home.import_lists([NETWORK], source="network")
    rescreener(before_home).run()
    app = create_app(before_home.settings)
    client = app.test_client()
    key = app.extensions["diversion_risk_services"].keys.create("t", "acme", "score,read")[1]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    assert client.post("/v1/score", json=shipment("S-9", "Aspan Arba LLP", "KZ")).json["band"] == "high"
    changed = before_home.root / "network2.ftm.jsonl"  # a new alias for the sanctioned company: its record changes
    changed.write_text(NETWORK.read_text().replace('"alias": ["Nebesnaya Mekhanika LLC"]',
                                                   '"alias": ["Nebesnaya Mekhanika LLC", "Heavenly Mechanics LLC"]'))
    before_home.import_lists([changed], source="network")
    result = rescreener(before_home).run()
    assert result.changed_entities >= 1 and result.alerts == 0


def test_decisions_outside_the_window_are_not_screened(before_home, recorded):
    rescreener(before_home).run()
    db = Database(before_home.settings)
    with db.engine.begin() as connection:  # a copy of S-1 recorded six years ago
        row = dict(connection.execute(select(Decision).where(Decision.shipment_id == "S-1")).mappings().one())
        row.pop("seq")
        row.update(id="00000000-0000-4000-8000-000000000001", shipment_id="OLD-1",
                   created_at=row["created_at"].replace(year=row["created_at"].year - 6))
        connection.execute(insert(Decision), [row])
    before_home.import_lists([NETWORK], source="network")
    rescreener(before_home).run()
    assert "OLD-1" not in {a["shipment_id"] for a in alerts(before_home)}
    assert len(alerts(before_home)) == 4


def test_a_crash_mid_way_resumes_and_raises_nothing_twice(before_home, recorded, monkeypatch):
    rescreener(before_home).run()
    before_home.import_lists([NETWORK], source="network")
    monkeypatch.setattr(rescreen_module, "CHUNK", 2)
    calls = {"n": 0}
    real = rescreen_module.add_alerts

    def crash_on_third_chunk(connection, rows):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed")
        return real(connection, rows)

    monkeypatch.setattr(rescreen_module, "add_alerts", crash_on_third_chunk)
    with pytest.raises(RuntimeError):
        rescreener(before_home).run()
    done = len(alerts(before_home))
    monkeypatch.setattr(rescreen_module, "add_alerts", real)
    result = rescreener(before_home).run()
    raised = alerts(before_home)
    assert len(raised) == 4 and result.alerts == 4 and done < 4
    assert len({(a["decision_id"], a["entity_id"], a["reason"]) for a in raised}) == 4


def test_a_cleared_pair_raises_no_alert_and_scores_as_cleared(before_home, recorded):
    app, client, _ = recorded
    rescreener(before_home).run()
    before_home.import_lists([NETWORK], source="network")
    rescreener(before_home).run()
    aspan = next(a for a in alerts(before_home) if a["shipment_id"] == "S-1")
    reviewed = client.post(f"/v1/alerts/{aspan['id']}/review", json={"status": "cleared", "note": "another Aspan Arba"})
    assert reviewed.status_code == 201 and reviewed.json["status"] == "cleared"
    # Later scores of the tenant show the pair as cleared, not as a link.
    scored = client.post("/v1/score", json=shipment("S-10", "Aspan Arba LLP", "KZ")).json
    proximity = scored["signals"]["sanctioned_proximity"]
    assert proximity["value"] == 0 and proximity["evidence"]["cleared_by"][0]["entity_id"] == "t-kz-aa"
    assert "LINKED_SANCTIONED_PARTY" not in {r["code"] for r in scored["reasons"]}
    other = app.test_client()
    other.environ_base["HTTP_AUTHORIZATION"] = \
        f"Bearer {app.extensions['diversion_risk_services'].keys.create('t', 'other', 'score')[1]}"
    assert "LINKED_SANCTIONED_PARTY" in {r["code"] for r in other.post("/v1/score", json=shipment("S-11", "Aspan Arba LLP", "KZ")).json["reasons"]}
    # A change of the entity's record raises nothing for the cleared pair (S-10 reported nothing: it was cleared).
    changed = before_home.root / "network2.ftm.jsonl"
    changed.write_text(NETWORK.read_text().replace('"name": ["ТОО «Аспан Арба»"]', '"name": ["ТОО «Аспан Арба»", "Aspan Arba"]'))
    before_home.import_lists([changed], source="network")
    rescreener(before_home).run()
    # S-2's party is spelled otherwise (another identity, not cleared) and S-11's decision reported the link itself.
    assert {a["shipment_id"] for a in alerts(before_home) if a["entity_id"] == "t-kz-aa"} == {"S-1", "S-2"}


def test_lists_import_rescreens_and_counts_alerts(before_home, recorded, monkeypatch):
    rescreener(before_home).run()
    monkeypatch.setenv("DIVERSION_RISK_HOME", str(before_home.root))
    monkeypatch.setenv("DIVERSION_RISK_DATABASE_URL", before_home.settings.database_url)
    out = CliRunner().invoke(main, ["lists", "import", "--source", "network", str(NETWORK)])
    assert out.exit_code == 0, out.output
    assert "alerts=4" in out.output.strip().splitlines()[-1]
    again = CliRunner().invoke(main, ["rescreen"])
    assert again.exit_code == 0 and "alerts=0" in again.output.strip().splitlines()[-1]


def test_metrics_count_alerts_and_the_lag(before_home, recorded):
    app, _, _ = recorded
    rescreener(before_home).run()
    before_home.import_lists([NETWORK], source="network")
    scrape = app.test_client()
    scrape.environ_base["HTTP_AUTHORIZATION"] = \
        f"Bearer {app.extensions['diversion_risk_services'].keys.create('m', 'ops', 'metrics')[1]}"
    lagging = scrape.get("/metrics").get_data(as_text=True)
    lag = next(float(line.split()[-1]) for line in lagging.splitlines() if line.startswith("diversion_risk_rescreen_lag_seconds"))
    assert lag >= 0 and 'diversion_risk_alerts_raised_total{reason="SANCTIONED_PARTY"} 0.0' in lagging
    rescreener(before_home).run()
    text = scrape.get("/metrics").get_data(as_text=True)
    assert 'diversion_risk_alerts_raised_total{reason="LINKED_SANCTIONED_PARTY"} 3.0' in text
    assert "diversion_risk_rescreen_lag_seconds 0.0" in text and "diversion_risk_rescreen_last_seconds" in text


def test_rescreen_watch_screens_snapshots_activated_by_other_means(before_home, recorded):
    rescreener(before_home).run()
    env = {**os.environ, "DIVERSION_RISK_HOME": str(before_home.root),
           "DIVERSION_RISK_DATABASE_URL": before_home.settings.database_url}
    process = subprocess.Popen([sys.executable, "-m", "service.cli", "rescreen", "--watch", "--interval", "0.2"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        before_home.import_lists([NETWORK], source="network")  # not through the CLI: nothing re-screens it but the watcher
        deadline = time.monotonic() + 60
        while len(alerts(before_home)) < 4 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.2)
        assert len(alerts(before_home)) == 4
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and "alerts=4" in out
