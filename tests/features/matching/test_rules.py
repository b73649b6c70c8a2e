"""One rulebook (`features.matching.rules`): the C bound computes with its numbers and no others,
and a rule changed there changes what C computes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from features.lists.entities import Entity
from features.matching import _prefilter
from features.matching.names import name_key, spelling_similarity, skeleton, token_similarity
from features.matching.prefilter import LooseQuery, loose_upper
from features.matching.rules import C_RULES, MATCH_THRESHOLD, PREFIX_SIMILARITY, WEIGHT_CAP, length_weight
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot

C_SOURCE = Path(__file__).resolve().parents[3] / "features" / "matching" / "_prefilter.c"


@pytest.fixture
def restored_rules():
    yield
    _prefilter.configure(C_RULES)


def test_c_holds_exactly_the_rulebook():
    assert _prefilter.rules() == C_RULES
    assert C_RULES["weights"] == tuple(length_weight(n) for n in range(WEIGHT_CAP + 1))


def test_the_c_source_writes_no_number_of_its_own():
    """Every fractional number the bound uses comes from `configure`: none is written in C."""
    code = re.sub(r"/\*.*?\*/|\"(?:\\.|[^\"\\])*\"", "", C_SOURCE.read_text(), flags=re.S)  # no comments, no strings
    literals = set(re.findall(r"(?<![\w.])\d+\.\d+(?:e-?\d+)?", code)) - {"0.0", "1.0"}
    assert not literals, f"numbers written in _prefilter.c rather than taken from rules.py: {sorted(literals)}"


def test_a_rule_changed_in_the_rulebook_changes_the_c_bound(tmp_path, restored_rules):
    build_snapshot([Entity(id="k", source="test", schema="Company", names=["Galvora Kestrel Marrow"])], tmp_path, [])
    snapshot = Snapshot(tmp_path)
    names = np.arange(len(snapshot._name_entity), dtype=np.int32)
    # "kestr" starts "kestrel" (the prefix rule) and "zzzzzzz" pairs with nothing (else the loose bound is 1).
    loose = LooseQuery(name_key("Galvora Kestr Zzzzzzz"), snapshot.vocab)
    assert spelling_similarity("kestr", skeleton("kestr"), "kestrel", skeleton("kestrel")) == PREFIX_SIMILARITY
    before = loose_upper(loose, names, MATCH_THRESHOLD)
    _prefilter.configure({**C_RULES, "prefix_sim": 0.99})
    after = loose_upper(loose, names, MATCH_THRESHOLD)
    assert before[0] < 1 and after[0] > before[0]


def test_configure_refuses_an_incomplete_or_impossible_rulebook(restored_rules):
    with pytest.raises(ValueError):
        _prefilter.configure({k: v for k, v in C_RULES.items() if k != "floor"})
    with pytest.raises(KeyError):
        _prefilter.configure({**{k: v for k, v in C_RULES.items() if k != "floor"}, "flor": 0.6})
    with pytest.raises(ValueError):
        _prefilter.configure({**C_RULES, "max_query_words": 10_000})
    with pytest.raises(ValueError):
        _prefilter.configure({**C_RULES, "weights": ()})
    assert _prefilter.rules() == C_RULES  # a refused rulebook changes nothing


def test_token_similarity_is_the_spelling_rules_and_the_name_ids():
    assert token_similarity("ivan", "ivan") == 1.0
    assert token_similarity("mekhanika", "mejanica") == spelling_similarity("mekhanika", skeleton("mekhanika"),
                                                                            "mejanica", skeleton("mejanica"))
    assert token_similarity("ted", "theodore") == 0.9  # rigour files both under one name
