"""The `db`, `keys`, `decisions export` and `export-training` commands: the decision store from
the command line. None of them updates or deletes a decision. Each imports the store's modules
in its body (SQLAlchemy, Alembic; the decisions' modules import Flask), so `--help` does without."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from service.settings import Settings

if TYPE_CHECKING:
    from service.db import Database


class Timestamp(click.ParamType):
    """An ISO 8601 date or time; without a zone it is UTC."""

    name = "timestamp"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 date or time (e.g. 2025-01-31 or 2025-01-31T12:00:00Z)", param, ctx)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


# An export covers one tenant unless told otherwise, so no file mixes tenants by accident.
TENANT = click.option("--tenant", help="export this tenant's decisions")
ALL_TENANTS = click.option("--all-tenants", is_flag=True, help="export every tenant's decisions (instead of --tenant)")


def export_tenant(tenant: str | None, all_tenants: bool) -> str | None:
    """The tenant an export covers (None: all), from exactly one of --tenant T and --all-tenants."""
    if all_tenants and tenant is not None:
        raise click.UsageError("give --tenant T or --all-tenants, not both")
    if not all_tenants and not tenant:
        raise click.UsageError("say whose decisions to export: --tenant T (one tenant) or --all-tenants")
    return tenant


def database() -> Database:
    """The store named by the settings, migrated to the newest schema."""
    from service.db import Database

    db = Database(Settings.from_env())
    db.upgrade()
    return db


@click.group("db")
def db_group() -> None:
    """The decision store (SQLite in the home, or DIVERSION_RISK_DATABASE_URL / DATABASE_URL)."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Migrate the store to the newest schema (serve also does this on start)."""
    db = database()
    click.echo(f"database={db.engine.url.render_as_string(hide_password=True)} schema=head")


@click.group("keys")
def keys_group() -> None:
    """API keys: each belongs to a tenant and holds scopes (score, read, review, metrics, admin)."""


@keys_group.command("create")
@click.argument("name")
@click.option("--tenant", default="default", show_default=True, help="the tenant whose decisions the key sees")
@click.option("--scopes", default="score,read", show_default=True, help="comma-separated: score, read, review, metrics, admin")
def keys_create(name: str, tenant: str, scopes: str) -> None:
    """Create a key; it is printed once, alone on the last line, and stored only as a hash."""
    from service.keys import KeyAdminError, Keys

    try:
        key_id, key = Keys(database()).create(name, tenant, scopes)
    except KeyAdminError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created key {key_id} for tenant {tenant}; store it now, it is not shown again:")
    click.echo(key)


@keys_group.command("list")
def keys_list() -> None:
    from service.keys import Keys

    for key in Keys(database()).list():
        state = f"revoked={key.revoked_at.isoformat(timespec='seconds')}" if key.revoked_at else "active"
        click.echo(f"{key.id}  tenant={key.tenant} scopes={key.scopes} name={key.name!r} "
                   f"created={key.created_at.isoformat(timespec='seconds')} {state}")


@keys_group.command("revoke")
@click.argument("key_id")
def keys_revoke(key_id: str) -> None:
    """Revoke a key by its id; requests with it get 401 from then on."""
    from service.keys import KeyAdminError, Keys

    try:
        Keys(database()).revoke(key_id)
    except KeyAdminError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked={key_id}")


@click.group("decisions")
def decisions_group() -> None:
    """The decision record (read-only from here)."""


@decisions_group.command("export")
@click.option("--since", type=Timestamp(), required=True)
@click.option("--until", type=Timestamp(), help="exclusive (default: now)")
@TENANT
@ALL_TENANTS
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="file to write (default: stdout)")
def decisions_export(since, until, tenant, all_tenants: bool, fmt: str, out: Path | None) -> None:
    """Write the decisions made in [since, until) with their latest outcomes (CSV cells that a
    spreadsheet would take for a formula start with a single quote)."""
    from service.decisions import Decisions
    from service.exports import write_decisions

    tenant = export_tenant(tenant, all_tenants)
    rows = Decisions(database()).export(since, until, tenant)
    if out is None:
        write_decisions(rows, sys.stdout, fmt)
        return
    with open(out, "w", newline="", encoding="utf-8") as handle:
        count = write_decisions(rows, handle, fmt)
    click.echo(f"decisions={count} file={out}", err=True)


@click.command("export-training")
@click.option("--since", type=Timestamp(), required=True)
@click.option("--until", type=Timestamp(), help="exclusive (default: now)")
@TENANT
@ALL_TENANTS
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="the CSV to write")
def export_training(since, until, tenant, all_tenants: bool, out: Path) -> None:
    """Write the decisions settled by an outcome as a training CSV, with its mapping YAML next to it
    (OUT with the suffix .mapping.yaml)."""
    from service.decisions import Decisions
    from service.exports import write_training

    tenant = export_tenant(tenant, all_tenants)
    result = write_training(Decisions(database()).export(since, until, tenant), out)
    click.echo(f"rows={result['rows']} positives={result['positives']} file={out} mapping={result['mapping']}")


COMMANDS = (db_group, keys_group, decisions_group, export_training)
