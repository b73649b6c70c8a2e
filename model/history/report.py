"""The evaluation report: ONE self-contained HTML file (plots inlined as base64 PNG, no
network), so it can be mailed, archived with the model card and opened anywhere."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the report is written on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import precision_recall_curve, roc_curve  # noqa: E402

from model.history.evaluate import RULES, Evaluation  # noqa: E402
from model.metrics import precision_at, recall_at  # noqa: E402

RATES = tuple(r / 100 for r in range(1, 21))  # inspection rates 1%..20%
STYLE = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
         "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
         "th:first-child,td:first-child{text-align:left}img{max-width:100%}"
         ".warning{background:#fff3cd;border:1px solid #c9a227;padding:8px}.records td:last-child{text-align:left}")


def _png(fig, alt: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")  # "tight" keeps the legends beside the axes
    plt.close(fig)
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _legend_below(*axes) -> None:
    """Each plot's legend under its axes, clear of the curves it names (and of its neighbour's)."""
    for ax in axes:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False, fontsize="small")


def _table(header: list[str], rows: list[list], css_class: str = "") -> str:
    cells = lambda row, tag: "".join(f"<{tag}>{html.escape(str(c))}</{tag}>" for c in row)  # noqa: E731
    return (f"<table class='{css_class}'><tr>" + cells(header, "th") + "</tr>"
            + "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows) + "</table>")


def _curves(ev: Evaluation):
    fig, (roc, pr) = plt.subplots(1, 2, figsize=(11, 4.5))
    for key, score in ev.scores.items():
        fpr, tpr, _ = roc_curve(ev.data.y, score)
        roc.plot(fpr, tpr, label=f"{key} (AUC {ev.metrics[key]['roc_auc']})")
        precision, recall, _ = precision_recall_curve(ev.data.y, score)
        pr.plot(recall, precision, label=f"{key} (AP {ev.metrics[key]['pr_auc']})")
    roc.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    pr.axhline(ev.data.y.mean(), ls=":", color="grey", label="base rate")
    roc.set(title="ROC", xlabel="false positive rate", ylabel="true positive rate")
    pr.set(title="Precision-recall", xlabel="recall", ylabel="precision")
    _legend_below(roc, pr)
    return fig


def _calibration(ev: Evaluation):
    fig, ax = plt.subplots(figsize=(5, 4.5))
    for key, score in ev.scores.items():
        if key != RULES:  # a flag count is not a probability
            observed, predicted = calibration_curve(ev.data.y, score, n_bins=10, strategy="quantile")
            ax.plot(predicted, observed, "o-", label=f"{key} (ECE {ev.metrics[key]['ece']})")
    ax.plot([0, 1], [0, 1], ":", color="grey", label="perfectly calibrated")
    ax.set(title="Calibration (deciles of score)", xlabel="mean predicted probability", ylabel="observed rate")
    _legend_below(ax)
    return fig


def _at_rates(ev: Evaluation) -> dict[str, tuple[list[float], list[float]]]:
    """Per scorer, its precision and its recall at each inspection rate of RATES."""
    return {key: ([precision_at(ev.data.y, score, r) for r in RATES], [recall_at(ev.data.y, score, r) for r in RATES])
            for key, score in ev.scores.items()}


def _inspection(ev: Evaluation):
    fig, (p_ax, r_ax) = plt.subplots(1, 2, figsize=(11, 4))
    for key, (precision, recall) in _at_rates(ev).items():
        p_ax.plot([r * 100 for r in RATES], precision, "o-", label=key)
        r_ax.plot([r * 100 for r in RATES], recall, "o-", label=key)
    p_ax.set(title="Precision at inspection rate", xlabel="% of records inspected", ylabel="precision")
    r_ax.set(title="Recall at inspection rate", xlabel="% of records inspected", ylabel="recall")
    _legend_below(p_ax, r_ax)
    return fig


def _inspection_table(ev: Evaluation) -> str:
    rows = [[f"{int(r * 100)}%"] for r in RATES]
    for precision, recall in _at_rates(ev).values():
        for row, p, r in zip(rows, precision, recall):
            row += [f"{p:.3f}", f"{r:.3f}"]
    return _table(["inspected"] + [f"{k} {m}" for k in ev.scores for m in ("precision", "recall")], rows)


def _distribution(ev: Evaluation):
    fig, ax = plt.subplots(figsize=(7, 4))
    score = ev.scores[ev.name]
    bins = np.linspace(0, 1, 41)
    for label, name in ((0, "negative"), (1, "positive")):
        ax.hist(score[ev.data.y == label], bins=bins, alpha=0.6, density=True, label=f"{name} ({(ev.data.y == label).sum()})")
    ax.set(title=f"Score distribution by label: {ev.name}", xlabel="score", ylabel="density")
    _legend_below(ax)
    return fig


# The report's plots in order: heading, the figure, what it shows (the image's text alternative),
# and the table that gives its figures, if any.
PLOTS = (("ROC and precision-recall", _curves, "ROC and precision-recall curves of each scorer", None),
         ("Calibration", _calibration, "Observed positive rate against mean predicted probability, by decile", None),
         ("Precision and recall by inspection rate", _inspection, "Precision and recall at 1% to 20% inspected",
          _inspection_table),
         ("Scores by label", _distribution, "Histograms of the model's scores of negative and positive records", None))


def figures(ev: Evaluation) -> list:
    """The report's figures, open (the caller closes them): for checking how they are laid out."""
    return [plot(ev) for _, plot, _, _ in PLOTS]


def _reasons(ev: Evaluation) -> str:
    """Which reasons carry the top-scored records: how often each appears and its mean contribution;
    a learned column of a history model is named apart from the reason code it reports under."""
    totals: dict[tuple[str, str], list[float]] = {}
    for record in ev.top:
        for reason in record["reasons"]:
            learned = reason["evidence"]["feature"] if reason["code"] == "HISTORY_PATTERN" else ""
            totals.setdefault((reason["code"], learned), []).append(reason["contribution"])
    summary = sorted(totals.items(), key=lambda kv: -sum(kv[1]))
    records = [[r["record"], r["date"], r["label"], f"{r['score']:.3f}",
                "; ".join(f"{x['message']} (+{x['contribution']:.2f})" for x in r["reasons"][:3])] for r in ev.top]
    return (f"<p>Over the {len(ev.top)} top-scored records:</p>"
            + _table(["reason code", "learned column", "records", "mean contribution (log-odds)"],
                     [[code, learned, len(v), f"{np.mean(v):.3f}"] for (code, learned), v in summary])
            + _table(["record (file:line)", "date", "label", "score", "top reasons"], records, "records"))


def write_report(ev: Evaluation, path: Path) -> Path:
    """Write the report for `ev` to `path` (its directory is created)."""
    data = ev.data
    header = ["scorer"] + list(next(iter(ev.metrics.values())))
    metric_rows = [[k] + [m.get(h, "") for h in header[1:]] for k, m in ev.metrics.items()]
    body = [
        f"<p class='warning'><strong>Warning: {html.escape(ev.warning)}.</strong></p>" if ev.warning else "",
        f"<h1>Evaluation: {html.escape(ev.name)}</h1>",
        f"<p>{len(data.y)} labelled records, {int(data.y.sum())} positive ({data.y.mean():.1%}), "
        f"{data.dates.min()} to {data.dates.max()}; data SHA-256 <code>{data.sha256}</code>.</p>",
        "".join(f"<p><em>{html.escape(n)}</em></p>" for n in data.notes),
        "<h2>Metrics</h2>", _table(header, metric_rows),
        *(f"<h2>{heading}</h2>{_png(plot(ev), alt)}{table(ev) if table else ''}" for heading, plot, alt, table in PLOTS),
        "<h2>What drives the top-scored records</h2>", _reasons(ev),
    ]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(ev.name)}</title>"
                    f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>", encoding="utf-8")
    return path
