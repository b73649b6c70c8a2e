"""The full look-back (`rescreen --since`): every recorded decision of a window scored again, on Dask.

Where the re-screen (`service.rescreen`) asks only whether a party is now listed, the look-back
re-scores each decision in full, with the active lists snapshot and a model (the active one
unless named), through the same `Scorer` the service scores with, and stores one
`lookback_results` row per (run, decision): its band and score before and after, and the reason
codes it gained.

The client plans and sums; the workers score. Planning is one query: the seqs of the window's
decisions at partition boundaries (every `partition_size`-th), so the client never holds the
decisions themselves. Each partition, a range of `decisions.seq`, is one task that gets nothing
but small values (a `Job`: the database URL, the home's path, the versions, the settings that
shape a score, the run id, the window) and returns counts. A worker loads the scorer once per
(home, lists version, model version, settings) and the engine once per database URL, and keeps
them for the tasks that follow. A task skips the decisions that already have a row for its run
and inserts with ON CONFLICT DO NOTHING, one transaction per chunk: a task retried after its
worker died (the scheduler reschedules it) redoes nothing it committed, and the figures are
counted from the table for the run, never from what the tasks returned, so nothing counts twice.

The workers must see the home at the same path and reach the database at the same URL as the
client (with a remote scheduler: a shared filesystem or the same image and volume).

Scores respect the tenant's clearances as the service's do (`service.clearances`): a pair a
tenant cleared is not a hit again. The scorer is asked once per chunk and tenant (one call per
chunk when a single tenant's decisions are screened).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, and_, case, func, select

from features.matching import names
from features.reference import Reference
from features.resolve import Resolver
from features.signals import RECORD_SIGNALS, Value
from features.snapshot.reader import Snapshot, SnapshotError
from model.serving.persist import ModelFileError, load_card, load_model
from model.serving.scorer import Bands, Scorer
from service import tables
from service.clearances import active_clearances
from service.db import insert_ignoring, make_engine
from service.decisions import decision_window, shipment_of, utc_naive
from service.home import Home
from service.registry import RegistryError
from service.settings import Settings
from service.tables import Decision

BANDS = ("low", "medium", "high")  # in order of risk
CHUNK = 500  # decisions per scorer call and per transaction


def band_rank(column):
    """A band as its rank in SQL (an unknown band ranks below low)."""
    return case({band: rank for rank, band in enumerate(BANDS)}, value=column, else_=-1)


@dataclass(frozen=True)
class Job:
    """What a task is sent: small values only (it is pickled into every task)."""

    database: str
    sqlite_synchronous: str
    home: str
    lists_version: str
    model_version: str
    band_medium: float
    band_high: float
    match_threshold: float
    max_hops: int
    run_id: str
    since: dt.datetime  # naive UTC, as stored
    until: dt.datetime | None
    chunk: int = CHUNK


@dataclass(frozen=True)
class LookbackResult:
    run_id: str
    lists_version: str
    model_version: str
    since: dt.datetime
    until: dt.datetime | None
    decisions: int  # in the window when the run was planned
    rescored: int  # rows of this run in lookback_results
    band_up: int
    band_down: int
    to_high: int  # now high, before not
    seconds: float  # the whole run's wall time, a LocalCluster's start-up included
    scoring_seconds: float = 0.0  # from every worker loaded (snapshot, model, name data) to the last result
    partitions: int = 0
    workers: int = 0
    started_at: dt.datetime = field(default_factory=tables.utcnow)

    @property
    def per_second(self) -> float:
        return self.decisions / self.seconds if self.seconds > 0 else 0.0

    @property
    def scoring_per_second(self) -> float:
        """The rate once the workers are loaded: what more workers multiply."""
        return self.decisions / self.scoring_seconds if self.scoring_seconds > 0 else 0.0

    def figures(self) -> dict:
        return {"decisions": self.decisions, "rescored": self.rescored, "band_up": self.band_up,
                "band_down": self.band_down, "to_high": self.to_high, "seconds": self.seconds,
                "per_second": self.per_second, "scoring_per_second": self.scoring_per_second, "run": self.run_id}


def run_lookback(settings: Settings, *, since: dt.datetime, until: dt.datetime | None = None,
                 model: str | None = None, scheduler=None, workers: int | None = None,
                 partition_size: int = 2000, progress: Callable[[str], None] | None = None) -> LookbackResult:
    """Re-score every decision made in [since, until) with the active lists and `model` (a name or
    version; the active model if None) on Dask. `scheduler`: a scheduler's address, a
    `distributed.Client` or a cluster object to run on (kept open), or None for a LocalCluster of
    `workers` processes (one per core by default), closed at the end."""
    started, clock = tables.utcnow(), time.monotonic()
    progress = progress or (lambda _: None)
    if partition_size < 1:
        raise ValueError("partition_size must be positive")
    home = Home(settings)
    lists_version, model_version = _versions(home, model)
    since, until = utc_naive(since) or since, utc_naive(until)
    run_id = str(uuid.uuid4())
    job = Job(settings.database, settings.sqlite_synchronous, str(Path(settings.home).resolve()), lists_version,
              model_version, settings.band_medium, settings.band_high, settings.match_threshold, settings.max_hops,
              run_id, since, until)
    engine = make_engine(settings.database, settings.sqlite_synchronous)
    try:
        decisions, ranges = plan(engine, since, until, partition_size)
        progress(f"look-back {run_id}: {decisions} decisions in {len(ranges)} partitions, "
                 f"lists {lists_version}, model {model_version}")
        used, scoring = _run(job, ranges, scheduler, workers, progress) if ranges else (0, 0.0)
        counts = tally(engine, run_id)
    finally:
        engine.dispose()
    return LookbackResult(run_id, lists_version, model_version, since, until, decisions,
                          seconds=time.monotonic() - clock, scoring_seconds=scoring, partitions=len(ranges),
                          workers=used, started_at=started, **counts)


def _versions(home: Home, model: str | None) -> tuple[str, str]:
    """The active lists version and the model's, checked to be readable before any work is sent."""
    lists_version = home.lists.active()
    if lists_version is None:
        raise RegistryError("no active lists snapshot; run `diversion-risk lists import FILE...`")
    model_version = home.find_model(model) if model else home.models.active()
    if model_version is None:
        raise RegistryError("no active model; train one or name one with --model")
    try:
        Snapshot(home.lists.path(lists_version))
    except SnapshotError as exc:
        raise RegistryError(f"the lists snapshot {lists_version} cannot be read: {exc}") from None
    try:
        load_card(home.models.path(model_version))
    except ModelFileError as exc:
        raise RegistryError(f"the model {model_version} cannot be read: {exc}") from None
    return lists_version, model_version


def plan(engine: Engine, since: dt.datetime, until: dt.datetime | None, size: int) -> tuple[int, list[tuple[int, int]]]:
    """The window's decision count and its partitions, [first seq, next partition's first seq),
    of `size` decisions each, from one query returning only the boundary seqs."""
    numbered = decision_window(select(Decision.seq, func.row_number().over(order_by=Decision.seq).label("n"),
                              func.count().over().label("total")), since, until, None).subquery()
    query = (select(numbered.c.seq, numbered.c.n, numbered.c.total)
             .where(((numbered.c.n - 1) % size == 0) | (numbered.c.n == numbered.c.total)).order_by(numbered.c.seq))
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    if not rows:
        return 0, []
    firsts = [seq for seq, n, _ in rows if (n - 1) % size == 0]
    return rows[-1].total, list(zip(firsts, firsts[1:] + [rows[-1].seq + 1]))


def _run(job: Job, ranges: list[tuple[int, int]], scheduler, workers: int | None, progress) -> tuple[int, float]:
    """Run one task per range and wait for all: the number of workers there were at the start,
    and the seconds from all of them loaded to the last result."""
    from distributed import Client, LocalCluster, as_completed

    cluster = client = None
    if isinstance(scheduler, Client):
        client = scheduler
    elif scheduler is None:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
    try:
        if client is None:
            client = Client(cluster or scheduler)
        try:
            used = len(client.scheduler_info().get("workers", {}))
            client.run(_load, job)  # every worker loads what it scores with, at once
            clock = time.monotonic()
            futures = [client.submit(score_partition, job, lo, hi, pure=False, retries=2) for lo, hi in ranges]
            try:
                for done, future in enumerate(as_completed(futures), 1):
                    future.result()  # a task that failed for good (retries spent) fails the run
                    progress(f"look-back {job.run_id}: {done}/{len(futures)} partitions")
            except BaseException:
                client.cancel(futures)
                raise
            return used, time.monotonic() - clock
        finally:
            if client is not scheduler:
                client.close()
    finally:
        if cluster is not None:
            cluster.close()


def tally(engine: Engine, run_id: str) -> dict:
    """The run's figures, counted from its rows."""
    row = tables.LookbackResult
    before, after = band_rank(row.band_before), band_rank(row.band_after)
    count = lambda condition: func.coalesce(func.sum(case((condition, 1), else_=0)), 0)  # noqa: E731
    query = select(func.count(), count(after > before), count(after < before),
                   count(and_(row.band_after == "high", row.band_before != "high"))).where(row.run_id == run_id)
    with engine.connect() as connection:
        rescored, up, down, to_high = connection.execute(query).one()
    return {"rescored": rescored, "band_up": up, "band_down": down, "to_high": to_high}


# --- on the worker ----------------------------------------------------------------------------

_lock = threading.Lock()
_engines: dict[tuple[str, str], Engine] = {}
_scorers: dict[tuple, Scorer] = {}
_reference: list[Reference] = []  # loaded once per worker process


def _engine(job: Job) -> Engine:
    key = (job.database, job.sqlite_synchronous)
    with _lock:
        if key not in _engines:
            _engines[key] = make_engine(*key)
        return _engines[key]


def _scorer(job: Job) -> Scorer:
    """The scorer of the job's versions and settings, loaded once per worker process (only the
    latest kept: a worker holds one snapshot and model at a time), with the name matcher's data."""
    key = (job.home, job.lists_version, job.model_version, job.band_medium, job.band_high, job.match_threshold,
           job.max_hops)
    with _lock:
        if key not in _scorers:
            from features.reference import load_reference

            if not _reference:
                _reference.append(load_reference())
                names.warm_up()
            home = Home(Settings(home=Path(job.home)))
            model, _card = load_model(home.models.path(job.model_version))
            _scorers.clear()
            resolver = Resolver(Snapshot(home.lists.path(job.lists_version)), job.match_threshold)
            _scorers[key] = Scorer(_reference[0], resolver, model, bands=Bands(job.band_medium, job.band_high),
                                   max_hops=job.max_hops)
        return _scorers[key]


def _load(job: Job) -> None:
    _scorer(job)


def score_partition(job: Job, lo: int, hi: int) -> dict:
    """Re-score the window's decisions with lo <= seq < hi that this run has no row for yet, a
    chunk at a time (one read, one scorer call per tenant in it, one transaction); counts only."""
    engine, scorer = _engine(job), _scorer(job)
    row = tables.LookbackResult
    columns = (Decision.seq, Decision.id, Decision.tenant, Decision.shipment_id, Decision.input, Decision.band,
               Decision.score, Decision.reasons, Decision.signals)
    read = skipped = written = 0
    after = lo - 1
    with engine.connect() as connection:
        cleared = active_clearances(connection)
    while True:
        query = (decision_window(select(*columns), job.since, job.until, None)
                 .where(Decision.seq > after, Decision.seq < hi).order_by(Decision.seq).limit(job.chunk))
        with engine.connect() as connection:
            decisions = connection.execute(query).all()
            if not decisions:
                break
            done = set(connection.scalars(select(row.decision_seq).where(
                row.run_id == job.run_id, row.decision_seq >= decisions[0].seq, row.decision_seq <= decisions[-1].seq)))
        read += len(decisions)
        after = decisions[-1].seq
        todo = [d for d in decisions if d.seq not in done]
        skipped += len(decisions) - len(todo)
        by_tenant: dict[str, list] = {}
        for decision in todo:
            by_tenant.setdefault(decision.tenant, []).append(decision)
        results = []
        for tenant, group in by_tenant.items():
            assessed = scorer.assess([shipment_of(d.input) for d in group], cleared.get(tenant, {}),
                                     recorded=[_as_recorded(d.signals) for d in group])
            results += [_result(job.run_id, d, a) for d, a in zip(group, assessed)]
        if results:
            with engine.begin() as connection:
                connection.execute(insert_ignoring(row, connection), results)
            written += len(results)
        if len(decisions) < job.chunk:
            break
    return {"read": read, "skipped": skipped, "written": written}


def _as_recorded(signals: dict | None) -> dict[str, Value]:
    """The history signals of a decision as it recorded them: its consignee's history then, which
    a look-back keeps (the tallies hold today's). A decision older than a signal lacks it: unknown."""
    signals = signals if isinstance(signals, dict) else {}
    kept = {}
    for name in RECORD_SIGNALS:
        entry = signals.get(name)
        value = entry.get("value") if isinstance(entry, dict) else None
        number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        kept[name] = Value(float(value), entry.get("evidence")) if number else Value(None)
    return kept


def _result(run_id: str, decision, assessment) -> dict:
    before = {r.get("code") for r in decision.reasons or () if isinstance(r, dict)}
    return dict(run_id=run_id, decision_seq=decision.seq, decision_id=decision.id, tenant=decision.tenant,
                shipment_id=decision.shipment_id, band_before=decision.band, band_after=assessment.band,
                score_before=decision.score, score_after=assessment.score,
                reasons_added=sorted({r["code"] for r in assessment.reasons} - before))
