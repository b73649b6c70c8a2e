"""Facts built by hand for one signal at a time: items valued as the feature builder values
them, parties resolved (or not) as the test says, a history from a `Ledger` the test fills."""

from features.facts import Facts, PartyFacts, item_facts
from features.history import Ledger
from features.shipment import Item
from tests.conftest import make_shipment


def facts(reference, items=(), parties=None, ledger: Ledger | None = None, **shipment) -> Facts:
    """The facts of `make_shipment(**shipment)` with `items` (Item) and `parties` (PartyFacts) in place of its own."""
    if items:
        shipment["items"] = tuple(items)
    if parties:
        shipment["parties"] = tuple(p.party for p in parties)
    ship = make_shipment(**shipment)
    item_list = tuple(item_facts(i, reference, ship) for i in ship.items)
    party_facts = parties or tuple(PartyFacts(p, None, None, None) for p in ship.parties)
    history = None
    if ledger is not None:
        views = [i.view for i in item_list]
        history = ledger.view(ship, views)
        ledger.add(ship, views)
    return Facts(ship, reference, item_list, party_facts, max_hops=3, history=history)


def chip(hs6="854231", value=1000.0, currency="USD", quantity=None) -> Item:
    return Item(hs6, value=value, currency=currency, quantity=quantity)
