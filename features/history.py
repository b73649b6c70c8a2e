"""Each consignee's own history in a tenant's decision record, as running tallies.

A customs targeting unit's best predictor is a trader's own past: a consignee seen for the first
time, a surge of CHPL goods, goods outside its usual HS chapters, many shippers, a new route.
Reading that from the record on every request would cost a scan, so the record keeps tallies,
one per key below, that a decision adds to in its own transaction (`service.history`), and a
shipment reads a fixed set of them: O(1) whatever the record's size.

The rule of what a shipment adds is stated once, here (`Ledger.add`), and serves the service,
the re-building of the tallies from the record and the simulated world the default model is
trained on, which scores its shipments in date order through a `Ledger` of its own.

Keys are `kind|consignee|item`:
  tenant||              decisions in the tenant's record
  seen|C|               decisions naming consignee C (first and last shipment dates)
  chapter|C|85          ... with an item in HS chapter 85
  shipper|C|S           ... from shipper S;  shippers|C|  the distinct shippers
  route|C|CN>AE>KZ      ... on that route
  chpl|C|2024-05        ... in that month, `total` their CHPL value in US dollars
  unit||854231          the tenant's CHPL items of HS6 854231: log10 unit value in dollars
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from features.hs import hs6_of
from features.matching.names import name_key
from features.shipment import Party, Shipment

# A record thinner than this says nothing about a consignee being new: "no history".
MIN_TENANT_DECISIONS = 50
# Past shipments of a consignee before its usual HS chapters are known.
MIN_PAST_FOR_CHAPTERS = 3
# CHPL value surge: the last RECENT_MONTHS (this one included, about 90 days) against up to
# BASELINE_MONTHS before them, as monthly rates; needs MIN_BASELINE_MONTHS of baseline since
# the consignee was first seen. SURGE_PSEUDO_USD per month keeps small flows from reading as surges.
RECENT_MONTHS, BASELINE_MONTHS, MIN_BASELINE_MONTHS = 3, 12, 3
SURGE_PSEUDO_USD = 1_000.0
# A CHPL item's unit value is judged against the tenant's own record of that HS6 once it holds
# MIN_UNIT_RECORDS of them; UNIT_SD_FLOOR (log10) keeps a record of one price from flagging 1% off.
MIN_UNIT_RECORDS, UNIT_SD_FLOOR = 10, 0.1


@dataclass
class Tally:
    n: int = 0
    total: float = 0.0
    total_sq: float = 0.0
    first: dt.date | None = None
    last: dt.date | None = None

    def add(self, other: Tally) -> None:
        self.n += other.n
        self.total += other.total
        self.total_sq += other.total_sq
        if other.first is not None and (self.first is None or other.first < self.first):
            self.first = other.first
        if other.last is not None and (self.last is None or other.last > self.last):
            self.last = other.last

    @property
    def mean(self) -> float:
        return self.total / self.n

    @property
    def sd(self) -> float:
        return math.sqrt(max(self.total_sq / self.n - self.mean ** 2, 0.0))


@dataclass(frozen=True)
class Increment:
    key: str
    tally: Tally


@lru_cache(maxsize=65536)
def consignee_key(party: Party) -> str:
    """The consignee as its history knows it: its name as read (spelling, script and legal form
    folded) and its country (its identifiers when it has no name), hashed to a fixed length."""
    name = " ".join(name_key(party.name).tokens) or " ".join(i.key for i in party.identifiers)
    text = name + "|" + (party.country or "")
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _shipper_key(shipment: Shipment) -> str | None:
    shipper = next((p for p in shipment.parties if p.role == "shipper"), None)
    return None if shipper is None else consignee_key(shipper)


def route_of(shipment: Shipment) -> str:
    return ">".join([shipment.origin_country or "?", *shipment.transit_countries, shipment.destination_country])


def _months_back(date: dt.date, count: int) -> tuple[str, ...]:
    """`count` month labels ending with the month of `date`, newest first."""
    return _months(date.year, date.month, count)


@lru_cache(maxsize=4096)
def _months(year: int, month: int, count: int) -> tuple[str, ...]:
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return tuple(out)


@dataclass(frozen=True)
class ItemView:
    """What the history needs of one item: its HS6, whether it is a CHPL or UAV item, its value in dollars."""

    hs6: str | None
    controlled: bool  # CHPL or UAV
    chpl: bool
    usd: float | None
    quantity: float | None


def history_keys(shipment: Shipment, chpl: Container[str]) -> list[str]:
    """Every tally `Ledger.view` and `Ledger.add` read for this shipment (`chpl`: the CHPL's HS6 codes)."""
    c = consignee_key(shipment.consignee)
    shipper = _shipper_key(shipment)
    hs6s = [h for h in (hs6_of(i.hs_code) for i in shipment.items) if h]
    keys = ["tenant||", f"seen|{c}|", f"shippers|{c}|", f"route|{c}|{route_of(shipment)}"]
    keys += [f"shipper|{c}|{shipper}"] if shipper else []
    keys += [f"chapter|{c}|{h[:2]}" for h in hs6s]
    keys += [f"chpl|{c}|{m}" for m in _months_back(shipment.date, RECENT_MONTHS + BASELINE_MONTHS)]
    keys += [f"unit||{h}" for h in hs6s if h in chpl]
    return list(dict.fromkeys(keys))


@dataclass(frozen=True)
class ConsigneeHistory:
    """One shipment's consignee as the record knew it before this shipment."""

    past: int  # decisions naming the consignee
    first_seen: dt.date | None
    shippers: int  # distinct shippers before, this shipment's counted if new
    shipper_new: bool | None  # None: the shipment names no shipper
    route: str
    route_new: bool
    chapters: dict[str, int]  # this shipment's HS chapters -> past decisions with an item in it
    chpl_months: dict[str, float]  # month -> CHPL value in dollars, this shipment's included
    units: dict[str, Tally]  # HS6 -> the tenant's record of its log10 unit value


class Ledger:
    """Tallies as the store holds them before a batch, plus what the batch adds as it goes, so
    the second shipment of a batch sees the first. `pending` is what to write with the decisions."""

    def __init__(self, rows: Mapping[str, Tally] | None = None):
        self.rows: dict[str, Tally] = dict(rows or {})
        self.pending: list[Increment] = []

    def _get(self, key: str) -> Tally:
        return self.rows.get(key) or Tally()

    @property
    def tenant_decisions(self) -> int:
        return self._get("tenant||").n

    def view(self, shipment: Shipment, items: Sequence[ItemView]) -> ConsigneeHistory | None:
        """The consignee's history, or None ("no history") while the tenant's record is too thin to tell."""
        if self.tenant_decisions < MIN_TENANT_DECISIONS:
            return None
        c = consignee_key(shipment.consignee)
        seen = self._get(f"seen|{c}|")
        shipper = _shipper_key(shipment)
        shipper_new = None if shipper is None else self._get(f"shipper|{c}|{shipper}").n == 0
        route = route_of(shipment)
        months = _months_back(shipment.date, RECENT_MONTHS + BASELINE_MONTHS)
        chpl = {m: self._get(f"chpl|{c}|{m}").total for m in months}
        chpl[months[0]] += _chpl_usd(items)
        return ConsigneeHistory(
            past=seen.n, first_seen=seen.first,
            shippers=self._get(f"shippers|{c}|").n + bool(shipper_new), shipper_new=shipper_new,
            route=route, route_new=self._get(f"route|{c}|{route}").n == 0,
            chapters={i.hs6[:2]: self._get(f"chapter|{c}|{i.hs6[:2]}").n for i in items if i.hs6},
            chpl_months=chpl,
            # Copies: `add` grows the stored tallies in place.
            units={i.hs6: replace(self._get(f"unit||{i.hs6}")) for i in items if i.chpl and i.hs6},
        )

    def add(self, shipment: Shipment, items: Sequence[ItemView]) -> None:
        """Fold one decided shipment into the tallies."""
        c, date = consignee_key(shipment.consignee), shipment.date
        one = dict(n=1, first=date, last=date)
        adds = [Increment("tenant||", Tally(**one)), Increment(f"seen|{c}|", Tally(**one)),
                Increment(f"route|{c}|{route_of(shipment)}", Tally(**one))]
        shipper = _shipper_key(shipment)
        if shipper:
            if self._get(f"shipper|{c}|{shipper}").n == 0:
                adds.append(Increment(f"shippers|{c}|", Tally(**one)))
            adds.append(Increment(f"shipper|{c}|{shipper}", Tally(**one)))
        adds += [Increment(f"chapter|{c}|{chapter}", Tally(**one)) for chapter in {i.hs6[:2] for i in items if i.hs6}]
        adds.append(Increment(f"chpl|{c}|{date:%Y-%m}", Tally(total=_chpl_usd(items), **one)))
        for i in items:
            unit = _log_unit(i)
            if i.chpl and unit is not None:
                adds.append(Increment(f"unit||{i.hs6}", Tally(total=unit, total_sq=unit * unit, **one)))
        for increment in adds:
            self.rows.setdefault(increment.key, Tally()).add(increment.tally)
        self.pending.extend(adds)


def _chpl_usd(items: Iterable[ItemView]) -> float:
    return sum(i.usd for i in items if i.chpl and i.usd)


def _log_unit(item: ItemView) -> float | None:
    if item.usd and item.quantity and item.usd > 0 and item.quantity > 0:
        return math.log10(item.usd / item.quantity)
    return None


@dataclass(frozen=True)
class UnitCheck:
    hs6: str
    unit_usd: float
    z: float  # in standard deviations of the tenant's record of the HS6, signed
    typical_usd: tuple[float, float]  # the record's mean -/+ two standard deviations
    records: int


def unit_checks(history: ConsigneeHistory, items: Sequence[ItemView]) -> list[UnitCheck]:
    """Each CHPL item's unit value against the tenant's record of its HS6, where that record is large enough."""
    out = []
    for i in items:
        unit = _log_unit(i)
        record = history.units.get(i.hs6) if i.chpl else None
        if unit is None or record is None or record.n < MIN_UNIT_RECORDS:
            continue
        sd = max(record.sd, UNIT_SD_FLOOR)
        out.append(UnitCheck(i.hs6, round(10 ** unit, 4), round((unit - record.mean) / sd, 3),
                             (round(10 ** (record.mean - 2 * sd), 4), round(10 ** (record.mean + 2 * sd), 4)), record.n))
    return out


@dataclass(frozen=True)
class Surge:
    recent_usd: float
    baseline_usd: float
    baseline_months: int
    log2_ratio: float


def chpl_surge(history: ConsigneeHistory, date: dt.date) -> Surge | None:
    """CHPL value of the last three months against the months before, as monthly rates; None
    without MIN_BASELINE_MONTHS of baseline since the consignee was first seen."""
    if history.first_seen is None:
        return None
    months = _months_back(date, RECENT_MONTHS + BASELINE_MONTHS)
    first = f"{history.first_seen:%Y-%m}"
    baseline = [m for m in months[RECENT_MONTHS:] if m >= first]
    if len(baseline) < MIN_BASELINE_MONTHS:
        return None
    recent = sum(history.chpl_months[m] for m in months[:RECENT_MONTHS])
    before = sum(history.chpl_months[m] for m in baseline)
    ratio = (recent / RECENT_MONTHS + SURGE_PSEUDO_USD) / (before / len(baseline) + SURGE_PSEUDO_USD)
    return Surge(round(recent, 2), round(before, 2), len(baseline), round(math.log2(ratio), 4))

