"""A SIMULATED world of traders and diversion networks, to train the default model.

No public data labels shipments as diverted, so the default model learns from a simulation
whose every parameter is documented, with the public fact it leans on, in docs/data-card.md.
The simulator emits raw material only: FtM entities (the registry, the sanctioned buyers and
their relations) and shipments as forwarders would post them, each to one of several
simulated forwarders. Features come from running the real list reader, snapshot builder and
feature builder on them, each forwarder's shipments in date order through its own history
tallies (`model.default.train`), never from sampling.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path

from features.money import Rates
from features.reference import Reference
from features.shipment import Party, Shipment
from model.default.goods import hs_lines, make_items, pick_currency
from model.default.names import spelling
from model.default.world import Trader, World, typo


@dataclass(frozen=True)
class SimulationConfig:
    """Every knob of the simulation; docs/data-card.md gives the reason for each default."""

    seed: int = 20220224
    shipments: int = 16_000
    forwarders: int = 12  # each starts using the service at its own date: its first decisions have no history
    home_forwarder_share: float = 0.85  # of a legitimate trader's shipments, through its usual forwarder
    sanctioned_buyers: int = 200
    intermediaries_per_buyer: tuple[int, int] = (1, 4)
    legit_traders: int = 800
    diversion_share: float = 0.10
    direct_sanctioned_share: float = 0.005
    direct_embargoed_share: float = 0.15  # of diversion shipments: straight to a Russian or Belarusian front
    repurposed_share: float = 0.25  # of intermediaries: an older company turned intermediary
    conduit_share: float = 0.5  # of those: an electronics importer whose CHPL flows surge (else it changes goods)
    conduit_chpl_share: float = 0.6  # of a conduit's usual lines, CHPL codes
    conduit_surge: float = 6.0  # its diversion shipments' values against its usual ones
    unregistered_intermediary_share: float = 0.30
    legit_registered_share: float = 0.60
    young_legit_share: float = 0.15
    legit_chpl_share: float = 0.30
    diversion_chpl_share: float = 0.80
    uav_share: float = 0.08
    identifier_given_share: float = 0.40
    invalid_identifier_share: dict = field(default_factory=lambda: {"diversion": 0.25, "legit": 0.02})
    incorporation_given_share: float = 0.30
    value_given_share: float = 0.85
    misdeclared_share: dict = field(default_factory=lambda: {"diversion": 0.25, "legit": 0.02})
    local_currency_share: float = 0.50
    yuan_share: float = 0.25
    trading_name_share: dict = field(default_factory=lambda: {"diversion": 0.60, "legit": 0.10})
    hub_transit_share: dict = field(default_factory=lambda: {"diversion": 0.35, "legit": 0.10})
    label_noise: float = 0.03
    start: dt.date = dt.date(2021, 1, 1)  # the forwarders' records start: a year of history before the war
    train_from: dt.date = dt.date(2022, 6, 1)  # the model learns from the shipments of the CHPL era
    end: dt.date = dt.date(2025, 6, 30)


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def _consignee(rng: random.Random, config: SimulationConfig, trader: Trader, kind: str) -> Party:
    identifiers = ()
    if trader.ident and rng.random() < config.identifier_given_share:
        ident = trader.ident
        if rng.random() < config.invalid_identifier_share[kind]:
            ident = typo(rng, ident)
        identifiers = (ident,)
    incorporated = trader.incorporated if rng.random() < config.incorporation_given_share else None
    return Party("consignee", spelling(rng, trader.name, trader.country), trader.country, identifiers, incorporated)


def _shipment(rng: random.Random, config: SimulationConfig, world: World, n: int, trader: Trader, kind: str,
              date: dt.date, forwarder: int, rates: Rates) -> Shipment:
    legit = kind == "legit"
    shipper = rng.choice(trader.shippers) if legit else world.random_shipper()
    transit = ()
    if rng.random() < config.hub_transit_share[kind]:
        transit = (trader.transit if legit and trader.transit else world.random_transit(trader.country),)
    codes = trader.lines if legit else trader.diversion_lines
    currency = trader.currency if legit else pick_currency(rng, trader.country, kind, config.local_currency_share,
                                                           config.yuan_share)
    items = make_items(rng, codes, date=date, currency=currency, rates=rates, value_share=config.value_given_share,
                       misdeclared=config.misdeclared_share[kind], scale=1.0 if legit else trader.value_scale)
    return Shipment(shipment_id=f"SIM-F{forwarder}-{n:06d}", date=date,
                    destination_country=trader.country, items=items,
                    parties=(_consignee(rng, config, trader, kind), shipper),
                    origin_country=shipper.country, transit_countries=transit)


def forwarder_of(shipment: Shipment) -> str:
    """The simulated forwarder (the tenant) that posted a simulated shipment."""
    return shipment.shipment_id.split("-")[1]


def simulate(config: SimulationConfig, reference: Reference, registry_path: Path) -> tuple[list[Shipment], list[int]]:
    """Write the simulated registry to `registry_path` (FtM JSON lines); return shipments in date
    order and their labels."""
    rng = random.Random(config.seed)
    rates = Rates()
    everyday = sorted(h for h in reference.hs6 if h not in reference.chpl and h not in reference.uav)
    world = World(config, rng, lambda chpl_share, lines: hs_lines(rng, reference, everyday, chpl_share, lines),
                  sorted(reference.uav))
    world.build()
    world.write(registry_path)
    # The first forwarder has used the service from the start; the others join at random dates.
    joined = sorted([config.start] + [_date(rng, config.start, config.end - dt.timedelta(days=180))
                                      for _ in range(config.forwarders - 1)])
    drawn, home = [], {}
    for n in range(config.shipments):
        roll = rng.random()
        if roll < config.direct_sanctioned_share:
            trader, kind = rng.choice(world.buyers), "diversion"
        elif roll < config.diversion_share:
            pool = world.fronts if rng.random() < config.direct_embargoed_share else world.intermediaries
            trader, kind = rng.choice(pool), "diversion"
        else:
            trader, kind = rng.choice(world.legit), "legit"
        start, end = trader.window(kind, config)
        date = _date(rng, start, end)
        usual = home.setdefault(id(trader), rng.randrange(config.forwarders))
        if kind == "legit" and joined[usual] <= date and rng.random() < config.home_forwarder_share:
            forwarder = usual
        else:  # a network shops around, and a trader's usual forwarder may not use the service yet
            forwarder = rng.randrange(bisect.bisect_right(joined, date))
        label = int(kind == "diversion")
        drawn.append((_shipment(rng, config, world, n, trader, kind, date, forwarder, rates),
                      label if rng.random() >= config.label_noise else 1 - label))
    drawn.sort(key=lambda pair: (pair[0].date, pair[0].shipment_id))
    return [s for s, _ in drawn], [label for _, label in drawn]

