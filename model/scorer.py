"""One shipment's path through the model: facts -> signals -> calibrated score -> band -> reasons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.facts import gather_facts
from features.reference import Reference
from features.shipment import Shipment
from features.signals import Value, compute_signals
from features.snapshot import Snapshot
from model.classifier import DiversionModel
from model.dataset import COLUMNS, to_matrix
from model.reasons import build_reasons


@dataclass(frozen=True)
class Assessment:
    score: float  # calibrated probability of diversion
    band: str
    base: float  # log-odds of the neutral shipment
    reasons: list[dict]
    signals: dict[str, Value]
    contributions: dict[str, float]  # per signal, log-odds; base + their sum = logit(score)


@dataclass(frozen=True)
class Bands:
    medium: float
    high: float

    def of(self, score: float) -> str:
        return "high" if score >= self.high else "medium" if score >= self.medium else "low"


class Scorer:
    """Everything needed to score: reference data, a lists snapshot, a model and the thresholds."""

    def __init__(self, reference: Reference, snapshot: Snapshot, model: DiversionModel, *,
                 bands: Bands, match_threshold: float, max_hops: int):
        self.reference, self.snapshot, self.model = reference, snapshot, model
        self.bands, self.match_threshold, self.max_hops = bands, match_threshold, max_hops

    def signals(self, shipment: Shipment) -> dict[str, Value]:
        facts = gather_facts(shipment, self.reference, self.snapshot,
                             match_threshold=self.match_threshold, max_hops=self.max_hops)
        return compute_signals(facts)

    def assess(self, shipments: list[Shipment]) -> list[Assessment]:
        """Score many shipments with one model call (the batch path and the single path alike)."""
        if not shipments:
            return []
        signals = [self.signals(s) for s in shipments]
        base, contributions = self.model.explain(to_matrix(signals))
        logits = base + contributions.sum(axis=1)
        scores = 1.0 / (1.0 + np.exp(-logits))
        out = []
        for sig, score, contrib in zip(signals, scores, contributions):
            override = sig["sanctioned_match"].value > 0
            by_signal = dict(zip(COLUMNS, map(float, contrib)))
            out.append(Assessment(
                score=float(score),
                band="high" if override else self.bands.of(float(score)),
                base=base,
                reasons=build_reasons(sig, by_signal, override),
                signals=sig,
                contributions=by_signal,
            ))
        return out
