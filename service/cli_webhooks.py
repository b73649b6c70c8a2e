"""The `webhooks` commands: a tenant's URLs that alerts are POSTed to, signed, and their delivery.
The store's modules and httpx are imported by the commands, so `--help` does without them."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from service.cli_common import Duration, figures, progress
from service.cli_store import database
from service.settings import Settings, SettingsError

if TYPE_CHECKING:
    from service.webhooks import Webhooks


def _webhooks() -> Webhooks:
    from sqlalchemy.exc import SQLAlchemyError

    from service.webhooks import Webhooks

    try:
        settings = Settings.from_env()
        return Webhooks(database(), settings)
    except (SettingsError, SQLAlchemyError) as exc:
        raise click.ClickException(f"cannot open the decision store: {exc}") from None


def _shown(url: str) -> str:
    """The URL as listed: a password in it is masked (the webhook's own secret is never listed)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


@click.group("webhooks")
def webhooks() -> None:
    """URLs each new alert of a tenant is POSTed to as JSON, signed with HMAC-SHA256
    (header X-Diversion-Risk-Signature: sha256=<hex>)."""


@webhooks.command("add")
@click.option("--tenant", required=True, help="the tenant whose alerts are sent")
@click.argument("url")
def webhooks_add(tenant: str, url: str) -> None:
    """Register URL for the tenant's alerts raised from now on; the signing secret is printed once,
    alone on the last line."""
    from sqlalchemy.exc import SQLAlchemyError

    from service.webhooks import WebhookError

    try:
        webhook_id, secret = _webhooks().add(tenant, url)
    except (WebhookError, SQLAlchemyError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created webhook {webhook_id} for tenant {tenant}; its signing secret is shown once, store it now:")
    click.echo(secret)


@webhooks.command("list")
def webhooks_list() -> None:
    """Every webhook: id, tenant, URL, created and removed (never the secret)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        rows = _webhooks().list()
    except SQLAlchemyError as exc:
        raise click.ClickException(str(exc)) from None
    for row in rows:
        removed = row.removed_at.isoformat(timespec="seconds") if row.removed_at else "-"
        click.echo(f"{row.id}  tenant={row.tenant} url={_shown(row.url)} "
                   f"created={row.created_at.isoformat(timespec='seconds')} removed={removed}")


@webhooks.command("remove")
@click.argument("webhook_id")
def webhooks_remove(webhook_id: str) -> None:
    """Stop delivering to a webhook; what was delivered stays on record."""
    from sqlalchemy.exc import SQLAlchemyError

    from service.webhooks import WebhookError

    try:
        _webhooks().remove(webhook_id)
    except (WebhookError, SQLAlchemyError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"removed={webhook_id}")


@webhooks.command("deliver")
@click.option("--every", type=Duration(), help="keep delivering at this interval (e.g. 1m): a long-running process")
def webhooks_deliver(every: float | None) -> None:
    """POST every alert due to its webhooks, once (failures are retried with backoff on later passes,
    up to DIVERSION_RISK_WEBHOOK_ATTEMPTS). Last line: delivered=… failed=… pending=… given_up=…"""
    from sqlalchemy.exc import SQLAlchemyError

    hooks = _webhooks()
    stop = threading.Event()
    if every:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    while True:
        try:
            result = hooks.deliver(progress)
        except SQLAlchemyError as exc:
            raise click.ClickException(f"delivering webhooks failed: {exc}") from None
        click.echo(figures(delivered=result["delivered"], failed=result["failed"], pending=result["pending"],
                           given_up=result["given_up"]))
        if not every or stop.wait(every):
            return
