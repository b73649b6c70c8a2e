"""Build a lists snapshot from a generated registry and measure it against the scale targets.

Targets (issue "Screening at real scale"): build <= 120 s, loaded snapshot <= 2.5 GB and
shared between gunicorn workers, party resolution p50 <= 0.1 ms and p99 <= 1 ms, the
distance computation (Dijkstra) <= 10 s. The build goes through the real `read_list` and
`build_snapshot`; stages are timed by wrapping the builder's own functions. Memory is read
from /proc/self/smaps_rollup in a fresh interpreter, so the build's heap is not counted, and
in two forked children, as gunicorn forks its workers, whose Pss shows what each one costs.

    python -m bench.gen_registry --out /tmp/registry.ftm.jsonl
    python -m bench.bench_snapshot /tmp/registry.ftm.jsonl --snapshot /tmp/snap
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from functools import wraps
from pathlib import Path

import numpy as np

from features.identifiers import normalize_identifier
from features.lists import read_list
from features.matching.names import name_key, warm_up
from features.matching.rules import MATCH_THRESHOLD
from features.resolve import Resolver
from features.shipment import Party
from features.snapshot import build as snapshot_build
from features.snapshot.reader import Snapshot
from model.metrics import figures_line

OUT = Path(__file__).parent / "out" / "snapshot.json"


def _timed(stages: dict, name: str, func):
    @wraps(func)
    def run(*args, **kwargs):
        started = time.perf_counter()
        result = func(*args, **kwargs)
        stages[name] = round(stages.get(name, 0.0) + time.perf_counter() - started, 2)
        return result

    return run


def build(registry: Path, directory: Path) -> dict:
    """Read and build, timing the stages; peak RSS of this process and of the build's workers."""
    stages: dict[str, float] = {}
    listed_rows = snapshot_build.all_rows
    snapshot_build.all_rows = lambda entities: list(listed_rows(entities))  # a generator: time it whole
    for name in ("all_rows", "link_rows", "build_edges", "nearest_sanctioned"):
        setattr(snapshot_build, name, _timed(stages, name, getattr(snapshot_build, name)))
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    started = time.perf_counter()
    records = list(read_list(registry))
    read = time.perf_counter() - started
    meta = snapshot_build.build_snapshot(records, directory, [])
    total = time.perf_counter() - started
    kib = 1024
    cpu = sum(getattr(resource.getrusage(who), f) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
              for f in ("ru_utime", "ru_stime"))
    return {
        "build_s": round(total, 1), "read_s": round(read, 1), "build_cpu_s": round(cpu, 1),
        "load_average_at_end": os.getloadavg()[0],
        **{f"{k}_s": v for k, v in stages.items()},
        "bfs_s": stages["nearest_sanctioned"],
        "build_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // kib,
        "build_worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // kib,
        "entities": meta["counts"]["entities"], "names": meta["counts"]["names"],
        "links": meta["counts"]["links"], "shared_attributes": meta["counts"]["shared_attributes"],
        "snapshot_disk_mb": sum(f.stat().st_size for f in directory.iterdir()) // (kib * kib),
    }


def smaps() -> dict:
    """This process's resident, proportional and shared memory in MB (smaps_rollup, kB)."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        fields[key] = int(value.split()[0])
    return {
        "rss_mb": fields["Rss"] // 1024,
        "pss_mb": fields["Pss"] // 1024,
        "shared_mb": (fields["Shared_Clean"] + fields["Shared_Dirty"]) // 1024,
        "private_mb": (fields["Private_Clean"] + fields["Private_Dirty"]) // 1024,
    }


def _perturb(name: str, rng: random.Random) -> str:
    """A listed name as a shipper might type it: a typo, a dropped word or the words reordered."""
    words = name.split()
    kind = rng.randrange(3)
    if kind == 0 and len(name) > 4:
        i = rng.randrange(1, len(name) - 2)
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if kind == 1 and len(words) > 2:
        del words[rng.randrange(len(words))]
    else:
        rng.shuffle(words)
    return " ".join(words)


def queries(snapshot: Snapshot, count: int, seed: int) -> list[Party]:
    """A third perturbed listed names (half of them sanctioned), a third identifiers, a third
    names made up with the registry's own word generator, so mostly absent."""
    from bench.gen_registry import Registry

    rng = random.Random(seed)
    sanctioned = np.flatnonzero(snapshot.sanctioned)
    rows = [int(rng.choice(sanctioned)) if i % 2 else rng.randrange(len(snapshot)) for i in range(count)]
    maker = Registry(argparse.Namespace(seed=seed + 1, entities=10, sanctioned=0))
    parties = []
    for i, row in enumerate(rows):
        record = snapshot.record(row)
        country = (record["countries"] or [None])[0]
        if i % 3 == 0:
            parties.append(Party("consignee", _perturb(rng.choice(record["names"]), rng), country))
        elif i % 3 == 1 and record["identifiers"]:
            ident = record["identifiers"][0]
            parties.append(Party("consignee", record["names"][0], country,
                                 (normalize_identifier(ident["scheme"], ident["value"]),)))
        else:
            parties.append(Party("consignee", maker.company_name(rng.random() < 0.5), country))
    return parties


def _quantiles(seconds: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in seconds)
    return round(statistics.median(ms), 3), round(ms[int(0.99 * (len(ms) - 1))], 3)


def resolution(snapshot: Snapshot, parties: list[Party], resolutions: Path | None = None) -> dict:
    """Resolution latency, cold (names never seen) then warm (the same parties again), and
    where the cold time goes: keying the query name, the candidate lookup, the rest. With
    `resolutions`, each query and what it resolved to is written there, one line each, so that
    two versions of the resolver can be diffed."""
    results = []
    cpu: dict[str, list[float]] = {}

    def clock(func, items, label=None):
        """Wall-clock seconds per call; with `label`, this thread's CPU seconds as well, which
        a machine shared with other jobs does not inflate with preemption."""
        times, cpu_times = [], []
        for item in items:  # the CPU clock is a system call: read outside the wall-clock interval
            started_cpu = time.thread_time()
            started = time.perf_counter()
            result = func(item)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.thread_time() - started_cpu)
            results.append(result)
        if label:
            cpu[label] = cpu_times
        return times

    name_key.cache_clear()
    resolver = Resolver(snapshot, MATCH_THRESHOLD)
    cold = clock(resolver.resolve, parties, "resolve_cold_cpu")
    if resolutions:
        resolutions.write_text("".join(f"{p!r}\t{r!r}\n" for p, r in zip(parties, results)))
    warm = clock(resolver.resolve, parties)
    name_key.cache_clear()
    keying = clock(lambda p: name_key(p.name), parties)
    lookup = clock(lambda p: snapshot.name_candidates(name_key(p.name)), parties)
    figures = {}
    for label, times in (("resolve_cold", cold), ("resolve_warm", warm), ("name_key", keying), ("candidates", lookup)):
        figures[f"{label}_p50_ms"], figures[f"{label}_p99_ms"] = _quantiles(times)
    figures["resolve_cold_cpu_p50_ms"], figures["resolve_cold_cpu_p99_ms"] = _quantiles(cpu["resolve_cold_cpu"])
    figures["load_average"] = round(os.getloadavg()[0], 2)
    figures["resolve_p50_ms"], figures["resolve_p99_ms"] = figures["resolve_cold_p50_ms"], figures["resolve_cold_p99_ms"]
    return figures


def measure(directory: Path, count: int, seed: int, resolutions: Path | None = None) -> dict:
    """Run in a fresh interpreter: load, resolve, then fork two 'workers' that resolve too.
    rigour's name data is loaded before resolving, as the service loads it when it starts
    (`names.warm_up`), and after the snapshot's memory is read, which it is not part of."""
    snapshot = Snapshot(directory)
    figures = {f"loaded_{k}": v for k, v in smaps().items()}
    warm_up()
    parties = queries(snapshot, count, seed)
    figures.update(resolution(snapshot, parties, resolutions))
    figures.update({f"after_lookups_{k}": v for k, v in smaps().items()})
    pipes = []
    for worker in range(2):
        read, write = os.pipe()
        if os.fork() == 0:
            os.close(read)
            resolver = Resolver(snapshot, MATCH_THRESHOLD)
            for party in queries(snapshot, count, seed + 10 + worker):
                resolver.resolve(party)
            os.write(write, json.dumps(smaps()).encode())
            os._exit(0)
        os.close(write)
        pipes.append(read)
    children = []
    for read in pipes:
        with os.fdopen(read) as pipe:
            children.append(json.loads(pipe.read()))
        os.wait()
    for key in ("rss_mb", "pss_mb", "shared_mb", "private_mb"):
        figures[f"worker_{key}"] = max(c[key] for c in children)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("registry", type=Path, nargs="?", help="FtM JSON lines (bench.gen_registry)")
    parser.add_argument("--snapshot", type=Path, default=Path("/tmp/bench-snapshot"))
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--measure-only", action="store_true", help="measure an already built --snapshot")
    parser.add_argument("--resolutions", type=Path, help="with --measure-only: write each query's resolution here")
    args = parser.parse_args(argv)
    if args.measure_only:
        print(json.dumps(measure(args.snapshot, args.queries, args.seed, args.resolutions)))
        return
    if args.registry is None:
        parser.error("the registry file is required unless --measure-only")
    figures = build(args.registry, args.snapshot)
    child = subprocess.run([sys.executable, "-m", "bench.bench_snapshot", "--measure-only", "--snapshot",
                            str(args.snapshot), "--queries", str(args.queries), "--seed", str(args.seed)],
                           check=True, capture_output=True, text=True)
    figures.update(json.loads(child.stdout.splitlines()[-1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n")
    print(figures_line(figures))


if __name__ == "__main__":
    main()
