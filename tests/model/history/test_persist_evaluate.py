"""Persistence of both model kinds, exactness of the default kind, evaluation and its report."""

import numpy as np
import pytest
import skops.io as sio

from model.classifier import DiversionModel
from model.dataset import COLUMNS, MONOTONE, NEUTRAL
from model.history.evaluate import RULES, evaluate
from model.history.mapping import parse_mapping
from model.history.report import write_report
from model.metrics import figures_line
from model.serving.persist import MODEL_FILE, TRUSTED_TYPES, ModelFileError, load_model, save_model
from model.serving.spec import FeatureSpec
from tests.model.conftest import SYNTHETIC_MAPPING


@pytest.fixture(scope="module")
def default_kind():
    """A signals-only model fitted on a random signals matrix (shape and exactness, not quality)."""
    rng = np.random.default_rng(1)
    X = rng.integers(0, 3, (600, len(COLUMNS))).astype(float)
    X[rng.random(X.shape) < 0.1] = np.nan
    y = (X[:, 0] + rng.normal(0, 1, 600) > 1.5).astype(int)
    return DiversionModel(monotone=MONOTONE, neutral=tuple(NEUTRAL), max_iter=50, class_weight="balanced").fit(X, y), X


@pytest.fixture(scope="module")
def history_kind(trained):
    return trained


def test_default_kind_contributions_are_exact(default_kind):
    model, X = default_kind
    base, contributions = model.explain(X)
    np.testing.assert_allclose(base + contributions.sum(axis=1), model.decision_function(X), atol=1e-6)


@pytest.mark.parametrize("kind", ["default", "history"])
def test_round_trip_and_allowlist(kind, default_kind, history_kind, synthetic_data, tmp_path):
    if kind == "default":
        model, card, X = default_kind[0], {"features": list(COLUMNS)}, default_kind[1]
    else:
        model, card = history_kind
        X = synthetic_data.frame(FeatureSpec.of(model))
    save_model(model, card, tmp_path / "m")
    assert set(sio.get_untrusted_types(file=tmp_path / "m" / MODEL_FILE)) <= set(TRUSTED_TYPES)
    loaded, _ = load_model(tmp_path / "m")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_tampered_file_is_refused(history_kind, tmp_path):
    save_model(*history_kind, tmp_path / "m")
    path = tmp_path / "m" / MODEL_FILE
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_model(tmp_path / "m")


def test_evaluation_and_self_contained_report(history_kind, default_kind, synthetic_csv, reference, snapshot, tmp_path):
    model, _ = history_kind
    result = evaluate(model, [synthetic_csv], parse_mapping(SYNTHETIC_MAPPING), reference, snapshot,
                      other=default_kind[0], top=5)
    assert list(result.headline) == ["precision@1%", "precision@5%", "precision@10%", "roc_auc", "pr_auc"]
    assert set(result.metrics) == {"model", RULES, "active model"}
    assert figures_line(result.headline).startswith("precision@1%=")
    assert len(result.top) == 5 and all(r["reasons"] for r in result.top)
    lines = synthetic_csv.read_text().splitlines()
    for record in result.top:  # each row of the report leads back to its line of the file
        name, line = record["record"].split(":")
        assert name == synthetic_csv.name and lines[int(line) - 1].startswith(record["date"])
    page = write_report(result, tmp_path / "out" / "report.html").read_text()
    assert "record (file:line)" in page and result.top[0]["record"] in page
    assert page.count("data:image/png;base64,") == 4
    assert "src=\"http" not in page  # nothing fetched from the network
    for section in ("ROC", "Calibration", "inspection rate", "Scores by label", "top-scored", "active model"):
        assert section in page


def test_in_sample_figures_are_named_as_such(synthetic_data):
    from model.history.evaluate import in_sample_warning

    data = synthetic_data
    same = {"training_data": {"sha256": data.sha256}}
    assert "own training data" in in_sample_warning(same, data)
    cut = str(data.dates[len(data.dates) // 2])
    before = in_sample_warning({"training_data": {"sha256": "other"}, "split": {"train_until": cut}}, data)
    assert f"training cut-off {cut}" in before and "not out of sample" in before
    assert in_sample_warning({"training_data": {"sha256": "other"}, "split": {"train_until": "2000-01-01"}}, data) is None


def test_records_the_model_was_trained_on_are_found_by_content(trained, synthetic_csv, reference, snapshot, tmp_path):
    """Rows of the training file, moved to another file in another order with their columns
    shuffled, are still the model's training records; the same rows changed are not."""
    import pandas as pd

    from model.history.data import load_history
    from model.history.evaluate import in_sample_warning

    model, card = trained
    save_model(model, card, tmp_path / "m")
    model = load_model(tmp_path / "m")[0]  # the fingerprints travel in the model file
    rows = pd.read_csv(synthetic_csv, dtype=str)
    mapping = parse_mapping(SYNTHETIC_MAPPING)
    trained_rows = rows[rows[mapping.date] < card["split"]["held_out_from"]]  # fitted on the train rows only
    copied = trained_rows.iloc[:300].iloc[::-1]
    copied[list(reversed(copied.columns))].to_csv(tmp_path / "copied.csv", index=False)
    data = load_history([tmp_path / "copied.csv"], mapping, reference, snapshot, match_threshold=0.9, max_hops=2)
    warning = in_sample_warning({"training_data": {"sha256": "another file"}}, data, model.training_records_)
    assert warning.startswith("300 of 300 records (100%) are records the model was trained on")
    changed = trained_rows.iloc[:300].copy()
    changed[mapping.date] = "2031-01-01"  # after the training cut-off, and no longer the same records
    changed.to_csv(tmp_path / "changed.csv", index=False)
    other = load_history([tmp_path / "changed.csv"], mapping, reference, snapshot, match_threshold=0.9, max_hops=2)
    assert in_sample_warning(card | {"training_data": {"sha256": "x"}}, other, model.training_records_) is None
    assert 0 < len(model.training_records_) <= card["split"]["train_rows"]
