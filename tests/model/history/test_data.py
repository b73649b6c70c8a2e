import numpy as np
import pandas as pd
import pytest

from model.default.train import temporal_split
from model.history.data import HistoryError, load_history, read_history
from model.history.encoding import CategoryEncoder
from model.history.mapping import parse_mapping
from tests.model.conftest import SYNTHETIC_MAPPING, synthetic_history

MAPPING = parse_mapping(SYNTHETIC_MAPPING)


def _load(files, reference, snapshot, mapping=MAPPING):
    return load_history(files, mapping, reference, snapshot, match_threshold=0.9, max_hops=2)


def test_csv_jsonl_parquet_and_several_files_read_alike(tmp_path, reference, snapshot):
    frame = synthetic_history(rows=120)
    frame["hs"] = frame["hs"].replace("880699", "010121")  # a leading zero must survive every format
    frame.iloc[:60].to_csv(tmp_path / "a.csv", index=False)
    frame.iloc[60:].to_csv(tmp_path / "b.csv", index=False)
    frame.to_json(tmp_path / "all.jsonl", orient="records", lines=True)
    frame.to_parquet(tmp_path / "all.parquet")
    loaded = [_load(files, reference, snapshot) for files in
              ([tmp_path / "a.csv", tmp_path / "b.csv"], [tmp_path / "all.jsonl"], [tmp_path / "all.parquet"])]
    for data in loaded:
        assert len(data.y) == 120 and data.y.sum() == (frame["outcome"] == "diverted").sum()
        assert [s.items[0].hs_code for s in data.shipments] == list(frame["hs"])
        assert [s["chpl_tier"].value for s in data.signals] == [s["chpl_tier"].value for s in loaded[0].signals]
    assert "010121" in [s.items[0].hs_code for s in loaded[0].shipments]


def test_unknown_file_type_and_missing_label_fail_clearly(tmp_path, reference, snapshot):
    (tmp_path / "x.xlsx").write_text("")
    with pytest.raises(HistoryError, match="unknown file type"):
        read_history([tmp_path / "x.xlsx"])
    synthetic_history(rows=20).drop(columns="outcome").to_csv(tmp_path / "h.csv", index=False)
    with pytest.raises(HistoryError, match="label column 'outcome'"):
        _load([tmp_path / "h.csv"], reference, snapshot)


def test_missing_columns_degrade_the_features(tmp_path, reference, snapshot):
    synthetic_history(rows=200).drop(columns=["dest", "buyer", "buyer_id", "office"]).to_csv(tmp_path / "h.csv", index=False)
    data = _load([tmp_path / "h.csv"], reference, snapshot)
    assert any("'dest'" in note for note in data.notes) and any("'office'" in note for note in data.notes)
    assert all(s["eaeu_destination"].value is None and s["sanctioned_match"].value is None for s in data.signals)
    assert data.mapping.destination_country is None and data.mapping.parties == () and data.mapping.crosses == ()
    assert {s["chpl_tier"].value for s in data.signals} >= {0.0, 6.0}  # the HS code still feeds its signals


def test_temporal_split_never_validates_on_earlier_records(synthetic_data):
    data = synthetic_data
    train, held = temporal_split(data.dates)
    assert len(train) and len(held) and data.dates[held].min() >= data.dates[train].max()


def test_target_rates_of_training_rows_are_out_of_fold():
    """A per-record ID must not encode its own label: cross-fitting gives it the other folds' rate."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 1000)
    ids = pd.DataFrame({"declaration": [f"D{i}" for i in range(1000)]})
    rates = CategoryEncoder().fit_transform(ids, y)[:, 0]
    assert np.corrcoef(rates, y)[0, 1] < 0.1
    assert abs(rates.mean() - y.mean()) < 0.05
