"""Alerts: recorded decisions whose party became listed, or linked to a listed entity, since.

Re-screening (`service.rescreen`) inserts them; nothing changes or deletes one. An analyst's
reviews are rows of their own, the latest giving the alert's status ("open" before any); a
review `cleared` also clears the alert's (party, entity) pair for the tenant (`service.clearances`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Select, insert, select

from service import clearances
from service.db import Database, insert_ignoring
from service.decisions import encode_cursor, utc_naive, wire_time
from service.keys import Caller
from service.tables import Alert, AlertReview, utcnow

REASONS = ("SANCTIONED_PARTY", "LINKED_SANCTIONED_PARTY")
REVIEW_STATUSES = ("confirmed", "cleared")
STATUSES = ("open", *REVIEW_STATUSES)


def _review(row: AlertReview) -> dict:
    return {"status": row.status, "note": row.note, "reviewed_by": row.key_id, "reviewed_at": wire_time(row.created_at)}


def alert_wire(row: Alert, reviews: list[AlertReview]) -> dict:
    """An alert as the API and webhooks give it."""
    return {
        "id": row.id, "decision_id": row.decision_id, "shipment_id": row.shipment_id,
        "party": {"role": row.role, **row.party}, "entity_id": row.entity_id, "reason": row.reason,
        "entry": row.entry, "path": row.path, "lists_before": row.lists_before, "lists_after": row.lists_after,
        "status": reviews[-1].status if reviews else "open", "created_at": wire_time(row.created_at),
        "reviews": [_review(r) for r in reviews],
    }


def _latest_status():
    return (select(AlertReview.status).where(AlertReview.alert_id == Alert.id)
            .order_by(AlertReview.seq.desc()).limit(1).scalar_subquery())


def _window(query: Select, since: dt.datetime | None, until: dt.datetime | None, status: str | None) -> Select:
    if since is not None:
        query = query.where(Alert.created_at >= utc_naive(since))
    if until is not None:
        query = query.where(Alert.created_at < utc_naive(until))
    if status == "open":
        query = query.where(_latest_status().is_(None))
    elif status is not None:
        query = query.where(_latest_status() == status)
    return query


def add_alerts(connection: Connection, rows: list[dict]) -> int:
    """Insert alerts (column dicts) in the caller's transaction, skipping any already raised for its
    (decision, role, entity, reason): a repeated re-screen adds nothing. How many were new."""
    if not rows:
        return 0
    keys = {(r["decision_id"], r["role"], r["entity_id"], r["reason"]) for r in rows}
    held = set(connection.execute(
        select(Alert.decision_id, Alert.role, Alert.entity_id, Alert.reason)
        .where(Alert.decision_id.in_({k[0] for k in keys}))).all())
    fresh = [r for r in rows if (r["decision_id"], r["role"], r["entity_id"], r["reason"]) not in held]
    if fresh:
        connection.execute(insert_ignoring(Alert, connection), fresh)
    return len(fresh)


class Alerts:
    def __init__(self, db: Database):
        self.db = db

    def page(self, tenant: str, *, since: dt.datetime | None = None, until: dt.datetime | None = None,
             status: str | None = None, limit: int = 100, after: int | None = None) -> tuple[list[dict], str | None]:
        """Up to `limit` of the tenant's alerts in the order raised, and the next page's cursor (or None)."""
        query = _window(select(Alert).where(Alert.tenant == tenant), since, until, status)
        if after is not None:
            query = query.where(Alert.seq > after)
        with self.db.session() as session:
            rows = list(session.scalars(query.order_by(Alert.seq).limit(limit + 1)))
            more, rows = len(rows) > limit, rows[:limit]
            reviews = self._reviews(session, [r.id for r in rows])
            items = [alert_wire(r, reviews[r.id]) for r in rows]
        return items, encode_cursor(rows[-1].seq) if more else None

    def get(self, tenant: str, alert_id: str) -> dict | None:
        with self.db.session() as session:
            row = session.scalar(select(Alert).where(Alert.id == alert_id, Alert.tenant == tenant))
            return None if row is None else alert_wire(row, self._reviews(session, [row.id])[row.id])

    def review(self, caller: Caller, alert_id: str, status: str, note: str) -> dict | None:
        """Append a review to one of the caller's tenant's alerts and clear (or un-clear) its pair,
        in one transaction; the alert as it now stands, or None if there is no such alert."""
        with self.db.engine.begin() as connection:
            row = connection.execute(select(Alert).where(Alert.id == alert_id, Alert.tenant == caller.tenant)).first()
            if row is None:
                return None
            connection.execute(insert(AlertReview), [dict(alert_id=alert_id, created_at=utcnow(), key_id=caller.key_id,
                                                           status=status, note=note)])
            clearances.record(connection, caller.tenant, [(row.party_key, row.entity_id)], active=status == "cleared",
                              key_id=caller.key_id, alert_id=alert_id, note=note)
        return self.get(caller.tenant, alert_id)

    def since(self, after_seq: int, limit: int = 500) -> list[tuple[int, str, dict]]:
        """(seq, tenant, alert on the wire) of alerts raised after `after_seq`, every tenant: for delivery."""
        with self.db.session() as session:
            rows = list(session.scalars(select(Alert).where(Alert.seq > after_seq).order_by(Alert.seq).limit(limit)))
            reviews = self._reviews(session, [r.id for r in rows])
            return [(r.seq, r.tenant, alert_wire(r, reviews[r.id])) for r in rows]

    @staticmethod
    def _reviews(session, ids: list[str]) -> dict[str, list[AlertReview]]:
        found: dict[str, list[AlertReview]] = {i: [] for i in ids}
        if ids:
            for row in session.scalars(select(AlertReview).where(AlertReview.alert_id.in_(ids)).order_by(AlertReview.seq)):
                found[row.alert_id].append(row)
        return found
