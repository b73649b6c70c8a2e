"""A SIMULATED world of traders and diversion networks, to train the default model.

No public data labels shipments as diverted, so the default model learns from a simulation
whose every parameter is documented, with the public fact it leans on, in docs/data-card.md.
The simulator emits raw material only: FtM entities (the registry, the sanctioned buyers and
their relations) and shipments as a forwarder would post them. Features come from running
the real list reader, snapshot builder and feature builder on them, never from sampling.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from stdnum.ru import inn, ogrn

from features.identifiers import normalize_identifier
from features.reference import Reference
from features.shipment import Item, Party, Shipment
from model.simulate_names import company_name, person_name, spelling, with_legal_form


@dataclass(frozen=True)
class SimulationConfig:
    """Every knob of the simulation; docs/data-card.md gives the reason for each default."""

    seed: int = 20220224
    shipments: int = 12_000
    sanctioned_buyers: int = 200
    intermediaries_per_buyer: tuple[int, int] = (1, 4)
    legit_traders: int = 2_000
    diversion_share: float = 0.10
    direct_sanctioned_share: float = 0.005
    unregistered_intermediary_share: float = 0.30
    young_legit_share: float = 0.15
    legit_chpl_share: float = 0.30
    diversion_chpl_share: float = 0.80
    uav_share: float = 0.08
    identifier_given_share: float = 0.40
    incorporation_given_share: float = 0.30
    value_given_share: float = 0.85
    hub_transit_share: dict = field(default_factory=lambda: {"diversion": 0.35, "legit": 0.10})
    label_noise: float = 0.03
    start: dt.date = dt.date(2022, 6, 1)
    end: dt.date = dt.date(2025, 6, 30)


INTERMEDIARY_COUNTRIES = {"KZ": 0.30, "KG": 0.15, "AM": 0.15, "AE": 0.15, "TR": 0.15, "HK": 0.10}
LEGIT_COUNTRIES = {"KZ": 0.12, "KG": 0.04, "AM": 0.04, "AE": 0.10, "TR": 0.10, "HK": 0.05, "DE": 0.12,
                   "FR": 0.08, "US": 0.10, "IN": 0.08, "BR": 0.05, "PL": 0.06, "JP": 0.06}
ORIGINS = {"CN": 0.35, "HK": 0.10, "US": 0.15, "DE": 0.10, "TW": 0.10, "JP": 0.05, "KR": 0.05, "NL": 0.05, "MY": 0.05}
HUB_TRANSITS = ("AE", "TR", "HK", "CN", "GE", "AM", "KZ", "UZ", "RS")
# Ways an intermediary hangs off its sanctioned buyer, with how many links each makes.
TIES = ("owned_by_buyer", "shared_address", "shared_director", "owned_by_director", "via_sister")


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max((end - start).days, 1)))


def _inn(rng: random.Random) -> str:
    base = f"77{rng.randrange(10**7):07d}"
    return base + inn.calc_company_check_digit(base)


def _ogrn(rng: random.Random, year: int) -> str:
    base = f"1{year % 100:02d}77{rng.randrange(10**7):07d}"
    return base + ogrn.calc_check_digit(base)


def _bin(rng: random.Random, registered: dt.date) -> str:
    while True:
        number = f"{registered:%y%m}40{rng.randrange(10**5):05d}"
        ident = next((number + str(d) for d in range(10) if normalize_identifier("bin", number + str(d)).valid), None)
        if ident:
            return ident


class World:
    """The simulated registry: entities as FtM dicts, and the traders shipments are drawn from."""

    def __init__(self, config: SimulationConfig, rng: random.Random):
        self.config, self.rng = config, rng
        self.entities: list[dict] = []
        self.intermediaries: list[dict] = []  # {"id", "name", "country", "incorporated", "ident", "registered"}
        self.legit: list[dict] = []
        self.buyers: list[dict] = []

    def _add(self, schema: str, **props) -> str:
        entity_id = f"sim-{len(self.entities):07d}"
        self.entities.append({"id": entity_id, "schema": schema,
                              "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items() if v}})
        return entity_id

    def _company(self, country: str, incorporated: dt.date, registered: bool = True, **props) -> dict:
        rng = self.rng
        name = company_name(rng, country)
        ident = _bin(rng, incorporated) if country == "KZ" else None
        trader = {"name": name, "country": country, "incorporated": incorporated, "ident": ident, "id": None}
        if registered:
            trader["id"] = self._add("Company", name=name, country=country.lower(),
                                     incorporationDate=incorporated.isoformat(), registrationNumber=ident, **props)
        return trader

    def _link(self, schema: str, source: str, target: str) -> None:
        roles = {"Ownership": ("owner", "asset"), "Directorship": ("director", "organization")}[schema]
        self._add(schema, **{roles[0]: source, roles[1]: target})

    def build(self) -> None:
        c, rng = self.config, self.rng
        for _ in range(c.sanctioned_buyers):
            year = rng.randrange(1995, 2016)
            address = f"г. Москва, ул. {rng.choice(('Тверская', 'Лесная', 'Профсоюзная'))}, д. {rng.randrange(1, 200)}, оф. {rng.randrange(1, 900)}"
            buyer = {"name": company_name(rng, "RU"), "address": address}
            buyer["id"] = self._add("Company", name=with_legal_form(rng, buyer["name"], "RU"), country="ru",
                                    innCode=_inn(rng), ogrnCode=_ogrn(rng, year), address=address,
                                    incorporationDate=dt.date(year, rng.randrange(1, 13), 1).isoformat(),
                                    topics="sanction")
            buyer["director"] = self._add("Person", name=person_name(rng), country="ru")
            self._link("Directorship", buyer["director"], buyer["id"])
            self.buyers.append(buyer)
            for _ in range(rng.randint(*c.intermediaries_per_buyer)):
                self._intermediary(buyer)
        for _ in range(c.legit_traders):
            country = _weighted(rng, LEGIT_COUNTRIES)
            young = rng.random() < c.young_legit_share
            start = dt.date(2022, 3, 1) if young else dt.date(1992, 1, 1)
            end = c.end - dt.timedelta(days=200) if young else dt.date(2019, 12, 31)
            self.legit.append(self._company(country, _date(rng, start, end),
                                            address=f"{rng.choice(('Business Centre', 'Tower', 'Plaza'))} {rng.randrange(1, 50)}, floor {rng.randrange(1, 30)}"))

    def _intermediary(self, buyer: dict) -> None:
        c, rng = self.config, self.rng
        country = _weighted(rng, INTERMEDIARY_COUNTRIES)
        incorporated = _date(rng, dt.date(2022, 3, 1), c.end - dt.timedelta(days=120))
        registered = rng.random() >= c.unregistered_intermediary_share
        tie = rng.choice(TIES)
        trader = self._company(country, incorporated, registered,
                               address=buyer["address"] if tie == "shared_address" else None)
        if registered:
            if tie == "owned_by_buyer":
                self._link("Ownership", buyer["id"], trader["id"])
            elif tie == "shared_director":
                self._link("Directorship", buyer["director"], trader["id"])
            elif tie == "owned_by_director":
                self._link("Ownership", buyer["director"], trader["id"])
            elif tie == "via_sister" and self.intermediaries:
                sister = rng.choice(self.intermediaries)
                if sister["id"]:
                    self._link("Ownership", sister["id"], trader["id"])
        self.intermediaries.append(trader)

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for entity in self.entities:
                handle.write(json.dumps(entity, ensure_ascii=False) + "\n")


def _items(rng: random.Random, reference: Reference, chpl_share: float, uav_share: float, hs6: list[str],
           value_share: float) -> tuple[Item, ...]:
    chpl = sorted(reference.chpl)
    tier_weight = [reference.chpl[h].rank for h in chpl]  # higher tiers more often
    items = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < uav_share:
            code = rng.choice(sorted(reference.uav))
        elif roll < uav_share + chpl_share:
            code = rng.choices(chpl, weights=tier_weight)[0]
        else:
            code = rng.choice(hs6)
        national = code + f"{rng.randrange(100):02d}" * rng.randint(0, 2)
        display = rng.choice((national, f"{national[:4]}.{national[4:]}", " ".join((national[:4], national[4:]))))
        value = round(rng.lognormvariate(9, 1.5), 2) if rng.random() < value_share else None
        items.append(Item(display, quantity=float(rng.randint(1, 5000)), value=value, currency="USD" if value else None))
    return tuple(items)


def _party(rng: random.Random, config: SimulationConfig, trader: dict, role: str = "consignee") -> Party:
    identifiers = ()
    if trader["ident"] and rng.random() < config.identifier_given_share:
        identifiers = (normalize_identifier("bin", trader["ident"]),)
    incorporated = trader["incorporated"] if rng.random() < config.incorporation_given_share else None
    return Party(role, spelling(rng, trader["name"], trader["country"]), trader["country"], identifiers, incorporated)


def simulate(config: SimulationConfig, reference: Reference, registry_path: Path) -> tuple[list[Shipment], list[int]]:
    """Write the simulated registry to `registry_path` (FtM JSON lines); return shipments and labels."""
    rng = random.Random(config.seed)
    world = World(config, rng)
    world.build()
    world.write(registry_path)
    everyday = sorted(h for h in reference.hs6 if h not in reference.chpl and h not in reference.uav)
    shipments, labels = [], []
    for n in range(config.shipments):
        roll = rng.random()
        if roll < config.direct_sanctioned_share:
            buyer = rng.choice(world.buyers)
            trader = {"name": buyer["name"], "country": "RU", "incorporated": None, "ident": None}
            kind, label = "diversion", 1
        elif roll < config.diversion_share:
            trader, kind, label = rng.choice(world.intermediaries), "diversion", 1
        else:
            trader, kind, label = rng.choice(world.legit), "legit", 0
        earliest = max(config.start, (trader["incorporated"] or config.start) + dt.timedelta(days=30))
        date = _date(rng, earliest, config.end)
        chpl_share = config.diversion_chpl_share if kind == "diversion" else config.legit_chpl_share
        transit = (rng.choice([h for h in HUB_TRANSITS if h != trader["country"]]),) if rng.random() < config.hub_transit_share[kind] else ()
        shipper = Party("shipper", f"{rng.choice(('Shenzhen', 'Ningbo', 'Taipei', 'Munich', 'Austin'))} {rng.choice(('Electronics', 'Components', 'Supply'))} Co", _weighted(rng, ORIGINS))
        shipments.append(Shipment(
            shipment_id=f"SIM-{n:06d}", date=date, destination_country=trader["country"],
            items=_items(rng, reference, chpl_share, config.uav_share if kind == "diversion" else config.uav_share / 8,
                         everyday, config.value_given_share),
            parties=(_party(rng, config, trader), shipper),
            origin_country=shipper.country, transit_countries=transit,
        ))
        labels.append(label if rng.random() >= config.label_noise else 1 - label)
    return shipments, labels
