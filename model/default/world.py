"""The traders of the SIMULATED world and its registry (FtM entities): sanctioned Russian buyers
with their directors, the intermediaries tied to them, Russian and Belarusian fronts, and
legitimate traders with steady suppliers, goods and routes. docs/data-card.md gives the public
fact behind each choice."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from stdnum.ru import inn, ogrn

from features.identifiers import Identifier, normalize_identifier
from features.shipment import Party
from model.default.goods import pick_currency
from model.default.names import company_name, person_name, with_legal_form

WAR = dt.date(2022, 2, 24)
INTERMEDIARY_COUNTRIES = {"KZ": 0.30, "KG": 0.15, "AM": 0.15, "AE": 0.15, "TR": 0.15, "HK": 0.10}
LEGIT_COUNTRIES = {"KZ": 0.12, "KG": 0.04, "AM": 0.04, "AE": 0.10, "TR": 0.10, "HK": 0.05, "DE": 0.12,
                   "FR": 0.08, "US": 0.10, "IN": 0.08, "BR": 0.05, "PL": 0.06, "JP": 0.06, "RU": 0.03, "BY": 0.01}
EMBARGOED_FRONTS = {"RU": 0.85, "BY": 0.15}
ORIGINS = {"CN": 0.35, "HK": 0.10, "US": 0.15, "DE": 0.10, "TW": 0.10, "JP": 0.05, "KR": 0.05, "NL": 0.05, "MY": 0.05}
HUB_TRANSITS = ("AE", "TR", "HK", "CN", "GE", "AM", "KZ", "UZ", "RS")
# Ways an intermediary hangs off its sanctioned buyer, with how many links each makes.
TIES = ("owned_by_buyer", "shared_address", "shared_director", "owned_by_director", "via_sister")
TRADE_WORDS = {"cyrillic": ("Торговый дом", "Логистик", "Импорт-Экспорт", "Трейдинг"),
               "latin": ("Trading", "General Trading", "Logistics", "Import Export", "Freight")}
SHIPPERS = 400
ACTIVE_DAYS = (60, 420)  # how long an intermediary trades before it is dropped for a new one


@dataclass
class Trader:
    name: str
    country: str
    incorporated: dt.date
    ident: Identifier | None = None
    id: str | None = None  # registry entity id; None: in no registry
    lines: list[str] = field(default_factory=list)  # the HS6 codes it usually buys
    diversion_lines: list[str] = field(default_factory=list)
    pivot: dt.date | None = None  # an older company turned intermediary: its goods change then
    shippers: list[Party] = field(default_factory=list)
    transit: str | None = None
    currency: str = "USD"
    active: tuple[dt.date, dt.date] | None = None  # an intermediary's trading window
    value_scale: float = 1.0  # how much larger its diversion shipments are than its usual ones

    def window(self, kind: str, config) -> tuple[dt.date, dt.date]:
        """When this trader's shipments of `kind` fall."""
        start = max(config.start, self.incorporated + dt.timedelta(days=30))
        if kind == "legit":
            return start, min(config.end, self.pivot) if self.pivot else config.end
        if self.active:
            return self.active
        return max(start, WAR), config.end


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


def typo(rng: random.Random, ident: Identifier) -> Identifier:
    """The identifier with one digit mistyped (or invented): one that fails its check."""
    while True:
        at = rng.randrange(len(ident.value))
        wrong = ident.value[:at] + str((int(ident.value[at]) + rng.randint(1, 9)) % 10) + ident.value[at + 1:]
        candidate = normalize_identifier(ident.scheme, wrong)
        if not candidate.valid:
            return candidate


class World:
    """The simulated registry (FtM dicts) and the traders shipments are drawn from. `lines(chpl_share,
    count)` draws the HS6 codes a trader buys."""

    def __init__(self, config, rng: random.Random, lines: Callable[[float, int], list[str]], uav: list[str]):
        self.config, self.rng, self.lines, self.uav = config, rng, lines, uav
        self.entities: list[dict] = []
        self.intermediaries: list[Trader] = []
        self.fronts: list[Trader] = []
        self.legit: list[Trader] = []
        self.buyers: list[Trader] = []
        self.shipper_pool = [Party("shipper", f"{rng.choice(('Shenzhen', 'Ningbo', 'Taipei', 'Munich', 'Austin', 'Penang', 'Osaka', 'Eindhoven'))} "
                                   f"{rng.choice(('Electronics', 'Components', 'Supply', 'Devices', 'Industrial'))} "
                                   f"{rng.choice(('Co', 'Ltd', 'GmbH', 'Inc', 'BV'))} {k}", _weighted(rng, ORIGINS))
                             for k in range(SHIPPERS)]

    def _add(self, schema: str, **props) -> str:
        entity_id = f"sim-{len(self.entities):07d}"
        self.entities.append({"id": entity_id, "schema": schema,
                              "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items() if v}})
        return entity_id

    def _name(self, country: str, kind: str) -> str:
        name = company_name(self.rng, country)
        if self.rng.random() < self.config.trading_name_share[kind]:
            words = TRADE_WORDS["latin" if name.isascii() else "cyrillic"]
            name = f"{name} {self.rng.choice(words)}"
        return name

    def _trader(self, country: str, incorporated: dt.date, kind: str, registered: bool, **props) -> Trader:
        rng = self.rng
        ident = normalize_identifier("bin", _bin(rng, incorporated)) if country == "KZ" else \
            normalize_identifier("inn", _inn(rng)) if country == "RU" else None
        trader = Trader(self._name(country, kind), country, incorporated, ident)
        if registered:
            trader.id = self._add("Company", name=trader.name, country=country.lower(),
                                  incorporationDate=incorporated.isoformat(),
                                  registrationNumber=ident.value if ident else None, **props)
        return trader

    def _legit_habits(self, trader: Trader, chpl_share: float) -> None:
        rng, c = self.rng, self.config
        trader.lines = self.lines(chpl_share, rng.randint(1, 4))
        if rng.random() < c.uav_share / 8:
            trader.lines.append(rng.choice(self.uav))
        trader.shippers = rng.sample(self.shipper_pool, rng.randint(1, 3))
        trader.transit = rng.choice([h for h in HUB_TRANSITS if h != trader.country])
        trader.currency = pick_currency(rng, trader.country, "legit", c.local_currency_share, 0.0)

    def _diversion_lines(self) -> list[str]:
        lines = self.lines(self.config.diversion_chpl_share, self.rng.randint(3, 6))
        return lines + ([self.rng.choice(self.uav)] if self.rng.random() < self.config.uav_share * 4 else [])

    def _link(self, schema: str, source: str, target: str) -> None:
        roles = {"Ownership": ("owner", "asset"), "Directorship": ("director", "organization")}[schema]
        self._add(schema, **{roles[0]: source, roles[1]: target})

    def build(self) -> None:
        c, rng = self.config, self.rng
        for _ in range(c.sanctioned_buyers):
            self._buyer()
        for _ in range(c.sanctioned_buyers // 2):
            front = self._trader(_weighted(rng, EMBARGOED_FRONTS), _date(rng, dt.date(2005, 1, 1), c.end - dt.timedelta(days=200)),
                                 "diversion", registered=rng.random() < 0.5)
            front.diversion_lines = self._diversion_lines()
            self.fronts.append(front)
        for _ in range(c.legit_traders):
            country = _weighted(rng, LEGIT_COUNTRIES)
            young = rng.random() < c.young_legit_share
            start = WAR if young else dt.date(1992, 1, 1)
            end = c.end - dt.timedelta(days=200) if young else dt.date(2019, 12, 31)
            trader = self._trader(country, _date(rng, start, end), "legit", registered=rng.random() < c.legit_registered_share,
                                  address=f"{rng.choice(('Business Centre', 'Tower', 'Plaza'))} {rng.randrange(1, 50)}, floor {rng.randrange(1, 30)}")
            # Exporting CHPL items to Russia or Belarus is banned: legitimate trade there is in other goods.
            self._legit_habits(trader, 0.0 if country in EMBARGOED_FRONTS else c.legit_chpl_share)
            self.legit.append(trader)

    def _buyer(self) -> None:
        c, rng = self.config, self.rng
        year = rng.randrange(1995, 2016)
        address = f"г. Москва, ул. {rng.choice(('Тверская', 'Лесная', 'Профсоюзная'))}, д. {rng.randrange(1, 200)}, оф. {rng.randrange(1, 900)}"
        buyer = Trader(company_name(rng, "RU"), "RU", dt.date(year, rng.randrange(1, 13), 1))
        buyer.id = self._add("Company", name=with_legal_form(rng, buyer.name, "RU"), country="ru",
                             innCode=_inn(rng), ogrnCode=_ogrn(rng, year), address=address,
                             incorporationDate=buyer.incorporated.isoformat(), topics="sanction")
        buyer.diversion_lines = self._diversion_lines()
        director = self._add("Person", name=person_name(rng), country="ru")
        self._link("Directorship", director, buyer.id)
        self.buyers.append(buyer)
        for _ in range(rng.randint(*c.intermediaries_per_buyer)):
            self._intermediary(buyer.id, director, address)

    def _intermediary(self, buyer: str, director: str, address: str) -> None:
        c, rng = self.config, self.rng
        country = _weighted(rng, INTERMEDIARY_COUNTRIES)
        repurposed = rng.random() < c.repurposed_share
        if repurposed:  # an older company in another line of business, turned intermediary
            incorporated, registered = _date(rng, dt.date(1995, 1, 1), dt.date(2019, 12, 31)), True
        else:
            incorporated = _date(rng, dt.date(2022, 3, 1), c.end - dt.timedelta(days=120))
            registered = rng.random() >= c.unregistered_intermediary_share
        tie = rng.choice(TIES)
        trader = self._trader(country, incorporated, "diversion", registered,
                              address=address if tie == "shared_address" else None)
        trader.diversion_lines = self._diversion_lines()
        begin = max(WAR + dt.timedelta(days=14), incorporated + dt.timedelta(days=30))
        begin = _date(rng, begin, max(begin + dt.timedelta(days=1), c.end - dt.timedelta(days=90)))
        trader.active = (begin, min(c.end, begin + dt.timedelta(days=rng.randint(*ACTIVE_DAYS))))
        if repurposed:
            trader.pivot = begin
            self.legit.append(trader)
            if rng.random() < c.conduit_share:  # an electronics importer whose chip flows surge: same goods, more
                self._legit_habits(trader, c.conduit_chpl_share)
                trader.diversion_lines, trader.value_scale = trader.lines, c.conduit_surge
            else:  # a company in another line (steel) that turns to chips and drones
                self._legit_habits(trader, 0.0)
        if registered:
            if tie == "owned_by_buyer":
                self._link("Ownership", buyer, trader.id)
            elif tie == "shared_director":
                self._link("Directorship", director, trader.id)
            elif tie == "owned_by_director":
                self._link("Ownership", director, trader.id)
            elif tie == "via_sister" and self.intermediaries:
                sister = rng.choice(self.intermediaries)
                if sister.id:
                    self._link("Ownership", sister.id, trader.id)
        self.intermediaries.append(trader)

    def random_shipper(self) -> Party:
        return self.rng.choice(self.shipper_pool)

    def random_transit(self, country: str) -> str:
        return self.rng.choice([h for h in HUB_TRANSITS if h != country])

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for entity in self.entities:
                handle.write(json.dumps(entity, ensure_ascii=False) + "\n")
