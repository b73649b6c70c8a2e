"""The full look-back (`service.lookback`) on Dask: decisions recorded before the example network
was listed, re-scored in full once it is, on a LocalCluster of 2 worker processes shared by the
module's tests (start-up costs a few seconds), against SQLite and, with TEST_DATABASE_URL, PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import os
import secrets
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from sqlalchemy import select

from service import lookback
from service.app import create_app
from service.db import Database
from service.home import Home
from service.lookback import Job, plan, run_lookback, score_partition
from service.lookback_report import write_report
from service.registry import RegistryError
from service.settings import Settings
from service.tables import Decision, LookbackResult, utcnow
from tests.conftest import EXAMPLES, empty_store, ofac_fixture_home

NETWORK = EXAMPLES / "network.ftm.jsonl"
BATCHES, PER_BATCH = 3, 20
# Per batch: parties that the network links to its sanctioned company (or is), and ones it does not.
NAMED = [("Aspan Arba LLP", "KZ"), ("ASPAN ARBA LLP", "KZ"), ("Nebesnaya Mekhanika LLC", "RU"),
         ("Ararat Components LLC", "AM"), ("Rheinland Elektronik GmbH", "DE")]


def shipment(shipment_id: str, consignee: str, country: str) -> dict:
    return {"shipment_id": shipment_id, "date": "2026-09-14", "origin_country": "CN", "destination_country": "KZ",
            "items": [{"hs_code": "8536.69", "description": "connectors", "value": 48000.0, "currency": "USD"}],
            "parties": [{"role": "consignee", "name": consignee, "country": country},
                        {"role": "shipper", "name": "Shenzhen Parts Co", "country": "CN"}]}


def batch(i: int) -> list[dict]:
    """Twenty shipments; the first two name Aspan Arba, with ids a page and a spreadsheet must not run."""
    ids = [f"<b>x</b>-{i}", f"=HYPERLINK(\"http://evil\")-{i}"] + [f"S-{i}-{j}" for j in range(2, PER_BATCH)]
    parties = NAMED + [(f"Filler {i}-{j} Trading", ("KZ", "AM", "DE", "TR")[j % 4]) for j in range(len(NAMED), PER_BATCH)]
    return [shipment(sid, name, country) for sid, (name, country) in zip(ids, parties)]


@dataclass
class Store:
    home: Home
    tenant: str
    marks: list[dt.datetime]  # before batch 0, 1, 2 and after the last

    @property
    def settings(self) -> Settings:
        return self.home.settings

    def seqs(self, since: dt.datetime, until: dt.datetime | None = None) -> set[int]:
        query = select(Decision.seq).where(Decision.tenant == self.tenant, Decision.created_at >= since)
        if until is not None:
            query = query.where(Decision.created_at < until)
        with Database(self.settings).engine.connect() as connection:
            return set(connection.scalars(query))

    def rows(self, run_id: str) -> dict[int, dict]:
        with Database(self.settings).engine.connect() as connection:
            return {r["decision_seq"]: dict(r) for r in connection.execute(
                select(LookbackResult).where(LookbackResult.run_id == run_id)).mappings()}


def recorded_store(root: Path, trained_home: Home, database_url: str) -> Store:
    """A home with one small source (the OFAC fixture) and the default model; three batches of
    decisions recorded a moment apart; then the network listed (a new active snapshot)."""
    home = ofac_fixture_home(root, trained_home, database_url)
    app = create_app(home.settings)
    tenant = f"lookback-{secrets.token_hex(4)}"
    client = app.test_client()
    key = app.extensions["diversion_risk_services"].keys.create("t", tenant, "score,read")[1]
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    marks = []
    for i in range(BATCHES):
        marks.append(utcnow())
        time.sleep(0.01)
        response = client.post("/v1/score/batch", json={"shipments": batch(i)})
        assert response.status_code == 200, response.json
        assert all("result" in r for r in response.json["results"])
        time.sleep(0.01)
    marks.append(utcnow())
    home.import_lists([NETWORK], source="network")
    return Store(home, tenant, marks)


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as dask:
        yield dask


@pytest.fixture(scope="module")
def store(tmp_path_factory, trained_home) -> Store:
    return recorded_store(tmp_path_factory.mktemp("lookback") / "home", trained_home, "")


@pytest.fixture(scope="module")
def first_run(store, client):
    client.wait_for_workers(2)
    return run_lookback(store.settings, since=store.marks[0], scheduler=client)


def check_run(store: Store, result, since: dt.datetime, until: dt.datetime | None = None) -> dict[int, dict]:
    """The figures of a run of the whole window, as its rows and the decisions say."""
    window = store.seqs(since, until)
    rows = store.rows(result.run_id)
    assert result.decisions == result.rescored == len(window) == len(rows)
    assert set(rows) == window
    assert result.band_up >= 1 and result.to_high >= 1
    aspan = [r for r in rows.values() if r["shipment_id"].startswith(("<b>x</b>-", "=HYPERLINK"))]
    assert aspan  # the two Aspan Arba shipments of each batch in the window
    for row in aspan:
        assert row["band_after"] == "high" and row["band_before"] != "high"
        assert "LINKED_SANCTIONED_PARTY" in row["reasons_added"]
    return rows


def test_a_lookback_starts_and_closes_a_local_cluster_of_its_own(store):
    """First in the module, before the shared cluster starts: never more than 2 workers at once."""
    messages = []
    result = run_lookback(store.settings, since=store.marks[1], until=store.marks[2], workers=2, partition_size=8,
                          progress=messages.append)
    assert result.workers == 2 and result.partitions == 3 and result.decisions == result.rescored == PER_BATCH
    assert messages[-1].endswith("3/3 partitions") and result.band_up >= 1


def test_a_lookback_raises_the_bands_of_decisions_whose_parties_are_now_listed(store, first_run, tmp_path):
    result = first_run
    assert result.lists_version == store.home.lists.active() and result.model_version == store.home.models.active()
    rows = check_run(store, result, store.marks[0])
    ranks = {"low": 0, "medium": 1, "high": 2}
    assert result.band_up == sum(ranks[r["band_after"]] > ranks[r["band_before"]] for r in rows.values())
    assert result.band_down == sum(ranks[r["band_after"]] < ranks[r["band_before"]] for r in rows.values())
    assert result.to_high == sum(r["band_after"] == "high" != r["band_before"] for r in rows.values())
    # Parties the new list does not name keep their scores exactly: their history signals are kept
    # as recorded (the tallies hold today's history, not the one they were decided with).
    fillers = [r for r in rows.values()
               if r["shipment_id"].startswith("S-") and int(r["shipment_id"].rsplit("-", 1)[1]) >= len(NAMED)]
    assert fillers and all(abs(r["score_after"] - r["score_before"]) < 1e-9 for r in fillers), \
        [(r["shipment_id"], r["score_before"], r["score_after"], r["reasons_added"]) for r in fillers
         if abs(r["score_after"] - r["score_before"]) >= 1e-9][:5]
    figures = result.figures()
    assert list(figures) == ["decisions", "rescored", "band_up", "band_down", "to_high", "seconds", "per_second",
                            "scoring_per_second", "run"]
    assert figures["run"] == result.run_id and figures["scoring_per_second"] >= figures["per_second"] > 0

    csv_path, html_path = write_report(result, Database(store.settings), tmp_path / "reports")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        changed = list(csv.DictReader(handle))
    assert len(changed) == sum(r["band_before"] != r["band_after"] for r in rows.values())
    by_id = {r["shipment_id"]: r for r in changed}
    assert "'=HYPERLINK(\"http://evil\")-0" in by_id  # neutralised, not a formula
    assert not any(r["shipment_id"].startswith(("=", "+", "-", "@")) for r in changed)
    assert by_id["<b>x</b>-0"]["band_after"] == "high" and "LINKED_SANCTIONED_PARTY" in by_id["<b>x</b>-0"]["reasons_added"]
    page = html_path.read_text(encoding="utf-8")
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;-0" in page
    assert result.run_id in page and result.lists_version in page and "LINKED_SANCTIONED_PARTY" in page


def test_a_lookback_against_postgresql(tmp_path, trained_home, database_url, client):
    if not database_url:
        pytest.skip("TEST_DATABASE_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test): "
                    "the PostgreSQL look-back is not run")
    pg = recorded_store(tmp_path / "home", trained_home, database_url)
    try:
        client.wait_for_workers(2)
        result = run_lookback(pg.settings, since=pg.marks[0], scheduler=client, partition_size=7)
        assert result.partitions >= 9
        check_run(pg, result, pg.marks[0])
        csv_path, html_path = write_report(result, Database(pg.settings), tmp_path / "reports")
        assert "&lt;b&gt;x&lt;/b&gt;" in html_path.read_text() and csv_path.stat().st_size > 0
        assert_same_run(pg, run_killing_a_worker(pg, client), result)  # a worker killed: nothing lost or doubled
    finally:
        empty_store(database_url)


def run_killing_a_worker(store: Store, client):
    """A look-back of one decision per partition during which the busiest worker is SIGKILLed."""
    client.wait_for_workers(2)
    pids = client.run(os.getpid)
    killed = []

    def progress(message: str) -> None:
        if not killed and " 3/" in message:  # three partitions of 60 done: kill the worker with most at hand
            processing = client.processing()
            busiest = max(processing, key=lambda worker: len(processing[worker]))
            os.kill(pids[busiest], signal.SIGKILL)
            killed.append(len(processing[busiest]))

    result = run_lookback(store.settings, since=store.marks[0], scheduler=client, partition_size=1, progress=progress)
    assert killed and killed[0] > 0 and result.partitions == result.decisions == 60  # it held tasks when killed
    return result


def assert_same_run(store: Store, result, clean) -> None:
    """`result` has each decision once (the PK (run, decision) says so) and what the clean run found."""
    rows = check_run(store, result, store.marks[0])
    figures = ("decisions", "rescored", "band_up", "band_down", "to_high")
    assert {k: result.figures()[k] for k in figures} == {k: clean.figures()[k] for k in figures}
    assert {s: (r["band_after"], r["score_after"], r["reasons_added"]) for s, r in rows.items()} \
        == {s: (r["band_after"], r["score_after"], r["reasons_added"]) for s, r in store.rows(clean.run_id).items()}


def test_a_worker_killed_mid_run_changes_nothing(store, first_run, client):
    assert_same_run(store, run_killing_a_worker(store, client), first_run)


def test_the_window_bounds_are_respected(store, client):
    client.wait_for_workers(2)
    middle = run_lookback(store.settings, since=store.marks[1], until=store.marks[2], scheduler=client,
                          partition_size=6)
    assert middle.decisions == middle.rescored == PER_BATCH and middle.partitions == 4
    assert set(store.rows(middle.run_id)) == store.seqs(store.marks[1], store.marks[2])
    assert {r["shipment_id"] for r in store.rows(middle.run_id).values()} == {s["shipment_id"] for s in batch(1)}
    later = run_lookback(store.settings, since=store.marks[3], scheduler=client)  # nothing made since
    assert later.decisions == later.rescored == later.partitions == 0 and later.figures()["per_second"] == 0
    first = min(store.seqs(store.marks[0], store.marks[1]))  # the first batch: seqs first .. first + 19
    assert plan(Database(store.settings).engine, store.marks[0], store.marks[1], 6) == \
        (PER_BATCH, [(first, first + 6), (first + 6, first + 12), (first + 12, first + 18), (first + 18, first + 20)])


def test_a_rerun_leaves_the_first_runs_rows_and_a_retried_partition_adds_nothing(store, first_run, client):
    before = store.rows(first_run.run_id)
    client.wait_for_workers(2)
    again = run_lookback(store.settings, since=store.marks[0], scheduler=client, partition_size=25)
    assert again.run_id != first_run.run_id and store.rows(first_run.run_id) == before
    check_run(store, again, store.marks[0])
    s = store.settings
    job = Job(s.database, s.sqlite_synchronous, str(Path(s.home).resolve()), again.lists_version, again.model_version,
              s.band_medium, s.band_high, s.match_threshold, s.max_hops, again.run_id, store.marks[0], None, chunk=7)
    lo, hi = min(before), max(before) + 1
    assert score_partition(job, lo, hi) == {"read": 60, "skipped": 60, "written": 0}  # a retry of it all: nothing to do
    assert lookback.tally(Database(s).engine, again.run_id) == {k: getattr(again, k) for k in
                                                               ("rescored", "band_up", "band_down", "to_high")}


def test_a_model_that_is_not_there_is_refused_before_any_work(store):
    with pytest.raises(RegistryError, match="no model named"):
        run_lookback(store.settings, since=store.marks[0], model="no-such-model", scheduler="tcp://127.0.0.1:1")
