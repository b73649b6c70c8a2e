"""The whole table: on the test network, and what every line declares."""

from features import signals as S
from features.facts import gather_facts
from features.history import Ledger
from features.lists import read_list
from features.resolve import Resolver
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.conftest import EXAMPLES, make_shipment, party

MAPPING_KEYS = {"hs_code", "origin_country", "destination_country", "transit_countries", "value", "quantity"}


def test_the_table_on_the_network(reference, tmp_path):
    build_snapshot(read_list(EXAMPLES / "network.ftm.jsonl"), tmp_path, [])
    snapshot = Snapshot(tmp_path)
    ship = make_shipment(parties=(party("consignee", "TOO Aspan Arba", "KZ"), party("shipper", "Rheinland Elektronik GmbH", "DE")))
    values = S.compute_signals(gather_facts(ship, reference, Resolver(snapshot, 0.85), max_hops=3, ledger=Ledger()))
    assert set(values) == set(S.SIGNAL_NAMES)
    assert values["sanctioned_proximity"].value == 3  # one link: shares the sanctioned company's address
    assert values["consignee_age_days"].evidence["source"] == "registry:t-kz-aa"
    assert values["sanctioned_match"].value == 0
    assert values["consignee_seen"].value is None  # a fresh record: no history


def test_every_line_says_how_its_reasons_read_and_what_it_needs():
    for signal in S.SIGNALS:
        assert signal.reason in signal.messages, signal.name
        assert signal.monotone in (-1, 0, 1)
        for need in signal.inputs:
            for key in need.split("|"):
                role, _, part = key.partition(".")
                assert key in MAPPING_KEYS or part in ("name", "identifier", "incorporation_date"), (signal.name, key)
    assert len(S.SIGNAL_NAMES) == len(set(S.SIGNAL_NAMES))
