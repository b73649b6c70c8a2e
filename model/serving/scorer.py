"""One shipment's path through the model: facts -> signals -> calibrated score -> band -> reasons.

Any model kind: the model's `FeatureSpec` lays out its input from the shipments and their
signals (the default model reads the signals; a history model also reads the shipment's HS
code, parties and values, and sees its history-only columns as missing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.facts import Cleared, gather_facts
from features.history import Ledger
from features.reference import Reference
from features.resolve import Resolver
from features.shipment import Shipment
from features.signals import Value, compute_signals
from features.snapshot.reader import Snapshot
from model.serving.persist import Model
from model.serving.reasons import build_reasons
from model.serving.spec import FeatureSpec


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
    """Everything needed to score: reference data, a resolver over a lists snapshot (which holds
    the match threshold and the memo of resolved parties), a model and the thresholds."""

    def __init__(self, reference: Reference, resolver: Resolver, model: Model, *, bands: Bands, max_hops: int):
        self.reference, self.resolver, self.model = reference, resolver, model
        self.bands, self.max_hops = bands, max_hops

    @property
    def snapshot(self) -> Snapshot:
        return self.resolver.snapshot

    def signals(self, shipment: Shipment, cleared: Cleared | None = None, ledger: Ledger | None = None) -> dict[str, Value]:
        facts = gather_facts(shipment, self.reference, self.resolver, max_hops=self.max_hops, cleared=cleared,
                             ledger=ledger)
        return compute_signals(facts)

    def assess(self, shipments: list[Shipment], cleared: Cleared | None = None, ledger: Ledger | None = None,
               recorded: Sequence[Mapping[str, Value]] | None = None) -> list[Assessment]:
        """Score many shipments with one model call (the batch path and the single path alike);
        `cleared`: the matches the caller's tenant cleared; `ledger`: its history tallies, which
        each shipment is read against and then added to, in order (`features.facts.gather_facts`);
        `recorded`: per shipment, signal values to keep as they were (a decision scored again
        keeps its history as it was then)."""
        if not shipments:
            return []
        signals = [self.signals(s, cleared, ledger) for s in shipments]
        if recorded is not None:
            signals = [{**sig, **kept} for sig, kept in zip(signals, recorded)]
        return [Assessment(score=score, base=base, reasons=reasons, signals=sig, contributions=contributions,
                           band="high" if sig["sanctioned_match"].value > 0 else self.bands.of(score))
                for sig, (score, base, reasons, contributions) in zip(signals, explain_batch(self.model, shipments, signals,
                                                                                            red_flags=self.reference.red_flags))]


def explain_batch(model: Model, shipments: list[Shipment], signals: list[dict[str, Value]],
                  extras: pd.DataFrame | None = None,
                  red_flags: dict[str, str] | None = None) -> list[tuple[float, float, list[dict], dict[str, float]]]:
    """(calibrated score, base log-odds, reasons, contribution per column) per shipment, from one
    model call. `extras` holds a history's own columns when evaluating on one; a wire request has
    none. A model of the signals alone gets them as a plain matrix: a frame would cost more than
    scoring one shipment."""
    spec = FeatureSpec.of(model)
    learned = [c for c in spec.columns if c not in spec.signals]
    frame = spec.frame(shipments, signals, extras) if learned else spec.signal_matrix(signals)
    base, contributions = model.explain(frame)
    scores = 1.0 / (1.0 + np.exp(-(base + contributions.sum(axis=1))))
    out = []
    for row, (sig, score, contrib) in enumerate(zip(signals, scores, contributions)):
        features = {name: _shown(frame.at[row, name]) for name in learned}
        outcomes = {name: model.outcomes(name, frame.at[row, name]) for name in learned} if learned else None
        override = sig["sanctioned_match"].value > 0
        by_column = dict(zip(spec.columns, map(float, contrib)))
        out.append((float(score), base, build_reasons(sig, by_column, override, features, red_flags, outcomes), by_column))
    return out


def _shown(value):
    """A feature value as a reason shows it: missing values say so, numbers stay numbers."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    return float(value) if isinstance(value, (int, float, np.number)) else str(value)
