"""Load, soak and switching under load (issue "Prove it holds").

1. Capacity: wrk at 1, 2, 4, 8, 16 connections (closed loop) on POST /v1/score with a key; the
   highest throughput whose p99 stays within the 50 ms target.
2. Soak at 80% of it, paced (each wrk connection pauses before each request): errors, p99 and
   the summed RSS of the gunicorn master and workers, sampled every few seconds.
3. The same pacing while a new lists snapshot is imported and a model promoted half-way: failed
   requests, and which versions the workers serve at the end.

The API rate limit is raised out of the way (DIVERSION_RISK_RATE_LIMIT). Figures as name=value,
saved to bench/out/load.json.

    python -m bench.bench_load [--soak-seconds 600] [--switch-seconds 120]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
import urllib.request
from pathlib import Path

from bench.bench_scoring import EXAMPLE
from bench.common import bench_key, prepared_home, report
from bench.http_load import rss_kib, server, wrk
from model.serving.persist import load_model
from service.home import Home

PORT = 8766
URL = f"http://127.0.0.1:{PORT}/v1/score"
P99_TARGET_MS = 50.0
STEP_SECONDS = 15
ENV = {"DIVERSION_RISK_RATE_LIMIT": "100000000/minute", "DIVERSION_RISK_LOG_LEVEL": "WARNING"}
NETWORK = Path(__file__).resolve().parents[1] / "examples" / "network.ftm.jsonl"


def capacity(key: dict) -> dict:
    """Closed-loop steps of 1 to 16 connections; the best throughput among those within the p99
    target (every step runs: on a shared machine one noisy step should not end the search)."""
    best, steps = None, []
    for connections in (1, 2, 4, 8, 16):
        run = wrk(URL, body=EXAMPLE, headers=key, seconds=STEP_SECONDS, connections=connections,
                  threads=min(2, connections))
        steps.append({"connections": connections, "rps": round(run["rps"]), "p99_ms": run["p99_ms"]})
        print(f"# {connections} connections: {run['rps']:.0f} req/s, p99 {run['p99_ms']} ms")
        if run["p99_ms"] <= P99_TARGET_MS and (best is None or run["rps"] > best["rps"]):
            best = {**run, "connections": connections}
    if best is None:  # nothing held the target (a loaded machine): soak at the lowest-p99 step, and say so
        lowest = min(steps, key=lambda step: step["p99_ms"])
        return {"best": None, "fallback": lowest, "steps": steps}
    return {"best": best, "steps": steps}


def pause_for(key: dict, rate: float, connections: int) -> float:
    """The pause (ms) after which `connections` connections together send about `rate` requests/s:
    each waits pause + latency between requests, so a calibration run takes the latency off."""
    period = connections * 1000 / rate
    probe = paced(key, period, 10, connections)
    return max(1.0, period - (connections * 1000 / probe["rps"] - period))


def paced(key: dict, pause_ms: float, seconds: int, connections: int) -> dict:
    return wrk(URL, body=EXAMPLE, headers=key, seconds=seconds, connections=connections,
               threads=min(2, connections), delay_ms=pause_ms)


def sampled(pid: int, run, interval: float = 5.0) -> tuple[dict, list[int]]:
    """Run `run()` while sampling the server's RSS every `interval` seconds."""
    samples, done = [], threading.Event()

    def sample():
        while not done.wait(interval):
            samples.append(rss_kib(pid))

    thread = threading.Thread(target=sample)
    samples.append(rss_kib(pid))
    thread.start()
    try:
        result = run()
    finally:
        done.set()
        thread.join()
    samples.append(rss_kib(pid))
    return result, samples


def second_model(home: Home) -> str:
    """The active model saved again under another name: a real promotion (a new file to load)."""
    model, card = load_model(home.models.path(home.models.active()))
    return home.add_model(model, {**card, "name": "bench-promoted"})


def switch_midway(home: Home, after: float, model_version: str) -> threading.Thread:
    def switch():
        time.sleep(after)
        home.import_lists([NETWORK], source="network")
        home.models.activate(model_version, "bench promotion")
        print("# switched lists and model")
    thread = threading.Thread(target=switch)
    thread.start()
    return thread


def readyz() -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=5) as response:
        return json.load(response)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--soak-seconds", type=int, default=600)
    parser.add_argument("--switch-seconds", type=int, default=120)
    args = parser.parse_args()
    home = prepared_home()
    home.import_bundled()  # start from the bundled lists, so the switch changes them
    if "network" in home.held_sources():
        home.remove_source("network")
    home.models.activate(home.find_model("default"), "bench start")
    promoted = second_model(home)
    key = bench_key(home)
    load_start = round(os.getloadavg()[0], 2)  # other work on a shared machine shows here
    with server(home.root, PORT, env=ENV) as proc:
        wrk(URL, body=EXAMPLE, headers=key, seconds=3)  # warm-up
        found = capacity(key)
        best = found["best"] or found["fallback"]
        rate = 0.8 * best["rps"]
        connections = max(2, best["connections"])
        pause = pause_for(key, rate, connections)
        soak, rss = sampled(proc.pid, lambda: paced(key, pause, args.soak_seconds, connections))
        before = readyz()
        switcher = switch_midway(home, args.switch_seconds / 2, promoted)
        switched = paced(key, pause, args.switch_seconds, connections)
        switcher.join()
        time.sleep(2)
        after = readyz()
    baseline = statistics.median(rss[1:4]) if len(rss) > 4 else rss[0]  # after warm-up
    report("load", {
        "load_average_start": load_start, "load_average_end": round(os.getloadavg()[0], 2),
        "p99_target_ms": P99_TARGET_MS,
        "capacity_steps": json.dumps(found["steps"], separators=(",", ":")),
        "target_held": found["best"] is not None, "max_rps_within_p99": round(best["rps"]),
        "max_rps_connections": best["connections"], "max_rps_p99_ms": best["p99_ms"],
        "soak_target_rps": round(rate), "soak_connections": connections, "soak_pause_ms": round(pause, 1), "soak_seconds": args.soak_seconds,
        "soak_rps": round(soak["rps"]), "soak_requests": soak["requests"],
        "soak_errors": soak["errors"] + soak["socket_errors"], "soak_p50_ms": soak["p50_ms"],
        "soak_p99_ms": soak["p99_ms"], "soak_rss_start_mib": round(baseline / 1024, 1),
        "soak_rss_end_mib": round(rss[-1] / 1024, 1), "soak_rss_max_mib": round(max(rss) / 1024, 1),
        "soak_rss_growth_pct": round(100 * (rss[-1] - baseline) / baseline, 1), "soak_rss_samples": len(rss),
        "switch_seconds": args.switch_seconds, "switch_requests": switched["requests"],
        "switch_errors": switched["errors"] + switched["socket_errors"], "switch_p99_ms": switched["p99_ms"],
        "lists_before": before["lists_version"], "lists_after": after["lists_version"],
        "model_before": before["model_version"], "model_after": after["model_version"],
    })


if __name__ == "__main__":
    main()
