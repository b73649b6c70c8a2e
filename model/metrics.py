"""Ranking and calibration metrics, in the terms a customs office plans with."""

from __future__ import annotations

import numpy as np

INSPECTION_RATES = (0.01, 0.05, 0.10)


def precision_at(y: np.ndarray, score: np.ndarray, rate: float) -> float:
    """Share of true positives among the top `rate` of records by score: the hit rate of an
    office that can inspect that share of declarations."""
    k = max(1, int(round(rate * len(y))))
    top = np.argsort(-score, kind="stable")[:k]
    return float(np.asarray(y)[top].mean())


def recall_at(y: np.ndarray, score: np.ndarray, rate: float) -> float:
    k = max(1, int(round(rate * len(y))))
    top = np.argsort(-score, kind="stable")[:k]
    positives = np.asarray(y).sum()
    return float(np.asarray(y)[top].sum() / positives) if positives else 0.0


def ranking_metrics(y, score) -> dict[str, float]:
    from sklearn.metrics import average_precision_score, roc_auc_score  # on use: ~1 s of every command's start-up

    y, score = np.asarray(y), np.asarray(score, dtype=float)
    out = {f"precision@{int(r * 100)}%": round(precision_at(y, score, r), 4) for r in INSPECTION_RATES}
    both = len(np.unique(y)) == 2
    out["roc_auc"] = round(float(roc_auc_score(y, score)), 4) if both else float("nan")
    out["pr_auc"] = round(float(average_precision_score(y, score)), 4) if both else float("nan")
    return out


def probability_metrics(y, proba) -> dict[str, float]:
    """Ranking metrics plus the Brier score and the expected calibration error (10 bins)."""
    from sklearn.metrics import brier_score_loss  # on use: ~1 s of every command's start-up

    y, proba = np.asarray(y), np.asarray(proba, dtype=float)
    bins = np.minimum((proba * 10).astype(int), 9)
    ece = sum(abs(proba[bins == b].mean() - y[bins == b].mean()) * (bins == b).mean()
              for b in range(10) if (bins == b).any())
    return {**ranking_metrics(y, proba), "brier": round(float(brier_score_loss(y, proba)), 4), "ece": round(float(ece), 4)}


def figures_line(values: dict) -> str:
    """Figures as `name=value` pairs on one line (floats to 4 places): what every command and
    benchmark prints last, so scripts can read it."""
    return " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())
