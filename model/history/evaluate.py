"""Evaluating a model on labelled data: the figures an office plans with, against the rules
baseline and the currently active model, and the reasons behind the top-scored records.

`diversion-risk evaluate --model-name NAME --data FILE --mapping MAP.yaml` runs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from features.reference import Reference
from features.snapshot.reader import Snapshot
from model.dataset import to_matrix
from model.default.baseline import red_flag_count
from model.history.data import HistoryData, load_history
from model.history.mapping import Mapping
from model.metrics import probability_metrics, ranking_metrics
from model.serving.persist import Model
from model.serving.scorer import explain_batch
from model.serving.spec import FeatureSpec

RULES = "rules baseline"
TOP_RECORDS = 20  # records whose reasons the report lists


@dataclass
class Evaluation:
    name: str
    data: HistoryData
    scores: dict[str, np.ndarray]  # the model first, then the rules baseline, then the other model
    metrics: dict[str, dict[str, float]]
    top: list[dict] = field(default_factory=list)  # the top-scored records with their reasons
    warning: str | None = None  # the figures are not out of sample, and why (`in_sample_warning`)

    @property
    def headline(self) -> dict[str, float]:
        """The model's ranking figures (precision@1/5/10%, roc_auc, pr_auc)."""
        return ranking_metrics(self.data.y, self.scores[self.name])


def in_sample_warning(card: dict, data: HistoryData, training_records: np.ndarray | None = None) -> str | None:
    """Why figures on `data` would not be out of sample for the model of `card`: the same data it
    was trained on, records it was trained on (by content hash, wherever they now stand), or
    records dated on or before its training cut-off (they may be training records); None when none."""
    trained = card.get("training_data") or {}
    if trained.get("sha256") and trained.get("sha256") == data.sha256:
        return ("these are the model's own training data (same SHA-256): the figures are in-sample and "
                "overstate what the model does on new records")
    shared = int(np.isin(data.record_hashes, training_records).sum()) if training_records is not None else 0
    if shared:
        return (f"{shared} of {len(data.y)} records ({shared / len(data.y):.0%}) are records the model was trained on "
                "(the same content hash): the figures are partly in-sample and overstate what it does on new records")
    split = card.get("split") or {}
    cut = split.get("train_until") or (trained.get("date_range") or [None, None])[1]
    if not cut:
        return None
    before = int((data.dates <= np.datetime64(cut)).sum())
    if before:
        return (f"{before} of {len(data.y)} records ({before / len(data.y):.0%}) are dated on or before the model's "
                f"training cut-off {cut}: they may be training records, so the figures are not out of sample")
    return None


def score_history(model: Model, data: HistoryData) -> np.ndarray:
    return model.predict_proba(data.frame(FeatureSpec.of(model)))[:, 1]


def _top_records(model: Model, data: HistoryData, scores: np.ndarray, count: int, red_flags: dict[str, str]) -> list[dict]:
    rows = np.argsort(-scores, kind="stable")[:count]
    top = data.subset(rows)
    explained = explain_batch(model, top.shipments, top.signals, top.extras, red_flags)
    return [{"record": data.shipments[r].shipment_id, "date": str(data.dates[r]), "label": int(data.y[r]),
             "score": score, "reasons": reasons} for r, (score, _, reasons, _) in zip(rows, explained)]


def evaluate(model: Model, files: Sequence[Path], mapping: Mapping, reference: Reference, snapshot: Snapshot, *,
             name: str = "model", other: Model | None = None, other_name: str = "active model",
             match_threshold: float = 0.9, max_hops: int = 2, top: int = TOP_RECORDS,
             card: dict | None = None) -> Evaluation:
    """Score labelled `files` with `model`, the rules baseline and (if given) `other`; `card`, the
    model's, tells whether the records overlap its training data (`Evaluation.warning`)."""
    data = load_history(files, mapping, reference, snapshot, match_threshold=match_threshold, max_hops=max_hops)
    scores = {name: score_history(model, data), RULES: red_flag_count(to_matrix(data.signals))}
    if other is not None:
        scores[other_name] = score_history(other, data)
    metrics = {key: ranking_metrics(data.y, s) if key == RULES else probability_metrics(data.y, s)
               for key, s in scores.items()}
    return Evaluation(name, data, scores, metrics, _top_records(model, data, scores[name], top, reference.red_flags),
                      in_sample_warning(card or {}, data, getattr(model, "training_records_", None)))

