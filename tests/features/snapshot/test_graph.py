"""The snapshot built from the hand-made network: lookups, distances and path evidence."""

import numpy as np
import pytest

from features.lists import read_list
from features.matching.names import block_keys, name_key
from features.matching.rules import MATCH_THRESHOLD
from features.resolve import Resolver
from features.shipment import Party
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    directory = tmp_path_factory.mktemp("snap")
    build_snapshot(read_list(EXAMPLES / "network.ftm.jsonl"), directory, [])
    return Snapshot(directory)


def row_of(snapshot, entity_id):
    return next(r for r in range(len(snapshot)) if snapshot.record(r)["id"] == entity_id)


def test_sanctioned_by_sanction_entity_and_by_topic(snapshot):
    sanctioned = {snapshot.record(r)["id"] for r in np.flatnonzero(snapshot.sanctioned)}
    assert sanctioned == {"t-ru-nm", "t-ae-topic"}
    assert "Test Authority: TEST-RUSSIA (2023-02-24)" in snapshot.record(row_of(snapshot, "t-ru-nm"))["sanctions"]


def test_identifier_index(snapshot):
    assert snapshot.by_identifier("5001007329") == [row_of(snapshot, "t-ru-nm")]
    assert snapshot.by_identifier("0000000000") == []


def test_name_candidates_across_scripts(snapshot):
    rows = {row for row, _ in snapshot.name_candidates(name_key("Aspan Arba LLP"))}
    assert row_of(snapshot, "t-kz-aa") in rows


def test_name_candidates_share_a_blocking_key(snapshot):
    assert snapshot.name_candidates(name_key("Qwzxv Plmokn")) == []
    query = name_key("Nebesnaya Mejanica")
    candidates = snapshot.name_candidates(query)
    assert candidates and all(block_keys(query) & block_keys(key) for _, key in candidates)


def test_exact_name_index(snapshot):
    assert snapshot.exact_names(name_key("Aspan Arba LLP")) == [row_of(snapshot, "t-kz-aa")]
    assert snapshot.exact_names(name_key("Aspan Arbat")) == []  # "arbat": no listed name's word
    assert snapshot.exact_names(name_key("Arba Aspan")) == []  # listed words, no such name


def test_schema_per_entity(snapshot):
    assert snapshot.schema(row_of(snapshot, "t-kz-aa")) == "Company"
    assert snapshot.schema(row_of(snapshot, "t-person-director")) == "Person"


def test_countries_per_entity_are_the_records(snapshot):
    assert [snapshot.countries(r) for r in range(len(snapshot))] == [snapshot.record(r)["countries"] for r in range(len(snapshot))]
    assert snapshot.countries(row_of(snapshot, "t-kz-aa")) == ["kz"]


def test_name_match_in_another_country_scores_lower(snapshot):
    here = Resolver(snapshot, MATCH_THRESHOLD).resolve(Party("consignee", "Nebesnaya Mejanica", "RU"))
    elsewhere = Resolver(snapshot, 0.5).resolve(Party("consignee", "Nebesnaya Mejanica", "DE"))
    assert here.row == elsewhere.row and elsewhere.score == pytest.approx(here.score * 0.9, abs=1e-4)


def test_a_recurring_party_is_resolved_from_the_memo(tmp_path):
    build_snapshot(read_list(EXAMPLES / "network.ftm.jsonl"), tmp_path, [])
    fresh = Snapshot(tmp_path)
    resolver = Resolver(fresh, MATCH_THRESHOLD)
    first = resolver.resolve(Party("consignee", "Nebesnaya Mejanica", "RU"))
    again = resolver.resolve(Party("shipper", "Nebesnaya Mejanica", "RU"))
    other_country = resolver.resolve(Party("shipper", "Nebesnaya Mejanica", "DE"))
    assert again is first and other_country != first
    assert resolver.memo_info().hits == 1
    assert Resolver(fresh, MATCH_THRESHOLD).memo_info().currsize == 0  # the memo is the resolver's, not the snapshot's


def test_exact_and_fuzzy_names_resolve(snapshot):
    exact = Resolver(snapshot, MATCH_THRESHOLD).resolve(Party("consignee", "TOO Aspan Arba"))
    assert (exact.row, exact.score) == (row_of(snapshot, "t-kz-aa"), 1.0)
    fuzzy = Resolver(snapshot, MATCH_THRESHOLD).resolve(Party("consignee", "Nebesnaya Mejanica"))
    assert fuzzy.row == row_of(snapshot, "t-ru-nm") and MATCH_THRESHOLD <= fuzzy.score < 1.0
    assert Resolver(snapshot, MATCH_THRESHOLD).resolve(Party("consignee", "Kestrel Optics")) is None


def test_shared_address_is_one_link_with_evidence(snapshot):
    row = row_of(snapshot, "t-kz-aa")
    assert snapshot.hops(row) == 1
    [step] = snapshot.path(row)
    assert step["link"] == "SharedAddress" and step["entity_id"] == "t-ru-nm" and step["sanctioned"]
    assert "лесная" in step["via"]


def test_two_links_through_a_director(snapshot):
    row = row_of(snapshot, "t-am-owned")
    assert snapshot.hops(row) == 2
    path = snapshot.path(row)
    assert [s["phrase"] for s in path] == ["owned by", "directs"]
    assert path[-1]["entity_id"] == "t-ru-nm"


def test_unlinked_and_sanctioned_entities(snapshot):
    assert snapshot.hops(row_of(snapshot, "t-de-old")) is None
    assert snapshot.hops(row_of(snapshot, "t-ru-nm")) == 0
    assert snapshot.path(row_of(snapshot, "t-ru-nm")) == []


def test_metadata_counts(snapshot):
    counts = snapshot.meta["counts"]
    assert counts["entities"] == 6 and counts["sanctioned"] == 2 and counts["links"] == 2
