"""Scoring shipments as the API does, for any caller: the batch route, the spreadsheet route, the
upload page and the `score FILE` command all come here, so a shipment gets the same validation,
score, reasons and decision record whichever way it arrives.

Each body is validated on its own (a bad one is a problem of its own, the others are scored), the
valid ones are scored in one model call against the caller's tenant's clearances and history, and
`Scored.record` commits their decisions with the history they add in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import Connection

from features.history import Ledger
from features.shipment import Shipment
from model.serving.scorer import Assessment
from service.keys import Caller
from service.problems import Problem, invalid
from service.runtime import State
from service.schemas import ShipmentSchema, name_chars
from service.services import Services
from service.sheets import SheetError, SheetShipment, problems_by_row, read_table, result_rows, shipments_of, write_results

# A schema holds no per-request state, so one instance serves every request: building one (its
# nested fields) costs more than loading a shipment with it.
SHIPMENT = ShipmentSchema()


def load_shipment(data) -> Shipment:
    if not isinstance(data, dict):
        raise invalid({"body": ["must be a JSON object (one shipment)"]})
    try:
        return SHIPMENT.load(data)
    except ValidationError as exc:
        raise invalid(exc.messages) from None


def result(shipment: Shipment, assessment: Assessment, state: State) -> dict:
    return {
        "shipment_id": shipment.shipment_id,
        "decision_id": str(uuid.uuid4()),
        "score": assessment.score,
        "band": assessment.band,
        "base": assessment.base,
        "reasons": assessment.reasons,
        "signals": {name: {"value": v.value, "evidence": v.evidence, "contribution": assessment.contributions.get(name, 0.0)}
                    for name, v in assessment.signals.items()},
        "model_version": state.model_version,
        "lists_version": state.lists_version,
        "lists_as_of": state.lists_as_of,
    }


def _sent_id(raw) -> str | None:
    """The shipment id a refused shipment was sent with, so the client can find it."""
    sent = raw.get("shipment_id") if isinstance(raw, dict) else None
    return sent[:128] if isinstance(sent, str) else None


@dataclass
class Scored:
    results: list[dict]  # per body, in order: {"index", "result"} or {"index", "error"}
    decided: list[tuple[Shipment, dict]]
    ledger: Ledger

    def record(self, services: Services, caller: Caller, claim: Callable[[Connection], None] | None = None) -> None:
        """Commit the decisions (one transaction, with `claim`, e.g. an Idempotency-Key's, and what
        they add to the tenant's history tallies), then count them by band."""
        def with_decisions(connection: Connection) -> None:
            if claim is not None:
                claim(connection)
            services.history.add(connection, caller.tenant, self.ledger.pending)

        if self.decided:
            services.decisions.record(caller, self.decided, with_decisions)
        for _, item in self.decided:
            services.metrics.decisions.labels(item["band"]).inc()


def score_bodies(bodies: Sequence, state: State, services: Services, caller: Caller) -> Scored:
    """Validate and score shipments given as API bodies; nothing is recorded until `record`."""
    loaded: list[Shipment | Problem] = []
    for raw in bodies:
        try:
            loaded.append(load_shipment(raw))
        except Problem as problem:
            loaded.append(problem)
    valid = [s for s in loaded if isinstance(s, Shipment)]
    ledger = services.history.ledger(caller.tenant, valid)
    assessments = iter(state.scorer.assess(valid, services.clearances.of(caller.tenant), ledger))
    results = [
        {"index": i, "error": {**item.document(), "shipment_id": _sent_id(raw)}} if isinstance(item, Problem)
        else {"index": i, "result": result(item, next(assessments), state)}
        for i, (item, raw) in enumerate(zip(loaded, bodies))
    ]
    decided = [(item, entry["result"]) for item, entry in zip(loaded, results) if "result" in entry]
    return Scored(results, decided, ledger)


def check_batch_work(shipments: list, config: Mapping) -> None:
    """Refuse a batch whose parties, or the characters of their names, exceed the settings:
    resolving them is the work (`service.schemas.name_chars`). Counted as sent, before any
    shipment is loaded; what is not a name is left to each shipment's validation. `config`: the
    app's, with MAX_BATCH_PARTIES and MAX_BATCH_NAME_CHARS."""
    lists = (shipment.get("parties") for shipment in shipments if isinstance(shipment, dict))
    names = [party.get("name") if isinstance(party, dict) else None
             for parties in lists if isinstance(parties, list) for party in parties]
    most = config["MAX_BATCH_PARTIES"]
    if len(names) > most:
        raise invalid({"shipments": [f"at most {most:,} parties in all the shipments of a batch"]})
    most = config["MAX_BATCH_NAME_CHARS"]
    if sum(name_chars(name) for name in names if isinstance(name, str)) > most:
        raise invalid({"shipments": [f"the parties' names must total at most {most:,} characters (NFKC) per batch"]})


@dataclass
class SheetScored:
    """A spreadsheet's shipments scored: per shipment its rows, notes and result or problems."""

    shipments: list[SheetShipment]
    results: list[dict]
    scored: Scored

    def file(self, fmt: str) -> tuple[bytes, str]:
        """The results as a CSV or XLSX file (`fmt`), and its media type."""
        outcomes = [{"result": r.get("result"), "problems": r.get("error", {}).get("problems", [])} for r in self.results]
        return write_results(result_rows(self.shipments, outcomes), f"results.{fmt}")


def score_sheet(data: bytes, filename: str, state: State, services: Services, caller: Caller,
                config: Mapping) -> SheetScored:
    """Score a CSV or XLSX of shipments (the template of examples/) as a batch; 422 naming the file,
    the row and the column when it cannot be read. Nothing is recorded until `.scored.record`."""
    try:
        sheet = shipments_of(read_table(data, filename))
    except SheetError as exc:
        raise Problem(422, "Invalid upload", f"{filename}: {exc}", [{"field": "file", "message": str(exc)}]) from None
    if len(sheet) > config["MAX_BATCH"]:
        raise invalid({"file": [f"at most {config['MAX_BATCH']} shipments per file (the command `score FILE` "
                                "takes any number)"]}, "Invalid upload")
    readable = [s for s in sheet if not s.problems]
    check_batch_work([s.body for s in readable], config)
    scored = score_bodies([s.body for s in readable], state, services, caller)
    outcomes = iter(scored.results)
    results = []
    for shipment in sheet:
        entry = {"shipment_id": shipment.shipment_id, "rows": shipment.rows, "notes": shipment.notes}
        if shipment.problems:
            entry["error"] = {"problems": shipment.problems}
        else:
            outcome = next(outcomes)
            entry |= {"result": outcome["result"]} if "result" in outcome else {
                "error": {"problems": problems_by_row(shipment, outcome["error"].get("errors", []))
                          or [{"row": shipment.rows[0], "column": "", "message": outcome["error"].get("detail", "")}]}}
        results.append(entry)
    return SheetScored(sheet, results, scored)
