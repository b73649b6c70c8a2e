"""The history model: the additive classifier over signals, encoded categoricals and numerics.

Categoricals are encoded (model.history.encoding) into a target rate and a count each, then the same
additive, monotone, Platt-calibrated `DiversionModel` is fitted on the result. The model stays
a sum of one curve per encoded column, so a feature's contribution is the sum of its columns'
contributions and `explain` is exact: base + contributions.sum(axis=1) == decision_function(X).
Crosses of categoricals ("importer x HS6") are categoricals too: they capture the pairwise
patterns that matter without giving up additivity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from model.classifier import DiversionModel
from model.dataset import COLUMNS, MONOTONE, NEUTRAL
from model.history.encoding import CategoryEncoder
from model.serving.spec import FeatureSpec


class HistoryModel(ClassifierMixin, BaseEstimator):
    """fit/predict_proba/explain over `FeatureSpec.frame` tables.

    spec: `FeatureSpec.to_dict()` of the columns read. The boosting and calibration parameters
    are those of `DiversionModel`; cv and smooth those of the target encoding.
    """

    def __init__(self, spec=None, max_iter=400, learning_rate=0.05, max_leaf_nodes=8, l2_regularization=1.0,
                 calibration_size=0.25, class_weight="balanced", cv=5, smooth="auto", random_state=0):
        self.spec = spec
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.calibration_size = calibration_size
        self.class_weight = class_weight
        self.cv = cv
        self.smooth = smooth
        self.random_state = random_state

    def _spec(self) -> FeatureSpec:
        return FeatureSpec.from_dict(self.spec) if self.spec else FeatureSpec()

    def _parts(self, X) -> tuple[np.ndarray, pd.DataFrame, np.ndarray]:
        """X's signal, categorical and numeric columns; X is a frame, or a float matrix of the spec's
        columns in order (as the scorer passes a spec of signals alone)."""
        spec = self._spec()
        if not isinstance(X, pd.DataFrame):
            X = pd.DataFrame(np.asarray(X, dtype=np.float64), columns=list(spec.columns))
        missing = [c for c in spec.columns if c not in X]
        if missing:
            raise ValueError(f"input lacks the model's columns: {', '.join(missing)}")
        return (X[list(spec.signals)].to_numpy(np.float64), X[list(spec.categorical_columns)],
                X[list(spec.numeric)].to_numpy(np.float64))

    def fit(self, X: pd.DataFrame, y, sample_weight=None):
        spec, y = self._spec(), np.asarray(y)
        signals, categorical, numeric = self._parts(X)
        n_cat = categorical.shape[1]
        self.encoder_ = CategoryEncoder(cv=self.cv, smooth=self.smooth, random_state=self.random_state)
        encoded = self.encoder_.fit_transform(categorical, y) if n_cat else np.empty((len(y), 0))
        signal_idx = [COLUMNS.index(s) for s in spec.signals]
        monotone = [MONOTONE[i] for i in signal_idx] + [+1] * n_cat + [0] * n_cat + [0] * numeric.shape[1]
        neutral = list(NEUTRAL[signal_idx]) + (list(self.encoder_.unseen_) if n_cat else []) + [np.nan] * numeric.shape[1]
        self.additive_ = DiversionModel(
            monotone=tuple(monotone), neutral=tuple(neutral), max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, l2_regularization=self.l2_regularization,
            calibration_size=self.calibration_size, class_weight=self.class_weight, random_state=self.random_state,
        ).fit(np.hstack([signals, encoded, numeric]), y, sample_weight=sample_weight)
        # Which feature of the spec each encoded column belongs to (a categorical owns two).
        n_sig = len(spec.signals)
        self.owner_ = np.concatenate([np.arange(n_sig), np.tile(np.arange(n_sig, n_sig + n_cat), 2),
                                      n_sig + n_cat + np.arange(numeric.shape[1])]).astype(np.int64)
        self.classes_ = self.additive_.classes_
        self.n_features_in_ = len(spec.columns)
        return self

    def _encode(self, X: pd.DataFrame) -> np.ndarray:
        signals, categorical, numeric = self._parts(X)
        encoded = self.encoder_.transform(categorical) if categorical.shape[1] else np.empty((len(X), 0))
        return np.hstack([signals, encoded, numeric])

    def decision_function(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated log-odds of a positive outcome."""
        return self.additive_.decision_function(self._encode(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.additive_.predict_proba(self._encode(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def outcomes(self, name: str, value) -> tuple[int, int] | None:
        """For a categorical column, (records, positive ones) of `value` in the training data; None otherwise."""
        columns = self._spec().categorical_columns
        return self.encoder_.outcomes(columns.index(name), value) if name in columns else None

    def explain(self, X: pd.DataFrame) -> tuple[float, np.ndarray]:
        """Base log-odds (all signals neutral, every category unseen, numerics unknown) and each
        spec column's contribution, summed over its encoded columns."""
        base, contributions = self.additive_.explain(self._encode(X))
        grouped = np.zeros((len(X), self.n_features_in_))
        np.add.at(grouped.T, self.owner_, contributions.T)
        return base, grouped
