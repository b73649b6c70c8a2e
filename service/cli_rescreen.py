"""The `rescreen` command: recorded decisions against the lists as they are now.

Without `--since`, one re-screen to the active snapshot (what `lists import` and `lists sync`
also run before they exit), then webhook delivery; `--watch` keeps doing both for snapshots
activated by any means. With `--since`, the full look-back: every decision of the window scored
again with the active snapshot and model on Dask (`service.lookback`).
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING

import click

from service.cli_common import Context, Duration, figures, pass_ctx, progress
from service.cli_store import Timestamp, database
from service.registry import RegistryError

if TYPE_CHECKING:
    from service.db import Database


def screen_and_notify(ctx: Context, db: Database | None = None) -> tuple[bool, dict]:
    """Re-screen to the active snapshot and deliver the webhooks due: whether either did
    anything, and the figures to print."""
    from service.rescreen import Rescreener
    from service.webhooks import Webhooks

    db = db or database()
    result = Rescreener(ctx.home, db, progress).run()
    delivered = Webhooks(db, ctx.home.settings).deliver(progress)
    did = bool(result and result.screened) or delivered["delivered"] > 0
    return did, {**(result.figures() if result else {"alerts": 0}), "webhooks_delivered": delivered["delivered"],
                 "webhooks_pending": delivered["pending"]}


@click.command()
@click.option("--watch", is_flag=True, help="keep re-screening each snapshot activated, and delivering webhooks")
@click.option("--interval", type=Duration(), default="5s", show_default=True, help="how often --watch looks")
@click.option("--since", type=Timestamp(), help="the full look-back: re-score every decision made since")
@click.option("--until", type=Timestamp(), help="... and before this time (with --since)")
@click.option("--model", "model_name", help="model name or version for the look-back (default: the active one)")
@click.option("--scheduler", help="a Dask scheduler (tcp://HOST:8786) for the look-back (default: a local cluster)")
@click.option("--workers", type=click.IntRange(1), help="local Dask workers for the look-back (default: one per core)")
@pass_ctx
def rescreen(ctx: Context, watch: bool, interval: float, since, until, model_name, scheduler, workers) -> None:
    """Re-screen recorded decisions against the active lists: the parties of the last
    DIVERSION_RISK_RESCREEN_DAYS days against what changed since they were last screened, raising
    alerts (last line: rescreened=… alerts=…); or, with --since, re-score them in full and write a
    report of the band changes (last line: decisions=… rescored=… band_up=… band_down=… …)."""
    if since is None and (until or model_name or scheduler or workers):
        raise click.UsageError("--until, --model, --scheduler and --workers go with --since")
    try:
        if since is not None:
            if watch:
                raise click.UsageError("--watch re-screens each new snapshot; --since is a one-off look-back")
            _lookback(ctx, since, until, model_name, scheduler, workers)
            return
        if not watch:
            click.echo(figures(**screen_and_notify(ctx)[1]))
            return
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        db = database()  # migrated once: each round only reads and appends
        while not stop.is_set():
            did, found = screen_and_notify(ctx, db)
            if did:
                click.echo(figures(**found))
            stop.wait(interval)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None


def _lookback(ctx: Context, since, until, model_name, scheduler, workers) -> None:
    from service.lookback import run_lookback
    from service.lookback_report import write_report

    db = database()
    result = run_lookback(ctx.home.settings, since=since, until=until, model=model_name, scheduler=scheduler,
                          workers=workers, progress=progress)
    csv_path, html_path = write_report(result, db, ctx.home.root / "reports")
    click.echo(f"report {html_path}")
    click.echo(f"report {csv_path}")
    click.echo(figures(**result.figures()))
