"""The goods' signals: CHPL tier, the CHPL share of the value in one currency, drones, unit values."""

import datetime as dt

from features.history import Ledger
from features.shipment import Item
from features.signals import goods
from tests.features.signals.build import chip, facts


def test_chpl_tier_takes_the_highest_tier(reference):
    value = goods.chpl_tier(facts(reference, [chip("847150"), chip("854231")]))
    assert value.value == 6 and value.evidence["tier"] == "Tier 1" and len(value.evidence["items"]) == 2
    assert goods.chpl_tier(facts(reference, [Item("940320")])).value == 0


def test_chpl_value_share_and_unknown_values(reference):
    assert goods.chpl_value_share(facts(reference, [chip(), Item("940320", value=3000.0)])).value == 0.25
    assert goods.chpl_value_share(facts(reference, [Item("940320")])).value is None


def test_a_share_in_one_currency_needs_no_rate(reference):
    """Tenge has no ECB rate, but a share of tenge in tenge is a share all the same."""
    share = goods.chpl_value_share(facts(reference, [chip(value=1e6, currency="KZT"),
                                                     Item("940320", value=3e6, currency="KZT")]))
    assert share.value == 0.25 and share.evidence["currency"] == "KZT"


def test_values_in_several_currencies_are_compared_in_dollars(reference):
    date = dt.date(2024, 5, 3)
    f = facts(reference, [chip(value=1000.0, currency="EUR"), Item("940320", value=1000.0, currency="USD")], date=date)
    eur_usd = reference.rates.to_usd(1000.0, "EUR", date).value
    assert 1050 < eur_usd < 1150  # the ECB's EUR/USD rate in May 2024 was about 1.07
    share = goods.chpl_value_share(f)
    assert share.value == round(eur_usd / (eur_usd + 1000.0), 6) and share.evidence["currency"] == "USD"


def test_values_in_a_currency_without_a_rate_are_not_summed_as_dollars(reference):
    f = facts(reference, [chip(value=1e6, currency="KZT"), Item("940320", value=3000.0, currency="USD")])
    assert goods.chpl_value_share(f).value is None


def test_uav_supplement_is_its_own_signal(reference):
    f = facts(reference, [Item("880622")])
    assert goods.uav_item(f).value == 1 and goods.chpl_tier(f).value == 0


def test_unit_value_against_the_tenants_record_either_way(reference):
    ledger = Ledger()
    for k in range(60):  # a record of 60 decisions, each 100 chips at 2.00 or 2.40 USD
        facts(reference, [chip(value=200.0 + 40 * (k % 2), quantity=100)], ledger=ledger, shipment_id=f"P-{k}")
    normal = goods.chpl_unit_value(facts(reference, [chip(value=220.0, quantity=100)], ledger=ledger))
    low = goods.chpl_unit_value(facts(reference, [chip(value=2.0, quantity=100)], ledger=ledger))
    high = goods.chpl_unit_value(facts(reference, [chip(value=22000.0, quantity=100)], ledger=ledger))
    assert normal.value < 1 < 5 < low.value and high.value > 5
    assert low.evidence["items"][0]["direction"] == "below" and high.evidence["items"][0]["direction"] == "above"
    typical = low.evidence["items"][0]["typical_usd"]
    assert typical[0] < 2.2 < typical[1] and low.evidence["items"][0]["records"] == 61


def test_unit_value_is_unknown_without_a_record(reference):
    assert goods.chpl_unit_value(facts(reference, [chip(quantity=100)])).value is None
    assert goods.chpl_unit_value(facts(reference, [chip(quantity=100)], ledger=Ledger())).value is None
