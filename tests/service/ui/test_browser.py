"""The review pages driven in chromium as an analyst uses them: sign in, filter the queue, open a
linked-party decision and see its path, record an outcome, review an alert, read the lists'
freshness, upload a spreadsheet and download the results."""

from __future__ import annotations

import csv
import io
import json

from openpyxl import load_workbook

from tests.conftest import EXAMPLES, screenshot
from tests.service.ui.conftest import sign_in

LINKED = json.loads((EXAMPLES / "linked-consignee.json").read_text())["shipment_id"]


def test_sign_in_refuses_a_wrong_key_and_keeps_none(page, desk):
    page.goto(f"{desk.url}/ui/alerts")
    assert page.url.startswith(f"{desk.url}/ui/sign-in")
    screenshot(page, "sign-in")
    page.fill("#key", "drk_000000000000_" + "x" * 43)
    page.click("button[type=submit]")
    assert "malformed, unknown or revoked" in page.locator("[role=alert]").inner_text()
    page.fill("#key", desk.key)
    page.click("button[type=submit]")
    page.wait_for_url(f"{desk.url}/ui/alerts")  # back where the visitor was going
    cookies = page.context.cookies()
    assert [c["name"] for c in cookies] == ["drk_ui"]
    cookie = cookies[0]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/ui"
    assert desk.key not in json.dumps(cookies) and desk.key.split("_")[2] not in page.content()
    assert page.evaluate("document.cookie") == ""  # no script can read the session


def test_the_queue_filters_by_band_and_puts_reviews_first(page, desk):
    sign_in(page, desk)
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == len(desk.services.decisions.queue(desk.tenant, limit=100)[0])
    flags = [rows.nth(i).get_attribute("class") == "needs-review" for i in range(rows.count())]
    assert flags == sorted(flags, reverse=True) and any(flags)  # every one needing review comes first
    screenshot(page, "queue")
    page.select_option("select[name=band]", "high")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**band=high**")
    bands = page.locator("table.queue tbody .band").all_inner_texts()
    assert bands and set(bands) == {"high"}
    page.fill("input[name=shipment_id]", LINKED)
    page.select_option("select[name=band]", "")
    page.click("form.filters button[type=submit]")
    assert page.locator("table.queue tbody tr a").all_inner_texts() == [LINKED]


def test_a_linked_party_decision_draws_its_path_and_takes_an_outcome(page, desk):
    sign_in(page, desk)
    page.goto(f"{desk.url}/ui/?shipment_id={LINKED}")
    page.click(f"text={LINKED}")
    page.wait_for_url("**/ui/decisions/**")
    svg = page.locator("figure.path svg").first
    assert svg.is_visible()
    texts = svg.locator("text").all_text_contents()
    assert "Aspan Arba LLP" in texts and "shares address with" in texts, texts
    assert any(t.startswith("ООО «Небесная механика»") for t in texts)
    assert svg.locator(".node-sanctioned").count() == 1
    assert "LINKED_SANCTIONED_PARTY" in page.locator(".reason .code").all_inner_texts()
    screenshot(page, "decision")
    page.select_option("select[name=outcome]", "confirmed_diversion")
    page.fill("input[name=source]", "inspection KZ-2026-118")
    page.click("form.outcome button[type=submit]")
    page.wait_for_url("**#outcomes")
    assert "inspection KZ-2026-118" in page.locator("#outcomes table").inner_text()
    decision_id = page.url.split("/decisions/")[1].split("#")[0]
    stored = desk.services.decisions.get(desk.tenant, decision_id)
    assert stored["outcome"]["outcome"] == "confirmed_diversion" and stored["outcome"]["source"] == "inspection KZ-2026-118"


def test_alerts_are_reviewed_with_their_buttons(page, desk):
    sign_in(page, desk)
    page.goto(f"{desk.url}/ui/alerts")
    rows = page.locator("table.alerts tbody tr")
    before = rows.count()
    assert before >= 3 and "Aspan Arba LLP" in page.locator("table.alerts").inner_text()
    screenshot(page, "alerts")
    first = rows.first
    shipment = first.locator("td").nth(1).inner_text()
    first.locator("input[name=note]").fill("same director as the listed company")
    first.locator("button[value=confirmed]").click()
    page.wait_for_load_state()
    assert page.locator("table.alerts tbody tr").count() == before - 1
    page.click("nav.tabs >> text=confirmed")
    confirmed = page.locator("table.alerts tbody").inner_text()
    assert shipment in confirmed
    alert = desk.services.alerts.page(desk.tenant, status="confirmed")[0][0]
    assert alert["reviews"][-1]["note"] == "same director as the listed company"


def test_lists_show_each_source_and_its_freshness(page, desk):
    sign_in(page, desk)
    page.goto(f"{desk.url}/ui/lists")
    table = page.locator("table.lists tbody")
    names = [t.split()[0] for t in table.locator("tr td:first-child").all_inner_texts()]
    assert sorted(names) == ["network", "ofac"]
    assert set(table.locator(".freshness").all_inner_texts()) <= {"current", "stale", "undated"}
    assert "undated" in table.locator("tr", has_text="network").inner_text()  # its file states no date
    screenshot(page, "lists")


def test_a_spreadsheet_is_scored_shown_and_downloaded(page, desk, tmp_path):
    sign_in(page, desk)
    page.goto(f"{desk.url}/ui/upload")
    page.set_input_files("#file", str(EXAMPLES / "shipments-template.xlsx"))
    page.click("form.upload button[type=submit]")
    page.wait_for_selector("table.results")
    shown = page.locator("table.results tbody tr")
    template = {r["shipment_id"] for r in csv.DictReader(io.StringIO((EXAMPLES / "shipments-template.csv").read_text()))}
    assert shown.count() == len(template)
    screenshot(page, "upload")
    for name in ("results.csv", "results.xlsx"):
        with page.expect_download() as download:
            page.click(f"text={name}")
        path = tmp_path / name
        download.value.save_as(path)
        if name.endswith(".csv"):
            rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
        else:
            sheet = load_workbook(path, read_only=True).active
            header, *values = [list(r) for r in sheet.iter_rows(values_only=True)]
            rows = [dict(zip(header, v)) for v in values]
        assert {r["shipment_id"] for r in rows} == template
        for row in rows:  # each result row is a decision on record, as from the API
            if row["decision_id"]:
                assert desk.services.decisions.get(desk.tenant, row["decision_id"])["shipment_id"] == row["shipment_id"]


def test_a_read_only_key_sees_no_forms_that_would_change_the_record(page, desk):
    sign_in(page, desk, desk.reader_key)
    assert page.locator("nav >> text=Upload").count() == 0
    page.goto(f"{desk.url}/ui/?shipment_id={LINKED}")
    page.click(f"text={LINKED}")
    page.wait_for_url("**/ui/decisions/**")
    assert page.locator("form.outcome").count() == 0
    page.goto(f"{desk.url}/ui/alerts")
    assert page.locator("form.review").count() == 0
