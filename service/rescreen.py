"""Re-screening: when a lists snapshot is activated, which recorded decisions now involve a party
that is listed, or linked to a listed entity, and did not before.

It runs outside the request path (`lists import`, `lists sync`, `rescreen --watch`), one at a
time per home (a file lock), from the snapshot the parties were last screened against to the
active one:
1. the party index takes in the decisions recorded since it last ran (`service.party_index`);
2. the entities that could raise an alert are worked out (`features.snapshot.diff`), and each
   distinct party of the look-back window is resolved against them alone, then the few that
   match one against the whole new snapshot; parties of decisions made with an older snapshot
   than the one screened from are resolved against the new snapshot in full;
3. each decision naming a party that now resolves within `max_hops` of a sanctioned entity gets
   an alert, unless the decision itself already reported that entity for that reason, an alert
   was already raised for it, or the tenant cleared the (party, entity) pair.
Parties are screened in key order in chunks; each chunk's alerts are committed with the position
reached, so a crash resumes after the last chunk committed and raises nothing twice.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from features.resolve import Resolution, Resolver, party_key
from features.shipment import Party
from features.snapshot.diff import delta_index, designated, flagged_changes
from features.snapshot.reader import Snapshot, SnapshotError
from service.alerts import add_alerts
from service.clearances import active_clearances
from service.db import Database
from service.decisions import shipment_of
from service.home import Home
from service.party_index import PartyIndex, read_state, write_state
from service.registry import RegistryError
from service.tables import Rescreen, utcnow

CHUNK = 2000
# Parties are put forward by the changed entities alone at this fraction of the match threshold,
# then resolved against the whole snapshot at the threshold itself: a margin for what a small
# index scores differently from the full one (the words it holds, the candidates competing).
DELTA_SLACK = 0.9
# Past this share of the new snapshot's entities changed, a small index of them is no smaller.
MOST = 0.5
SIGNAL_OF = {"SANCTIONED_PARTY": "sanctioned_match", "LINKED_SANCTIONED_PARTY": "sanctioned_proximity"}


@dataclass
class RescreenResult:
    lists_before: str | None
    lists_after: str | None
    changed_entities: int = 0
    parties: int = 0
    flagged: int = 0  # parties that now resolve within max_hops of a sanctioned entity
    alerts: int = 0
    seconds: float = 0.0
    screened: bool = True  # False: the active snapshot was screened already, nothing was done

    def figures(self) -> dict:
        return {"rescreened": self.lists_after, "changed_entities": self.changed_entities, "parties": self.parties,
                "flagged": self.flagged, "alerts": self.alerts, "rescreen_seconds": round(self.seconds, 2)}


def activated_at(home: Home, version: str) -> dt.datetime | None:
    """When `version` was last activated (HISTORY), as stored times are: naive UTC."""
    times = [e["at"] for e in home.lists.history() if e["version"] == version and isinstance(e.get("at"), str)]
    try:
        return dt.datetime.fromisoformat(times[-1]).astimezone(dt.timezone.utc).replace(tzinfo=None) if times else None
    except ValueError:
        return None


def reported(signals: dict, role: str, entity_id: str, reason: str) -> bool:
    """Whether a decision's own signals already name `entity_id` for the party of `role` for `reason`."""
    evidence = (signals.get(SIGNAL_OF[reason]) or {}).get("evidence") or {}
    return any(p.get("role") == role and p.get("entity_id") == entity_id for p in evidence.get("parties", []))


class Rescreener:
    def __init__(self, home: Home, db: Database, progress: Callable[[str], None] | None = None):
        self.home, self.db, self.settings = home, db, home.settings
        self.index = PartyIndex(db)
        self.progress = progress or (lambda message: None)

    def screened(self) -> str | None:
        """The snapshot the parties were last screened against."""
        with self.db.engine.connect() as connection:
            return read_state(connection, "screened_version")

    def run(self) -> RescreenResult | None:
        """Re-screen up to the active snapshot; None when there is none."""
        self.home.root.mkdir(parents=True, exist_ok=True)
        with open(self.home.root / "rescreen.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            active = self.home.lists.active()
            if active is None:
                return None
            started = time.monotonic()
            run = self._run_row(active)
            self.index.update(self.progress)
            if run is None:  # screened already: only the index needed bringing up to date
                return RescreenResult(active, active, screened=False)
            result = self._screen(run, active)
            result.seconds = time.monotonic() - started
            return result

    def _run_row(self, active: str) -> dict | None:
        """The unfinished re-screen to `active`, or a new one from the snapshot screened last (or,
        the first time, the one active before); None when `active` is screened already."""
        screened = self.screened()
        if screened == active:
            return None
        with self.db.engine.begin() as connection:
            row = connection.execute(select(Rescreen).where(Rescreen.lists_after == active, Rescreen.finished_at.is_(None))
                                     .order_by(Rescreen.id.desc()).limit(1)).mappings().first()
            if row is not None and row["lists_before"] == screened:
                return dict(row)
            before = screened
            if before is None:
                try:
                    before = self.home.lists.previous()
                except RegistryError:
                    before = None
            values = dict(lists_before=before, lists_after=active, activated_at=activated_at(self.home, active),
                          started_at=utcnow(), from_seq=self.index.watermark(), changed_entities=0, parties_done=0,
                          next_party="", alerts=0)
            values["id"] = connection.execute(insert(Rescreen).values(**values)).inserted_primary_key[0]
            return values

    def _snapshot(self, version: str | None) -> Snapshot | None:
        if version is None:
            return None
        try:
            return Snapshot(self.home.lists.path(version))
        except (SnapshotError, RegistryError):
            return None  # gone or unreadable: every listed entity counts as changed

    def _screen(self, run: dict, active: str) -> RescreenResult:
        s = self.settings
        new = self._snapshot(active)
        if new is None:
            raise RegistryError(f"the active lists snapshot {active} cannot be read")
        old = self._snapshot(run["lists_before"])
        changed = flagged_changes(old, new, s.max_hops)
        full = self.index.made_with_others(run["from_seq"], {v for v in (run["lists_before"], active) if v})
        result = RescreenResult(run["lists_before"], active, len(changed), run["parties_done"], 0, run["alerts"])
        self.progress(f"re-screening against {len(changed)} changed entities of {active}; "
                      f"{len(full)} parties in full (scored with an older snapshot)")
        since = utcnow() - dt.timedelta(days=s.rescreen_days)
        with tempfile.TemporaryDirectory(dir=self.home.root) as tmp:
            # Most of the snapshot changed (a first screening, a snapshot gone): every party in full.
            everything = len(changed) > len(new) * MOST
            delta = None if everything or not changed else delta_index(new, changed, Path(tmp))
            if everything:
                full = None
            with self.db.engine.connect() as connection:
                cleared = active_clearances(connection)
            position = run["next_party"]
            resolver = Resolver(new, s.match_threshold)
            delta_resolver = delta and Resolver(delta, s.match_threshold * DELTA_SLACK)
            while chunk := self.index.parties(position, CHUNK):
                hits = self._hits(chunk, delta_resolver, resolver, full)
                result.flagged += len(hits)
                with self.db.engine.begin() as connection:
                    rows = self._alerts(connection, hits, new, run, since, cleared)
                    raised = add_alerts(connection, rows)
                    position = chunk[-1][0]
                    result.parties += len(chunk)
                    result.alerts += raised
                    connection.execute(update(Rescreen).where(Rescreen.id == run["id"]).values(
                        next_party=position, parties_done=result.parties, alerts=result.alerts,
                        changed_entities=len(changed)))
                self.progress(f"screened {result.parties} parties, {result.alerts} alerts")
        with self.db.engine.begin() as connection:
            connection.execute(update(Rescreen).where(Rescreen.id == run["id"]).values(finished_at=utcnow()))
            write_state(connection, "screened_version", active)
        return result

    def _hits(self, chunk: list[tuple[str, Party]], delta: Resolver | None, new: Resolver,
              full: set[str] | None) -> dict[str, tuple[Resolution, int]]:
        """The parties of `chunk` that now resolve within max_hops of a sanctioned entity: of those
        in `full` (None: all) and those matching an entity of `delta` (at a slacker threshold)."""
        max_hops = self.settings.max_hops
        hits = {}
        for key, party in chunk:
            if full is not None and key not in full and (delta is None or delta.resolve(party) is None):
                continue
            resolution = new.resolve(party)
            hops = None if resolution is None else new.snapshot.hops(resolution.row)
            if hops is not None and hops <= max_hops:
                hits[key] = (resolution, hops)
        return hits

    def _alerts(self, connection, hits: dict[str, tuple[Resolution, int]], new: Snapshot, run: dict,
                since: dt.datetime, cleared: dict) -> list[dict]:
        rows, now = [], utcnow()
        for key, role, decision_id, tenant, shipment_id, text, signals in self.index.decisions_of(connection, list(hits), since):
            resolution, hops = hits[key]
            record = new.record(resolution.row)
            reason = "SANCTIONED_PARTY" if hops == 0 else "LINKED_SANCTIONED_PARTY"
            if (key, record["id"]) in cleared.get(tenant, {}) or reported(signals, role, record["id"], reason):
                continue
            party = next(p for p in shipment_of(text).parties if p.role == role and party_key(p) == key)
            listed = new.record(new.nearest_sanctioned(resolution.row))
            rows.append(dict(
                id=str(uuid.uuid4()), created_at=now, tenant=tenant, decision_id=decision_id, shipment_id=shipment_id,
                role=role, party={"name": party.name, "country": party.country,
                                  "identifiers": [{"scheme": i.scheme, "value": i.value} for i in party.identifiers]},
                party_key=key, entity_id=record["id"], reason=reason,
                entry={"entity_id": record["id"], "name": record["names"][0], "schema": record["schema"],
                       "countries": record["countries"], "match_score": resolution.score,
                       "matched_by": resolution.method, "matched": resolution.matched, "hops": hops,
                       "sanctioned_entity_id": listed["id"], "sanctioned_name": listed["names"][0],
                       "lists": listed["sanctions"], "designated": designated(listed["sanctions"])},
                path=new.path(resolution.row) if hops else [],
                lists_before=run["lists_before"], lists_after=run["lists_after"]))
        return rows
