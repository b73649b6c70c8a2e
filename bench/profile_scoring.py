"""Where a scored request's time goes (issue "Speed"): py-spy samples one gunicorn worker while
wrk posts `/v1/score` (16 connections), and the functions are ranked by their share of the
samples, inclusive of what they call (bench/out/profile_scoring_top.json, the stacks beside it).
Needs py-spy (`pip install -e '.[bench]'`).

    python -m bench.profile_scoring [--seconds 15] [--top 25]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.bench_scoring import EXAMPLE
from bench.common import OUT, bench_key, prepared_home, report
from bench.http_load import children, server, wrk

PORT = 8766
FRAME = re.compile(r" \((?:.*/site-packages/|.*?/(?=features/|model/|service/))?(.*?):\d+\)$")


def ranked(raw: Path, top: int) -> list[tuple[str, float]]:
    """py-spy's raw output (one `frame;frame;... count` line per stack) as (function, share of
    all samples in it or below it), highest first; the functions of a request only (from Flask's
    WSGI call down), not gunicorn's loop that every sample shares."""
    inclusive, total = collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        frames = [FRAME.sub(r" (\1)", frame) for frame in stack.split(";")]
        request = next((i for i, name in enumerate(frames) if name.startswith("Flask.__call__")), None)
        for name in set(frames[request:]) if request is not None else ():
            inclusive[name] += int(count)
    return [(name, round(n / total, 3)) for name, n in inclusive.most_common(top)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        parser.error(f"{spy} not found: pip install -e '.[bench]'")
    home = prepared_home()
    key, url = bench_key(home), f"http://127.0.0.1:{PORT}/v1/score"
    raw = OUT / "profile_scoring_stacks.txt"  # for a flame graph (flamegraph.pl, speedscope)
    with server(home.root, PORT, env={"DIVERSION_RISK_RATE_LIMIT": "10000000/minute"}) as proc:
        wrk(url, body=EXAMPLE, seconds=3, headers=key)  # warm-up
        sampler = subprocess.Popen([str(spy), "record", "--pid", str(children(proc.pid)[0]), "--duration",
                                    str(args.seconds), "--rate", "500", "--format", "raw", "--output", str(raw),
                                    "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)  # py-spy attached
        load = wrk(url, body=EXAMPLE, seconds=args.seconds, connections=16, headers=key, server_pid=proc.pid)
        sampler.wait()
    top = ranked(raw, args.top)
    for name, share in top:
        print(f"{share:6.1%}  {name}")
    (OUT / "profile_scoring_top.json").write_text(json.dumps(top, indent=1))
    report("profile_scoring", {"load_average_1m": round(os.getloadavg()[0], 2), "score_rps": round(load["rps"]),
                               "server_cpu_ms": load["server_cpu_ms_per_request"]})


if __name__ == "__main__":
    main()
