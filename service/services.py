"""What an app holds besides the serving state: the store's parts and the metrics, made once per app."""

from __future__ import annotations

from dataclasses import dataclass

from service.alerts import Alerts
from service.clearances import ClearanceCache
from service.db import Database
from service.decisions import Decisions
from service.history import HistoryStore
from service.idempotency import IdempotencyKeys
from service.keys import Keys
from service.metrics import Metrics
from service.runtime import Runtime
from service.settings import Settings


@dataclass(frozen=True)
class Services:
    db: Database
    keys: Keys
    decisions: Decisions
    metrics: Metrics
    idempotency: IdempotencyKeys
    alerts: Alerts
    clearances: ClearanceCache
    history: HistoryStore

    @classmethod
    def start(cls, settings: Settings, runtime: Runtime) -> Services:
        """Connect to the store and migrate it to the newest schema."""
        db = Database(settings)
        db.upgrade()
        return cls(db, Keys(db), Decisions(db), Metrics(runtime, db), IdempotencyKeys(db, settings.idempotency_ttl),
                   Alerts(db), ClearanceCache(db, settings.reload_interval), HistoryStore(db, runtime.reference))
