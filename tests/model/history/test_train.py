"""Training on a synthetic CSV (always) and on a slice of the Korean benchmark (when present)."""

import datetime as dt

import numpy as np
import pytest

from features.identifiers import normalize_identifier
from features.resolve import Resolver
from features.shipment import Item, Party, Shipment
from model.history.mapping import load_mapping
from model.history.model import HistoryModel
from model.history.train import train_on_history
from model.serving.scorer import Bands, Scorer
from model.serving.spec import FeatureSpec
from tests.model.conftest import KOREAN, ROOT


def test_card_records_data_split_metrics_and_features(trained):
    model, card = trained
    data = card["training_data"]
    assert len(data["sha256"]) == 64 and data["rows"] == 1500 and 0 < data["positives"] < 1500
    assert card["split"]["saved_model"] == "fitted on the train rows"
    assert data["date_range"][0] <= card["split"]["train_until"] <= card["split"]["held_out_from"] <= data["date_range"][1]
    assert {"precision@5%", "roc_auc", "pr_auc", "ece"} <= set(card["metrics"]["model"])
    assert card["calibration"]["ece_held_out"] == card["metrics"]["model"]["ece"]
    assert card["features"] == list(FeatureSpec.of(model).columns)
    assert {"eaeu_destination", "hs6", "consignee_id x hs6", "office", "duty_rate"} <= set(card["features"])
    # The planted pattern (risky buyers, chips, EAEU destinations) is learned and beats the rules.
    assert card["metrics"]["model"]["roc_auc"] > 0.75
    assert card["metrics"]["model"]["pr_auc"] > card["metrics"]["rules_baseline"]["pr_auc"]


def test_contributions_are_exact(trained, synthetic_data):
    model, _ = trained
    frame = synthetic_data.frame(FeatureSpec.of(model))
    base, contributions = model.explain(frame)
    np.testing.assert_allclose(base + contributions.sum(axis=1), model.decision_function(frame), atol=1e-6)


def _wire(buyer_id: str, hs: str, destination: str) -> Shipment:
    """A wire request: no office or duty rate (history-only columns), a party with a scheme."""
    return Shipment("w1", dt.date(2024, 3, 1), destination, (Item(hs, value=5000.0, quantity=10, currency="EUR"),),
                    (Party("consignee", f"Trading House {buyer_id}", "KZ",
                           (normalize_identifier("registration_number", buyer_id),)),),
                    origin_country="DE")


def test_scorer_scores_wire_shipments_with_a_history_model(trained, reference, snapshot):
    model, _ = trained
    scorer = Scorer(reference, Resolver(snapshot, 0.9), model, bands=Bands(0.3, 0.6), max_hops=2)
    shipments = [_wire("NEWBUYER", "940360", "DE"), _wire("NEWBUYER", "854231", "KZ")]
    plain, risky = scorer.assess(shipments)
    assert risky.score > plain.score
    assert {"DUAL_USE_HS", "EAEU_DESTINATION"} <= {r["code"] for r in risky.reasons}
    # The history-only columns (office, duty rate) are missing, and the decomposition stays exact.
    frame = FeatureSpec.of(model).frame(shipments, [scorer.signals(s) for s in shipments])
    assert frame["office"].isna().all() and frame["duty_rate"].isna().all()
    base, contributions = model.explain(frame)
    np.testing.assert_allclose(base + contributions.sum(axis=1), model.decision_function(frame), atol=1e-6)
    np.testing.assert_allclose([plain.score, risky.score], model.predict_proba(frame)[:, 1], atol=1e-6)


@pytest.mark.skipif(not KOREAN.exists(), reason=f"Korean customs data not found at {KOREAN} (external data absent)")
def test_small_sample_of_korean_customs_trains(tmp_path, reference, snapshot):
    import pandas as pd

    sample = pd.read_csv(KOREAN / "df_syn_train_eng.csv", dtype=str, nrows=4000)
    sample.to_csv(tmp_path / "slice.csv", index=False)
    mapping = load_mapping(ROOT / "bench/mappings/korean-customs.yaml")
    model, card = train_on_history([tmp_path / "slice.csv"], mapping, reference, snapshot, "kr-slice",
                                   refit=False, params={"max_iter": 100})
    assert card["training_data"]["rows"] == 4000
    assert "consignee_id x hs6" in card["features"] and "Office ID" in card["features"]
    assert card["metrics"]["model"]["roc_auc"] > 0.65
    assert card["metrics"]["model"]["precision@10%"] > card["metrics"]["rules_baseline"]["precision@10%"]


def test_a_model_of_signals_alone_reads_a_matrix_as_it_reads_a_frame(trained, synthetic_data, reference, snapshot):
    """The scorer passes such a model a float matrix instead of a frame (`explain_batch`)."""
    spec = FeatureSpec(signals=FeatureSpec.of(trained[0]).signals)  # those the synthetic history has
    model = HistoryModel(spec=spec.to_dict(), max_iter=20).fit(synthetic_data.frame(spec), synthetic_data.y)
    frame = synthetic_data.frame(spec)
    matrix = spec.signal_matrix(synthetic_data.signals)
    np.testing.assert_array_equal(frame.to_numpy(np.float64), matrix)
    for got, want in zip(model.explain(matrix), model.explain(frame)):
        np.testing.assert_array_equal(got, want)
    shipments = [_wire("NEWBUYER", "854231", "KZ")]
    [assessed] = Scorer(reference, Resolver(snapshot, 0.9), model, bands=Bands(0.3, 0.6), max_hops=2).assess(shipments)
    np.testing.assert_allclose(assessed.score, model.predict_proba(spec.frame(shipments, [assessed.signals]))[0, 1])


def test_a_learned_column_says_what_the_history_holds(trained, synthetic_csv, reference, snapshot):
    """A buyer whose past records were often positive is named with its count, not as `name = value`."""
    import pandas as pd

    model, card = trained
    history = pd.read_csv(synthetic_csv)
    history = history[history["shipped"] <= card["split"]["train_until"]]  # the rows the model was fitted on
    outcomes = history.groupby("buyer_id")["outcome"].agg(lambda o: ((o == "diverted").sum(), len(o)))
    worst = max(outcomes.index, key=lambda b: (outcomes[b][0] / outcomes[b][1], outcomes[b][1]))
    positives, records = outcomes[worst]
    scorer = Scorer(reference, Resolver(snapshot, 0.9), model, bands=Bands(0.3, 0.6), max_hops=2)
    [assessed] = scorer.assess([_wire(worst, "940360", "DE")])
    learned = [r for r in assessed.reasons if r["code"] == "HISTORY_PATTERN"]
    buyer = next(r for r in learned if r["evidence"]["feature"] == "consignee_id")
    assert buyer["evidence"]["records"] == records and buyer["evidence"]["positives"] == positives
    assert buyer["message"].startswith(f"This consignee (identifier {worst}): ")
    assert f"positive outcome {positives} times in {records}" in buyer["message"]
