"""The real server (gunicorn, 2 workers) on a free loopback port: a worker killed with SIGKILL
while requests are in flight loses no acknowledged decision, and the master replaces it.

Starts `diversion-risk serve` (about 20-40 s with the snapshot load); deselect with `-m "not server"`.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import threading
import time

import pytest
from sqlalchemy import select

from bench.http_load import children, server
from service.db import Database
from service.keys import Keys
from service.tables import Decision
from tests.conftest import private_home
from tests.service.test_api import SHIPMENT

pytestmark = pytest.mark.server
CLIENTS = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def post_until(port: int, key: str, stop: threading.Event, acknowledged: list[str], failed: list[str]) -> None:
    """POST /v1/score in a loop; keep the decision id of every 200, count everything else."""
    body = json.dumps(SHIPMENT)
    while not stop.is_set():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", "/v1/score", body, {"Content-Type": "application/json",
                                                          "Authorization": f"Bearer {key}"})
            response = connection.getresponse()
            payload = response.read()
            if response.status == 200:
                acknowledged.append(json.loads(payload)["decision_id"])
            else:
                failed.append(str(response.status))
        except (OSError, http.client.HTTPException) as exc:  # the killed worker's connections
            failed.append(type(exc).__name__)
        finally:
            connection.close()


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_worker_loses_no_acknowledged_decision(tmp_path, trained_home, database_url):
    home = private_home(tmp_path / "home", trained_home, database_url)
    db = Database(home.settings)
    db.upgrade()
    key = Keys(db).create("kill-test", "acme", "score")[1]
    port = free_port()
    env = {"DIVERSION_RISK_WORKERS": "2", "DIVERSION_RISK_RATE_LIMIT": "1000000/minute",
           "DIVERSION_RISK_LOG_LEVEL": "WARNING", "DIVERSION_RISK_DATABASE_URL": database_url}
    acknowledged: list[str] = []
    failed: list[str] = []
    stop = threading.Event()
    with server(home.root, port, env=env) as master:
        assert wait_for(lambda: len(children(master.pid)) == 2, 30)
        workers = children(master.pid)
        clients = [threading.Thread(target=post_until, args=(port, key, stop, acknowledged, failed))
                   for _ in range(CLIENTS)]
        for client in clients:
            client.start()
        assert wait_for(lambda: len(acknowledged) >= 10, 30), failed[:5]
        before_kill = len(acknowledged)
        os.kill(workers[0], signal.SIGKILL)
        replaced = wait_for(lambda: len(children(master.pid)) == 2 and workers[0] not in children(master.pid), 30)
        time.sleep(2)  # the replacement serves too
        stop.set()
        for client in clients:
            client.join()
        after = children(master.pid)
    with db.session() as session:
        stored = set(session.scalars(select(Decision.id)))
    db.engine.dispose()
    assert len(acknowledged) > before_kill, failed[:5]
    assert set(acknowledged) <= stored, f"{len(set(acknowledged) - stored)} acknowledged decisions lost"
    assert replaced and workers[0] not in after and len(after) == 2
    assert len(failed) <= CLIENTS, failed  # at most the requests in flight on the killed worker
