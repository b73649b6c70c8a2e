"""Slow clients and the server's own error pages: the deployed topology (nginx from
deploy/nginx.conf.template in front of gunicorn) keeps trickling clients from holding gunicorn's
sync workers, and every page gunicorn or nginx writes itself is problem+json.

The nginx tests need Debian's nginx (`apt-get install nginx`; .ci/run installs it) and are
skipped without it. Those marked `server` also start the real gunicorn server (about 20-40 s with
the snapshot load); deselect them with `-m "not server"`.
"""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from werkzeug.http import HTTP_STATUS_CODES

from bench.http_load import children, server
from bench.proxy import free_port, healthz_seconds, nginx, nginx_binary, trickling
from service.db import Database
from service.gunicorn_errors import write_problem
from service.keys import Keys
from service.problems import PROBLEM_TYPE
from tests.conftest import empty_store, private_home

needs_nginx = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed: apt-get install nginx "
                                 "(.ci/run does), then these tests run the deployed proxy")
MAX_BODY = 64 * 1024
WORKERS = 2


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def parse(raw: bytes) -> Answer:
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines)}
    return Answer(int(status_line.split()[1]), headers, body)


def exchange(port: int, request: bytes) -> Answer:
    """Send raw bytes, read the answer until the server closes or has sent its declared body."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        raw = b""
        while chunk := connection.recv(65536):
            raw += chunk
            answer = parse(raw)
            if b"\r\n\r\n" in raw and len(answer.body) >= int(answer.headers.get("content-length", 1 << 30)):
                break
    return parse(raw)


def assert_problem(answer: Answer, status: int) -> dict:
    assert answer.status == status, answer
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["x-content-type-options"] == "nosniff" and answer.headers["cache-control"] == "no-store"
    document = json.loads(answer.body)
    title = HTTP_STATUS_CODES[status]
    assert document["status"] == status and document["title"] == title
    assert document["type"] == PROBLEM_TYPE + title.lower().replace(" ", "-")
    return document


@pytest.mark.parametrize("status", [400, 414, 431, 500])
def test_gunicorn_writes_its_error_pages_as_problems(status):
    """What the workers' handle_error writes once the config has installed it (service/gunicorn_errors.py)."""
    ours, theirs = socket.socketpair()
    with ours, theirs:
        write_problem(ours, status, "gunicorn's reason", "Invalid Request Line '<script>'")
        ours.shutdown(socket.SHUT_WR)
        document = assert_problem(parse(theirs.makefile("rb").read()), status)
    assert document["detail"] and "script" not in json.dumps(document)


@needs_nginx
@pytest.mark.parametrize("request_bytes, status", [
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 502),  # nothing listens upstream
    (b"POST /v1/score HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (MAX_BODY + 1), 413),
    (b"NOT A REQUEST LINE\r\n\r\n", 400),
    (b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
    (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n", 400),
    (b"GET /.problem HTTP/1.1\r\nHost: x\r\n\r\n", 404),
])
def test_nginx_writes_its_error_pages_as_problems(request_bytes, status):
    port = free_port()
    with nginx(port, f"127.0.0.1:{free_port()}", MAX_BODY):
        assert_problem(exchange(port, request_bytes), status)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory, trained_home, database_url):
    """gunicorn (two workers, a limit of 20 a minute) behind nginx; yields (gunicorn's port,
    nginx's port, a read key, the master's pid)."""
    home = private_home(tmp_path_factory.mktemp("proxy") / "home", trained_home, database_url)
    db = Database(home.settings)
    db.upgrade()
    key = Keys(db).create("proxy-test", "acme", "read")[1]
    db.engine.dispose()
    app_port, proxy_port = free_port(), free_port()
    env = {"DIVERSION_RISK_WORKERS": str(WORKERS), "DIVERSION_RISK_RATE_LIMIT": "20/minute",
           "DIVERSION_RISK_LOG_LEVEL": "WARNING", "DIVERSION_RISK_DATABASE_URL": database_url,
           "DIVERSION_RISK_MAX_BODY_BYTES": str(MAX_BODY)}
    with server(home.root, app_port, env=env) as master, nginx(proxy_port, f"127.0.0.1:{app_port}", MAX_BODY):
        yield app_port, proxy_port, key, master.pid
    empty_store(database_url)


@needs_nginx
@pytest.mark.server
def test_trickling_clients_stall_gunicorn_alone_but_not_through_nginx(deployed):
    app_port, proxy_port, _, _ = deployed
    with trickling(app_port, sockets=2 * WORKERS):  # the attack, straight at the sync workers
        assert healthz_seconds(app_port, timeout=2) > 2
    with trickling(proxy_port, sockets=8 * WORKERS):
        seconds = [healthz_seconds(proxy_port, timeout=5) for _ in range(10)]
    assert max(seconds) < 1, seconds


@needs_nginx
@pytest.mark.server
def test_gunicorn_answers_a_malformed_request_line_with_a_problem(deployed):
    app_port, proxy_port, _, _ = deployed
    assert_problem(exchange(app_port, b"GET /healthz HTTP/9.9 extra\r\n\r\n"), 400)
    assert_problem(exchange(app_port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 414)
    # Through nginx, a line gunicorn refuses but nginx lets pass: gunicorn's problem, relayed.
    assert_problem(exchange(proxy_port, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 414)


@needs_nginx
@pytest.mark.server
def test_a_limit_holds_across_the_workers_through_the_proxy(deployed):
    _, proxy_port, key, master = deployed
    assert len(children(master)) == WORKERS
    request = b"GET /v1/model HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n" % key.encode()
    with ThreadPoolExecutor(4) as pool:  # concurrent, so both workers answer
        statuses = list(pool.map(lambda _: exchange(proxy_port, request).status, range(40)))
    assert 18 <= statuses.count(200) <= 22 and statuses.count(200) + statuses.count(429) == 40, statuses
