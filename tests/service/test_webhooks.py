"""Webhooks: alerts POSTed, signed, to a real HTTP receiver on 127.0.0.1, retried with backoff."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from service import webhooks as webhooks_module
from service.alerts import add_alerts
from service.cli_webhooks import webhooks as webhooks_cli
from service.db import Database
from service.settings import Settings
from service.tables import Decision, Webhook, WebhookDelivery, utcnow
from service.webhooks import Webhooks, WebhookError, verify
from tests.conftest import empty_store


class Receiver:
    """An HTTP server on an ephemeral port that records each request and answers with the next
    scripted status (200 once the script is used up), after an optional delay."""

    def __init__(self, statuses=(), delay: float = 0.0):
        self.requests: list[dict] = []
        self.statuses, self.delay = list(statuses), delay
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                time.sleep(receiver.delay)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def emptied(database_url):
    """Every test here leaves a PostgreSQL store empty (the CLI tests make their own stores)."""
    yield
    empty_store(database_url)


@pytest.fixture
def receiver():
    made = []

    def make(statuses=(), delay=0.0) -> Receiver:
        made.append(Receiver(statuses, delay))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def settings(tmp_path, database_url):
    return lambda **kw: Settings.from_env({}, home=tmp_path, database_url=database_url, **kw)


@pytest.fixture
def db(settings, database_url):
    database = Database(settings())
    database.upgrade()
    yield database
    database.engine.dispose()
    empty_store(database_url)


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def raise_alerts(db: Database, tenant: str = "acme", count: int = 1, created_at: dt.datetime | None = None) -> list[str]:
    """Record a decision of `tenant` and `count` alerts on it: their ids, in the order raised."""
    decision_id, ids = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(count)]
    with db.engine.begin() as connection:
        connection.execute(insert(Decision), [dict(
            id=decision_id, created_at=utcnow(), tenant=tenant, key_id="k1", shipment_id="S-1", input="{}",
            input_sha256="0" * 64, signals={}, score=0.1, band="low", base=-2.0, reasons=[], model_version="m1",
            lists_version="v1")])
        add_alerts(connection, [dict(
            id=alert_id, created_at=created_at or utcnow(), tenant=tenant, decision_id=decision_id, shipment_id="S-1",
            role="consignee", party={"name": "Aspan Arba LLP", "country": "KZ"}, party_key="a" * 64,
            entity_id=f"entity-{n}", reason="SANCTIONED_PARTY", entry={"names": ["Aspan Arba"]}, path=[],
            lists_before="v1", lists_after="v2") for n, alert_id in enumerate(ids)])
    return ids


def attempts(db: Database) -> list[WebhookDelivery]:
    with db.session() as session:
        return list(session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.seq)))


def test_a_delivery_is_signed_timestamped_and_recorded(db, settings, receiver):
    r = receiver()
    hooks = Webhooks(db, settings())
    webhook_id, secret = hooks.add("acme", r.url)
    [alert_id] = raise_alerts(db)
    assert hooks.deliver() == {"delivered": 1, "failed": 0, "pending": 0, "given_up": 0}
    [request] = r.requests
    body, headers = request["body"], request["headers"]
    signature = headers["X-Diversion-Risk-Signature"]
    assert signature == "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert verify(secret, body, signature)
    assert not verify("whsec_another", body, signature)
    assert not verify(secret, body.replace(b'"attempt":1', b'"attempt":2'), signature)
    assert not verify(secret, body, "") and not verify(secret, body, "sha1=" + signature[7:])
    assert not verify(secret, body, "sha256=\u00e9")
    sent = json.loads(body)
    assert sent["type"] == "alert" and sent["attempt"] == 1 and sent["alert"]["id"] == alert_id
    assert sent["alert"]["status"] == "open" and sent["alert"]["party"]["name"] == "Aspan Arba LLP"
    sent_at = dt.datetime.fromisoformat(sent["sent_at"])
    assert sent_at.utcoffset() == dt.timedelta(0)
    assert int(headers["X-Diversion-Risk-Timestamp"]) == int(sent_at.timestamp())
    assert abs(sent_at.timestamp() - time.time()) < 60
    assert headers["Content-Type"] == "application/json" and headers["User-Agent"] == "diversion-risk-webhooks"
    assert headers["X-Diversion-Risk-Delivery"] == f"{webhook_id}.{alert_id}.1"
    assert secret not in body.decode()
    [row] = attempts(db)
    assert (row.webhook_id, row.alert_id, row.attempt, row.status_code, row.delivered) == (webhook_id, alert_id, 1, 200, True)


def test_a_second_pass_after_success_sends_nothing(db, settings, receiver):
    r = receiver()
    hooks = Webhooks(db, settings())
    hooks.add("acme", r.url)
    raise_alerts(db, count=2)
    assert hooks.deliver()["delivered"] == 2
    assert hooks.deliver() == {"delivered": 0, "failed": 0, "pending": 0, "given_up": 0}
    assert len(r.requests) == 2 and len(attempts(db)) == 2


def test_a_500_is_retried_and_the_second_attempt_delivered(db, settings, receiver):
    r = receiver([500])
    hooks = Webhooks(db, settings(webhook_backoff=0.0))
    hooks.add("acme", r.url)
    raise_alerts(db)
    assert hooks.deliver() == {"delivered": 0, "failed": 1, "pending": 1, "given_up": 0}
    assert hooks.deliver() == {"delivered": 1, "failed": 0, "pending": 0, "given_up": 0}
    rows = attempts(db)
    assert [(a.attempt, a.status_code, a.delivered) for a in rows] == [(1, 500, False), (2, 200, True)]
    assert rows[0].error == "HTTP 500"
    assert [json.loads(q["body"])["attempt"] for q in r.requests] == [1, 2]


def test_the_next_attempt_waits_for_the_backoff(db, settings, receiver):
    r = receiver([503, 503])
    hooks = Webhooks(db, settings(webhook_backoff=60.0))
    hooks.add("acme", r.url)
    raise_alerts(db)
    start = utcnow()
    assert hooks.deliver(now=start)["failed"] == 1
    assert hooks.deliver(now=start + dt.timedelta(seconds=59)) == {"delivered": 0, "failed": 0, "pending": 1, "given_up": 0}
    assert hooks.deliver(now=start + dt.timedelta(seconds=61))["failed"] == 1  # after 60 s: attempt 2
    assert hooks.deliver(now=start + dt.timedelta(seconds=61 + 119))["pending"] == 1  # then 120 s
    assert hooks.deliver(now=start + dt.timedelta(seconds=61 + 121))["delivered"] == 1
    assert len(r.requests) == 3
    assert webhooks_module.due_at(40, start, 60.0) == start + dt.timedelta(days=1)  # capped at a day


def test_attempts_stop_at_webhook_attempts(db, settings, receiver):
    r = receiver([503] * 10)
    hooks = Webhooks(db, settings(webhook_backoff=0.0, webhook_attempts=3))
    hooks.add("acme", r.url)
    raise_alerts(db)
    results = [hooks.deliver() for _ in range(5)]
    assert [x["failed"] for x in results] == [1, 1, 1, 0, 0]
    assert results[2]["given_up"] == results[4]["given_up"] == 1 and results[4]["pending"] == 0
    assert len(r.requests) == 3 and [a.attempt for a in attempts(db)] == [1, 2, 3]


def test_a_receiver_that_is_down_is_recorded_and_the_pass_does_not_raise(db, settings):
    hooks = Webhooks(db, settings())
    hooks.add("acme", closed_port_url())
    raise_alerts(db)
    messages = []
    assert hooks.deliver(messages.append) == {"delivered": 0, "failed": 1, "pending": 1, "given_up": 0}
    [row] = attempts(db)
    assert row.status_code is None and not row.delivered and "ConnectError" in row.error
    assert len(messages) == 1 and "attempt 1 failed" in messages[0]


def test_a_slow_receiver_times_out_and_a_redirect_is_not_followed(db, settings, receiver):
    slow, moved = receiver(delay=1.0), receiver([302])
    hooks = Webhooks(db, settings(webhook_timeout=0.2))
    hooks.add("acme", slow.url)
    hooks.add("acme", moved.url)
    raise_alerts(db)
    assert hooks.deliver() == {"delivered": 0, "failed": 2, "pending": 2, "given_up": 0}
    errors = sorted((a.status_code or 0, a.error) for a in attempts(db))
    assert errors[0][0] == 0 and "timed out" in errors[0][1]
    assert errors[1] == (302, "HTTP 302")
    assert [q["path"] for q in moved.requests] == ["/hook"]  # /elsewhere never asked


def test_only_the_tenants_own_alerts_raised_since_its_creation_are_sent(db, settings, receiver):
    r = receiver()
    hooks = Webhooks(db, settings())
    hooks.add("acme", r.url)
    raise_alerts(db, tenant="globex")
    raise_alerts(db, created_at=utcnow() - dt.timedelta(seconds=5))  # raised before the webhook existed
    [mine] = raise_alerts(db)
    assert hooks.deliver()["delivered"] == 1
    assert [json.loads(q["body"])["alert"]["id"] for q in r.requests] == [mine]


def test_a_removed_webhook_gets_nothing(db, settings, receiver):
    r = receiver()
    hooks = Webhooks(db, settings())
    webhook_id, _ = hooks.add("acme", r.url)
    hooks.remove(webhook_id)
    hooks.remove(webhook_id)  # again: nothing changes
    raise_alerts(db)
    assert hooks.deliver() == {"delivered": 0, "failed": 0, "pending": 0, "given_up": 0}
    assert r.requests == [] and attempts(db) == []
    [row] = hooks.list()
    assert row.id == webhook_id and row.removed_at is not None
    with pytest.raises(WebhookError, match="no webhook"):
        hooks.remove("000000000000")


def test_alerts_are_read_a_page_at_a_time(db, settings, receiver, monkeypatch):
    monkeypatch.setattr(webhooks_module, "PAGE", 2)
    r = receiver()
    hooks = Webhooks(db, settings())
    hooks.add("acme", r.url)
    ids = raise_alerts(db, count=5)
    assert hooks.deliver()["delivered"] == 5
    assert [json.loads(q["body"])["alert"]["id"] for q in r.requests] == ids


@pytest.mark.parametrize("tenant, url, message", [
    ("acme", "ftp://hooks.example.com/x", "http:// or https://"),
    ("acme", "http://", "with a host"),
    ("acme", "hooks.example.com/x", "http:// or https://"),
    ("acme", "http://hooks.example.com:99999/", "http:// or https://"),
    ("-bad tenant", "https://hooks.example.com/x", "a tenant is"),
])
def test_add_refuses_what_cannot_be_delivered(db, settings, tenant, url, message):
    with pytest.raises(WebhookError, match=message):
        Webhooks(db, settings()).add(tenant, url)
    with db.session() as session:
        assert session.scalars(select(Webhook)).all() == []


def test_add_makes_an_id_and_a_secret(db, settings):
    webhook_id, secret = Webhooks(db, settings()).add("acme", "https://hooks.example.com/x")
    assert len(webhook_id) == 12 and int(webhook_id, 16) >= 0
    assert secret.startswith("whsec_") and len(secret) == 6 + 43


def test_cli_add_list_deliver_remove(tmp_path, database_url, receiver):
    r = receiver()
    env = {"DIVERSION_RISK_HOME": str(tmp_path / "cli"), "DIVERSION_RISK_DATABASE_URL": database_url,
           "DIVERSION_RISK_WEBHOOK_BACKOFF": "0"}
    run = lambda *args: CliRunner(env=env).invoke(webhooks_cli, list(args))  # noqa: E731
    added = run("add", "--tenant", "acme", r.url)
    assert added.exit_code == 0, added.output
    *head, secret = added.stdout.strip().splitlines()
    webhook_id = head[-1].split()[2]
    assert secret.startswith("whsec_") and "shown once" in head[-1]
    listed = run("list")
    assert listed.exit_code == 0 and secret not in listed.output
    assert listed.stdout.startswith(f"{webhook_id}  tenant=acme url={r.url} created=") and "removed=-" in listed.stdout

    [alert_id] = raise_alerts(Database(Settings.from_env(env)))
    delivered = run("deliver")
    assert delivered.exit_code == 0, delivered.output
    assert delivered.stdout.strip().splitlines()[-1] == "delivered=1 failed=0 pending=0 given_up=0"
    assert verify(secret, r.requests[0]["body"], r.requests[0]["headers"]["X-Diversion-Risk-Signature"])
    assert json.loads(r.requests[0]["body"])["alert"]["id"] == alert_id

    assert run("remove", webhook_id).stdout.strip() == f"removed={webhook_id}"
    assert "removed=-" not in run("list").stdout
    unknown = run("remove", "nope")
    assert unknown.exit_code == 1 and "no webhook with id 'nope'" in unknown.output
    refused = run("add", "--tenant", "acme", "ftp://x")
    assert refused.exit_code == 1 and "http:// or https://" in refused.output
    assert run("deliver", "--every", "0s").exit_code == 2  # not a duration


def test_cli_deliver_every_keeps_delivering_until_sigterm(tmp_path, database_url, receiver):
    r = receiver([500])
    env = {"DIVERSION_RISK_HOME": str(tmp_path / "cli"), "DIVERSION_RISK_DATABASE_URL": database_url,
           "DIVERSION_RISK_WEBHOOK_BACKOFF": "0"}
    db = Database(Settings.from_env(env))
    db.upgrade()
    Webhooks(db, Settings.from_env(env)).add("acme", r.url)
    raise_alerts(db)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = CliRunner(env=env).invoke(webhooks_cli, ["deliver", "--every", "0.1s"])
    finally:
        timer.cancel()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) >= 3 and lines[0] == "delivered=0 failed=1 pending=1 given_up=0"
    assert lines[1] == "delivered=1 failed=0 pending=0 given_up=0"
    assert set(lines[2:]) == {"delivered=0 failed=0 pending=0 given_up=0"}
    assert len(r.requests) == 2
