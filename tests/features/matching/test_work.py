"""Resolving a pathological name is cheap by construction: a query contributes at most
`MAX_QUERY_WORDS` words to blocking and comparison, and both bounds on `compare_names` count
that a pairing is one-to-one, so a long query (or one word repeated) is ruled out against short
names without comparing them; numbers are bounded in C like the words. The bounds stay sound
on such names, and resolution is unchanged for names within the cap.

No timings here (bench/bench_worst_inputs.py measures them): the tests count the work done.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest

from features import resolve
from features.lists.entities import Entity
from features.matching import bound as name_bound
from features.matching.bound import QueryBound, max_ratio
from features.matching.names import NameKey, compare_names, name_key
from features.matching.prefilter import LooseQuery, loose_upper
from features.matching.rules import MATCH_THRESHOLD, MAX_HAN_READ, MAX_QUERY_WORDS
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.features.matching import name_gen

SCHEMAS = ("Person", "Company")


def _long_pair(rng: random.Random) -> tuple[NameKey, NameKey]:
    """A query of many words, drawn from few (so that words repeat), and a listed name of some of them."""
    pool = [name_gen.word(rng) for _ in range(rng.randint(1, 6))]
    query = [rng.choice(pool) if rng.random() < 0.6 else name_gen.word(rng) for _ in range(rng.randint(5, MAX_QUERY_WORDS))]
    kept = rng.sample(query, rng.randint(1, min(6, len(query))))
    listed = [name_gen.variant(w, rng) if rng.random() < 0.5 else w for w in kept]
    return NameKey(tuple(query)), NameKey(tuple(listed + [name_gen.word(rng) for _ in range(rng.randint(0, 2))]))


def _company_snapshot(directory: Path, names: list[str]) -> Snapshot:
    build_snapshot([Entity(id=f"e{i}", source="test", schema="Company", names=[n]) for i, n in enumerate(names)], directory, [])
    return Snapshot(directory)


def test_max_ratio_of_two_names_is_the_maximum_over_one_to_one_pairings():
    rng = random.Random(12)
    for _ in range(300):
        terms = [(rng.uniform(0.6, 1.0), lo, lo * rng.choice([1.0, 2.0])) for lo in
                 (rng.uniform(0.5, 3.0) for _ in range(rng.randint(2, 6)))]
        split = rng.randint(1, len(terms) - 1)
        most = min(split, len(terms) - split)
        fixed, cost = rng.choice([0.0, rng.uniform(0.5, 4.0)]), rng.choice([0.3, 0.7, 1.5])
        best = 0.0
        for chosen in itertools.product((None, "lo", "hi"), repeat=len(terms)):
            if sum(map(bool, chosen[:split])) > most or sum(map(bool, chosen[split:])) > most:
                continue
            num = sum(s * (lo if c == "lo" else hi) for (s, lo, hi), c in zip(terms, chosen) if c)
            den = sum((lo if c == "lo" else hi) if c else cost * lo for (s, lo, hi), c in zip(terms, chosen)) + cost * fixed
            best = max(best, num / den)
        assert best - 1e-12 <= max_ratio(terms, fixed, cost, split) <= best + 1e-9


def test_the_tight_bound_holds_for_long_queries_and_repeated_words():
    rng = random.Random(13)
    for _ in range(1500):
        query, listed = _long_pair(rng)
        for schema in (None, *SCHEMAS):
            exact = compare_names(query, listed, schema=schema)
            assert QueryBound(query).upper(listed, schema) >= exact, (query, listed, schema)


def test_the_loose_bound_holds_for_long_queries_and_numbers(tmp_path):
    rng = random.Random(14)
    pairs = [_long_pair(rng) for _ in range(800)]
    entities = [Entity(id=f"n-{i}-{schema}", source="test", schema=schema, names=[" ".join(listed.tokens)])
                for i, (_, listed) in enumerate(pairs) for schema in SCHEMAS]
    build_snapshot(entities, tmp_path, [])
    snapshot = Snapshot(tmp_path)
    entity = np.asarray(snapshot._name_entity)
    checked = 0
    for i, (query, _) in enumerate(pairs):
        loose = LooseQuery(query, snapshot.vocab)
        if not loose.usable:
            continue
        names = np.flatnonzero((entity == 2 * i) | (entity == 2 * i + 1)).astype(np.int32)
        for name, upper in zip(names.tolist(), loose_upper(loose, names, MATCH_THRESHOLD)):
            row = snapshot.entity_of(name)
            exact = compare_names(query, snapshot.listed_name(name), schema=snapshot.schema(row))
            assert upper >= exact, (query, snapshot.listed_name(name), snapshot.schema(row), upper, exact)
            checked += 1
    assert checked > 1000


def test_one_word_repeated_is_ruled_out_against_a_name_with_it_once(tmp_path):
    """Each "ivan" pairs once: the other 31 are left, which both bounds see (they did not)."""
    query, listed = NameKey(("ivan",) * MAX_QUERY_WORDS), name_key("Ivan Petrov")
    assert compare_names(query, listed, schema="Person") < MATCH_THRESHOLD
    assert QueryBound(query).upper(listed, "Person") < MATCH_THRESHOLD
    build_snapshot([Entity(id="p", source="test", schema="Person", names=["Ivan Petrov"])], tmp_path, [])
    snapshot = Snapshot(tmp_path)
    [upper] = loose_upper(LooseQuery(query, snapshot.vocab), np.array([0], dtype=np.int32), MATCH_THRESHOLD)
    assert upper < MATCH_THRESHOLD


@pytest.fixture(scope="module")
def han_snapshot(tmp_path_factory) -> Snapshot:
    """Chinese company names of common characters, as the bundled lists have them."""
    rng = random.Random(15)
    chars = "中国华电子科技集团有限公司北京上海深圳航空工业研究所机械进出口贸易发展"
    names = ["".join(rng.choice(chars) for _ in range(rng.randint(4, 10))) for _ in range(400)]
    directory = tmp_path_factory.mktemp("han")
    return _company_snapshot(directory, names)


def test_a_name_of_300_chinese_characters_is_bounded_in_c_and_compared_with_nothing(han_snapshot, monkeypatch):
    """300 characters would be 300 words once transliterated, sharing syllables with every listed
    name: the word is read no further than MAX_HAN_READ characters, and the loose bound rules
    every candidate out."""
    calls = {"upper": 0, "compare": 0}

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(name_bound.QueryBound, "upper", counted("upper", name_bound.QueryBound.upper))
    monkeypatch.setattr(resolve, "compare_names", counted("compare", resolve.compare_names))
    rng = random.Random(16)
    chars = "中国华电子科技集团有限公司北京上海深圳航空工业研究所机械进出口贸易发展"
    for _ in range(5):
        name = "".join(rng.choice(chars) for _ in range(300))
        assert len(name_key(name).tokens) <= MAX_HAN_READ
        assert len(han_snapshot.candidate_names(NameKey(name_key(name).tokens[:MAX_QUERY_WORDS]))) > 0
        assert resolve.Resolver(han_snapshot, MATCH_THRESHOLD).by_name(name, None) is None
    assert calls == {"upper": 0, "compare": 0}


def test_a_long_query_is_matched_on_its_first_words_and_exactly_on_all(tmp_path):
    syllables = map("".join, itertools.product("bdfgklmnprstz", "aeiou"))
    words = [w for w in syllables if name_key(f"zorblax {w}").tokens == ("zorblax", w)][: MAX_QUERY_WORDS + 8]  # kept words
    listed = [" ".join(words), " ".join(words[:MAX_QUERY_WORDS]) + " extra"]
    snapshot = _company_snapshot(tmp_path, listed)
    exact = resolve.Resolver(snapshot, MATCH_THRESHOLD).by_name(" ".join(words), None)
    assert exact.score == 1.0 and exact.matched == " ".join(words)  # every word: the exact index
    fuzzy = resolve.Resolver(snapshot, MATCH_THRESHOLD).by_name(" ".join(words[:-1]), None)  # only its first words compared
    assert fuzzy is not None and fuzzy.matched == listed[1]
