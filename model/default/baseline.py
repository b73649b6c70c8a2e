"""The rules-only baseline: how many red flags a shipment raises. The model must beat it."""

from __future__ import annotations

import numpy as np

from model.dataset import COLUMNS

YOUNG_DAYS = 2 * 365  # a consignee under two years old counts as a red flag

# One point per flag; an unknown value (NaN) raises none, except where said.
FLAGS = (
    ("a CHPL item", lambda c: c["chpl_tier"] > 0),
    ("a UAV item", lambda c: c["uav_item"] > 0),
    ("an embargoed destination or transit", lambda c: c["embargoed_route"] > 0),
    ("an EAEU destination", lambda c: c["eaeu_destination"] > 0),
    ("a hub destination or transit", lambda c: (c["hub_destination"] > 0) | (c["hub_transit"] > 0)),
    ("a young consignee", lambda c: np.nan_to_num(c["consignee_age_days"], nan=np.inf) < YOUNG_DAYS),
    ("a trading or logistics consignee", lambda c: c["trading_consignee"] > 0),
    ("an identifier failing its check", lambda c: c["invalid_identifiers"] > 0),
    ("a sanctioned party", lambda c: c["sanctioned_match"] > 0),
    ("a party linked to one", lambda c: c["sanctioned_proximity"] > 0),
    ("a CHPL unit value two deviations off", lambda c: c["chpl_unit_value"] > 2),
    ("a consignee seen for the first time", lambda c: c["consignee_seen"] == 0),
    ("CHPL value doubled", lambda c: c["chpl_value_surge"] > 1),
    ("goods outside the consignee's usual chapters", lambda c: c["new_goods_chapter"] > 0),
    ("a new route for the consignee", lambda c: c["new_route"] > 0),
)


def red_flag_count(X: np.ndarray) -> np.ndarray:
    """One point per flag of `FLAGS` the shipment raises."""
    col = {name: X[:, i] for i, name in enumerate(COLUMNS)}
    with np.errstate(invalid="ignore"):
        return np.sum([flag(col) for _, flag in FLAGS], axis=0).astype(float)
