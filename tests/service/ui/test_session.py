"""Signing in to the pages, their CSRF tokens and what a page may show, through Flask's test
client (the browser tests drive the same pages in chromium)."""

from __future__ import annotations

import io
import re

import pytest

from service.ui.graph import path_graphs
from service.ui.lists import freshness
from service.ui.secret import secret_key

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SHIPMENT = {"shipment_id": "S-1", "date": "2026-09-14", "destination_country": "KZ",
            "items": [{"hs_code": "8542.31"}], "parties": [{"role": "consignee", "name": "Aspan Arba LLP", "country": "KZ"}]}


def token(client, path: str = "/ui/sign-in") -> str:
    return TOKEN.search(client.get(path).text).group(1)


def signed_in(app, key: str):
    browser = app.test_client()
    response = browser.post("/ui/sign-in", data={"key": key, "csrf_token": token(browser)})
    assert response.status_code == 303 and response.headers["Location"] == "/ui/"
    return browser


@pytest.fixture
def key(new_key):
    return new_key("acme", "score,read,review")


def test_the_cookie_names_the_key_never_holds_it(app, key):
    browser = app.test_client()
    response = browser.post("/ui/sign-in", data={"key": key, "csrf_token": token(browser)})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/ui" in cookie
    assert key.split("_")[2] not in cookie and key not in cookie
    page = browser.get("/ui/")
    assert page.status_code == 200 and "tenant <strong>acme</strong>" in page.text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_a_wrong_key_a_missing_token_or_an_old_one_is_refused(app, key):
    browser = app.test_client()
    good = token(browser)
    assert browser.post("/ui/sign-in", data={"key": "drk_nope", "csrf_token": good}).status_code == 401
    assert browser.post("/ui/sign-in", data={"key": key}).status_code == 400  # no token
    other = app.test_client()
    assert other.post("/ui/sign-in", data={"key": key, "csrf_token": good}).status_code == 400  # another session's
    assert browser.get("/ui/").status_code == 302  # not signed in by any of these


def test_every_form_needs_its_token(app, client, key):
    decision = client.post("/v1/score", json=SHIPMENT).json["decision_id"]
    browser = signed_in(app, key)
    form = {"outcome": "cleared", "source": "case 7"}
    refused = browser.post(f"/ui/decisions/{decision}/outcome", data=form)
    assert refused.status_code == 400 and "security token" in refused.text
    assert app.extensions["diversion_risk_services"].decisions.get("acme", decision)["outcomes"] == []
    fresh = token(browser, f"/ui/decisions/{decision}")
    assert browser.post(f"/ui/decisions/{decision}/outcome", data=form | {"csrf_token": fresh}).status_code == 303
    assert browser.post("/ui/sign-out", data={}).status_code == 400


def test_a_revoked_key_signs_its_sessions_out_at_the_next_page(app, key):
    browser = signed_in(app, key)
    assert browser.get("/ui/lists").status_code == 200
    app.extensions["diversion_risk_services"].keys.revoke(key.split("_")[1])
    response = browser.get("/ui/lists")
    assert response.status_code == 302 and response.headers["Location"].startswith("/ui/sign-in")


def test_sign_in_goes_back_to_the_page_asked_for_never_elsewhere(app, key):
    for target, landing in [("/ui/alerts?status=open", "/ui/alerts?status=open"), ("https://evil.example/ui/", "/ui/"),
                            ("//evil.example/ui/", "/ui/"), ("/ui\\@evil.example", "/ui/"), ("/v1/lists", "/ui/")]:
        browser = app.test_client()
        response = browser.post("/ui/sign-in", data={"key": key, "csrf_token": token(browser), "next": target})
        assert response.headers["Location"] == landing, target


def test_pages_keep_to_the_tenant_and_the_scope(app, client, new_key, key):
    decision = client.post("/v1/score", json=SHIPMENT).json["decision_id"]  # tenant acme
    other = signed_in(app, new_key("other", "score,read"))
    assert other.get(f"/ui/decisions/{decision}").status_code == 404
    assert decision not in other.get("/ui/").text
    reader = signed_in(app, new_key("acme", "read"))
    assert reader.get(f"/ui/decisions/{decision}").status_code == 200
    assert reader.get("/ui/upload").status_code == 403
    refused = reader.post(f"/ui/decisions/{decision}/outcome",
                          data={"outcome": "cleared", "source": "x", "csrf_token": token(reader, "/ui/")})
    assert refused.status_code == 403 and "`score` scope" in refused.text


def test_bad_filters_and_forms_are_named_on_the_page(app, client, key):
    browser = signed_in(app, key)
    page = browser.get("/ui/?since=02.05.2023&band=severe")
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert "since" in page.text and "YYYY-MM-DD" in page.text and "band" in page.text
    assert browser.get("/ui/decisions/not-a-uuid").status_code == 404
    sheet = b"shipment_id,date,destination_country,hs_code,consignee_name\nS-9,2023-13-40,KAZ,8542.31,Aspan Arba LLP\n"
    shown = browser.post("/ui/upload", data={"file": (io.BytesIO(sheet), "s.csv"), "csrf_token": token(browser, "/ui/upload")},
                         content_type="multipart/form-data")
    assert shown.status_code == 200 and "row 2, date" in shown.text


def test_the_queue_puts_what_needs_review_first(app, client, key):
    services = app.extensions["diversion_risk_services"]
    low = client.post("/v1/score", json=SHIPMENT | {"shipment_id": "LOW", "destination_country": "DE",
                                                    "items": [{"hs_code": "9401.30"}]}).json
    risky = client.post("/v1/score", json=SHIPMENT | {"shipment_id": "RISKY"}).json
    assert low["band"] == "low" and risky["band"] in ("medium", "high")
    items, more = services.decisions.queue("acme")
    assert [d["shipment_id"] for d in items] == ["RISKY", "LOW"] and not more
    services.decisions.add_outcome(services.keys.caller_of(key.split("_")[1]), risky["decision_id"], "cleared", "x", "")
    assert [d["shipment_id"] for d in services.decisions.queue("acme", status="needs_review")[0]] == []
    assert [d["shipment_id"] for d in services.decisions.queue("acme", status="reviewed")[0]] == ["RISKY"]
    later = client.post("/v1/score", json=SHIPMENT | {"shipment_id": "LOW-2", "destination_country": "DE",
                                                      "items": [{"hs_code": "9401.30"}]}).json
    assert later["band"] == "low"  # reviewed now: by band, then newest first
    assert [d["shipment_id"] for d in services.decisions.queue("acme")[0]] == ["RISKY", "LOW-2", "LOW"]


def test_freshness_says_undated_rather_than_current():
    import datetime as dt

    today = dt.date(2026, 12, 3)
    assert freshness(None, 14, today) == (None, "undated")
    assert freshness("2026-11-30", 14, today) == (3, "current")
    assert freshness("2026-08-20", 14, today) == (105, "stale")


def test_a_path_is_drawn_link_by_link():
    reasons = [{"code": "LINKED_SANCTIONED_PARTY", "evidence": {"sanctioned_proximity": {"parties": [{
        "role": "consignee", "party_name": "Aspan Arba LLP", "name": "ТОО «Аспан Арба»", "entity_id": "kz-1",
        "match_score": 0.97, "hops": 2, "path": [
            {"entity_id": "x-1", "name": "Mid Holding", "phrase": "is owned by", "sanctioned": False},
            {"entity_id": "ru-1", "name": "ООО «Небесная механика»", "phrase": "has director", "via": "I. Ivanov",
             "sanctioned": True}]}]}}}]
    [graph] = path_graphs(reasons)
    assert [b.name for b in graph.boxes] == ["Aspan Arba LLP", "ТОО «Аспан Арба»", "Mid Holding", "ООО «Небесная механика»"]
    assert [b.kind for b in graph.boxes] == ["party", "entity", "entity", "sanctioned"]
    assert [a.label for a in graph.arrows] == ["resolves to (name, 0.97)", "is owned by", "has director"]
    assert graph.arrows[2].via == "I. Ivanov" and all(a.x1 < a.x2 for a in graph.arrows)
    assert graph.width == graph.boxes[-1].x + graph.box_width + graph.margin


def test_the_signing_key_is_made_once_and_shared(tmp_path):
    first = secret_key(tmp_path)
    assert len(first) == 64 and secret_key(tmp_path) == first
    assert (tmp_path / "ui-secret").stat().st_mode & 0o777 == 0o600
    assert list(tmp_path.iterdir()) == [tmp_path / "ui-secret"]  # no temporary file left
