"""The decision record: every score the service gives, stored before the client sees it.

A decision keeps what is needed to explain it later: the canonical input (the request as loaded
and normalised, as canonical JSON, with its SHA-256), the signals, score, band and reasons, and
the model and lists versions it was made with. Rows are only ever inserted; outcomes reported
later are rows of their own, and the latest one counts.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, Select, and_, case, exists, func, insert, select

from features.identifiers import Identifier
from features.shipment import Item, Party, Shipment
from service import strict_json
from service.db import Database
from service.keys import Caller
from service.tables import Decision, Outcome, utcnow

BAND_ORDER = ("high", "medium", "low")  # the review queue's order
# A decision needs a person's review while it is in one of these bands and has no outcome yet.
REVIEW_BANDS = BAND_ORDER[:2]
QUEUE_STATUSES = ("needs_review", "reviewed", "all")
INSERT = insert(Decision)  # built once: every scored request runs it


def canonical_json(shipment: Shipment) -> str:
    """One text per loaded shipment: sorted keys, no spaces, dates in ISO form, UTF-8 as is."""
    return strict_json.dumps(dataclasses.asdict(shipment), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                             default=lambda value: value.isoformat())


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def shipment_of(text: str) -> Shipment:
    """The shipment a decision's canonical input is (the inverse of `canonical_json`): what a
    re-screen scores again."""
    data = json.loads(text)
    parties = tuple(Party(p["role"], p["name"], p["country"], tuple(Identifier(**i) for i in p["identifiers"]),
                          _date(p["incorporation_date"]), p["address"]) for p in data["parties"])
    return Shipment(data["shipment_id"], _date(data["date"]), data["destination_country"],
                    tuple(Item(**i) for i in data["items"]), parties, data["origin_country"],
                    tuple(data["transit_countries"]))


def utc_naive(value: dt.datetime | None) -> dt.datetime | None:
    """A time as stored: UTC without a zone (a time without one is taken to be UTC already)."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def wire_time(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.timezone.utc).isoformat(timespec="microseconds")


# A cursor is "d" and a decision's seq (a 64-bit sequence on PostgreSQL), in unpadded URL-safe base64.
CURSOR = re.compile(r"d(0|[1-9][0-9]{0,18})")
MAX_SEQ = 2**63 - 1


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"d{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The position a cursor stands for, or None if it is not one this service issued."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    match = CURSOR.fullmatch(text)
    return int(match.group(1)) if match and int(match.group(1)) <= MAX_SEQ else None


def _outcome(row: Outcome) -> dict:
    return {"outcome": row.outcome, "source": row.source, "note": row.note, "recorded_at": wire_time(row.created_at)}


def _decision(row: Decision, outcomes: list[Outcome]) -> dict:
    """A stored decision on the wire: the original response's fields, plus its time, input and outcomes."""
    return {
        "decision_id": row.id, "shipment_id": row.shipment_id, "score": row.score, "band": row.band,
        "base": row.base, "reasons": row.reasons, "signals": row.signals, "model_version": row.model_version,
        "lists_version": row.lists_version, "created_at": wire_time(row.created_at),
        "input": json.loads(row.input), "input_sha256": row.input_sha256,
        "outcome": _outcome(outcomes[-1]) if outcomes else None, "outcomes": [_outcome(o) for o in outcomes],
    }


class Decisions:
    def __init__(self, db: Database):
        self.db = db

    def record(self, caller: Caller, scored: list[tuple[Shipment, dict]],
               also: Callable[[Connection], None] | None = None) -> None:
        """Store each (shipment, response result) in one transaction; raises if it cannot commit.
        `also` runs first in that transaction (an Idempotency-Key's claim, the history tallies the
        decisions add to: held with the decisions or not at all)."""
        now = utcnow()
        rows = []
        for shipment, result in scored:
            # A number that is not finite is neither JSON nor a score: a bug, refused before writing.
            strict_json.dumps([result["score"], result["base"], result["signals"], result["reasons"]])
            text = canonical_json(shipment)
            rows.append(dict(
                id=result["decision_id"], created_at=now, tenant=caller.tenant, key_id=caller.key_id,
                shipment_id=shipment.shipment_id, input=text, input_sha256=hashlib.sha256(text.encode()).hexdigest(),
                signals=result["signals"], score=result["score"], band=result["band"], base=result["base"],
                reasons=result["reasons"], model_version=result["model_version"], lists_version=result["lists_version"],
            ))
        # A Core insert: the ORM's unit of work costs more than the insert itself on every request.
        with self.db.engine.begin() as connection:
            if also is not None:
                also(connection)
            connection.execute(INSERT, rows)

    def get(self, tenant: str, decision_id: str) -> dict | None:
        with self.db.session() as session:
            row = session.scalar(select(Decision).where(Decision.id == decision_id, Decision.tenant == tenant))
            return None if row is None else _decision(row, self._outcomes(session, [row.id])[row.id])

    def page(self, tenant: str, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
             band: str | None = None, shipment_id: str | None = None, limit: int = 100,
             after: int | None = None) -> tuple[list[dict], str | None]:
        """Up to `limit` decisions in the order they were made, and the cursor of the next page (or
        None). With `shipment_id`, only that shipment's decisions, newest first: a shipment scored
        again is looked up for its latest score."""
        query = decision_window(select(Decision).where(Decision.tenant == tenant), since, until, band)
        newest_first = shipment_id is not None
        if newest_first:
            query = query.where(Decision.shipment_id == shipment_id)
        if after is not None:
            query = query.where(Decision.seq < after if newest_first else Decision.seq > after)
        order = Decision.seq.desc() if newest_first else Decision.seq
        with self.db.session() as session:
            rows = list(session.scalars(query.order_by(order).limit(limit + 1)))
            more = len(rows) > limit
            rows = rows[:limit]
            outcomes = self._outcomes(session, [r.id for r in rows])
            items = [_decision(r, outcomes[r.id]) for r in rows]
        return items, encode_cursor(rows[-1].seq) if more else None

    def queue(self, tenant: str, *, status: str = "all", band: str | None = None, since: dt.datetime | None = None,
              until: dt.datetime | None = None, shipment_id: str | None = None, limit: int = 50,
              offset: int = 0) -> tuple[list[dict], bool]:
        """A review queue: the decisions that need review first (each says whether it does), then
        by band (high first), then newest first; with `status`, only those needing review or only
        those with an outcome. Returns a page and whether more follow."""
        reviewed = exists().where(Outcome.decision_id == Decision.id)
        needs = and_(Decision.band.in_(REVIEW_BANDS), ~reviewed)
        query = decision_window(select(Decision, needs.label("needs_review")).where(Decision.tenant == tenant),
                                since, until, band)
        if shipment_id is not None:
            query = query.where(Decision.shipment_id == shipment_id)
        if status == "needs_review":
            query = query.where(needs)
        elif status == "reviewed":
            query = query.where(reviewed)
        band_rank = case({b: i for i, b in enumerate(BAND_ORDER)}, value=Decision.band, else_=len(BAND_ORDER))
        query = query.order_by(case((needs, 0), else_=1), band_rank, Decision.seq.desc()).offset(offset).limit(limit + 1)
        with self.db.session() as session:
            rows = list(session.execute(query))
            page = rows[:limit]
            outcomes = self._outcomes(session, [r.id for r, _ in page])
            items = [_decision(r, outcomes[r.id]) | {"needs_review": bool(flag)} for r, flag in page]
        return items, len(rows) > limit

    def add_outcome(self, caller: Caller, decision_id: str, outcome: str, source: str, note: str) -> dict | None:
        """Append an outcome to one of the caller's tenant's decisions; None if there is no such decision."""
        with self.db.session() as session:
            found = session.scalar(select(func.count()).select_from(Decision)
                                   .where(Decision.id == decision_id, Decision.tenant == caller.tenant))
            if not found:
                return None
            row = Outcome(decision_id=decision_id, created_at=utcnow(), key_id=caller.key_id,
                          outcome=outcome, source=source, note=note)
            session.add(row)
        return _outcome(row)

    def export(self, since: dt.datetime, until: dt.datetime | None = None, tenant: str | None = None,
               batch: int = 500) -> Iterator[dict]:
        """Every decision in the window (all tenants unless one is named), with its tenant and key,
        read in batches so an export of millions stays in bounded memory."""
        after = 0
        while True:
            query = decision_window(select(Decision), since, until, None).where(Decision.seq > after)
            if tenant:
                query = query.where(Decision.tenant == tenant)
            with self.db.session() as session:
                rows = list(session.scalars(query.order_by(Decision.seq).limit(batch)))
                outcomes = self._outcomes(session, [r.id for r in rows])
                for row in rows:
                    yield {"tenant": row.tenant, "key_id": row.key_id, **_decision(row, outcomes[row.id])}
            if len(rows) < batch:
                return
            after = rows[-1].seq

    @staticmethod
    def _outcomes(session, ids: list[str]) -> dict[str, list[Outcome]]:
        found: dict[str, list[Outcome]] = {i: [] for i in ids}
        if ids:
            for row in session.scalars(select(Outcome).where(Outcome.decision_id.in_(ids)).order_by(Outcome.seq)):
                found[row.decision_id].append(row)
        return found


def decision_window(query: Select, since: dt.datetime | None, until: dt.datetime | None, band: str | None) -> Select:
    """`query` of decisions made in [since, until), of `band` if given (None: no bound)."""
    if since is not None:
        query = query.where(Decision.created_at >= utc_naive(since))
    if until is not None:
        query = query.where(Decision.created_at < utc_naive(until))
    if band is not None:
        query = query.where(Decision.band == band)
    return query
