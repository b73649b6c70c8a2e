"""Spreadsheets in and out: the template read into API bodies, every problem named by row and
column, and the same scoring, record and results through `POST /v1/score/file` and `score FILE`."""

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from service.sheets import SheetError, read_table, shipments_of
from tests.conftest import EXAMPLES
from tests.service.test_cli import last_figures

TEMPLATE = EXAMPLES / "shipments-template.csv"


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(dict.fromkeys(k for r in rows for k in r)))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(**cells) -> dict:
    row = {"shipment_id": "S-1", "date": "2023-05-02", "destination_country": "KZ", "hs_code": "8542.31",
           "value": "1000", "currency": "USD", "consignee_name": "Some Trading LLP", "consignee_country": "KZ"}
    return {**row, **cells}


def test_the_template_reads_into_api_bodies():
    shipments = shipments_of(read_table(TEMPLATE.read_bytes(), TEMPLATE.name))
    assert [s.shipment_id for s in shipments] == ["AWB-0001", "AWB-0003", "AWB-0101"]
    first, chairs, russia = shipments
    assert first.rows == [2, 3] and len(first.body["items"]) == 2 and not first.problems
    consignee = next(p for p in first.body["parties"] if p["role"] == "consignee")
    assert consignee["identifiers"] == [{"scheme": "bin", "value": "230440000010"}]
    assert {p["role"] for p in first.body["parties"]} == {"consignee", "shipper", "intermediary"}
    assert chairs.body["date"] == "2023-05-02" and "row 4: 02.05.2023 read as DD.MM.YYYY" in chairs.notes
    assert chairs.body["origin_country"] == "PL" and chairs.body["destination_country"] == "DE"
    assert next(p for p in chairs.body["parties"] if p["role"] == "consignee")["country"] == "DE"
    assert chairs.body["items"][0]["value"] == 18500.0
    assert next(p for p in russia.body["parties"] if p["role"] == "consignee")["incorporation_date"] == "2023-03-14"


def test_cells_that_cannot_be_read_are_named_by_row_and_column():
    rows = [_row(), _row(date="2023-05-03"), _row(shipment_id="S-2", consignee_identifier="230440000010"),
            _row(shipment_id="")]
    shipments = shipments_of(read_table(_csv(rows), "x.csv"))
    assert shipments[0].problems == [{"row": 3, "column": "date", "message": "differs from row 2 of the same shipment"}]
    assert shipments[1].problems[0]["row"] == 4 and shipments[1].problems[0]["column"] == "consignee_identifier"
    assert shipments[2].problems == [{"row": 5, "column": "shipment_id", "message": "is empty"}]


@pytest.mark.parametrize("data, name, message", [
    (b"a,b\n1,2\n", "x.csv", "unknown column(s) a, b"), (b"shipment_id,date\n", "x.csv", "missing column(s)"),
    (b"", "x.csv", "empty"), (b"not a zip", "x.xlsx", "not a readable XLSX"), (b"x", "x.pdf", "expected a .csv or .xlsx"),
    (b"\xff\xfe", "x.csv", "not UTF-8")])
def test_files_that_are_not_sheets_of_shipments(data, name, message):
    with pytest.raises(SheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table(data, name)


def _upload(client, data: bytes, name: str, query: str = ""):
    return client.post(f"/v1/score/file{query}", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_a_csv_upload_is_scored_recorded_and_named_by_row(client):
    rows = [_row(), _row(shipment_id="S-2", hs_code="85")]
    body = _upload(client, _csv(rows), "shipments.csv").json
    scored, refused = body["results"]
    assert scored["shipment_id"] == "S-1" and scored["result"]["band"] in ("low", "medium", "high")
    assert refused["error"]["problems"] == [{"row": 3, "column": "hs_code",
                                             "message": refused["error"]["problems"][0]["message"]}]
    found = client.get("/v1/decisions?shipment_id=S-1").json["decisions"]
    assert [d["decision_id"] for d in found] == [scored["result"]["decision_id"]]
    assert client.get("/v1/decisions?shipment_id=S-2").json["decisions"] == []


def test_results_download_as_csv_and_xlsx(client):
    template = TEMPLATE.read_bytes()
    text = _upload(client, template, "t.csv", "?format=csv")
    assert text.mimetype == "text/csv" and "attachment" in text.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(text.get_data(as_text=True))))
    assert [r["shipment_id"] for r in rows] == ["AWB-0001", "AWB-0003", "AWB-0101"]
    assert rows[2]["band"] == "high" and rows[2]["reasons"].startswith("EMBARGOED_DESTINATION")
    assert rows[2]["top_reason"].startswith("RU (destination) is under a comprehensive embargo")
    book = Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(template.decode("utf-8"))):
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    xlsx = _upload(client, data.getvalue(), "t.xlsx", "?format=xlsx")
    results = list(load_workbook(io.BytesIO(xlsx.get_data()), read_only=True).worksheets[0].iter_rows(values_only=True))
    assert results[0][:4] == ("shipment_id", "rows", "score", "band") and [r[0] for r in results[1:]] == [
        "AWB-0001", "AWB-0003", "AWB-0101"]


def test_a_bad_upload_is_a_problem(client):
    assert client.post("/v1/score/file", data={}, content_type="multipart/form-data").status_code == 422
    response = _upload(client, b"a,b\n1,2\n", "x.csv")
    assert response.status_code == 422 and "unknown column" in response.json["detail"]


def test_the_command_scores_a_file_through_the_same_code(run, tmp_path, app):
    out = tmp_path / "results.xlsx"
    result = run("score", str(TEMPLATE), "--out", str(out), "--tenant", "acme")
    assert result.exit_code == 0, result.output
    assert last_figures(result.output) == {"shipments": "3", "scored": "3", "refused": "0", "out": str(out)}
    rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["AWB-0001", "AWB-0003", "AWB-0101"]
    decisions = app.extensions["diversion_risk_services"].decisions.page("acme", shipment_id="AWB-0101")[0]
    assert len(decisions) == 1 and decisions[0]["band"] == "high"


def test_the_xlsx_template_holds_the_csv_templates_shipments():
    xlsx = EXAMPLES / "shipments-template.xlsx"
    from_csv = shipments_of(read_table(TEMPLATE.read_bytes(), TEMPLATE.name))
    from_xlsx = shipments_of(read_table(xlsx.read_bytes(), xlsx.name))
    assert [s.body for s in from_xlsx] == [s.body for s in from_csv]
