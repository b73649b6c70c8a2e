"""The route's signals: embargoed destinations, EAEU members, transshipment points."""

import pytest

from features.signals import route
from tests.features.signals.build import facts


@pytest.mark.parametrize("country, eaeu, hub", [("KZ", 1, 1), ("RU", 1, 0), ("AE", 0, 1), ("DE", 0, 0),
                                                ("HK", 0, 1), ("MO", 0, 1), ("CN", 0, 1)])
def test_destination_signals(reference, country, eaeu, hub):
    f = facts(reference, destination_country=country)
    assert route.eaeu_destination(f).value == eaeu
    assert route.hub_destination(f).value == hub


def test_hong_kong_counts_as_the_china_the_alert_names(reference):
    evidence = route.hub_destination(facts(reference, destination_country="HK")).evidence
    assert evidence == {"country": "HK", "name": "Hong Kong", "as": "destination"}


def test_hub_transit_counts_distinct_hubs_but_not_the_destination(reference):
    f = facts(reference, destination_country="AE", transit_countries=("AE", "TR", "TR", "DE", "BY"))
    assert route.hub_transit(f).value == 2 and route.hub_transit(f).evidence["countries"] == ["TR", "BY"]


@pytest.mark.parametrize("destination, transit, expected", [
    ("RU", (), 2), ("BY", (), 2), ("IR", (), 2), ("KP", (), 2), ("SY", (), 2), ("CU", (), 2),
    ("KZ", ("RU",), 1), ("AM", ("GE", "BY"), 1), ("KZ", (), 0), ("DE", ("PL",), 0)])
def test_embargoed_destination_or_transit(reference, destination, transit, expected):
    value = route.embargoed_route(facts(reference, destination_country=destination, transit_countries=transit))
    assert value.value == expected
    if expected:
        assert value.evidence["as"] == ("destination" if expected == 2 else "transit")
        assert "EAR Part 746" in value.evidence["programme"]
    else:
        assert value.evidence is None
