"""The `score FILE` command: a CSV or XLSX of shipments (the template of examples/) scored and
recorded exactly as `POST /v1/score/file` does it (`service.scoring`), with a progress bar, and
the results written as CSV or XLSX. The decisions are the tenant's, recorded with key id `cli`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli_common import Context, figures, pass_ctx, progress

CHUNK = 200  # shipments scored and recorded together (one model call, one transaction)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="RESULTS.csv or RESULTS.xlsx: one row per shipment")
@click.option("--tenant", default="cli", show_default=True, help="whose decision record (and history) they join")
@pass_ctx
def score(ctx: Context, file: Path, out: Path, tenant: str) -> None:
    """Score a spreadsheet of shipments (one row per item), record every decision, write the results."""
    from features.reference import load_reference
    from service.app import create_app
    from service.keys import Caller
    from service.scoring import score_bodies
    from service.sheets import SheetError, problems_by_row, read_table, result_rows, shipments_of, write_results

    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise click.BadParameter("must end in .csv or .xlsx", param_hint="--out")
    try:
        sheet = shipments_of(read_table(file.read_bytes(), file.name))
    except SheetError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    ctx.home.prepare(load_reference(), progress)
    app = create_app(ctx.home.settings)
    services, state = app.extensions["diversion_risk_services"], app.extensions["diversion_risk"].current()
    caller = Caller("cli", tenant, frozenset({"score"}))
    readable = [s for s in sheet if not s.problems]
    outcomes: dict[int, dict] = {}
    with click.progressbar(length=len(readable), label="scoring", file=sys.stderr) as bar:
        for start in range(0, len(readable), CHUNK):
            chunk = readable[start:start + CHUNK]
            scored = score_bodies([s.body for s in chunk], state, services, caller)
            scored.record(services, caller)
            for shipment, entry in zip(chunk, scored.results):
                outcomes[id(shipment)] = {"result": entry["result"]} if "result" in entry else {
                    "problems": problems_by_row(shipment, entry["error"].get("errors", []))}
            bar.update(len(chunk))
    rows = result_rows(sheet, [outcomes.get(id(s), {"problems": s.problems}) for s in sheet])
    content, _ = write_results(rows, out.name)
    out.write_bytes(content)
    scored_count = sum(1 for r in rows if r["decision_id"])
    click.echo(figures(shipments=len(sheet), scored=scored_count, refused=len(sheet) - scored_count, out=str(out)))
