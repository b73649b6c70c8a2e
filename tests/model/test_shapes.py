"""The shape tables are the fitted trees, exactly: at thresholds, between them, beyond them, at NaN."""

import numpy as np

from model.classifier import DiversionModel


def test_tables_agree_with_the_trees_everywhere():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 4))
    X[rng.random(4000) < 0.2, 2] = np.nan
    X[:, 3] = rng.integers(0, 3, 4000)
    y = (X[:, 0] + 0.5 * np.nan_to_num(X[:, 2], nan=1) + X[:, 3] + rng.normal(size=4000) > 1).astype(int)
    model = DiversionModel(monotone=(1, 0, 1, 1), neutral=(0, 0, np.nan, 0), max_iter=60).fit(X, y)
    probe = rng.normal(size=(3000, 4)) * 3
    probe[rng.random(3000) < 0.2, 2] = np.nan
    for j, cuts in enumerate(model.shapes_.cuts):  # exactly on the thresholds, where <= decides
        probe[j * 100: j * 100 + min(len(cuts), 100), j] = cuts[:100]
    assert np.allclose(model.decision_function(probe), model._booster_decision(probe), atol=1e-9)
    base, contributions = model.explain(probe)
    assert np.allclose(base + contributions.sum(axis=1), model._booster_decision(probe), atol=1e-9)
    assert np.allclose(model.explain(np.array([[0, 0, np.nan, 0]]))[1], 0)
