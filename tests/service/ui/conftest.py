"""The review pages in a real browser: Debian's chromium driven by Playwright, against the app
served on a loopback port, over a desk of real decisions and alerts.

The desk: a home with the OFAC fixture and the default model; four shipments scored, then the
example network listed and re-screened (alerts for the decisions it now links to a sanctioned
company), then the example shipments scored against it. Screenshots of each page go to
`var/test-output/screenshots/` (`tests.conftest.screenshot`) for a reviewer to look at.
"""

from __future__ import annotations

import json
import secrets
import threading

import pytest
from werkzeug.serving import make_server

from service.app import create_app
from service.db import Database
from service.home import Home
from service.rescreen import Rescreener
from tests.conftest import EXAMPLES, empty_store, ofac_fixture_home

BEFORE_LISTING = [("DESK-1", "Aspan Arba LLP", "KZ"), ("DESK-2", "Nebesnaya Mekhanika LLC", "RU"),
                  ("DESK-3", "Ararat Components LLC", "AM"), ("DESK-4", "Rheinland Elektronik GmbH", "DE")]
AFTER_LISTING = ["linked-consignee.json", "chips-to-kazakhstan.json", "furniture-to-germany.json", "chips-to-russia.json"]


def shipment(shipment_id: str, consignee: str, country: str) -> dict:
    return {"shipment_id": shipment_id, "date": "2026-09-14", "origin_country": "CN", "destination_country": "KZ",
            "items": [{"hs_code": "8542.31", "description": "microcontrollers", "value": 48000.0, "currency": "USD"}],
            "parties": [{"role": "consignee", "name": consignee, "country": country},
                        {"role": "shipper", "name": "Shenzhen Parts Co", "country": "CN"}]}


class Desk:
    def __init__(self, home: Home, app, url: str, tenant: str, key: str, reader_key: str):
        self.home, self.app, self.url, self.tenant, self.key, self.reader_key = home, app, url, tenant, key, reader_key

    @property
    def services(self):
        return self.app.extensions["diversion_risk_services"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory, trained_home, database_url):
    home = ofac_fixture_home(tmp_path_factory.mktemp("desk") / "home", trained_home, database_url)
    app = create_app(home.settings)
    keys = app.extensions["diversion_risk_services"].keys
    tenant = f"desk-{secrets.token_hex(4)}"  # its own tenant: a shared store may hold other tests' decisions
    key = keys.create("analyst", tenant, "score,read,review")[1]
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    for row in BEFORE_LISTING:
        assert client.post("/v1/score", json=shipment(*row)).status_code == 200
    db = Database(home.settings)
    db.upgrade()
    Rescreener(home, db).run()  # the first screening: what the decisions already said
    home.import_lists([EXAMPLES / "network.ftm.jsonl"], source="network")
    assert Rescreener(home, db).run().alerts >= 3
    for name in AFTER_LISTING:
        response = client.post("/v1/score", json=json.loads((EXAMPLES / name).read_text()))
        assert response.status_code == 200, response.json
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Desk(home, app, f"http://127.0.0.1:{server.server_port}", tenant, key,
               keys.create("dashboard", tenant, "read")[1])
    server.shutdown()
    thread.join()
    empty_store(database_url)


@pytest.fixture
def page(browser, desk):
    """A fresh browser context (no cookies) on the desk, 1280 px wide."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    yield opened
    context.close()


def sign_in(page, desk: Desk, key: str | None = None) -> None:
    page.goto(f"{desk.url}/ui/")
    page.fill("#key", key or desk.key)
    page.click("button[type=submit]")
    page.wait_for_url(f"{desk.url}/ui/")


