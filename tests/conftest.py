"""Shared fixtures: the reference data, a trained default model and a prepared home.

Training the default model takes ~20 s, so it happens once per session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from features.identifiers import normalize_identifier
from features.reference import load_reference
from features.shipment import Item, Party, Shipment
from service.home import Home, default_list_files
from service.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def reference():
    return load_reference()


@pytest.fixture(scope="session")
def trained_home(tmp_path_factory, reference) -> Home:
    """A home with the bundled UK list plus the test network, and the default model."""
    home = Home(Settings(home=tmp_path_factory.mktemp("home"), reload_interval=0.0))
    home.import_lists([*default_list_files(), EXAMPLES / "network.ftm.jsonl"])
    home.prepare(reference, progress=lambda _: None)
    return home


@pytest.fixture
def home(tmp_path, trained_home) -> Home:
    """A private copy of the trained home (symlinked artefacts), safe to change in a test."""
    settings = Settings(home=tmp_path / "home", reload_interval=0.0)
    fresh = Home(settings)
    for registry, source in ((fresh.lists, trained_home.lists), (fresh.models, trained_home.models)):
        registry.root.mkdir(parents=True)
        for version in source.versions():
            (registry.root / version).symlink_to(source.path(version))
        registry.activate(source.active())
    return fresh


def make_shipment(**overrides) -> Shipment:
    """A shipment of Tier 1 chips to Kazakhstan; override any field."""
    fields = dict(
        shipment_id="T-1",
        date=dt.date(2023, 5, 2),
        destination_country="KZ",
        origin_country="CN",
        transit_countries=(),
        items=(Item("8542.31.00", "microcontrollers", 100, 25000.0, "USD"),),
        parties=(Party("consignee", "Some Trading LLP", "KZ"), Party("shipper", "Shenzhen Parts Co", "CN")),
    )
    fields.update(overrides)
    return Shipment(**fields)


def party(role: str, name: str, country: str | None = None, **kwargs) -> Party:
    idents = tuple(normalize_identifier(s, v) for s, v in kwargs.pop("identifiers", ()))
    return Party(role, name, country, idents, **kwargs)
