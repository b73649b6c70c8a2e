"""The parties' signals: the consignee's age and trade, invalid identifiers, sanctioned and linked parties."""

import datetime as dt

import pytest

from features.facts import PartyFacts
from features.resolve import Resolution
from features.signals import parties as P
from tests.conftest import party
from tests.features.signals.build import facts


def _alone(p, record=None):
    return (PartyFacts(p, None, record, None),)


def test_consignee_age_sources_in_order(reference):
    date = dt.date(2023, 5, 2)
    given = party("consignee", "X", "KZ", incorporation_date=dt.date(2023, 1, 10), identifiers=[("bin", "221140000000")])
    assert P.consignee_age_days(facts(reference, parties=_alone(given), date=date)).value == (date - dt.date(2023, 1, 10)).days
    from_bin = party("consignee", "X", "KZ", identifiers=[("bin", "221140000000")])
    value = P.consignee_age_days(facts(reference, parties=_alone(from_bin), date=date))
    assert value.value == (date - dt.date(2022, 11, 1)).days and value.evidence["source"] == "bin:221140000000"
    undated = P.consignee_age_days(facts(reference, parties=_alone(party("consignee", "X", "KZ"))))
    assert undated.value is None and undated.reason == "UNDATED_CONSIGNEE" and "registry" in undated.evidence["checked"]


def test_an_invalid_bin_dates_nothing_and_says_so(reference):
    typo = party("consignee", "X", "KZ", identifiers=[("bin", "221140000001")])
    value = P.consignee_age_days(facts(reference, parties=_alone(typo)))
    assert value.value is None and "bin:221140000001 (invalid)" in value.evidence["checked"]


@pytest.mark.parametrize("scheme, value, problem", [
    ("inn", "7707083894", "wrong check digit"), ("inn", "77070838", "wrong length"),
    ("ogrn", "1027700132196", "wrong check digit"), ("bin", "221140000001", "wrong check digit"),
    ("lei", "5493001KJTIIGC8Y1R13", "wrong check digit")])
def test_invalid_identifiers_are_evidence(reference, scheme, value, problem):
    p = party("consignee", "X", "KZ", identifiers=[(scheme, value), ("inn", "7707083893")])
    found = P.invalid_identifiers(facts(reference, parties=_alone(p)))
    assert found.value == 1
    assert found.evidence["identifiers"] == [{"role": "consignee", "party_name": "X", "scheme": scheme,
                                              "value": value, "problem": problem}]


def test_valid_and_unchecked_identifiers_are_not(reference):
    p = party("consignee", "X", "KZ", identifiers=[("inn", "7707083893"), ("registration_number", "anything")])
    assert P.invalid_identifiers(facts(reference, parties=_alone(p))).value == 0


@pytest.mark.parametrize("name, kind", [
    ("Alpha Trading LLC", "trading"), ("ТОО «Торговый дом Альфа»", "trading"), ("Zvezda Lojistik A.Ş.", "logistics"),
    ("ООО ТрансЛогистик", "logistics"), ("深圳市华强物流有限公司", "logistics"), ("Global Freight Express FZE", "freight"),
    ("Mikron Import-Export", "import-export"), ("Экспресс Карго ТОО", "freight"), ("Kaspiy Dış Ticaret Ltd. Şti.", "trading"),
    ("ООО «Альфа Трейдинг»", "trading")])
def test_trading_and_logistics_consignees(reference, name, kind):
    value = P.trading_consignee(facts(reference, parties=_alone(party("consignee", name, "KZ"))))
    assert value.value == 1 and kind in {w["kind"] for w in value.evidence["words"]}


@pytest.mark.parametrize("name", ["Rheinland Elektronik GmbH", "Murom Instrument-Making Plant", "Torgau Maschinen AG",
                                  "Importance Ltd", "ООО «Специальный технологический центр»"])
def test_other_consignees_are_not(reference, name):
    assert P.trading_consignee(facts(reference, parties=_alone(party("consignee", name, "KZ")))).value == 0


def test_the_registry_record_can_say_trading(reference):
    record = {"id": "e9", "names": ["Aspan Arba", "Aspan Arba Trading House"]}
    value = P.trading_consignee(facts(reference, parties=_alone(party("consignee", "Aspan Arba", "KZ"), record)))
    assert value.value == 1 and value.evidence["source"] == "registry:e9"


def test_sanctioned_match_and_proximity(reference):
    p = party("consignee", "Nebesnaya Mekhanika", "RU")
    record = {"id": "e1", "names": ["ООО «Небесная механика»"], "sanctions": ["Test"]}
    direct = PartyFacts(p, Resolution(0, 0.97, "name", "nebesnaya mehanika"), record, 0)
    assert P.sanctioned_match(facts(reference, parties=(direct,))).value == 0.97
    path = ({"link": "SharedAddress", "phrase": "shares address with", "entity_id": "e1", "name": "N", "sanctioned": True},)
    linked = PartyFacts(p, Resolution(1, 1.0, "identifier", "bin:1"), {**record, "id": "e2"}, 1, path)
    value = P.sanctioned_proximity(facts(reference, parties=(linked,)))
    assert value.value == 3 and value.evidence["parties"][0]["path"] == list(path)
    assert P.sanctioned_proximity(facts(reference, parties=(direct,))).value == 0
