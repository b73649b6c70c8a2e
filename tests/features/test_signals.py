"""Each signal alone, on facts built by hand; then the whole table on the test network."""

import datetime as dt

import pytest

from features import signals as S
from features.facts import Facts, ItemFacts, PartyFacts, gather_facts
from features.lists import read_list
from features.resolve import Resolution, Resolver
from features.shipment import Item
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.conftest import EXAMPLES, make_shipment, party


def facts(reference, items=(), parties=None, **shipment):
    ship = make_shipment(**shipment)
    item_facts = tuple(items) or tuple(ItemFacts(i, "940320", True, None, None) for i in ship.items)
    party_facts = parties or tuple(PartyFacts(p, None, None, None) for p in ship.parties)
    return Facts(ship, reference, item_facts, party_facts, max_hops=3)


def chip(reference, hs6="854231", value=1000.0):
    return ItemFacts(Item(hs6, value=value), hs6, True, reference.chpl.get(hs6), reference.uav.get(hs6))


def test_chpl_tier_takes_the_highest_tier(reference):
    value = S.chpl_tier(facts(reference, [chip(reference, "847150"), chip(reference, "854231")]))
    assert value.value == 6 and value.evidence["tier"] == "Tier 1" and len(value.evidence["items"]) == 2
    assert S.chpl_tier(facts(reference)).value == 0


def test_chpl_value_share_and_unknown_values(reference):
    furniture = ItemFacts(Item("940320", value=3000.0), "940320", True, None, None)
    assert S.chpl_value_share(facts(reference, [chip(reference), furniture])).value == 0.25
    unvalued = ItemFacts(Item("940320"), "940320", True, None, None)
    assert S.chpl_value_share(facts(reference, [unvalued])).value is None


def test_uav_supplement_is_its_own_signal(reference):
    drone = ItemFacts(Item("880622"), "880622", True, None, reference.uav["880622"])
    assert S.uav_item(facts(reference, [drone])).value == 1
    assert S.chpl_tier(facts(reference, [drone])).value == 0


@pytest.mark.parametrize("country, eaeu, hub", [("KZ", 1, 1), ("RU", 1, 0), ("AE", 0, 1), ("DE", 0, 0)])
def test_destination_signals(reference, country, eaeu, hub):
    f = facts(reference, destination_country=country)
    assert S.eaeu_destination(f).value == eaeu
    assert S.hub_destination(f).value == hub


def test_hub_transit_counts_distinct_hubs_but_not_the_destination(reference):
    f = facts(reference, destination_country="AE", transit_countries=("AE", "TR", "TR", "DE", "BY"))
    assert S.hub_transit(f).value == 2 and S.hub_transit(f).evidence["countries"] == ["TR", "BY"]


def test_consignee_age_sources_in_order(reference):
    date = dt.date(2023, 5, 2)
    given = party("consignee", "X", "KZ", incorporation_date=dt.date(2023, 1, 10), identifiers=[("bin", "221140000000")])
    f = facts(reference, parties=(PartyFacts(given, None, None, None),), date=date)
    assert S.consignee_age_days(f).value == (date - dt.date(2023, 1, 10)).days
    from_bin = party("consignee", "X", "KZ", identifiers=[("bin", "221140000000")])
    value = S.consignee_age_days(facts(reference, parties=(PartyFacts(from_bin, None, None, None),), date=date))
    assert value.value == (date - dt.date(2022, 11, 1)).days and value.evidence["source"] == "bin:221140000000"
    unknown = party("consignee", "X", "KZ")
    undated = S.consignee_age_days(facts(reference, parties=(PartyFacts(unknown, None, None, None),)))
    assert undated.value is None and undated.reason == "UNDATED_CONSIGNEE" and "registry" in undated.evidence["checked"]


def test_sanctioned_match_and_proximity(reference):
    p = party("consignee", "Nebesnaya Mekhanika", "RU")
    record = {"id": "e1", "names": ["ООО «Небесная механика»"], "sanctions": ["Test"]}
    direct = PartyFacts(p, Resolution(0, 0.97, "name", "nebesnaya mehanika"), record, 0)
    assert S.sanctioned_match(facts(reference, parties=(direct,))).value == 0.97
    path = ({"link": "SharedAddress", "phrase": "shares address with", "entity_id": "e1", "name": "N", "sanctioned": True},)
    linked = PartyFacts(p, Resolution(1, 1.0, "identifier", "bin:1"), {**record, "id": "e2"}, 1, path)
    value = S.sanctioned_proximity(facts(reference, parties=(linked,)))
    assert value.value == 3 and value.evidence["parties"][0]["path"] == list(path)
    assert S.sanctioned_proximity(facts(reference, parties=(direct,))).value == 0


def test_the_table_on_the_network(reference, tmp_path):
    build_snapshot(read_list(EXAMPLES / "network.ftm.jsonl"), tmp_path, [])
    snapshot = Snapshot(tmp_path)
    ship = make_shipment(parties=(party("consignee", "TOO Aspan Arba", "KZ"), party("shipper", "Rheinland Elektronik GmbH", "DE")))
    values = S.compute_signals(gather_facts(ship, reference, Resolver(snapshot, 0.85), max_hops=3))
    assert set(values) == set(S.SIGNAL_NAMES)
    assert values["sanctioned_proximity"].value == 3  # one link: shares the sanctioned company's address
    assert values["consignee_age_days"].evidence["source"] == "registry:t-kz-aa"
    assert values["sanctioned_match"].value == 0
