"""From signals to the model's matrix: one column per signal of the table, unknown as NaN."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from features.signals import SIGNALS, Value

COLUMNS = tuple(s.name for s in SIGNALS)
MONOTONE = tuple(s.monotone for s in SIGNALS)
NEUTRAL = np.array([np.nan if s.neutral is None else s.neutral for s in SIGNALS], dtype=np.float64)


def to_row(signals: Mapping[str, Value]) -> list[float]:
    return [np.nan if signals[name].value is None else float(signals[name].value) for name in COLUMNS]


def to_matrix(rows: Iterable[Mapping[str, Value]]) -> np.ndarray:
    matrix = np.array([to_row(r) for r in rows], dtype=np.float64)
    return matrix.reshape(-1, len(COLUMNS))
