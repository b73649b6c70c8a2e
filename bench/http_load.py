"""Load on loopback with wrk against the real gunicorn server (`diversion-risk serve`)."""

from __future__ import annotations

import json
import os
import re
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
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


@contextmanager
def server(home: Path, port: int, env: dict | None = None):
    """`diversion-risk serve` on 127.0.0.1:port, waited for until /readyz answers, stopped after."""
    environ = {**os.environ, "DIVERSION_RISK_HOME": str(home), **(env or {})}
    cli = Path(sys.executable).with_name("diversion-risk")
    proc = subprocess.Popen([str(cli), "serve", "--bind", f"127.0.0.1:{port}"], env=environ,
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


def wrk(url: str, *, body: dict | None = None, seconds: int = 20, connections: int = 8, threads: int = 2,
        rate: int | None = None) -> dict:
    """Run wrk (or wrk2-style --rate when given) and return requests/s, latency percentiles, errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if body is not None:
            script.write(LUA_POST.format(body=json.dumps(body)))
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name, url]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(pct["50"]), "p90_ms": _ms(pct["90"]), "p99_ms": _ms(pct["99"]),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }
