"""The CSL reader on `csl_handmade.csv`: a hand-made fixture in the format of trade.gov's
Consolidated Screening List, NOT real data (see tests/fixtures/lists/README.md)."""

from features.lists import detect_format, read_list
from features.lists.entities import Entity


def _entities(lists):
    return {e.id: e for e in read_list(lists / "csl_handmade.csv") if isinstance(e, Entity)}


def test_detected(lists):
    assert detect_format(lists / "csl_handmade.csv") == "us-csl"


def test_entity_list_row(lists):
    entity = _entities(lists)["us-csl-e1f0c0de01"]
    assert entity.schema == "Organization"
    assert entity.names == ["Example Avionics Trading LLC", "Primer Avionika", "EXAMPLE AVIONICS TRADING"]
    assert entity.countries == ["ru", "kz"]
    assert [(i.scheme, i.value) for i in entity.identifiers] == [("inn", "7707083893")]
    assert entity.sanctions == ["US CSL (Entity List (EL) - Bureau of Industry and Security): listed (from 2023-02-24)"]


def test_sdn_rows_take_the_ofac_id_and_aircraft_are_skipped(lists):
    entities = _entities(lists)
    molot = entities["ofac-sdn-22406"]
    assert {i.scheme for i in molot.identifiers} == {"inn", "ogrn"}
    assert "UKRAINE-EO13661, RUSSIA-EO14024" in molot.sanctions[0]
    assert entities["ofac-sdn-99999901"].schema == "Vessel"
    assert entities["ofac-sdn-99999901"].identifiers[0].scheme == "imo"
    assert entities["ofac-sdn-99999901"].countries == ["pa"]
    assert "ofac-sdn-99999902" not in entities and len(entities) == 4
    assert entities["us-csl-e1f0c0de04"].schema == "Person" and entities["us-csl-e1f0c0de04"].countries == ["lv"]
