"""The `diversion-risk` command. Commands that report figures print them as name=value pairs on
their last line, so scripts can read them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from features.lists import FORMATS, ListFormatError
from features.name_eval import evaluate_pairs, read_pairs
from features.reference import load_reference
from model.persist import ModelFileError, load_card, load_model
from model.simulate import SimulationConfig
from model.train import evaluate_split, simulated_set, temporal_split
from service import cli_store, multiproc
from service.db import Database
from service.home import Home
from service.openapi import spec_yaml
from service.registry import RegistryError
from service.settings import Settings, SettingsError


def figures(**values) -> str:
    return " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())


def progress(message: str) -> None:
    click.echo(f"... {message}", err=True)


class Context:
    """Settings and home, made on first use so `--help` never touches the environment."""

    def __init__(self):
        self._home: Home | None = None

    @property
    def home(self) -> Home:
        if self._home is None:
            self._home = Home(Settings.from_env())
        return self._home


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group()
def main() -> None:
    """Scores shipments for the risk of diversion of export-controlled goods to Russia."""


@main.command()
@click.option("--bind", default=None, help="HOST:PORT to listen on (default 127.0.0.1:8000)")
@click.option("--workers", type=int, default=None, help="gunicorn workers (default: one per core)")
@pass_ctx
def serve(ctx: Context, bind: str | None, workers: int | None) -> None:
    """Prepare the home if it is fresh (bundled lists, default model), migrate the decision store,
    then serve with gunicorn (metrics from all workers merged through a fresh directory in the home)."""
    ctx.home.prepare(load_reference(), progress)
    Database(ctx.home.settings).upgrade()
    if workers:
        os.environ["DIVERSION_RISK_WORKERS"] = str(workers)
    multiproc.prepare(ctx.home.settings.metrics_dir)
    bind = bind or ctx.home.settings.bind
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf",
                              "--bind", bind, "service.app:create_app()"])


@main.group()
def lists() -> None:
    """Sanctions lists and registries."""


@lists.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice([f[0] for f in FORMATS]), help="skip format detection")
@pass_ctx
def lists_import(ctx: Context, files: tuple[Path, ...], fmt: str | None) -> None:
    """Build a snapshot of FILES and make it the active one (all files or nothing)."""
    try:
        result = ctx.home.import_lists(files, fmt)
    except ListFormatError as exc:
        raise click.ClickException(f"{exc}; the active snapshot is unchanged") from None
    meta = json.loads((Path(result["path"]) / "meta.json").read_text())
    click.echo(figures(version=result["version"], **meta["counts"]))


@lists.command("status")
@pass_ctx
def lists_status(ctx: Context) -> None:
    """The active snapshot: each source with its counts, and the version."""
    version = ctx.home.lists.active()
    if version is None:
        raise click.ClickException("no active lists snapshot; run `diversion-risk lists import FILE...`")
    meta = json.loads((ctx.home.lists.path(version) / "meta.json").read_text())
    for source in meta["sources"]:
        click.echo(f"{source['file']}  format={source['format']} entities={source['entities']} "
                   f"sanctioned={source['sanctioned']} links={source['links']} sha256={source['sha256'][:12]}")
    click.echo(f"created {meta['created']}")
    click.echo(figures(version=version, **meta["counts"]))


@main.command()
@pass_ctx
def train(ctx: Context) -> None:
    """Train the default model on SIMULATED data into the home (activated if none is active)."""
    version = ctx.home.train_default_model(load_reference(), progress)
    if ctx.home.models.active() is None:
        ctx.home.models.activate(version, "train")
    card = load_card(ctx.home.models.path(version))
    m, b = card["metrics"]["model"], card["metrics"]["rules_baseline"]
    click.echo(figures(model=version, pr_auc=m["pr_auc"], roc_auc=m["roc_auc"], baseline_pr_auc=b["pr_auc"]))


@main.command()
@pass_ctx
def evaluate(ctx: Context) -> None:
    """Evaluate the active model and the rules-only baseline on the held-out SIMULATED shipments."""
    version = ctx.home.models.active()
    if version is None:
        raise click.ClickException("no active model; run `diversion-risk train`")
    model, _ = load_model(ctx.home.models.path(version))
    settings = ctx.home.settings
    data = simulated_set(load_reference(), SimulationConfig(), match_threshold=settings.match_threshold,
                         max_hops=settings.max_hops, progress=progress)
    _, held = temporal_split(data.dates)
    metrics = evaluate_split(model, data.X[held], data.y[held])
    for name, values in metrics.items():
        click.echo(f"{name}: " + figures(**values))
    click.echo(figures(**metrics["model"], baseline_pr_auc=metrics["rules_baseline"]["pr_auc"]))


@main.group()
def names() -> None:
    """The name matcher."""


@names.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def names_evaluate(ctx: Context, file: Path) -> None:
    """Precision, recall and F1 of the matcher at the service's threshold on labelled pairs
    (CSV columns schema,name1,name2,is_match)."""
    threshold = ctx.home.settings.match_threshold
    try:
        result = evaluate_pairs(read_pairs(file), threshold)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"threshold={threshold} pairs={sum(result[k] for k in ('tp', 'fp', 'fn', 'tn'))} "
               f"tp={result['tp']} fp={result['fp']} fn={result['fn']} tn={result['tn']}")
    click.echo(figures(precision=result["precision"], recall=result["recall"], f1=result["f1"]))


@main.group()
def models() -> None:
    """Trained models in the home."""


@models.command("list")
@pass_ctx
def models_list(ctx: Context) -> None:
    active = ctx.home.models.active()
    for version in ctx.home.models.versions():
        card = load_card(ctx.home.models.path(version))
        mark = "*" if version == active else " "
        click.echo(f"{mark} {version}  created={card.get('created')} data={card['training_data']['kind']} "
                   f"pr_auc={card['metrics']['model'].get('pr_auc')}")


@models.command("promote")
@click.argument("version")
@pass_ctx
def models_promote(ctx: Context, version: str) -> None:
    """Make VERSION the active model; running services switch within a second."""
    try:
        load_model(ctx.home.models.path(version))  # refuse a corrupt or foreign file before it is active
        ctx.home.models.activate(version, "promote")
    except (ModelFileError, RegistryError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(figures(active=version))


@models.command("rollback")
@pass_ctx
def models_rollback(ctx: Context) -> None:
    """Return to the model active before the current one."""
    try:
        click.echo(figures(active=ctx.home.models.rollback()))
    except RegistryError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
def openapi() -> None:
    """Print the OpenAPI document generated from the schemas (make openapi writes openapi.yaml)."""
    click.echo(spec_yaml(), nl=False)


for command in cli_store.COMMANDS:
    main.add_command(command)


def run() -> None:
    try:
        main()
    except SettingsError as exc:
        raise SystemExit(f"error: {exc}") from None


if __name__ == "__main__":
    run()
