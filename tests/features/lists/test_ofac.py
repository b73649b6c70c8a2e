from collections import Counter

from features.lists import read_list
from features.lists.entities import Entity, Link
from features.lists.ofac import read_ofac_alt, read_ofac_sdn


def _read(path, reader):
    records = list(reader(path / "ofac_sdn" / "sdn.csv" if path.is_dir() else path))
    return {r.id: r for r in records if isinstance(r, Entity)}, [r for r in records if isinstance(r, Link)]


def test_sdn_set_reads_names_aliases_addresses_and_programs(lists):
    entities, _ = _read(lists, read_ofac_sdn)
    cuba = entities["ofac-sdn-36"]
    assert cuba.schema == "Organization"
    assert cuba.names == ["AEROCARIBBEAN AIRLINES", "AERO-CARIBBEAN"]
    assert cuba.addresses == ["Havana, Cuba"] and cuba.countries == ["cu"]
    assert cuba.sanctions == ["OFAC SDN: CUBA"] and cuba.sanctioned
    assert entities["ofac-sdn-28264"].sanctions == ["OFAC SDN: DPRK3, CYBER2"]
    assert entities["ofac-sdn-28264"].schema == "Person"


def test_latin1_and_end_of_file_byte(lists):
    entities, _ = _read(lists, read_ofac_sdn)
    assert "Zweierstrasse 35, Zürich CH-8022, Switzerland" in entities["ofac-sdn-306"].addresses
    assert len(entities) == 7  # 8 rows, the aircraft skipped, nothing made of the 0x1A


def test_weak_akas_in_remarks_are_not_names(lists):
    entities, _ = _read(lists, read_ofac_sdn)
    assert "BNC" not in entities["ofac-sdn-306"].names


def test_vessel_flag_and_aircraft_skipped(lists):
    entities, _ = _read(lists, read_ofac_sdn)
    assert entities["ofac-sdn-4234"].schema == "Vessel" and entities["ofac-sdn-4234"].countries == ["cu"]
    assert "ofac-sdn-15431" not in entities


def test_identifiers_from_remarks(lists):
    entities, _ = _read(lists, read_ofac_sdn)
    idents = {(i.scheme, i.value, i.valid) for i in entities["ofac-sdn-22406"].identifiers}
    assert ("inn", "4307012765", True) in idents
    assert ("ogrn", "1094307000633", True) in idents
    assert entities["ofac-sdn-22406"].countries == ["ru"]


def test_remarks_continue_in_comments_file(lists):
    entities, links = _read(lists, read_ofac_sdn)
    # 12300's Remarks are cut after "PROMO RAI"; sdn_comments.csv carries "Z S.A.S.; Linked To: ..."
    assert entities["ofac-sdn-12300"].names[0] == "CIFUENTES VILLA, Jorge Milton"
    assert Link("ofac-sdn-22406", "ofac-sdn-16911", "UnknownLink") in links


def test_linked_to_needs_a_unique_primary_name_in_the_file(lists):
    _, links = _read(lists, read_ofac_sdn)
    # 28264 is "Linked To: LAZARUS GROUP.", which is not in the excerpt: no dangling link.
    assert all(link.source != "ofac-sdn-28264" for link in links)
    assert len(links) == 1


def test_alias_file_alone(lists):
    entities, links = _read(lists / "ofac_alt_2025-08_excerpt.csv", read_ofac_alt)
    assert links == []
    assert entities["ofac-sdn-55051"].names == ["SHERKAT-E SAMANEH PAYA PAY-E RUNC", "RUNC INTERNATIONAL BANKING SOLUTIONS"]
    assert all(e.sanctions == ["OFAC SDN (aliases only)"] for e in entities.values())
    assert entities["ofac-sdn-36"].names == ["AERO-CARIBBEAN"]


def test_full_2021_sdn_set(shared_data):
    records = list(read_list(shared_data / "ofac_sdn_2021-07_watchman" / "sdn.csv"))
    entities = [r for r in records if isinstance(r, Entity)]
    # 8,976 entries = 8,699 read + 277 aircraft skipped
    assert Counter(e.schema for e in entities) == {"Person": 4620, "Organization": 3673, "Vessel": 406}
    # primary names plus the 11,910 alias rows, less those of aircraft and exact repeats (measured)
    assert sum(len(e.names) for e in entities) == 20602
    assert all(e.sanctioned for e in entities)
    assert sum(isinstance(r, Link) for r in records) > 3000


def test_full_2025_alias_file(shared_data):
    entities = list(read_list(shared_data / "ofac_alt_2025-08_gitmatch.csv"))
    assert len(entities) == 8450
    assert max(int(e.id.rsplit("-", 1)[1]) for e in entities) == 55051
