"""Categoricals with thousands of values (importer IDs, HS codes) as numbers a tree can split on.

Two numbers per column: the target rate of the category, cross-fitted on the training rows
(sklearn's TargetEncoder: each training row's rate comes from the other folds, so a row never
sees its own label), and how often the category occurred in training (rare importers behave
differently from regulars). Label codes would impose an order that means nothing. Unseen
categories get the overall rate and a count of 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import KFold
from sklearn.preprocessing import TargetEncoder


def _as_objects(X) -> np.ndarray:
    """Strings with NaN for missing: TargetEncoder treats missing as a category of its own."""
    frame = pd.DataFrame(X).astype(object)
    return frame.where(frame.notna(), np.nan).to_numpy(dtype=object)


class CategoryEncoder(TransformerMixin, BaseEstimator):
    """Per column: [cross-fitted target rate ..., training count ...]. `fit_transform` returns the
    out-of-fold rates (for training the next step); `transform` uses rates fitted on all rows."""

    def __init__(self, cv=5, smooth="auto", random_state=0):
        self.cv = cv
        self.smooth = smooth
        self.random_state = random_state

    def fit(self, X, y):
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X, y, **_):
        values = _as_objects(X)
        self.target_ = TargetEncoder(target_type="binary", smooth=self.smooth,
                                     cv=KFold(self.cv, shuffle=True, random_state=self.random_state))
        rates = self.target_.fit_transform(values, np.asarray(y))
        self.counts_ = []  # per column: (categories, training rows of each, positive rows of each)
        labels = np.asarray(y, dtype=np.float64)
        for j in range(values.shape[1]):
            keys, index, counts = np.unique(values[:, j].astype(str), return_inverse=True, return_counts=True)
            self.counts_.append((keys, counts.astype(np.float64), np.bincount(index, weights=labels, minlength=len(keys))))
        self.n_features_in_ = values.shape[1]
        return np.hstack([rates, self._counts(values)])

    def _counts(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros(values.shape, dtype=np.float64)
        for j, (keys, counts, _) in enumerate(self.counts_):
            column = values[:, j].astype(str)
            pos = np.minimum(np.searchsorted(keys, column), len(keys) - 1)
            out[:, j] = np.where(keys[pos] == column, counts[pos], 0.0)
        return out

    def transform(self, X):
        values = _as_objects(X)
        return np.hstack([self.target_.transform(values), self._counts(values)])

    def outcomes(self, column: int, category) -> tuple[int, int]:
        """(training rows, positive ones) of a category of a column: what its reason reports."""
        keys, counts, positives = self.counts_[column]
        key = str(np.nan if category is None else category)
        pos = min(int(np.searchsorted(keys, key)), len(keys) - 1)
        return (int(counts[pos]), int(positives[pos])) if keys[pos] == key else (0, 0)

    @property
    def unseen_(self) -> np.ndarray:
        """The encoding of a category never seen in training: the prior rate and a count of 0."""
        return np.concatenate([np.full(self.n_features_in_, float(self.target_.target_mean_)),
                               np.zeros(self.n_features_in_)])
