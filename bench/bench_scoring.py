"""Scoring speed (issue "The scoring service, end to end").

In-process batch throughput of Scorer.assess, and single-shipment HTTP throughput and latency
against gunicorn on loopback (wrk), with GET /healthz measured in the same run as the ceiling.
Targets on 2 cores: >= 5,000 shipments/s in-process batch; >= 500 req/s with p99 <= 50 ms.

    python -m bench.bench_scoring                       # the bundled lists
    python -m bench.bench_scoring --lists REGISTRY      # a big snapshot loaded (bench.gen_registry)
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from bench.common import bench_key, prepared_home, report, sample_shipments
from bench.http_load import server, wrk
from features.history import Ledger
from features.matching import names
from features.reference import load_reference
from service.runtime import Runtime

BATCH = 1000
ROUNDS = 5
PORT = 8765
THREADS = 4
EXAMPLE = {
    "shipment_id": "BENCH-1", "date": "2023-05-02", "origin_country": "CN", "destination_country": "KZ",
    "transit_countries": ["AE"],
    "items": [{"hs_code": "8542.31", "quantity": 100, "value": 25000.0, "currency": "USD"}],
    "parties": [{"role": "consignee", "name": "TOO Aspan Arba", "country": "KZ"},
                {"role": "shipper", "name": "Shenzhen Parts Co", "country": "CN"}],
}


def in_process(home) -> dict:
    """Scorer.assess on batches, with the scorer loaded as a service worker loads it (`Runtime`).

    The sample shipments are made first, so that loading freezes them with the rest: a service
    holds a batch only while it scores it, not the benchmark's thousands for its whole life."""
    shipments = sample_shipments(BATCH * ROUNDS)
    names.warm_up()
    scorer = Runtime(home, load_reference()).current().scorer
    scorer.assess(shipments[:BATCH])  # warm caches as a running service has them
    figures = {}
    for name, ledger in (("batch", None), ("batch_with_history", Ledger())):
        if ledger is not None:  # a record of the warm-up batch: every later shipment is read against it and added
            scorer.assess(shipments[:BATCH], ledger=ledger)
        rates = []
        for i in range(ROUNDS):
            batch = shipments[i * BATCH:(i + 1) * BATCH]
            started = time.perf_counter()
            scorer.assess(batch, ledger=ledger)
            rates.append(len(batch) / (time.perf_counter() - started))
        figures[f"{name}_shipments_per_s_median"] = round(statistics.median(rates))
    return {**figures, "batch_rounds": ROUNDS}


def over_http(home) -> dict:
    """wrk against gunicorn: /healthz as the ceiling, then /v1/score with the store's default
    sync and, in a second server, with every SQLite commit fsynced (SQLITE_SYNCHRONOUS=FULL);
    in a third, gthread workers of THREADS threads (DIVERSION_RISK_THREADS) instead of the default sync ones.

    Also the CPU time per request (server + wrk), and the rate it would allow if the two cores
    were the benchmark's alone: the machine is shared, and the others' load moves req/s far more."""
    key = bench_key(home)
    env = {"DIVERSION_RISK_RATE_LIMIT": "10000000/minute"}
    score_url, cores = f"http://127.0.0.1:{PORT}/v1/score", os.cpu_count() or 1
    with server(home.root, PORT, env=env) as proc:
        wrk(score_url, body=EXAMPLE, seconds=3, headers=key)  # warm-up
        health = wrk(f"http://127.0.0.1:{PORT}/healthz", seconds=20, server_pid=proc.pid)
        score = wrk(score_url, body=EXAMPLE, seconds=20, headers=key, server_pid=proc.pid)
    with server(home.root, PORT, env={**env, "DIVERSION_RISK_SQLITE_SYNCHRONOUS": "FULL"}) as proc:
        wrk(score_url, body=EXAMPLE, seconds=3, headers=key)
        synced = wrk(score_url, body=EXAMPLE, seconds=20, headers=key, server_pid=proc.pid)
    # gunicorn's gthread worker (which keeps connections alive) beside the sync one
    with server(home.root, PORT, env={**env, "DIVERSION_RISK_THREADS": str(THREADS)}) as proc:
        wrk(score_url, body=EXAMPLE, seconds=3, headers=key)
        threaded = wrk(score_url, body=EXAMPLE, seconds=20, headers=key, server_pid=proc.pid)
    figures = {"load_average_1m": round(os.getloadavg()[0], 2)}
    for name, run in (("healthz", health), ("score", score), ("score_full_sync", synced),
                      (f"score_gthread{THREADS}", threaded)):
        cpu_ms = run["server_cpu_ms_per_request"] + run["wrk_cpu_ms_per_request"]
        figures |= {f"{name}_rps": round(run["rps"]), f"{name}_p50_ms": run["p50_ms"], f"{name}_p99_ms": run["p99_ms"],
                    f"{name}_errors": run["errors"] + run["socket_errors"],
                    f"{name}_server_cpu_ms": run["server_cpu_ms_per_request"], f"{name}_wrk_cpu_ms": run["wrk_cpu_ms_per_request"],
                    f"{name}_rps_on_idle_cores": round(cores / cpu_ms * 1000)}
    figures["score_to_healthz_ratio"] = round(score["rps"] / health["rps"], 3)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=Path, nargs="+",
                        help="score against a snapshot of these lists files, in a home of its own, not the bundled lists")
    args = parser.parse_args(argv)
    if args.lists:
        home = prepared_home("home-lists")
        home.import_lists(args.lists)
        figures = {"entities": len(home.active_snapshot())}
        report("scoring-lists", {**figures, **in_process(home), **over_http(home)})
    else:
        report("scoring", {**in_process(home := prepared_home()), **over_http(home)})


if __name__ == "__main__":
    main()
