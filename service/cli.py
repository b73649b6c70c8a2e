"""The `diversion-risk` command. Commands that report figures print them as name=value pairs on
their last line, so scripts can read them.

Each command imports what it uses, in its own body: the model libraries, the list readers and the
web app take seconds to import, and `--help`, `keys`, `lists status` or `models list` need none.
`tests/service/test_cli_startup.py` holds them to that."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from model.serving.card import ModelFileError, load_card
from service import cli_store
from service.cli_common import Context, figures, pass_ctx, progress
from service.cli_history import history
from service.cli_lists import lists
from service.cli_rescreen import rescreen
from service.cli_score import score
from service.cli_webhooks import webhooks
from service.registry import RegistryError
from service.settings import SettingsError


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
    from features.reference import load_reference
    from service import multiproc
    from service.db import Database

    ctx.home.prepare(load_reference(), progress)
    Database(ctx.home.settings).upgrade()
    if workers:
        os.environ["DIVERSION_RISK_WORKERS"] = str(workers)
    multiproc.prepare(ctx.home.settings.metrics_dir)
    bind = bind or ctx.home.settings.bind
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", "--config", "python:service.gunicorn_conf",
                              "--bind", bind, "service.app:create_app()"])


@main.command()
@click.option("--data", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="labelled history: CSV, JSON lines or Parquet (repeat for several files)")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="YAML naming the label, date and other columns (see model/history/mapping.py)")
@click.option("--model-name", default="default", show_default=True)
@pass_ctx
def train(ctx: Context, files: tuple[Path, ...], mapping: Path | None, model_name: str) -> None:
    """Train a model into the home: on your labelled history with --data and --mapping, else the
    default model on SIMULATED data. It becomes active only if no model is; see `models promote`."""
    from features.reference import load_reference
    from model.history.data import HistoryError
    from model.history.mapping import MappingError, load_mapping
    from model.history.train import train_on_history

    home, reference = ctx.home, load_reference()
    if files:
        if mapping is None:
            raise click.UsageError("--data needs --mapping")
        try:
            model, card = train_on_history(list(files), load_mapping(mapping), reference, home.active_snapshot(),
                                           model_name, match_threshold=home.settings.match_threshold,
                                           max_hops=home.settings.max_hops, progress=progress)
        except (MappingError, HistoryError, RegistryError) as exc:
            raise click.ClickException(str(exc)) from None
        version = home.add_model(model, card)
    else:
        version = home.train_default_model(reference, progress)
    if home.models.active() is None:
        home.models.activate(version, "train")
    metrics = load_card(home.models.path(version))["metrics"]
    click.echo(figures(model=version, **metrics["model"], baseline_pr_auc=metrics["rules_baseline"]["pr_auc"]))


@main.command()
@click.option("--model-name", default=None, help="model name or version (default: the active model)")
@click.option("--data", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="labelled records to evaluate on (default: the held-out SIMULATED shipments)")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="HTML report path (with --data)")
@pass_ctx
def evaluate(ctx: Context, model_name: str | None, files: tuple[Path, ...], mapping: Path | None,
             report: Path | None) -> None:
    """Metrics of a model against the rules-only baseline (and the active model), last line as
    precision@1%=… precision@5%=… precision@10%=… roc_auc=… pr_auc=…"""
    from features.reference import load_reference
    from model.default.simulate import SimulationConfig
    from model.default.train import evaluate_split, simulated_set, temporal_split
    from model.history.data import HistoryError
    from model.history.evaluate import evaluate as evaluate_history
    from model.history.mapping import MappingError, load_mapping
    from model.history.report import write_report
    from model.serving.persist import load_model

    home, reference = ctx.home, load_reference()
    try:
        version = home.find_model(model_name) if model_name else home.models.active()
        if version is None:
            raise RegistryError("no active model; run `diversion-risk train`")
        model, card = load_model(home.models.path(version))
        if files:
            if mapping is None:
                raise click.UsageError("--data needs --mapping")
            active = home.models.active()
            other = load_model(home.models.path(active))[0] if active and active != version else None
            result = evaluate_history(model, list(files), load_mapping(mapping), reference, home.active_snapshot(),
                                      name=version, other=other, other_name=f"active model {active}",
                                      match_threshold=home.settings.match_threshold, max_hops=home.settings.max_hops,
                                      card=card)
            if result.warning:
                click.echo(f"WARNING: {result.warning}", err=True)
            report = report or home.root / "reports" / f"{version}.html"
            report.parent.mkdir(parents=True, exist_ok=True)
            write_report(result, report)
            metrics, headline = result.metrics, result.headline
            click.echo(f"report {report}")
        else:
            data = simulated_set(reference, SimulationConfig(), match_threshold=home.settings.match_threshold,
                                 max_hops=home.settings.max_hops, progress=progress)
            _, held = temporal_split(data.dates)
            metrics = evaluate_split(model, data.X[held], data.y[held])
            headline = {k: metrics["model"][k] for k in ("precision@1%", "precision@5%", "precision@10%", "roc_auc", "pr_auc")}
    except (ModelFileError, RegistryError, MappingError, HistoryError) as exc:
        raise click.ClickException(str(exc)) from None
    for name, values in metrics.items():
        click.echo(f"{name}: " + figures(**values))
    click.echo(figures(**headline))


@main.group()
def names() -> None:
    """The name matcher."""


@names.command("evaluate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_ctx
def names_evaluate(ctx: Context, file: Path) -> None:
    """Precision, recall and F1 of the matcher at the service's threshold on labelled pairs
    (CSV columns schema,name1,name2,is_match)."""
    from features.matching.evaluate import evaluate_pairs, read_pairs

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
    """The models, the active one marked *. One whose card cannot be read is listed as such, and
    the command fails after the list, as it does when the active pointer names no version."""
    home, unreadable = ctx.home, []
    try:
        active = home.models.active()
    except RegistryError as exc:
        active, unreadable = None, [str(exc)]
    for version in home.models.versions():
        mark = "*" if version == active else " "
        try:
            card = load_card(home.models.path(version))
        except ModelFileError as exc:
            unreadable.append(str(exc))
            click.echo(f"{mark} {version}  (card unreadable)")
            continue
        scores = card.get("metrics", {}).get("model")
        trained, split = card.get("training_data") or {}, card.get("split") or {}
        # Which rows the figure was measured on: figures of different data are not read side by side.
        measured = (f"measured_on=held_out:{split.get('held_out_rows')}_rows_from_{split.get('held_out_from')}"
                    f"_of_{str(trained.get('sha256', ''))[:12]}") if split else "measured_on=unknown"
        click.echo(f"{mark} {version}  created={card.get('created')} data={str(trained.get('kind')).replace(' ', '_')} "
                   f"pr_auc={scores.get('pr_auc') if isinstance(scores, dict) else None} {measured}")
    if unreadable:
        raise click.ClickException("; ".join(unreadable))


@models.command("promote")
@click.argument("version")
@pass_ctx
def models_promote(ctx: Context, version: str) -> None:
    """Make VERSION (or the newest model named so) the active model; running services switch within a second."""
    _activate_model(ctx, lambda: ctx.home.find_model(version), "promote")


@models.command("rollback")
@pass_ctx
def models_rollback(ctx: Context) -> None:
    """Return to the model active before the current one."""
    _activate_model(ctx, ctx.home.models.previous, "rollback")


def _activate_model(ctx: Context, choose, note: str) -> None:
    """Activate the model version `choose()` gives, refusing a corrupt or foreign file before it is active."""
    from model.serving.persist import load_model

    try:
        version = choose()
        load_model(ctx.home.models.path(version))
        ctx.home.models.activate(version, note)
    except (ModelFileError, RegistryError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(figures(active=version))


@main.command()
def openapi() -> None:
    """Print the OpenAPI document generated from the schemas (make openapi writes openapi.yaml)."""
    from service.openapi import spec_yaml

    click.echo(spec_yaml(), nl=False)


for command in (lists, rescreen, webhooks, history, score, *cli_store.COMMANDS):
    main.add_command(command)


def run() -> None:
    try:
        main()
    except (SettingsError, RegistryError) as exc:  # a bad setting, or a home that is not as it should be
        raise SystemExit(f"error: {exc}") from None


if __name__ == "__main__":
    run()
