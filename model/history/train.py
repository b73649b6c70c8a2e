"""Training on a user's labelled history, judged on its latest records, with a model card.

Temporal discipline: the card's metrics come from a model fitted on the earlier records and
scored on the later ones (`HOLDOUT` of them), as the model will be used. Target rates are
fitted on the training part only (cross-fitted within it). The saved model is then refitted
on every record with the same parameters, because the latest outcomes matter most; the card
says so.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from features.reference import Reference
from features.snapshot.reader import Snapshot
from model.dataset import to_matrix
from model.default.baseline import red_flag_count
from model.default.train import HOLDOUT, temporal_split
from model.history.data import HistoryData, load_history
from model.history.mapping import Mapping, spec_for
from model.history.model import HistoryModel
from model.metrics import probability_metrics, ranking_metrics
from model.serving.spec import FeatureSpec


def fit_history(data: HistoryData, **params) -> HistoryModel:
    """Fit on every feature the mapping supports, less those the data never fills (nothing to learn)."""
    spec = spec_for(data.mapping)
    frame = data.frame(spec)
    spec = spec.without({c for c in spec.columns if frame[c].isna().all()})
    return HistoryModel(spec=spec.to_dict(), **params).fit(frame[list(spec.columns)], data.y)


def train_on_history(files: Sequence[Path], mapping: Mapping, reference: Reference, snapshot: Snapshot, name: str, *,
                     match_threshold: float = 0.9, max_hops: int = 2, holdout: float = HOLDOUT, refit: bool = True,
                     params: dict | None = None,
                     progress: Callable[[str], None] = lambda _: None) -> tuple[HistoryModel, dict]:
    """Train a history model on `files` read through `mapping`; return it with its model card."""
    params = params or {}
    data = load_history(files, mapping, reference, snapshot, match_threshold=match_threshold, max_hops=max_hops,
                        progress=progress)
    train, held = temporal_split(data.dates, holdout)
    progress(f"training on {len(train)} records, validating on the later {len(held)}")
    started = time.perf_counter()
    model = fit_history(data.subset(train), **params)
    later = data.subset(held)
    proba = model.predict_proba(later.frame(FeatureSpec.of(model)))[:, 1]
    metrics = {"model": probability_metrics(later.y, proba),
               "rules_baseline": ranking_metrics(later.y, red_flag_count(to_matrix(later.signals)))}
    if refit:
        progress(f"refitting on all {len(data.y)} records")
        model = fit_history(data, **params)
    # What the saved model was fitted on, by content: `evaluate` names the records it shares with them.
    model.training_records_ = np.unique((data if refit else data.subset(train)).record_hashes)
    spec = FeatureSpec.of(model)
    card = {
        "name": name,
        "kind": "history",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "training_data": {
            "kind": "labelled history",
            "files": [Path(f).name for f in files],
            "sha256": data.sha256,
            "rows": int(len(data.y)),
            "positives": int(data.y.sum()),
            "date_range": [str(data.dates.min()), str(data.dates.max())],
            "notes": data.notes,
        },
        "split": {"kind": "temporal", "train_rows": int(len(train)), "held_out_rows": int(len(held)),
                  "train_until": str(data.dates[train].max()), "held_out_from": str(data.dates[held].min()),
                  "saved_model": "refitted on all rows with the same parameters" if refit else "fitted on the train rows"},
        "features": list(spec.columns),
        "feature_spec": spec.to_dict(),
        "params": {k: v for k, v in model.get_params().items() if k != "spec"},
        "metrics": metrics,
        "calibration": {"method": "Platt scaling on a stratified 25% of the training rows, fitted without class weights",
                        "ece_held_out": metrics["model"]["ece"], "slope": model.additive_.slope_,
                        "intercept": model.additive_.intercept_},
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    return model, card
