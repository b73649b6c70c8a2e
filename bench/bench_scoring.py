"""Scoring speed (issue "The scoring service, end to end").

In-process batch throughput of Scorer.assess, and single-shipment HTTP throughput and latency
against gunicorn on loopback (wrk), with GET /healthz measured in the same run as the ceiling.
Targets on 2 cores: >= 5,000 shipments/s in-process batch; >= 500 req/s with p99 <= 50 ms.

    python -m bench.bench_scoring
"""

from __future__ import annotations

import statistics
import time

from bench.common import bench_key, prepared_home, report, sample_shipments
from bench.http_load import server, wrk
from features.reference import load_reference
from model.persist import load_model
from model.scorer import Bands, Scorer
from features.snapshot import Snapshot

BATCH = 1000
ROUNDS = 5
PORT = 8765
EXAMPLE = {
    "shipment_id": "BENCH-1", "date": "2023-05-02", "origin_country": "CN", "destination_country": "KZ",
    "transit_countries": ["AE"],
    "items": [{"hs_code": "8542.31", "quantity": 100, "value": 25000.0, "currency": "USD"}],
    "parties": [{"role": "consignee", "name": "TOO Aspan Arba", "country": "KZ"},
                {"role": "shipper", "name": "Shenzhen Parts Co", "country": "CN"}],
}


def in_process(home) -> dict:
    s = home.settings
    model, _ = load_model(home.models.path(home.models.active()))
    scorer = Scorer(load_reference(), Snapshot(home.lists.path(home.lists.active())), model,
                    bands=Bands(s.band_medium, s.band_high), match_threshold=s.match_threshold, max_hops=s.max_hops)
    shipments = sample_shipments(BATCH * ROUNDS)
    scorer.assess(shipments[:BATCH])  # warm caches as a running service has them
    rates = []
    for i in range(ROUNDS):
        batch = shipments[i * BATCH:(i + 1) * BATCH]
        started = time.perf_counter()
        scorer.assess(batch)
        rates.append(len(batch) / (time.perf_counter() - started))
    return {"batch_shipments_per_s_median": round(statistics.median(rates)), "batch_rounds": ROUNDS}


def over_http(home) -> dict:
    """wrk against gunicorn: /healthz as the ceiling, then /v1/score with the store's default
    sync and, in a second server, with every SQLite commit fsynced (SQLITE_SYNCHRONOUS=FULL)."""
    key = bench_key(home)
    env = {"DIVERSION_RISK_RATE_LIMIT": "10000000/minute"}
    with server(home.root, PORT, env=env):
        wrk(f"http://127.0.0.1:{PORT}/v1/score", body=EXAMPLE, seconds=3, headers=key)  # warm-up
        health = wrk(f"http://127.0.0.1:{PORT}/healthz", seconds=20)
        score = wrk(f"http://127.0.0.1:{PORT}/v1/score", body=EXAMPLE, seconds=20, headers=key)
    with server(home.root, PORT, env={**env, "DIVERSION_RISK_SQLITE_SYNCHRONOUS": "FULL"}):
        wrk(f"http://127.0.0.1:{PORT}/v1/score", body=EXAMPLE, seconds=3, headers=key)
        synced = wrk(f"http://127.0.0.1:{PORT}/v1/score", body=EXAMPLE, seconds=20, headers=key)
    return {
        "healthz_rps": round(health["rps"]), "healthz_p99_ms": health["p99_ms"],
        "score_rps": round(score["rps"]), "score_p50_ms": score["p50_ms"], "score_p99_ms": score["p99_ms"],
        "score_errors": score["errors"] + score["socket_errors"],
        "score_to_healthz_ratio": round(score["rps"] / health["rps"], 3),
        "score_full_sync_rps": round(synced["rps"]), "score_full_sync_p99_ms": synced["p99_ms"],
    }


def main() -> None:
    home = prepared_home()
    report("scoring", {**in_process(home), **over_http(home)})


if __name__ == "__main__":
    main()
