"""The consignee's history signals, read from a `Ledger` filled the way the service fills its tallies."""

import datetime as dt

from features.facts import PartyFacts
from features.history import MIN_TENANT_DECISIONS, Ledger
from features.shipment import Item, Party
from features.signals import record
from tests.features.signals.build import chip, facts


def _other_traffic(reference, ledger, n=MIN_TENANT_DECISIONS, date=dt.date(2023, 1, 5)):
    """n decisions of other consignees: a record thick enough to tell a new consignee."""
    for k in range(n):
        facts(reference, [Item("940320", value=100.0)], ledger=ledger, date=date, shipment_id=f"O-{k}",
              parties=(PartyFacts(Party("consignee", f"Other Buyer {k}", "DE"), None, None, None),))
    return ledger


def _ship(reference, ledger, consignee="Steppe Steel LLP", shipper="Shenzhen Parts Co", items=(Item("720851", value=9e4),),
          date=dt.date(2023, 5, 2), origin="CN", transit=()):
    parties = (Party("consignee", consignee, "KZ"), Party("shipper", shipper, "CN"))
    return facts(reference, items, ledger=ledger, date=date, origin_country=origin, transit_countries=transit,
                 parties=tuple(PartyFacts(p, None, None, None) for p in parties))


def test_no_history_while_the_record_is_thin(reference):
    ledger = Ledger()
    f = _ship(reference, ledger)
    assert f.history is None
    for signal in (record.consignee_seen, record.chpl_value_surge, record.new_goods_chapter,
                   record.distinct_shippers, record.new_route):
        assert signal(f).value is None


def test_first_time_seen_then_counted(reference):
    ledger = _other_traffic(reference, Ledger())
    first = _ship(reference, ledger)
    assert record.consignee_seen(first).value == 0 and record.new_route(first).value == 1
    second = _ship(reference, ledger, date=dt.date(2023, 6, 1))
    seen = record.consignee_seen(second)
    assert seen.value == 1 and seen.evidence["first_seen"] == "2023-05-02"


def test_goods_outside_the_usual_chapters(reference):
    ledger = _other_traffic(reference, Ledger())
    for month in (1, 2, 3):  # a steel importer
        _ship(reference, ledger, date=dt.date(2023, month, 10))
    assert record.new_goods_chapter(_ship(reference, ledger, date=dt.date(2023, 4, 1))).value == 0
    drones = _ship(reference, ledger, items=(Item("880622", value=5e4),), date=dt.date(2023, 4, 2))
    value = record.new_goods_chapter(drones)
    assert value.value == 2 and value.evidence["new_chapters"] == ["88"] and value.evidence["controlled_hs6"] == ["880622"]
    chairs = _ship(reference, ledger, items=(Item("940130", value=5e3),), date=dt.date(2023, 4, 3))
    assert record.new_goods_chapter(chairs).value == 1


def test_distinct_shippers_and_new_routes(reference):
    ledger = _other_traffic(reference, Ledger())
    _ship(reference, ledger, shipper="Shenzhen Parts Co")
    same = _ship(reference, ledger, shipper="SHENZHEN PARTS CO.")
    assert record.distinct_shippers(same).value == 1 and record.new_route(same).value == 0
    other = _ship(reference, ledger, shipper="Taipei Components Ltd", origin="TW", transit=("AE",))
    assert record.distinct_shippers(other).value == 2
    assert record.new_route(other).value == 1 and record.new_route(other).evidence["route"] == "TW>AE>KZ"


def test_a_chpl_surge_against_the_consignees_own_baseline(reference):
    ledger = _other_traffic(reference, Ledger(), date=dt.date(2022, 1, 5))
    for month in range(1, 13):  # 2,000 USD of chips a month through 2022: the ten months before the last three are the baseline
        _ship(reference, ledger, items=(chip(value=2000.0),), date=dt.date(2022, month, 15))
    steady = _ship(reference, ledger, items=(chip(value=2000.0),), date=dt.date(2023, 1, 15))
    assert abs(record.chpl_value_surge(steady).value) < 0.5
    surge = _ship(reference, ledger, items=(chip(value=200_000.0),), date=dt.date(2023, 1, 20))
    value = record.chpl_value_surge(surge)
    assert value.value > 4 and value.evidence["baseline_months"] == 10 and value.evidence["recent_usd"] > 200_000


def test_no_surge_without_a_baseline(reference):
    ledger = _other_traffic(reference, Ledger())
    _ship(reference, ledger, items=(chip(value=2000.0),), date=dt.date(2023, 4, 1))
    assert record.chpl_value_surge(_ship(reference, ledger, items=(chip(value=9e5),), date=dt.date(2023, 5, 1))).value is None
