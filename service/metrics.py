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
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from service import multiproc
from service.runtime import Runtime
from service.sources import read_sync_state

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


class Metrics:
    def __init__(self, runtime: Runtime):
        self.registry = CollectorRegistry()
        self.latency = Histogram("diversion_risk_request_duration_seconds", "Request latency by route and status",
                                 ["route", "method", "status"], buckets=BUCKETS, registry=self.registry)
        self.decisions = Counter("diversion_risk_decisions", "Decisions recorded, by band", ["band"],
                                 registry=self.registry)
        self.serving = ServingCollector(runtime)
        self.registry.register(self.serving)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        self.latency.labels(route, method if method in METHODS else "other", str(status)).observe(seconds)

    def exposition(self) -> tuple[bytes, str]:
        """The text a scrape gets, merged over all workers when running under gunicorn."""
        if os.environ.get(multiproc.ENV):
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            registry.register(self.serving)
        else:
            registry = self.registry
        return generate_latest(registry), CONTENT_TYPE_LATEST
