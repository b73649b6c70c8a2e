"""Shipments from a spreadsheet (CSV or XLSX, one row per item) and results back to one.

The template (`examples/shipments-template.csv`, `.xlsx`) has one row per item, grouped into
shipments by `shipment_id`; the shipment's own columns are read from its first row and must not
differ in the others. Cells are turned into the wire format a `POST /v1/score` body has, so the
same schema validates a spreadsheet's shipments as an API client's; only what a spreadsheet
writes differently is read here: dates as DD.MM.YYYY or Excel dates, countries by name or
alpha-3 code (pycountry), transit countries separated by `;`, identifiers as `scheme:value`,
decimal commas. Every problem names its row (as a spreadsheet numbers them, the header is row 1)
and its column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from features.shipment import ROLES

SHIPMENT_COLUMNS = ("shipment_id", "date", "origin_country", "destination_country", "transit_countries")
ITEM_COLUMNS = ("hs_code", "description", "quantity", "value", "currency")
PARTY_FIELDS = ("name", "country", "incorporation_date", "identifier")
PARTY_COLUMNS = tuple(f"{role}_{part}" for role in ROLES for part in PARTY_FIELDS)
COLUMNS = SHIPMENT_COLUMNS + ITEM_COLUMNS + PARTY_COLUMNS
RESULT_COLUMNS = ("shipment_id", "rows", "score", "band", "reasons", "top_reason", "decision_id", "error")
DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
MAX_ROWS = 20_000


class SheetError(ValueError):
    """A file that is not a spreadsheet of shipments at all (not one of its rows)."""


@dataclass
class SheetShipment:
    """One shipment of a sheet: its rows, the body as the API takes it, the problems of its cells."""

    shipment_id: str
    rows: list[int] = field(default_factory=list)
    body: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how a cell was read ("date read as DD.MM.YYYY")


def read_table(data: bytes, filename: str) -> list[dict[str, object]]:
    """The rows of a CSV (`,` or `;`, UTF-8 with or without BOM) or of an XLSX's first sheet, by header."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _xlsx(data)
    if name.endswith((".csv", ".txt")):
        return _csv(data)
    raise SheetError(f"{filename!r}: expected a .csv or .xlsx file")


def _csv(data: bytes) -> list[dict[str, object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"the CSV is not UTF-8 text (byte {exc.start})") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _by_header(list(reader))


def _xlsx(data: bytes) -> list[dict[str, object]]:
    from openpyxl import load_workbook  # only a spreadsheet upload needs it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors for a file that is not XLSX
        raise SheetError(f"not a readable XLSX workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        rows = [list(r) for _, r in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True))]
    finally:
        book.close()
    return _by_header(rows)


def _by_header(rows: list[list]) -> list[dict[str, object]]:
    if not rows:
        raise SheetError("the file is empty: expected a header row naming the template's columns")
    header = [str(c).strip().lower() if c is not None else "" for c in rows[0]]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise SheetError(f"unknown column(s) {', '.join(unknown)}; the template's are: {', '.join(COLUMNS)}")
    missing = [c for c in ("shipment_id", "date", "destination_country", "hs_code", "consignee_name") if c not in header]
    if missing:
        raise SheetError(f"missing column(s) {', '.join(missing)}")
    body = [r for r in rows[1:] if any(c not in (None, "") for c in r)]
    if len(body) > MAX_ROWS:
        raise SheetError(f"at most {MAX_ROWS:,} rows per file")
    return [{h: (row[i] if i < len(row) else None) for i, h in enumerate(header) if h} for row in body]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id or a code a spreadsheet stored as a number
    text = str(value).strip()
    return text or None


def _date(value, notes: list[str]) -> str:
    """ISO text for the API: an Excel date, YYYY-MM-DD or DD.MM.YYYY (said in `notes`)."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = _text(value) or ""
    match = DAY_FIRST.match(text)
    if match:
        day, month, year = map(int, match.groups())
        try:
            parsed = dt.date(year, month, day)
        except ValueError:
            raise ValueError(f"{text!r} is not a date (read as DD.MM.YYYY)") from None
        notes.append(f"{text} read as DD.MM.YYYY")
        return parsed.isoformat()
    return text  # ISO or not: the schema says what it expects


def _country(value) -> str:
    """An alpha-2 code from an alpha-2 or alpha-3 code or an English name (pycountry); else as written."""
    text = _text(value) or ""
    if len(text) == 2:
        return text
    import pycountry  # only a spreadsheet upload needs it

    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return text  # the schema refuses it, with a suggestion where it has one


def _number(value):
    """A number from a cell: numbers as they are; text with a decimal comma or spaces ("1 234,5")."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = (_text(value) or "").replace("\u00a0", "").replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return text  # the schema says it must be a number


def _party(row: dict, role: str, notes: list[str]) -> dict | None:
    get = {part: row.get(f"{role}_{part}") for part in PARTY_FIELDS}
    if _text(get["name"]) is None and not any(_text(v) for v in get.values()):
        return None
    party: dict = {"role": role, "name": _text(get["name"]) or ""}
    if _text(get["country"]):
        party["country"] = _country(get["country"])
    if _text(get["incorporation_date"]) or isinstance(get["incorporation_date"], dt.date):
        party["incorporation_date"] = _date(get["incorporation_date"], notes)
    identifier = _text(get["identifier"])
    if identifier:
        scheme, sep, value = identifier.partition(":")
        if not sep:
            raise ValueError(f"{identifier!r}: expected scheme:value, e.g. bin:230440000010")
        party["identifiers"] = [{"scheme": scheme.strip().lower(), "value": value.strip()}]
    return party


def _shipment_cells(row: dict, notes: list[str]) -> dict:
    cells = {"shipment_id": _text(row.get("shipment_id")) or "", "date": _date(row.get("date"), notes),
             "destination_country": _country(row.get("destination_country"))}
    if _text(row.get("origin_country")):
        cells["origin_country"] = _country(row.get("origin_country"))
    transit = _text(row.get("transit_countries"))
    if transit:
        cells["transit_countries"] = [_country(c) for c in transit.split(";") if c.strip()]
    return cells


def _item(row: dict) -> dict:
    item: dict = {"hs_code": _text(row.get("hs_code")) or ""}
    if _text(row.get("description")):
        item["description"] = _text(row.get("description"))
    for key in ("quantity", "value"):
        if _text(row.get(key)) is not None:
            item[key] = _number(row.get(key))
    if _text(row.get("currency")):
        item["currency"] = _text(row.get("currency")).upper()
    return item


def shipments_of(rows: Iterable[dict]) -> list[SheetShipment]:
    """Group item rows into shipments in the order they first appear, as API bodies."""
    found: dict[str, SheetShipment] = {}
    for number, row in enumerate(rows, start=2):
        sid = _text(row.get("shipment_id"))
        if sid is None:
            blank = SheetShipment("", [number])
            blank.problems.append({"row": number, "column": "shipment_id", "message": "is empty"})
            found[f"#row{number}"] = blank
            continue
        shipment = found.setdefault(sid, SheetShipment(sid))
        shipment.rows.append(number)
        notes: list[str] = []
        try:
            cells = _shipment_cells(row, notes)
        except ValueError as exc:
            shipment.problems.append({"row": number, "column": "date", "message": str(exc)})
            continue
        if not shipment.body:
            shipment.body = {**cells, "items": [], "parties": []}
            for role in ROLES:
                try:
                    party = _party(row, role, notes)
                except ValueError as exc:
                    shipment.problems.append({"row": number, "column": f"{role}_identifier", "message": str(exc)})
                    continue
                if party:
                    shipment.body["parties"].append(party)
        else:
            for key, value in cells.items():
                if shipment.body.get(key) != value:
                    shipment.problems.append({"row": number, "column": key, "message":
                                              f"differs from row {shipment.rows[0]} of the same shipment"})
        shipment.body["items"].append(_item(row))
        shipment.notes += [f"row {number}: {n}" for n in notes]
    return list(found.values())


def problems_by_row(shipment: SheetShipment, errors: list[dict]) -> list[dict]:
    """The API's field errors of a shipment ("items[1].hs_code") with the row and column they came from."""
    out = []
    for error in errors:
        path = error.get("field", "")
        match = re.match(r"items\[(\d+)\]\.(\w+)", path)
        if match and int(match.group(1)) < len(shipment.rows):
            row, column = shipment.rows[int(match.group(1))], match.group(2)
        else:
            party = re.match(r"parties\[(\d+)\]\.(\w+)", path)
            role = shipment.body["parties"][int(party.group(1))]["role"] if party and int(party.group(1)) < len(
                shipment.body.get("parties", [])) else None
            row = shipment.rows[0]
            column = f"{role}_{'identifier' if party.group(2) == 'identifiers' else party.group(2)}" if role else path
        out.append({"row": row, "column": column, "message": error.get("message", "")})
    return out


def result_rows(shipments: list[SheetShipment], outcomes: list[dict]) -> list[dict]:
    """One result row per shipment: its score, band, reason codes and top reason, or the problems
    that kept it from being scored (`outcomes`: per shipment, a batch result or `{"error": ...}`)."""
    rows = []
    for shipment, outcome in zip(shipments, outcomes):
        row = {"shipment_id": shipment.shipment_id, "rows": ", ".join(map(str, shipment.rows))}
        result = outcome.get("result")
        if result is not None:
            reasons = result["reasons"]
            row |= {"score": round(result["score"], 6), "band": result["band"],
                    "reasons": "; ".join(r["code"] for r in reasons), "top_reason": reasons[0]["message"] if reasons else "",
                    "decision_id": result["decision_id"], "error": ""}
        else:
            row |= {"score": "", "band": "", "reasons": "", "top_reason": "", "decision_id": "",
                    "error": "; ".join(f"row {p['row']}, {p['column']}: {p['message']}" for p in outcome["problems"])}
        rows.append(row)
    return rows


def write_results(rows: list[dict], filename: str) -> tuple[bytes, str]:
    """The result rows as CSV or XLSX (by `filename`), and its media type. Text that a spreadsheet
    would take for a formula starts with a single quote (`service.exports.spreadsheet_safe`)."""
    from service.exports import spreadsheet_safe

    safe = [{c: spreadsheet_safe(r.get(c, "")) for c in RESULT_COLUMNS} for r in rows]
    if filename.lower().endswith(".xlsx"):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("results")
        sheet.append(list(RESULT_COLUMNS))
        for row in safe:
            sheet.append([row[c] for c in RESULT_COLUMNS])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    out = io.StringIO()
    writer = csv.DictWriter(out, RESULT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(safe)
    return out.getvalue().encode("utf-8"), "text/csv"
