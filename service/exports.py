"""Files made from the decision record: a full export (CSV or JSON Lines) and a training set.

The training set is a CSV of the decisions whose latest outcome settles them (confirmed_diversion
or cleared; inconclusive ones teach nothing), one row per decision with the shipment's fields,
and next to it a mapping YAML (the `model.history.mapping` format) naming its columns, so the training
command reads the pair as it is. Columns of the training CSV:

    decision_id, date, origin_country, destination_country, transit_countries (";"-separated),
    hs_code (the first item's), hs_codes (all, ";"-separated), consignee_name, consignee_country,
    consignee_identifier (of the scheme most common in the file; the mapping names that scheme),
    consignee_incorporation_date, value (sum of the items' declared values), currency,
    score, band, model_version (what the service said: informative, not features), outcome (the label)

Every CSV cell is spreadsheet-safe (`spreadsheet_safe`): a shipment id or party name is the
client's text, and a spreadsheet opening the file would run one that starts like a formula
(CSV injection). Such a text gets a leading single quote, OWASP's advice: the spreadsheet shows
it as text, and a program reading the CSV sees the quote. JSON Lines are written as stored.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

import yaml

from service import strict_json

SETTLED = ("confirmed_diversion", "cleared")
# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DECISION_COLUMNS = ("decision_id", "created_at", "tenant", "key_id", "shipment_id", "score", "band", "base",
                    "reason_codes", "model_version", "lists_version", "input_sha256", "outcome", "outcome_source",
                    "outcome_at", "input")
TRAINING_COLUMNS = ("decision_id", "date", "origin_country", "destination_country", "transit_countries", "hs_code",
                    "hs_codes", "consignee_name", "consignee_country", "consignee_identifier",
                    "consignee_incorporation_date", "value", "currency", "score", "band", "model_version", "outcome")


def spreadsheet_safe(value):
    """The cell a spreadsheet shows as text: a text starting like a formula gets a leading single
    quote; numbers (a negative base is no formula) and other texts are kept."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def csv_rows(out: TextIO, columns: tuple[str, ...]) -> Callable[[dict], None]:
    """Write the header of a CSV with `columns`; returns what writes a row of it, spreadsheet-safe."""
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    return lambda row: writer.writerow({column: spreadsheet_safe(value) for column, value in row.items()})


def write_decisions(decisions: Iterable[dict], out: TextIO, fmt: str) -> int:
    """Every decision as a JSON line (complete) or a CSV row (flat, the input as JSON text); returns the count."""
    count = 0
    write_row = csv_rows(out, DECISION_COLUMNS) if fmt == "csv" else None
    for decision in decisions:
        if write_row is None:
            out.write(strict_json.dumps(decision, ensure_ascii=False, sort_keys=True) + "\n")
        else:
            outcome = decision["outcome"] or {}
            write_row({**{k: decision[k] for k in DECISION_COLUMNS if k in decision},
                       "reason_codes": ";".join(r["code"] for r in decision["reasons"]),
                       "outcome": outcome.get("outcome", ""), "outcome_source": outcome.get("source", ""),
                       "outcome_at": outcome.get("recorded_at", ""),
                       "input": strict_json.dumps(decision["input"], ensure_ascii=False, sort_keys=True)})
        count += 1
    return count


def _consignee(shipment: dict) -> dict:
    return next(p for p in shipment["parties"] if p["role"] == "consignee")


def _training_row(decision: dict, scheme: str | None) -> dict:
    shipment = decision["input"]
    consignee = _consignee(shipment)
    identifier = next((i["value"] for i in consignee["identifiers"] if i["scheme"] == scheme), "")
    values = [item["value"] for item in shipment["items"] if item["value"] is not None]
    hs_codes = [item["hs_code"] for item in shipment["items"]]
    return {
        "decision_id": decision["decision_id"], "date": shipment["date"],
        "origin_country": shipment["origin_country"] or "", "destination_country": shipment["destination_country"],
        "transit_countries": ";".join(shipment["transit_countries"]), "hs_code": hs_codes[0],
        "hs_codes": ";".join(hs_codes), "consignee_name": consignee["name"],
        "consignee_country": consignee["country"] or "", "consignee_identifier": identifier,
        "consignee_incorporation_date": consignee["incorporation_date"] or "",
        "value": sum(values) if values else "", "currency": shipment["items"][0]["currency"] or "",
        "score": decision["score"], "band": decision["band"], "model_version": decision["model_version"],
        "outcome": decision["outcome"]["outcome"],
    }


def training_mapping(scheme: str | None) -> dict:
    """The mapping (model.history.mapping format) that reads the training CSV."""
    consignee = {"role": "consignee", "name": "consignee_name", "country": "consignee_country",
                 "incorporation_date": "consignee_incorporation_date"}
    if scheme:
        consignee.update(identifier="consignee_identifier", identifier_scheme=scheme)
    return {"label": {"column": "outcome", "positive": ["confirmed_diversion"]}, "date": "date",
            "hs_code": "hs_code", "origin_country": "origin_country", "destination_country": "destination_country",
            "transit_countries": {"column": "transit_countries", "separator": ";"}, "parties": [consignee],
            "value": "value", "currency": "currency"}


def write_training(decisions: Iterable[dict], out: Path) -> dict:
    """Write the training CSV at `out` and its mapping at `out` with suffix .mapping.yaml; returns
    counts and the mapping's path."""
    settled = [d for d in decisions if d["outcome"] and d["outcome"]["outcome"] in SETTLED]
    schemes = Counter(i["scheme"] for d in settled for i in _consignee(d["input"])["identifiers"])
    scheme = schemes.most_common(1)[0][0] if schemes else None
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="", encoding="utf-8") as handle:
        write_row = csv_rows(handle, TRAINING_COLUMNS)
        for decision in settled:
            write_row(_training_row(decision, scheme))
    mapping_path = out.with_suffix(".mapping.yaml")
    header = f"# Mapping of {out.name}, written by `diversion-risk export-training`.\n"
    mapping_path.write_text(header + yaml.safe_dump(training_mapping(scheme), sort_keys=False))
    positives = sum(d["outcome"]["outcome"] == "confirmed_diversion" for d in settled)
    return {"rows": len(settled), "positives": positives, "mapping": str(mapping_path)}
