"""The `history` command: the consignees' history tallies, rebuilt from the decision record.

The tallies are added to with every decision; rebuilding recounts them from the decisions, in
the order they were made (after restoring a backup of the decisions alone, or to recount the
distinct shippers two workers may have counted twice: `service.history`).
"""

from __future__ import annotations

import click

from service.cli_common import figures, progress
from service.cli_store import database


@click.group()
def history() -> None:
    """The consignees' history tallies that the history signals read."""


@history.command()
@click.option("--tenant", help="only this tenant (default: every tenant with decisions)")
def rebuild(tenant: str | None) -> None:
    """Recompute the tallies from the decisions; each tenant's are replaced in one transaction."""
    from features.reference import load_reference
    from service.history import HistoryStore

    store = HistoryStore(database(), load_reference())
    decisions = tallies = 0
    tenants = [tenant] if tenant else store.tenants()
    for name in tenants:
        read, written = store.rebuild(name, lambda n, name=name: progress(f"{name}: {n:,} decisions read"))
        progress(f"{name}: {read:,} decisions, {written:,} tallies")
        decisions, tallies = decisions + read, tallies + written
    click.echo(figures(tenants=len(tenants), decisions=decisions, tallies=tallies))
