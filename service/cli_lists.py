"""The `lists` commands: a home's named sources, imported from files or synced from the publishers."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from service.cli_common import Context, Duration, figures, pass_ctx, progress
from service.registry import RegistryError
from service.sources import SourceError, oldest_as_of, read_sync_state


class ListFormatChoice(click.Choice):
    """The list formats' names, read from `features.lists` when a command line uses them: it
    imports every reader (FtM, the name data), which `lists status` and `--help` do without."""

    def __init__(self):
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        from features.lists import BY_NAME

        return tuple(BY_NAME)


@click.group()
def lists() -> None:
    """Sanctions lists and registries: named sources, imported or synced."""


def _snapshot_figures(ctx: Context, version: str, **extra) -> str:
    meta = ctx.home.snapshot_meta(version)
    return figures(version=version, **extra, sources=len(meta["sources"]), lists_as_of=oldest_as_of(meta["sources"]),
                   **meta["counts"])


@lists.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=ListFormatChoice(), help="skip format detection")
@click.option("--source", help="the source these files replace (default: the one of each file's format, "
                               "e.g. uk-fcdo, ofac, ftm); other sources are kept")
@pass_ctx
def lists_import(ctx: Context, files: tuple[Path, ...], fmt: str | None, source: str | None) -> None:
    """Replace one source (or each file's format's source) with FILES, keep the others, and build
    and activate a snapshot of them all (all or nothing). FtM delta files alone are added to
    their source instead of replacing it."""
    from features.lists import ListFormatError

    try:
        result = ctx.home.import_lists(files, fmt, source)
    except (ListFormatError, SourceError, RegistryError) as exc:
        raise click.ClickException(f"{exc}; the active snapshot is unchanged") from None
    click.echo(_snapshot_figures(ctx, result["version"], **_screened(ctx)))


def _screened(ctx: Context) -> dict:
    """Re-screen the recorded decisions against the snapshot now active: its figures (alerts=…)."""
    from sqlalchemy.exc import SQLAlchemyError

    from service.cli_rescreen import screen_and_notify

    try:
        return {"alerts": screen_and_notify(ctx)[1]["alerts"]}
    except (SQLAlchemyError, RegistryError) as exc:
        raise click.ClickException(f"the lists are active, but re-screening the decisions failed ({exc}); "
                                   "run `diversion-risk rescreen` again") from None


@lists.command("remove")
@click.argument("name")
@pass_ctx
def lists_remove(ctx: Context, name: str) -> None:
    """Drop source NAME and activate a snapshot of the others."""
    from features.lists import ListFormatError

    try:
        result = ctx.home.remove_source(name)
    except (RegistryError, ListFormatError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(_snapshot_figures(ctx, result["version"], **_screened(ctx)))


@lists.command("status")
@pass_ctx
def lists_status(ctx: Context) -> None:
    """The active snapshot: one line per source (format, counts, as of, fetched at, sha256, last sync)."""
    try:
        version = ctx.home.lists.active()
        meta = version and ctx.home.snapshot_meta(version)
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None
    if version is None:
        raise click.ClickException("no active lists snapshot; run `diversion-risk lists import FILE...` or `lists sync`")
    state = read_sync_state(ctx.home.sources)
    for s in meta["sources"]:
        sync = state.get(s["name"], {})
        last = f" last_sync={sync.get('last_success')}" + (f" last_error={sync['last_error']!r}" if sync.get("last_error") else "") \
            if sync else ""
        click.echo(f"{s['name']}  format={','.join(s['formats'])} entities={s['entities']} sanctioned={s['sanctioned']} "
                   f"links={s['links']} as_of={s['as_of']} ({s['as_of_basis'] or 'no date stated'}) "
                   f"fetched_at={s['fetched_at']} origin={s['origin']} sha256={s['sha256'][:12]}{last}")
    click.echo(f"snapshot built {meta['created']}")
    click.echo(_snapshot_figures(ctx, version))


@lists.command("sync")
@click.option("--every", type=Duration(), help="keep syncing at this interval (e.g. 1h): a long-running process")
@click.option("--sources", "sources_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="the sources file (default DIVERSION_RISK_SOURCES, else the package's official addresses)")
@pass_ctx
def lists_sync(ctx: Context, every: float | None, sources_file: Path | None) -> None:
    """Download every configured source; build and activate a new snapshot only if one changed.
    A failed source keeps its previous data. Last line: sources=… updated=… unchanged=… failed=… version=…"""
    from features.lists import ListFormatError
    from service.download import Downloader
    from service.sources_config import SourcesConfigError, load_sources
    from service.sync import Syncer

    home, settings = ctx.home, ctx.home.settings
    try:
        specs = load_sources(sources_file or (Path(settings.sources) if settings.sources else None))
    except SourcesConfigError as exc:
        raise click.ClickException(str(exc)) from None
    downloader = Downloader(settings.sync_timeout, settings.sync_retries, settings.sync_backoff, settings.sync_max_bytes)
    stop = threading.Event()
    if every:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    try:
        while True:
            try:
                result = Syncer(home, specs, downloader, progress).run()
            except (RegistryError, ListFormatError) as exc:
                raise click.ClickException(f"{exc}; the active snapshot is unchanged") from None
            click.echo(figures(**result.figures(), **_screened(ctx)))
            if not every:
                if result.failed:
                    sys.exit(1)
                return
            if stop.wait(every):
                return
    finally:
        downloader.close()
