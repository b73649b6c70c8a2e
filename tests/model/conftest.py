"""Shared fixtures: the bundled reference data, a small lists snapshot, a synthetic labelled history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from features.lists import read_list
from features.reference import load_reference
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT / "../shared/data/external"
KOREAN = EXTERNAL / "customs-declaration-datasets"
UK_LIST = ROOT / "service/data/default_lists/uk-fcdo/uk_fcdo_sanctions_list_2025-08-11.csv.gz"

SYNTHETIC_MAPPING = {
    "label": {"column": "outcome", "positive": ["diverted"]},
    "date": "shipped",
    "hs_code": "hs",
    "destination_country": "dest",
    "origin_country": "origin",
    "parties": [{"role": "consignee", "name": "buyer", "identifier": "buyer_id"}],
    "value": "value",
    "quantity": "qty",
    "categorical": ["office"],
    "numeric": ["duty_rate"],
    "crosses": [["consignee_id", "hs6"]],
}


@pytest.fixture(scope="session")
def reference():
    return load_reference()


@pytest.fixture(scope="session")
def snapshot(tmp_path_factory):
    directory = tmp_path_factory.mktemp("snapshot") / "uk"
    directory.mkdir()
    build_snapshot(read_list(UK_LIST), directory, [])
    return Snapshot(directory)


def synthetic_history(rows: int = 1500, seed: int = 7) -> pd.DataFrame:
    """Shipments over 2023 whose outcome depends on the buyer, CHPL goods and an EAEU destination."""
    rng = np.random.default_rng(seed)
    buyers = [f"B{i:04d}" for i in range(300)]
    risky = set(rng.choice(buyers, 30, replace=False))
    buyer = rng.choice(buyers, rows)
    hs = rng.choice(["854231", "847150", "940360", "610910", "880699"], rows, p=[0.15, 0.15, 0.3, 0.3, 0.1])
    dest = rng.choice(["KZ", "AM", "DE", "FR", "AE"], rows, p=[0.15, 0.1, 0.3, 0.3, 0.15])
    logit = (-3.5 + 3.5 * np.isin(buyer, list(risky)) + 2.0 * (hs == "854231") + 1.5 * np.isin(dest, ["KZ", "AM"]))
    diverted = rng.random(rows) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame({
        "shipped": [(dt.date(2023, 1, 1) + dt.timedelta(days=int(d))).isoformat() for d in rng.integers(0, 365, rows)],
        "hs": hs, "dest": dest, "origin": rng.choice(["DE", "US", "CN"], rows),
        "buyer": [f"Trading House {b}" for b in buyer], "buyer_id": buyer,
        "value": rng.lognormal(9, 1, rows).round(2), "qty": rng.integers(1, 500, rows),
        "office": rng.choice(["north", "south", "port"], rows), "duty_rate": rng.choice([0.0, 2.5, 8.0], rows),
        "outcome": np.where(diverted, "diverted", "cleared"),
    })


@pytest.fixture(scope="session")
def synthetic_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("history") / "history.csv"
    synthetic_history().to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def synthetic_data(synthetic_csv, reference, snapshot):
    """The synthetic history, featurised once (party resolution by name is the slow part)."""
    from model.history.data import load_history
    from model.history.mapping import parse_mapping

    return load_history([synthetic_csv], parse_mapping(SYNTHETIC_MAPPING), reference, snapshot,
                        match_threshold=0.9, max_hops=2)


@pytest.fixture(scope="session")
def trained(synthetic_csv, reference, snapshot):
    """A history model on the synthetic CSV, with its card (fitted once: the machine may be shared)."""
    from model.history.mapping import parse_mapping
    from model.history.train import train_on_history

    return train_on_history([synthetic_csv], parse_mapping(SYNTHETIC_MAPPING), reference, snapshot, "synthetic",
                            refit=False, params={"max_iter": 100})
