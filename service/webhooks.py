"""Webhooks: each new alert POSTed as JSON to the URLs its tenant registered, signed.

A receiver checks `X-Diversion-Risk-Signature` (HMAC-SHA256 of the exact body with the webhook's
secret, `verify` below) and rejects a body whose `sent_at` is more than a few minutes old: the
time is inside the signed body, so a captured request cannot be replayed later. Delivery is at
least once (a pass that dies between the POST and its record sends again, and two passes run at
once may both send), so a receiver de-duplicates by the alert's `id`.

Every attempt is an append-only `webhook_deliveries` row; the state of an (alert, webhook) pair is
derived from its rows, so nothing is ever updated and a crashed pass simply resumes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
from sqlalchemy import case, func, insert, select

from service.alerts import alert_wire
from service.db import Database
from service.decisions import utc_naive
from service.keys import TENANT_FORMAT
from service.settings import Settings
from service.tables import Alert, AlertReview, Webhook, WebhookDelivery, utcnow

# httpx logs each request's full URL at INFO: a token in a receiver's URL must not reach a log.
logging.getLogger("httpx").setLevel(logging.WARNING)

USER_AGENT = "diversion-risk-webhooks"
SIGNATURE_HEADER = "X-Diversion-Risk-Signature"
TIMESTAMP_HEADER = "X-Diversion-Risk-Timestamp"
DELIVERY_HEADER = "X-Diversion-Risk-Delivery"
PAGE = 200  # alerts read per query: what bounds a pass's memory, however many alerts there are
MAX_DELAY = 86400.0  # the backoff doubles up to a day between attempts
MAX_URL = 2000


class WebhookError(ValueError):
    """A webhook cannot be added or removed as asked; the message says what is expected."""


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature_header: str) -> bool:
    """Whether `signature_header` signs exactly `body` with `secret` (compared in constant time).
    A receiver also checks that the body's `sent_at` is recent, against replays."""
    given = (signature_header or "").strip().encode("utf-8", "replace")
    return hmac.compare_digest(sign(secret, body).encode(), given)


def check_url(url: str) -> str:
    """An http(s) URL with a host, or WebhookError saying so."""
    expected = "a webhook URL is http:// or https:// with a host, e.g. https://hooks.example.com/alerts"
    try:
        parts = urlsplit(url)
        httpx.URL(url)
        host, _ = parts.hostname, parts.port  # .port refuses one out of range
    except (ValueError, httpx.InvalidURL):
        raise WebhookError(expected) from None
    if parts.scheme not in ("http", "https") or not host or len(url) > MAX_URL or any(c.isspace() for c in url):
        raise WebhookError(f"{expected} (at most {MAX_URL} characters, no spaces)")
    return url


def due_at(attempts: int, last: dt.datetime, backoff: float) -> dt.datetime:
    """When the next attempt of a pair tried `attempts` (>= 1) times, last at `last`, is due."""
    delay = min(backoff * 2 ** min(attempts - 1, 40), MAX_DELAY)
    return last + dt.timedelta(seconds=delay)


class Webhooks:
    def __init__(self, db: Database, settings: Settings):
        self.db = db
        self.settings = settings

    def add(self, tenant: str, url: str) -> tuple[str, str]:
        """Register `url` for `tenant`'s alerts: (webhook id, signing secret). The CLI shows the secret
        once; it is stored as is, unlike an API key's, because signing each body needs it."""
        if not TENANT_FORMAT.fullmatch(tenant or ""):
            raise WebhookError("a tenant is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
        check_url(url)
        webhook_id, secret = secrets.token_hex(6), "whsec_" + secrets.token_urlsafe(32)
        with self.db.session() as session:
            session.add(Webhook(id=webhook_id, tenant=tenant, url=url, secret=secret, created_at=utcnow()))
        return webhook_id, secret

    def list(self) -> list[Webhook]:
        with self.db.session() as session:
            return list(session.scalars(select(Webhook).order_by(Webhook.tenant, Webhook.created_at)))

    def remove(self, webhook_id: str) -> None:
        """Stop delivering to a webhook (its delivery record is kept); removing it again changes nothing."""
        with self.db.session() as session:
            row = session.get(Webhook, webhook_id)
            if row is None:
                raise WebhookError(f"no webhook with id {webhook_id!r}")
            if row.removed_at is None:
                row.removed_at = utcnow()

    def deliver(self, progress: Callable[[str], None] | None = None, now: dt.datetime | None = None) -> dict:
        """One pass: every alert due to every active webhook, one attempt each. A failing receiver is
        recorded, never raised. Counts: delivered and failed (attempts of this pass), pending (pairs
        still to retry) and given_up (pairs out of attempts). `now` (UTC) stands in for the clock."""
        counts = dict.fromkeys(("delivered", "failed", "pending", "given_up"), 0)
        with self.db.session() as session:
            hooks = list(session.scalars(select(Webhook).where(Webhook.removed_at.is_(None))
                                         .order_by(Webhook.created_at, Webhook.id)))
        with httpx.Client(timeout=httpx.Timeout(self.settings.webhook_timeout), follow_redirects=False,
                          headers={"User-Agent": USER_AGENT}) as client:
            for hook in hooks:
                for alert, attempt in self._due(hook, utc_naive(now), counts):
                    ok = self._attempt(client, hook, alert, attempt, utc_naive(now) or utcnow(), progress)
                    counts["delivered" if ok else "failed"] += 1
                    if not ok:
                        counts["pending" if attempt < self.settings.webhook_attempts else "given_up"] += 1
        return counts

    def _due(self, hook: Webhook, now: dt.datetime | None, counts: dict) -> Iterator[tuple[dict, int]]:
        """(alert on the wire, attempt number) of the hook's alerts due now, a page at a time; counts
        the pairs waiting for their backoff (pending) or out of attempts (given_up). No transaction
        is held while the caller POSTs."""
        attempts_max, after = self.settings.webhook_attempts, 0
        while True:
            with self.db.session() as session:
                rows = list(session.scalars(
                    select(Alert).where(Alert.tenant == hook.tenant, Alert.seq > after, Alert.created_at >= hook.created_at)
                    .order_by(Alert.seq).limit(PAGE)))
                if not rows:
                    return
                tried = {r.alert_id: r for r in session.execute(  # one row per pair, via ix_webhook_deliveries_pair
                    select(WebhookDelivery.alert_id, func.count().label("attempts"),
                           func.max(WebhookDelivery.attempted_at).label("last"),
                           func.max(case((WebhookDelivery.delivered, 1), else_=0)).label("delivered"))
                    .where(WebhookDelivery.webhook_id == hook.id, WebhookDelivery.alert_id.in_([r.id for r in rows]))
                    .group_by(WebhookDelivery.alert_id))}
                due = []
                for row in rows:
                    state = tried.get(row.id)
                    if state is not None and state.delivered:
                        continue
                    if state is not None and state.attempts >= attempts_max:
                        counts["given_up"] += 1
                    elif state is not None and due_at(state.attempts, state.last, self.settings.webhook_backoff) > (now or utcnow()):
                        counts["pending"] += 1
                    else:
                        due.append((row, (state.attempts if state else 0) + 1))
                reviews: dict[str, list] = {row.id: [] for row, _ in due}
                if reviews:
                    for review in session.scalars(select(AlertReview).where(AlertReview.alert_id.in_(list(reviews)))
                                                  .order_by(AlertReview.seq)):
                        reviews[review.alert_id].append(review)
                page = [(alert_wire(row, reviews[row.id]), attempt) for row, attempt in due]
            yield from page
            after = rows[-1].seq

    def _attempt(self, client: httpx.Client, hook: Webhook, alert: dict, attempt: int, at: dt.datetime,
                 progress: Callable[[str], None] | None) -> bool:
        """POST one alert and record the attempt; True if the receiver answered 2xx. The delivery id
        names the attempt's row: (webhook, alert, attempt)."""
        sent = at.replace(microsecond=0, tzinfo=dt.timezone.utc)
        body = json.dumps({"type": "alert", "sent_at": sent.isoformat(), "attempt": attempt, "alert": alert},
                          separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(hook.secret, body),
                   TIMESTAMP_HEADER: str(int(sent.timestamp())), DELIVERY_HEADER: f"{hook.id}.{alert['id']}.{attempt}"}
        status, error = None, ""
        try:  # streamed and closed unread: a receiver's answer body is never loaded
            with client.stream("POST", hook.url, content=body, headers=headers) as response:
                status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.TimeoutException as exc:
            error = f"timed out after {self.settings.webhook_timeout:g} s ({type(exc).__name__})"
        except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        delivered = not error
        with self.db.engine.begin() as connection:
            connection.execute(insert(WebhookDelivery), [dict(
                webhook_id=hook.id, alert_id=alert["id"], attempt=attempt, attempted_at=at, status_code=status,
                error=error, delivered=delivered)])
        if progress is not None and not delivered:
            progress(f"webhook {hook.id}: alert {alert['id']} attempt {attempt} failed: {error}")
        return delivered
