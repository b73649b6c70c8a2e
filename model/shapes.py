"""Shape functions of an additive model as lookup tables: the model as a sum of step functions.

A boosted model whose every tree splits on one feature is, exactly, a constant plus one step
function per feature, with steps at the trees' thresholds. Tabulating those steps once after
fitting makes prediction a binary search per feature instead of a walk through hundreds of
trees, and makes each feature's contribution an exact table value. The tables are read off the
fitted model through its own decision function (one row per step), so they agree with it by
construction; only the split thresholds come from the trees.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def tree_thresholds(booster, n_features: int) -> list[np.ndarray]:
    """The split thresholds each feature's trees use, from a fitted HistGradientBoosting model.

    Reads `_predictors` (scikit-learn's fitted trees; the pinned version is checked by a test
    that compares the tables with the booster's own predictions)."""
    nodes = np.concatenate([p.nodes for iteration in booster._predictors for p in iteration])
    splits = nodes[nodes["is_leaf"] == 0]
    return [np.unique(splits["num_threshold"][splits["feature_idx"] == j]) for j in range(n_features)]


class ShapeTables:
    """f(x) = constant + sum_j step_j(x_j), with step_j(neutral_j) = 0."""

    def __init__(self, cuts: list[np.ndarray], steps: list[np.ndarray], nan_steps: np.ndarray, constant: float):
        self.cuts, self.steps, self.nan_steps, self.constant = cuts, steps, nan_steps, constant

    @classmethod
    def tabulate(cls, decision: Callable[[np.ndarray], np.ndarray], cuts: list[np.ndarray],
                 neutral: np.ndarray) -> ShapeTables:
        """Evaluate `decision` at one point per step of each feature, others held at `neutral`."""
        constant = float(decision(neutral[np.newaxis])[0])
        steps, nan_steps = [], np.zeros(len(cuts))
        for j, c in enumerate(cuts):
            # x <= c[i] falls in step i (the trees' rule); above the last cut is the last step.
            points = np.append(c, np.nextafter(c[-1], np.inf) if len(c) else 0.0)
            rows = np.tile(neutral, (len(points) + 1, 1))
            rows[:-1, j] = points
            rows[-1, j] = np.nan
            values = decision(rows) - constant
            steps.append(values[:-1])
            nan_steps[j] = values[-1]
        return cls(cuts, steps, nan_steps, constant)

    def terms(self, X: np.ndarray) -> np.ndarray:
        """Each feature's step value for each row: an (n, k) matrix."""
        out = np.empty(X.shape, dtype=np.float64)
        for j, (c, s) in enumerate(zip(self.cuts, self.steps)):
            column = X[:, j]
            out[:, j] = s[np.searchsorted(c, column, side="left")]
            out[np.isnan(column), j] = self.nan_steps[j]
        return out
