"""The deployed proxy (deploy/nginx.conf.template) on loopback, run by Debian's nginx as the
current user, and clients that trickle their headers: what the slow-client test and the
/healthz-under-trickle figure share.

    python -m bench.proxy   # /healthz latency through nginx while sockets trickle (needs nginx and a home)
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
# What the nginx image's own nginx.conf gives the template; every path inside the prefix, so no
# root is needed. `user` only means something to a master started as root.
MAIN = """{user}worker_processes 1;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {prefix}/server.conf;
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render(listen: str, upstream: str, max_body_bytes: int) -> str:
    """The template as the nginx image's envsubst renders it: only the named variables, so nginx's
    own `$host` and the like are left alone."""
    return string.Template(TEMPLATE.read_text()).safe_substitute(
        PROXY_LISTEN=listen, PROXY_UPSTREAM=upstream, DIVERSION_RISK_MAX_BODY_BYTES=str(max_body_bytes))


@contextmanager
def nginx(listen: int, upstream: str, max_body_bytes: int):
    """nginx on 127.0.0.1:listen proxying to `upstream`, waited for until it accepts, stopped after."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    with tempfile.TemporaryDirectory(prefix="nginx-") as prefix:
        (Path(prefix) / "server.conf").write_text(render(f"127.0.0.1:{listen}", upstream, max_body_bytes))
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (Path(prefix) / "nginx.conf").write_text(MAIN.format(user=user, prefix=prefix))
        proc = subprocess.Popen([binary, "-p", prefix, "-e", f"{prefix}/error.log", "-c", f"{prefix}/nginx.conf",
                                 "-g", f"daemon off; pid {prefix}/nginx.pid;"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", listen), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"nginx did not start: {proc.stderr.read().decode(errors='replace')}")
                    time.sleep(0.05)
            yield proc
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)


@contextmanager
def trickling(port: int, sockets: int):
    """`sockets` connections to 127.0.0.1:port that send a request line, then one byte of a header
    a second, for as long as the block runs."""
    stop = threading.Event()
    connections = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(sockets)]

    def drip():
        for connection in connections:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        while not stop.wait(1.0):
            for connection in connections:
                try:
                    connection.sendall(b"a")
                except OSError:
                    pass  # refused by a timeout: a slow client's problem, not the server's

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        time.sleep(0.5)  # the request lines have arrived and whatever reads them is waiting
        yield
    finally:
        stop.set()
        dripper.join()
        for connection in connections:
            connection.close()


def healthz_seconds(port: int, timeout: float) -> float:
    """How long GET /healthz takes to answer 200; `timeout` plus one if it does not in time."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        return time.perf_counter() - started if response.status == 200 else timeout + 1
    except OSError:
        return timeout + 1
    finally:
        connection.close()


def main() -> None:
    from bench.http_load import server

    home = Path(os.environ.get("DIVERSION_RISK_HOME", "var"))
    app_port, proxy_port = free_port(), free_port()
    env = {"DIVERSION_RISK_WORKERS": "2", "DIVERSION_RISK_LOG_LEVEL": "WARNING"}
    with server(home, app_port, env=env), nginx(proxy_port, f"127.0.0.1:{app_port}", 10 << 20), \
            trickling(proxy_port, sockets=8):
        seconds = [healthz_seconds(proxy_port, timeout=5) for _ in range(20)]
    print(f"healthz_through_nginx_with_8_trickling_sockets p50_ms={statistics.median(seconds) * 1000:.1f} "
          f"max_ms={max(seconds) * 1000:.1f} workers=2", file=sys.stdout)


if __name__ == "__main__":
    main()
