"""Blocking puts forward the listed name for the spellings `compare_names` accepts: another
romanisation inside a word, a letter dropped or doubled, words split or run together
(SIMULATED spellings of the bundled lists' names, `bench/spellings.py`).

Before the keys of word starts and ends and of names run together, 28% of such accepted
spellings never reached comparison (all of the names run together, a third of one pair of words
joined); what is still lost is mostly a short one-word name with a letter dropped, whose every
key the edit changes, among the many names sharing its few keys.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from bench.spellings import spelling
from features.lists import read_list
from features.matching.names import compare_names, name_key
from features.matching.rules import MATCH_THRESHOLD
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot

LISTS = Path(__file__).resolve().parents[3] / "service" / "data" / "default_lists"
FILES = [LISTS / "uk-fcdo" / "uk_fcdo_sanctions_list_2025-08-11.csv.gz", LISTS / "ofac" / "SDN.CSV.gz"]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory) -> Snapshot:
    directory = tmp_path_factory.mktemp("bundled")
    build_snapshot([r for path in FILES for r in read_list(path)], directory, [])
    return Snapshot(directory)


def test_accepted_spellings_reach_comparison(bundled):
    rng = random.Random(20261202)
    tried, lost = Counter(), Counter()
    for _ in range(2500):
        name = rng.randrange(len(bundled._name_entity))
        listed = bundled.listed_name(name)
        made = spelling(" ".join(listed.tokens), rng)
        if made is None:
            continue
        kind, variant = made
        query = name_key(variant)
        if compare_names(query, listed, schema=bundled.schema(bundled.entity_of(name))) < MATCH_THRESHOLD:
            continue  # not a spelling the matcher accepts: blocking owes it nothing
        tried[kind] += 1
        if not bundled.exact_names(query) and name not in bundled.candidate_names(query).tolist():
            lost[kind] += 1
    assert sum(tried.values()) > 2000
    assert sum(lost.values()) <= 0.03 * sum(tried.values()), (lost, tried)
    for kind in ("joined", "all_joined", "split"):  # words run together or split: the name's own keys
        assert lost[kind] <= 0.01 * tried[kind], (kind, lost, tried)


def test_a_name_run_together_or_split_shares_a_key_with_the_listed_one(tmp_path):
    from features.lists.entities import Entity

    listed = ["Zapchast Trade", "Shenyang Jingcheng Machinery", "Radiotekhkomplekt", "Uralvagonzavod"]
    build_snapshot([Entity(id=f"e{i}", source="test", schema="Company", names=[n]) for i, n in enumerate(listed)],
                   tmp_path, [])
    snapshot = Snapshot(tmp_path)
    for query, expected in [("ZAPCHASTTRADE", 0), ("SHEN YANG JING CHENG MACHINERY", 1), ("Radiotexkomplekt", 2),
                            ("Radiotejkomplekt", 2), ("Ural Vagon Zavod", 3), ("Uralwagonsawod", 3)]:
        assert expected in snapshot.candidate_names(name_key(query)).tolist(), query
