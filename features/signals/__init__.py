"""The signals table: one line per signal, each a small pure function of a shipment's facts.

A signal returns its value (a number, or None when unknown: unknown is not zero) and the
evidence an analyst needs to check it. The model learns a weight curve per signal; `monotone`
tells it the direction the domain demands (closer to a sanctioned party never lowers risk).
Each line also says what the signal reads of a user's column mapping and how its reasons read.
"""

from __future__ import annotations

from features.facts import Facts
from features.signals import goods, parties, record, route
from features.signals.value import Signal, Value

# A consignee's age is measured against a ten-year-old company: "younger than an established
# trader" is what the YOUNG_CONSIGNEE reason says.
ESTABLISHED_DAYS = 3650.0

DUAL_USE = {"DUAL_USE_HS": goods.dual_use_message}
ROUTE = {"TRANSSHIPMENT_ROUTE": route.route_message}
PARTY = ("party.name|party.identifier",)
CONSIGNEE = ("consignee.name|consignee.identifier",)

SIGNALS: tuple[Signal, ...] = (
    Signal("chpl_tier", goods.chpl_tier, "DUAL_USE_HS", +1, DUAL_USE, ("hs_code",), red_flags=("J22-05",)),
    Signal("chpl_value_share", goods.chpl_value_share, "DUAL_USE_HS", +1, DUAL_USE, ("hs_code", "value"),
           neutral=None, red_flags=("J22-05",)),
    Signal("chpl_unit_value", goods.chpl_unit_value, "UNUSUAL_UNIT_VALUE", +1,
           {"UNUSUAL_UNIT_VALUE": goods.unit_value_message}, ("hs_code", "value", "quantity") + CONSIGNEE,
           neutral=None, red_flags=("N23-08",), reads_record=True),
    Signal("uav_item", goods.uav_item, "UAV_ITEM", +1, {"UAV_ITEM": goods.uav_message}, ("hs_code",)),
    Signal("embargoed_route", route.embargoed_route, "EMBARGOED_DESTINATION", +1,
           {"EMBARGOED_DESTINATION": route.embargoed_message}, ("destination_country|transit_countries",),
           red_flags=("T23-02",)),
    Signal("eaeu_destination", route.eaeu_destination, "EAEU_DESTINATION", +1,
           {"EAEU_DESTINATION": route.eaeu_message}, ("destination_country",), red_flags=("J22-05",)),
    Signal("hub_destination", route.hub_destination, "TRANSSHIPMENT_ROUTE", +1, ROUTE, ("destination_country",),
           red_flags=("J22-01",)),
    Signal("hub_transit", route.hub_transit, "TRANSSHIPMENT_ROUTE", +1, ROUTE, ("transit_countries",),
           red_flags=("J22-01", "B-11")),
    Signal("consignee_age_days", parties.consignee_age_days, "YOUNG_CONSIGNEE", -1,
           {"YOUNG_CONSIGNEE": parties.young_message, "UNDATED_CONSIGNEE": parties.undated_message},
           ("consignee.incorporation_date|consignee.identifier|consignee.name",),
           neutral=ESTABLISHED_DAYS, red_flags=("B-06",)),
    Signal("trading_consignee", parties.trading_consignee, "TRADING_CONSIGNEE", +1,
           {"TRADING_CONSIGNEE": parties.trading_message}, ("consignee.name",), red_flags=("N23-05", "B-10")),
    Signal("invalid_identifiers", parties.invalid_identifiers, "INVALID_IDENTIFIER", +1,
           {"INVALID_IDENTIFIER": parties.invalid_message}, ("party.identifier",)),
    Signal("sanctioned_match", parties.sanctioned_match, "SANCTIONED_PARTY", +1,
           {"SANCTIONED_PARTY": parties.sanctioned_message}, PARTY, red_flags=("N23-07", "B-01")),
    Signal("sanctioned_proximity", parties.sanctioned_proximity, "LINKED_SANCTIONED_PARTY", +1,
           {"LINKED_SANCTIONED_PARTY": parties.linked_message}, PARTY, red_flags=("T23-03",)),
    Signal("consignee_seen", record.consignee_seen, "NEW_CONSIGNEE", -1, {"NEW_CONSIGNEE": record.seen_message},
           CONSIGNEE, neutral=None, red_flags=("B-06",), reads_record=True),
    Signal("chpl_value_surge", record.chpl_value_surge, "CHPL_SURGE", +1, {"CHPL_SURGE": record.surge_message},
           CONSIGNEE + ("hs_code", "value"), neutral=None, red_flags=("J22-05", "F22-01"), reads_record=True),
    Signal("new_goods_chapter", record.new_goods_chapter, "UNUSUAL_GOODS", +1,
           {"UNUSUAL_GOODS": record.chapter_message}, CONSIGNEE + ("hs_code",), neutral=None,
           red_flags=("N23-06", "B-03"), reads_record=True),
    Signal("distinct_shippers", record.distinct_shippers, "MANY_SHIPPERS", +1,
           {"MANY_SHIPPERS": record.shippers_message}, CONSIGNEE + ("shipper.name|shipper.identifier",),
           neutral=None, reads_record=True),
    Signal("new_route", record.new_route, "NEW_ROUTE", +1, {"NEW_ROUTE": record.new_route_message},
           CONSIGNEE + ("origin_country|transit_countries",), neutral=None, red_flags=("J22-05", "B-11"),
           reads_record=True),
)
SIGNAL_NAMES = tuple(s.name for s in SIGNALS)
# The signals that read the tenant's record: a decision scored again later keeps them as recorded.
RECORD_SIGNALS = tuple(s.name for s in SIGNALS if s.reads_record)
# Every reason code a signal reports under, with its message.
MESSAGES = {code: message for s in SIGNALS for code, message in s.messages.items()}


def compute_signals(facts: Facts) -> dict[str, Value]:
    return {signal.name: signal.compute(facts) for signal in SIGNALS}


__all__ = ["MESSAGES", "RECORD_SIGNALS", "SIGNALS", "SIGNAL_NAMES", "Signal", "Value", "compute_signals"]
