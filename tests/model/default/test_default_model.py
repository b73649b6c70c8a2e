"""The default model, trained on SIMULATED data: it beats the rules, explains itself exactly,
respects the domain's monotonicity, and is persisted safely."""

import numpy as np
import pytest

from model.dataset import COLUMNS, NEUTRAL
from model.serving.persist import ModelFileError, load_model


@pytest.fixture(scope="module")
def default(trained_home):
    return load_model(trained_home.models.path(trained_home.models.active()))


def test_beats_the_rules_only_baseline_on_pr_auc(default):
    _, card = default
    metrics = card["metrics"]
    assert metrics["model"]["pr_auc"] > metrics["rules_baseline"]["pr_auc"]
    assert card["training_data"]["kind"] == "simulated"
    assert card["split"]["kind"] == "temporal"


def test_contributions_sum_exactly_to_the_output(default):
    model, _ = default
    rng = np.random.default_rng(1)
    X = np.column_stack([rng.integers(0, 7, 200), rng.random(200), rng.integers(0, 2, 200), rng.integers(0, 2, 200),
                         rng.integers(0, 2, 200), rng.integers(0, 3, 200), rng.integers(0, 6000, 200).astype(float),
                         rng.random(200), rng.integers(0, 4, 200)]).astype(float)
    X[rng.random(200) < 0.3, COLUMNS.index("consignee_age_days")] = np.nan
    base, contributions = model.explain(X)
    assert np.allclose(base + contributions.sum(axis=1), model.decision_function(X), atol=1e-6)
    assert np.allclose(model.explain(NEUTRAL[np.newaxis])[1], 0)


@pytest.mark.parametrize("column, values", [
    ("sanctioned_proximity", [0, 1, 2, 3]), ("chpl_tier", [0, 1, 3, 6]), ("consignee_age_days", [9000, 2000, 400, 30]),
])
def test_monotone_in_the_domain_direction(default, column, values):
    model, _ = default
    X = np.tile(NEUTRAL, (len(values), 1))
    X[:, COLUMNS.index(column)] = values
    scores = model.decision_function(X)
    assert np.all(np.diff(scores) >= -1e-12)


def test_a_tampered_model_file_is_refused(default, trained_home, tmp_path):
    import shutil

    version = trained_home.models.active()
    copy = tmp_path / version
    shutil.copytree(trained_home.models.path(version), copy)
    with open(copy / "model.skops", "r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00" * 16)
    with pytest.raises(ModelFileError):
        load_model(copy)
