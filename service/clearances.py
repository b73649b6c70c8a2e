"""Clearances: a tenant's word that a party is not the listed entity it resolves to.

A review `cleared` on an alert clears its (party, entity) pair for the alert's tenant; a later
`confirmed` review of an alert of that pair revokes it. Both are rows of their own (append-only:
the latest per pair counts) naming who and when. A cleared pair raises no more alerts, and the
tenant's later scores show it as `cleared_by` evidence instead of a hit.

Scoring reads them from `ClearanceCache`, one per worker: it reloads when the table's newest row
changes, checked at most once per `reload_interval` (a second by default), so a clearance or
its revocation applies to scores within that time, and an idle check costs one indexed query.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from sqlalchemy import Connection, func, insert, select

from service.db import Database
from service.tables import Clearance, utcnow

Pair = tuple[str, str]  # (party key, entity id)


def wire_clearance(row) -> dict:
    return {"cleared_by": row.key_id, "cleared_at": row.created_at.isoformat(timespec="seconds") + "+00:00",
            "alert_id": row.alert_id, "note": row.note}


def active_clearances(connection: Connection, tenant: str | None = None) -> dict[str, dict[Pair, dict]]:
    """Per tenant, the pairs cleared now (their latest row clears) and that row on the wire."""
    query = select(Clearance).order_by(Clearance.seq)
    if tenant is not None:
        query = query.where(Clearance.tenant == tenant)
    latest: dict[tuple[str, str, str], object] = {}
    for row in connection.execute(query):
        latest[(row.tenant, row.party_key, row.entity_id)] = row
    found: dict[str, dict[Pair, dict]] = {}
    for (owner, party, entity), row in latest.items():
        if row.active:
            found.setdefault(owner, {})[(party, entity)] = wire_clearance(row)
    return found


def record(connection: Connection, tenant: str, pairs: Iterable[Pair], *, active: bool, key_id: str,
           alert_id: str | None, note: str) -> None:
    """Clear (or, `active` False, revoke) each pair that is not already so, in the caller's transaction."""
    now = utcnow()
    current = active_clearances(connection, tenant).get(tenant, {})
    rows = [dict(created_at=now, tenant=tenant, party_key=party, entity_id=entity, active=active, key_id=key_id,
                 alert_id=alert_id, note=note)
            for party, entity in dict.fromkeys(pairs) if ((party, entity) in current) != active]
    if rows:
        connection.execute(insert(Clearance), rows)


class ClearanceCache:
    """Every tenant's cleared pairs, as scoring asks for them (see the module's docstring)."""

    def __init__(self, db: Database, interval: float):
        self.db, self.interval = db, interval
        self._checked = float("-inf")
        self._newest: int | None = -1
        self._pairs: dict[str, dict[Pair, dict]] = {}
        self._lock = threading.Lock()

    def of(self, tenant: str) -> dict[Pair, dict]:
        if time.monotonic() - self._checked >= self.interval:
            with self._lock:
                self._refresh()
        return self._pairs.get(tenant, {})

    def _refresh(self) -> None:
        self._checked = time.monotonic()
        with self.db.engine.connect() as connection:
            newest = connection.execute(select(func.max(Clearance.seq))).scalar()
            if newest != self._newest:
                self._pairs, self._newest = active_clearances(connection), newest
