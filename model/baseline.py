"""The rules-only baseline: how many red flags a shipment raises. The model must beat it."""

from __future__ import annotations

import numpy as np

from model.dataset import COLUMNS

YOUNG_DAYS = 2 * 365  # a consignee under two years old counts as a red flag


def red_flag_count(X: np.ndarray) -> np.ndarray:
    """One point per flag: a CHPL item, a UAV item, an EAEU destination, a hub destination or
    transit, a young consignee, a sanctioned party, a party linked to one."""
    col = {name: X[:, i] for i, name in enumerate(COLUMNS)}
    flags = [
        col["chpl_tier"] > 0,
        col["uav_item"] > 0,
        col["eaeu_destination"] > 0,
        (col["hub_destination"] > 0) | (col["hub_transit"] > 0),
        np.nan_to_num(col["consignee_age_days"], nan=np.inf) < YOUNG_DAYS,
        col["sanctioned_match"] > 0,
        col["sanctioned_proximity"] > 0,
    ]
    return np.sum(flags, axis=0).astype(float)
