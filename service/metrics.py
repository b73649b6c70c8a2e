"""Prometheus metrics: request latency by route and status, decisions by band, and what is served.

Under gunicorn every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR (see
service.multiproc) and /metrics merges them, so
a scrape sees all workers whichever one answers it. Without that variable (tests, a single
process) each app keeps its own registry. The lists' age (of the snapshot, and of each source
since publication and since its last sync) and the versions are read from the serving state
and the home at scrape time rather than stored, so they are never stale.
"""

from __future__ import annotations

import datetime as dt
import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import func, select
from prometheus_client.multiprocess import MultiProcessCollector

from service import multiproc
from service.alerts import REASONS
from service.db import Database
from service.party_index import read_state
from service.rescreen import activated_at
from service.runtime import Runtime
from service.sources import read_sync_state
from service.tables import Alert, Rescreen, utcnow

# Scoring takes milliseconds; a large batch, seconds.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# A request may name any token as its method: any other is counted as "other", so a client cannot
# add label values (routes are bounded already: the URL rule, or "unmatched").
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class ServingCollector:
    """The lists snapshot's version and age and the model version of the worker answering the scrape."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    def collect(self):
        state = self.runtime.current()
        if state is None:
            return
        lists = GaugeMetricFamily("diversion_risk_lists_info", "The lists snapshot served (value 1)", labels=["version"])
        lists.add_metric([state.lists_version], 1)
        model = GaugeMetricFamily("diversion_risk_model_info", "The model served (value 1)", labels=["version"])
        model.add_metric([state.model_version], 1)
        yield lists
        yield model
        now = dt.datetime.now(dt.timezone.utc)
        created = state.lists_meta.get("created")
        if created:
            yield GaugeMetricFamily("diversion_risk_lists_age_seconds", "Seconds since the lists snapshot was built",
                                    value=(now - dt.datetime.fromisoformat(created)).total_seconds())
        yield from self._sources(state.lists_meta.get("sources", []), now)

    def _sources(self, served: list[dict], now: dt.datetime):
        """Per source: the age of its data since publication (its as-of date, midnight UTC) and
        since its last successful sync (sources never synced have none)."""
        published = GaugeMetricFamily("diversion_risk_list_source_age_seconds",
                                      "Seconds since the publication date (as of) of each list source served", labels=["source"])
        synced = GaugeMetricFamily("diversion_risk_list_source_sync_age_seconds",
                                   "Seconds since each list source's last successful sync", labels=["source"])
        failed = GaugeMetricFamily("diversion_risk_list_source_sync_failed",
                                   "1 when a source's last sync failed (its previous data keeps serving), else 0", labels=["source"])
        state = read_sync_state(self.runtime.home.sources)
        for name, record in sorted(state.items()):
            failed.add_metric([name], float(record.get("status") == "failed"))
        for source in served:
            if source.get("as_of"):
                day = dt.datetime.fromisoformat(source["as_of"]).replace(tzinfo=dt.timezone.utc)
                published.add_metric([source["name"]], (now - day).total_seconds())
            if last := state.get(source.get("name"), {}).get("last_success"):
                synced.add_metric([source["name"]], (now - dt.datetime.fromisoformat(last)).total_seconds())
        yield published
        yield synced
        yield failed


class ScreeningCollector:
    """Alerts raised (by reason: a count of an append-only table, so a counter) and how far the
    re-screening lags the lists: seconds since the active snapshot was activated while its
    re-screen has not finished (0 once it has), and how long the last one took from activation."""

    def __init__(self, runtime: Runtime, db: Database):
        self.runtime, self.db = runtime, db

    def collect(self):
        raised = CounterMetricFamily("diversion_risk_alerts_raised", "Alerts raised by re-screening, by reason",
                                     labels=["reason"])
        with self.db.engine.connect() as connection:
            counts = dict(connection.execute(select(Alert.reason, func.count()).group_by(Alert.reason)).all())
            screened = read_state(connection, "screened_version")
            last = connection.execute(select(Rescreen.activated_at, Rescreen.finished_at)
                                      .where(Rescreen.finished_at.is_not(None))
                                      .order_by(Rescreen.id.desc()).limit(1)).first()
        for reason in REASONS:
            raised.add_metric([reason], counts.get(reason, 0))
        yield raised
        active = self.runtime.home.lists.active()
        if active is not None:
            since = activated_at(self.runtime.home, active)
            lag = 0.0 if screened == active or since is None else (utcnow() - since).total_seconds()
            yield GaugeMetricFamily("diversion_risk_rescreen_lag_seconds",
                                    "Seconds the active lists snapshot has waited for its re-screen (0 when done)", value=lag)
        if last is not None and last.activated_at is not None:
            yield GaugeMetricFamily("diversion_risk_rescreen_last_seconds",
                                    "Seconds from the activation of a snapshot to the end of its re-screen, the last one",
                                    value=(last.finished_at - last.activated_at).total_seconds())


class Metrics:
    def __init__(self, runtime: Runtime, db: Database | None = None):
        self.registry = CollectorRegistry()
        self.latency = Histogram("diversion_risk_request_duration_seconds", "Request latency by route and status",
                                 ["route", "method", "status"], buckets=BUCKETS, registry=self.registry)
        self.decisions = Counter("diversion_risk_decisions", "Decisions recorded, by band", ["band"],
                                 registry=self.registry)
        self.collectors = [ServingCollector(runtime)] + ([ScreeningCollector(runtime, db)] if db is not None else [])
        for collector in self.collectors:
            self.registry.register(collector)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.latency.labels(route, method if method in METHODS else "other", str(status)).observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        """The text a scrape gets, merged over all workers when running under gunicorn."""
        if os.environ.get(multiproc.ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            for collector in self.collectors:
                registry.register(collector)
        else:
            registry = self.registry
        return generate_latest(registry), CONTENT_TYPE_LATEST
