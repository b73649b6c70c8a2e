"""Load on loopback with wrk against the real gunicorn server (`diversion-risk serve`)."""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

LUA_POST = """wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{body}]]
"""
LUA_HEADER = 'wrk.headers["{name}"] = "{value}"\n'
# wrk has no rate control: a pause before each request of each connection paces it instead
# (each connection then sends about 1000 / (delay + latency) requests per second).
LUA_DELAY = "function delay() return {ms} end\n"
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@contextmanager
def server(home: Path, port: int, env: dict | None = None):
    """`diversion-risk serve` on 127.0.0.1:port, waited for until /readyz answers, stopped after."""
    environ = {**os.environ, "DIVERSION_RISK_HOME": str(home), **(env or {})}
    proc = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--bind", f"127.0.0.1:{port}"], env=environ,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the server did not become ready")
                time.sleep(0.5)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * _UNITS[unit]


def children(pid: int) -> list[int]:
    """The child processes of `pid` (a gunicorn master's workers)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (the gunicorn master and its workers)."""
    def rss(p: int) -> int:
        try:
            with open(f"/proc/{p}/status") as status:
                return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            return 0  # a worker that just died
    return rss(pid) + sum(rss(c) for c in children(pid))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far (a gunicorn master and its workers)."""
    def cpu(p: int) -> float:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            return 0.0  # a worker that just died
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return cpu(pid) + sum(cpu(c) for c in children(pid))


def wrk(url: str, *, body: dict | None = None, seconds: int = 20, connections: int = 8, threads: int = 2,
        headers: dict | None = None, delay_ms: float | None = None, server_pid: int | None = None) -> dict:
    """Run wrk and return requests/s, latency percentiles, errors; `delay_ms` paces each connection.

    With `server_pid`, also the CPU time per request of the server and of wrk itself: on a machine
    shared with other work, throughput depends on what the others take, CPU time much less."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write(LUA_POST.format(body=json.dumps(body)))
        for name, value in (headers or {}).items():
            script.write(LUA_HEADER.format(name=name, value=value))
        if delay_ms:
            script.write(LUA_DELAY.format(ms=int(delay_ms)))
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url]
    server_before = cpu_seconds(server_pid) if server_pid else 0.0
    wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = cpu_seconds(server_pid) - server_before if server_pid else None
    os.unlink(script.name)
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    cpu = {}
    if server_cpu is not None and requests:
        wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (wrk_before.ru_utime + wrk_before.ru_stime)
        cpu = {"server_cpu_ms_per_request": round(server_cpu / requests * 1000, 3),
               "wrk_cpu_ms_per_request": round(wrk_cpu / requests * 1000, 3)}
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(pct["50"]), "p90_ms": _ms(pct["90"]), "p99_ms": _ms(pct["99"]),
        "requests": requests, **cpu,
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }
