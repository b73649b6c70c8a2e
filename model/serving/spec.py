"""A model's feature spec: the columns it reads, and how each is built from a shipment.

Every model reads a table built the same way, in training and in scoring: the project's
signals, then categoricals and numerics taken from the `Shipment` itself (so a wire request
supplies them exactly as a history row does), then crosses of categoricals, then "extra"
columns that only a user's history has (an office code, a tax rate). A wire request lacks
the extras, so they are missing (NaN) when scoring. The default model's spec is the signals
alone. `FeatureSpec.frame` is the only place that lays out a model's input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from collections.abc import Mapping as AnyMapping
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.hs import hs6_of
from features.matching.names import name_key
from features.shipment import ROLES, Item, Party, Shipment
from features.signals import SIGNAL_NAMES, Value

CROSS = " x "  # joins the names of a cross's parts: "consignee_id x hs6"


def _main_item(s: Shipment) -> Item | None:
    """The item that carries the most value (the first when none declares one)."""
    return max(s.items, key=lambda i: i.value or 0.0, default=None)


def _hs6(s: Shipment) -> str | None:
    item = _main_item(s)
    return hs6_of(item.hs_code) if item else None


def _party(s: Shipment, role: str) -> Party | None:
    return next((p for p in s.parties if p.role == role), None)


def _party_field(role: str, part: str) -> Callable[[Shipment], str | None]:
    def get(s: Shipment) -> str | None:
        party = _party(s, role)
        if party is None:
            return None
        if part == "id":
            return party.identifiers[0].value if party.identifiers else None
        if part == "name":
            return " ".join(name_key(party.name).tokens) or None
        return party.country
    return get


def _sum(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def _log_unit_value(s: Shipment) -> float | None:
    """log(value / quantity): under-valuation shows as a low unit price for the goods."""
    value, quantity = _sum([i.value for i in s.items]), _sum([i.quantity for i in s.items])
    return math.log(value / quantity) if value and quantity and value > 0 and quantity > 0 else None


# Shipment-derived features and the mapping key each needs; a mapping without the key lacks the feature.
CATEGORICAL: dict[str, tuple[str, Callable[[Shipment], str | None]]] = {
    "hs6": ("hs_code", _hs6),
    "hs4": ("hs_code", lambda s: (_hs6(s) or "")[:4] or None),
    "origin_country": ("origin_country", lambda s: s.origin_country),
    "destination_country": ("destination_country", lambda s: s.destination_country or None),
}
NUMERIC: dict[str, tuple[tuple[str, ...], Callable[[Shipment], float | None]]] = {
    "value": (("value",), lambda s: _sum([i.value for i in s.items])),
    "quantity": (("quantity",), lambda s: _sum([i.quantity for i in s.items])),
    "log_unit_value": (("value", "quantity"), _log_unit_value),
}
PARTY_PARTS = {"id": "identifier", "name": "name", "country": "country"}


def _derived(name: str) -> Callable[[Shipment], object] | None:
    if name in CATEGORICAL:
        return CATEGORICAL[name][1]
    if name in NUMERIC:
        return NUMERIC[name][1]
    role, _, part = name.rpartition("_")
    return _party_field(role, part) if part in PARTY_PARTS and role in ROLES else None


@dataclass(frozen=True)
class FeatureSpec:
    signals: tuple[str, ...] = SIGNAL_NAMES
    categorical: tuple[str, ...] = ()
    numeric: tuple[str, ...] = ()
    crosses: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def from_dict(cls, raw: AnyMapping) -> FeatureSpec:
        return cls(tuple(raw["signals"]), tuple(raw["categorical"]), tuple(raw["numeric"]),
                   tuple(tuple(c) for c in raw["crosses"]))

    @classmethod
    def of(cls, model) -> FeatureSpec:
        """The spec a model was trained with; a model without one reads the signals alone."""
        raw = getattr(model, "spec", None)
        return cls.from_dict(raw) if raw else cls()

    def to_dict(self) -> dict:
        """Plain lists of strings: what the persisted model stores (skops loads them without trust)."""
        return {"signals": list(self.signals), "categorical": list(self.categorical),
                "numeric": list(self.numeric), "crosses": [list(c) for c in self.crosses]}

    def without(self, names: set[str]) -> FeatureSpec:
        """This spec less the named columns (and the crosses that use them)."""
        return FeatureSpec(tuple(c for c in self.signals if c not in names),
                           tuple(c for c in self.categorical if c not in names),
                           tuple(c for c in self.numeric if c not in names),
                           tuple(c for c in self.crosses if not names & set(c) and CROSS.join(c) not in names))

    @property
    def cross_names(self) -> tuple[str, ...]:
        return tuple(CROSS.join(c) for c in self.crosses)

    @property
    def categorical_columns(self) -> tuple[str, ...]:
        return self.categorical + self.cross_names

    @property
    def columns(self) -> tuple[str, ...]:
        return self.signals + self.categorical_columns + self.numeric

    def signal_matrix(self, signals: Sequence[AnyMapping[str, Value]]) -> np.ndarray:
        """The signal columns as one float matrix, NaN where a signal has no value."""
        return np.array([[np.nan if s[name].value is None else float(s[name].value) for name in self.signals]
                         for s in signals], dtype=np.float64).reshape(len(signals), len(self.signals))

    def frame(self, shipments: Sequence[Shipment], signals: Sequence[AnyMapping[str, Value]],
              extras: pd.DataFrame | None = None) -> pd.DataFrame:
        """The model's input, one row per shipment. `extras` holds the history-only columns
        (absent when scoring a wire request: those columns are then NaN)."""
        frame = pd.DataFrame(self.signal_matrix(signals), columns=list(self.signals), index=range(len(shipments)))
        if not self.columns[len(self.signals):]:
            return frame
        out = {}
        for name in self.categorical + self.numeric:
            getter = _derived(name)
            if getter is not None:
                values = [getter(s) for s in shipments]
            elif extras is not None and name in extras:
                values = list(extras[name])
            else:
                values = [None] * len(shipments)
            out[name] = _typed(values, name in self.numeric)
        for parts, name in zip(self.crosses, self.cross_names):
            columns = [out[p] for p in parts]
            out[name] = np.array([np.nan if any(_missing(v) for v in row) else "|".join(row)
                                  for row in zip(*columns)], dtype=object)
        rest = pd.DataFrame({name: out[name] for name in self.columns[len(self.signals):]}, index=frame.index)
        return pd.concat([frame, rest], axis=1)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _typed(values: list, numeric: bool) -> np.ndarray:
    if numeric:
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=np.float64)
    return np.array([np.nan if _missing(v) or str(v).strip() == "" else str(v).strip() for v in values], dtype=object)
