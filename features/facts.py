"""What one shipment's signals are computed from: its items looked up in the HS and CHPL
tables and valued in dollars, its parties resolved against the lists snapshot, and its
consignee's history in the caller's record. Built once per shipment, so each signal stays a
small pure function of these facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from features.history import ConsigneeHistory, ItemView, Ledger
from features.hs import hs6_of
from features.money import Usd
from features.reference import ChplEntry, Reference
from features.resolve import Resolution, Resolver, party_key
from features.shipment import Item, Party, Shipment

# (party key, entity id) -> the clearance: who cleared the pair, when, from which alert.
Cleared = Mapping[tuple[str, str], dict]


@dataclass(frozen=True)
class ItemFacts:
    item: Item
    hs6: str | None
    known: bool  # hs6 exists in HS 2022
    chpl: ChplEntry | None
    uav: str | None  # description, for UAV codes not on the CHPL
    usd: Usd | None  # the declared value in dollars at the shipment date (None: no value declared)

    @property
    def view(self) -> ItemView:
        return ItemView(self.hs6, bool(self.chpl or self.uav), self.chpl is not None,
                        self.usd.value if self.usd else None, self.item.quantity)


@dataclass(frozen=True)
class PartyFacts:
    party: Party
    resolution: Resolution | None
    record: dict | None  # the resolved entity's record
    hops: int | None  # links to the nearest sanctioned entity, 0 if sanctioned itself
    path: tuple[dict, ...] = ()
    cleared: dict | None = None  # the tenant's clearance of the party's match, which then counts for nothing


@dataclass(frozen=True)
class Facts:
    shipment: Shipment
    reference: Reference
    items: tuple[ItemFacts, ...]
    parties: tuple[PartyFacts, ...]
    max_hops: int
    history: ConsigneeHistory | None = None  # None: no history (no record, or one too thin to tell)

    @property
    def consignee(self) -> PartyFacts:
        return next(p for p in self.parties if p.party.role == "consignee")


def item_facts(item: Item, reference: Reference, shipment: Shipment) -> ItemFacts:
    """One item looked up in the HS and CHPL tables and valued in dollars at the shipment date."""
    hs6 = hs6_of(item.hs_code)
    usd = None if item.value is None else reference.rates.to_usd(item.value, item.currency, shipment.date)
    return ItemFacts(item, hs6, hs6 in reference.hs6, reference.chpl.get(hs6), reference.uav.get(hs6), usd)


def _party(party: Party, resolver: Resolver, max_hops: int, cleared: Cleared) -> PartyFacts:
    resolution = resolver.resolve(party)
    if resolution is None:
        return PartyFacts(party, None, None, None)
    snapshot = resolver.snapshot
    hops = snapshot.hops(resolution.row)
    linked = hops is not None and 0 < hops <= max_hops
    if cleared and hops is not None and hops <= max_hops:
        record = snapshot.record(resolution.row)
        clearance = cleared.get((party_key(party), record["id"]))
        if clearance is not None:  # a person checked this match and found it is not this entity
            return PartyFacts(party, None, None, None, cleared={"entity_id": record["id"], "name": record["names"][0],
                                                               "hops": hops, **clearance})
    return PartyFacts(party, resolution, snapshot.record(resolution.row), hops,
                      tuple(snapshot.path(resolution.row)) if linked else ())


def gather_facts(shipment: Shipment, reference: Reference, resolver: Resolver, *,
                 max_hops: int, cleared: Cleared | None = None, ledger: Ledger | None = None) -> Facts:
    """`resolver`: the parties' resolution against one snapshot at one match threshold; `cleared`:
    the (party key, entity id) pairs the caller's tenant cleared, with who and when; `ledger`: the
    caller's history tallies, which this shipment is read against and then added to (None: no
    record, so no history)."""
    items = tuple(item_facts(item, reference, shipment) for item in shipment.items)
    views = [i.view for i in items]
    history = ledger.view(shipment, views) if ledger is not None else None
    if ledger is not None:
        ledger.add(shipment, views)
    return Facts(
        shipment,
        reference,
        items,
        tuple(_party(p, resolver, max_hops, cleared) for p in shipment.parties),
        max_hops,
        history,
    )
