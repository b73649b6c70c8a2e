"""The diversion classifier: an additive boosted model with monotone shape functions, Platt-calibrated.

Why this shape: gradient boosting with `interaction_cst="no_interactions"` makes every tree use
one signal, so the model is a sum of one curve per signal (a GAM). Monotone constraints keep
each curve in the direction the domain demands. Platt scaling is affine in log-odds, so after
calibration the model is still a sum of per-signal terms: the contributions reported as
reasons are exact, not approximations, and sum with the base value to the output.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from model.shapes import ShapeTables, tree_thresholds


class DiversionModel(ClassifierMixin, BaseEstimator):
    """fit/predict_proba/explain over the signals matrix.

    monotone: one of -1, 0, +1 per column. neutral: per column, the value measured from in
    explanations (NaN: unknown). calibration_size: share of the training rows held out to fit
    the Platt calibration. class_weight: None, or "balanced" to weight each class inversely to
    its frequency in the booster (rare positives still shape the curves); the Platt step is fitted
    without class weights, so the output stays a calibrated probability at the true base rate.
    """

    def __init__(self, monotone=(), neutral=(), max_iter=300, learning_rate=0.05, max_leaf_nodes=8,
                 l2_regularization=1.0, calibration_size=0.25, class_weight=None, random_state=0):
        self.monotone = monotone
        self.neutral = neutral
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.calibration_size = calibration_size
        self.class_weight = class_weight
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        self.classes_ = np.unique(y)
        sample_weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        boost_weight = sample_weight * self._class_weights(y)
        fit_idx, cal_idx = train_test_split(np.arange(len(y)), test_size=self.calibration_size,
                                            stratify=y, random_state=self.random_state)
        self.booster_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter, learning_rate=self.learning_rate, max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization, monotonic_cst=list(self.monotone) or None,
            interaction_cst="no_interactions", early_stopping=False, random_state=self.random_state,
        ).fit(X[fit_idx], y[fit_idx], sample_weight=boost_weight[fit_idx])
        raw = self.booster_.decision_function(X[cal_idx]).reshape(-1, 1)
        platt = LogisticRegression(C=1e6).fit(raw, y[cal_idx], sample_weight=sample_weight[cal_idx])
        self.slope_ = float(platt.coef_[0, 0])
        self.intercept_ = float(platt.intercept_[0])
        self.n_features_in_ = X.shape[1]
        self.shapes_ = ShapeTables.tabulate(self._booster_decision, tree_thresholds(self.booster_, X.shape[1]),
                                            np.asarray(self.neutral, dtype=np.float64))
        return self

    def _class_weights(self, y: np.ndarray) -> np.ndarray:
        if self.class_weight is None:
            return np.ones(len(y))
        if self.class_weight != "balanced":
            raise ValueError(f"class_weight must be None or 'balanced', got {self.class_weight!r}")
        index = np.searchsorted(self.classes_, y)
        return (len(y) / (len(self.classes_) * np.bincount(index)))[index]

    def _booster_decision(self, X: np.ndarray) -> np.ndarray:
        """Calibrated log-odds through the trees themselves (used once, to tabulate the shapes)."""
        return self.slope_ * self.booster_.decision_function(X) + self.intercept_

    def decision_function(self, X) -> np.ndarray:
        """Calibrated log-odds of diversion."""
        base, contributions = self.explain(X)
        return base + contributions.sum(axis=1)

    def predict_proba(self, X) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def explain(self, X) -> tuple[float, np.ndarray]:
        """Base log-odds (of the neutral shipment) and each signal's contribution in log-odds.

        The model is a sum of one step function per signal (`shapes_`), each zero at the
        signal's neutral value, so base + contributions.sum(axis=1) is the model's output exactly.
        """
        return self.shapes_.constant, self.shapes_.terms(np.asarray(X, dtype=np.float64).reshape(-1, self.n_features_in_))
