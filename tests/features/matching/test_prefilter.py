"""The resolver's loose bound (`features.matching.prefilter`) is never below `compare_names`, prunes
what cannot match, and reads the snapshot's vocabulary (`features.matching.vocab`) right.

Soundness is checked on random names built to hit every rule (`tests.features.matching.name_gen`) and
on the nomenklatura bench's real pairs, each listed name in a snapshot as a person's and as a
company's. That resolution with it is unchanged is `test_bound`'s last test.
"""

from __future__ import annotations

import random
import struct
from pathlib import Path

import numpy as np
import pytest

from features.lists.entities import Entity
from features.matching._prefilter import distance
from features.matching.evaluate import read_pairs
from features.matching.names import NameKey, _weight, compare_names, name_ids, name_key, skeleton
from features.matching.prefilter import LooseQuery, loose_upper
from features.matching.rules import DIFFERENT_NUMBERS, MATCH_THRESHOLD, ONE_SIDED_NUMBERS
from features.matching.skeletons import listed_skeletons, parse
from features.matching.vocab import (ALL_VOWELLESS, DIGITS, ENDS_SUFFIXED, GENERIC, JOINED_NAMED, NAMED, NUMBERED,
                                     PERSON, ROMAN, SUFFIXED, VOWELLESS, word_flags)
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.features.matching import name_gen

BENCH = (Path(__file__).resolve().parents[3] / "../shared/data/external/name-matching/nomenklatura_name_bench_cases.csv").resolve()
SCHEMAS = ("Person", "Company")


def _snapshot(directory: Path, listed: list[str]) -> Snapshot:
    """Each listed name twice: as a person's (even rows) and as a company's (odd rows)."""
    entities = [Entity(id=f"n-{i}-{schema}", source="test", schema=schema, names=[name])
                for i, name in enumerate(listed) for schema in SCHEMAS]
    build_snapshot(entities, directory, [])
    return Snapshot(directory)


def _names_of(snapshot: Snapshot, row: int) -> np.ndarray:
    return np.flatnonzero(np.asarray(snapshot._name_entity) == row).astype(np.int32)


def _check_pairs(snapshot: Snapshot, pairs: list[tuple[str, int]]) -> int:
    """Check the bound of each (query, listed index) pair; return how many it ruled out."""
    pruned = 0
    for query, i in pairs:
        key = name_key(query)
        loose = LooseQuery(key, snapshot.vocab)
        if not loose.usable:
            continue
        for row in (2 * i, 2 * i + 1):
            names = _names_of(snapshot, row)
            bounds = loose_upper(loose, names, MATCH_THRESHOLD)
            for name, bound in zip(names.tolist(), bounds):
                exact = compare_names(key, snapshot.listed_name(name), schema=snapshot.schema(row))
                assert bound >= exact, (query, snapshot.listed_name(name), snapshot.schema(row), bound, exact)
                pruned += bound < MATCH_THRESHOLD
    return pruned


def test_loose_bound_is_never_below_the_score_on_random_names(tmp_path):
    rng = random.Random(20261124)
    pairs = [name_gen.pair(rng) for _ in range(2500)]
    snapshot = _snapshot(tmp_path, [" ".join(listed.tokens) for _, listed in pairs])
    pruned = _check_pairs(snapshot, [(" ".join(query.tokens), i) for i, (query, _) in enumerate(pairs)])
    assert pruned > 1000  # and it does rule names out


def test_loose_bound_on_the_nomenklatura_bench_pairs(tmp_path):
    if not BENCH.exists():
        pytest.skip(f"{BENCH} not available")
    pairs = [(a, b) for _, name1, name2, _ in read_pairs(BENCH) for a, b in ((name1, name2), (name2, name1))]
    snapshot = _snapshot(tmp_path, [b for _, b in pairs])
    _check_pairs(snapshot, [(a, i) for i, (a, _) in enumerate(pairs)])


def _osa(a: str, b: str) -> int:
    """Optimal string alignment distance, by the textbook's table."""
    d = [[i + j if not i or not j else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def test_both_distances_are_the_optimal_string_alignment():
    """The bit-parallel distance (words of up to 64 letters) and the table (any length), up to
    `most`, on words of few letters (many swaps and repeats) and of many, 64 and 65 included."""
    rng = random.Random(11)
    for n in range(4000):
        letters = "ab" if n % 3 == 0 else "abcdefghijklmnopqrstuvwxyz"
        size = 70 if n % 10 == 0 else 9
        a = "".join(rng.choice(letters) for _ in range(rng.randint(1, size)))
        b = "".join(rng.choice(letters) for _ in range(rng.randint(0, size)))
        exact, most = _osa(a, b), rng.randint(0, 12)
        for bit_parallel in (True, False) if len(a) <= 64 else (False,):
            got = distance(a, b, most, bit_parallel)
            assert got == exact if exact <= most else got > most, (a, b, most, bit_parallel)
    assert distance("a" * 64, "a" * 63 + "b", 5, True) == 1
    with pytest.raises(ValueError):
        distance("a" * 65, "a", 5, True)


def test_loose_bound_prunes_a_name_sharing_one_word(tmp_path):
    snapshot = _snapshot(tmp_path, ["Galvora Marrow Shipping", "Galvora Kestrel Trading LLC"])
    loose = LooseQuery(name_key("Galvora Kestrel Trading"), snapshot.vocab)
    company = np.array([1, 3])  # the two names as companies' (see _snapshot)
    names = np.concatenate([_names_of(snapshot, row) for row in company])
    bounds = loose_upper(loose, names, MATCH_THRESHOLD)
    assert bounds[0] < MATCH_THRESHOLD <= bounds[1]


def test_numbers_are_compared_first_as_compare_names_does(tmp_path):
    snapshot = _snapshot(tmp_path, ["DA Group 22", "Fund IV", "DA Group", "22"])
    names = np.concatenate([_names_of(snapshot, row) for row in (1, 3, 5, 7)])  # as companies'
    numbered = loose_upper(LooseQuery(name_key("DA Group 23"), snapshot.vocab), names, MATCH_THRESHOLD)
    plain = loose_upper(LooseQuery(name_key("DA Group"), snapshot.vocab), names, MATCH_THRESHOLD)
    # other numbers; on one side only
    assert numbered[0] == pytest.approx(DIFFERENT_NUMBERS) and numbered[2] == plain[0] == pytest.approx(ONE_SIDED_NUMBERS)
    assert plain[2] >= 1.0 and np.isinf(numbered[3]) and np.isinf(plain[3])  # a name of numbers alone is not bounded
    assert not LooseQuery(name_key("23"), snapshot.vocab).usable


def test_vocabulary_matches_the_names(tmp_path):
    listed = ["Nebesnaya Mekhanika", "Ivan Petrovich Ivanov", "DA Group 22", "Fund IV", "Mhmmd Trading", "Aspan Arba",
              "Abdul Rahman", "Ivan"]
    snapshot = _snapshot(tmp_path, listed)
    vocab = snapshot.vocab
    records, offsets, words, word_offsets = vocab.arrays[:4]
    for name in range(len(snapshot._name_entity)):
        key = snapshot.listed_name(name)
        count, length, joined_skeleton, bits, *ids = records[offsets[name]: offsets[name + 1]].tolist()
        assert count == len(ids) and [vocab.words[i] for i in ids] == list(key.tokens)
        for i in ids:
            record = bytes(words[word_offsets[i]: word_offsets[i + 1]])
            word_length, skeleton_length, flags, count = struct.unpack("<HHBB", record[:6])
            spelled = (vocab.words[i] + vocab.skeletons[i]).encode()
            assert record[6: 6 + len(spelled)] == spelled and flags == word_flags(vocab.words[i])
            assert (word_length, skeleton_length) == (len(vocab.words[i]), len(vocab.skeletons[i]))
            assert record[6 + len(spelled):] == vocab.coded_ids(vocab.words[i]) and count == len(name_ids(vocab.words[i]))
        schema = snapshot.schema(int(snapshot._name_entity[name]))
        assert length == len("".join(key.tokens))
        if not bits & NUMBERED:
            assert joined_skeleton == len(parse(listed_skeletons(key.tokens, schema))[1])
        assert bool(bits & ALL_VOWELLESS) == all(word_flags(t) & VOWELLESS for t in key.tokens)
        assert bool(bits & NUMBERED) == any(word_flags(t) & (DIGITS | ROMAN) for t in key.tokens)
        assert bool(bits & ENDS_SUFFIXED) == bool(word_flags(key.tokens[-1]) & SUFFIXED)
        assert bool(bits & JOINED_NAMED) == bool(name_ids("".join(key.tokens)))
        assert bool(bits & PERSON) == (schema == "Person")
    flags = dict(zip(vocab.words, map(word_flags, vocab.words)))
    assert flags["22"] & DIGITS and flags["iv"] & ROMAN and flags["petrovich"] & SUFFIXED
    assert flags["mhmmd"] & VOWELLESS and flags["trading"] & GENERIC and flags["ivan"] & NAMED
    assert vocab.name_id_sets[vocab.index["ivan"]] and vocab.index["mekhanika"] not in vocab.name_id_sets


def test_query_words_the_vocabulary_has_are_read_from_it(tmp_path):
    snapshot = _snapshot(tmp_path, ["Ivan Trading"])
    vocab = snapshot.vocab
    assert vocab.name_ids("ivan") == name_ids("ivan") and vocab.name_ids("trading") == frozenset()
    assert vocab.weight("trading", False) == pytest.approx(_weight("trading", False)) == pytest.approx(7 ** 0.5 / 2)
    assert vocab.skeleton("ivan") == skeleton("ivan")
    assert "zorblax" not in vocab.index and vocab.skeleton("zorblax") == skeleton("zorblax")  # computed
    words, skeletons, flags, named, person, company = LooseQuery(NameKey(("ivan", "trading", "zorblax")), vocab).person.arrays[:6]
    assert skeletons == [skeleton(t) for t in words] and named == list(map(vocab.coded_ids, words))
    assert flags == list(map(word_flags, words))
    ids, codes = list(vocab.id_codes), struct.unpack(f"<{len(named[0]) // 4}I", named[0])
    assert {ids[c] for c in codes} == name_ids("ivan") and named[1] == b""
    assert company[1] == pytest.approx(7 ** 0.5 / 2) and person[1] == pytest.approx(7 ** 0.5)


def test_damaged_records_are_refused_not_read_past(tmp_path):
    snapshot = _snapshot(tmp_path, ["Galvora Marrow Shipping"])
    vocab = snapshot.vocab
    loose = LooseQuery(name_key("Galvora Kestrel"), vocab)
    records, offsets, words, word_offsets, lines, line_offsets = vocab.arrays
    names = _names_of(snapshot, 1)
    bad_ids = records.copy()
    bad_ids[offsets[names[0]] + 4] = 10_000  # a word id past the vocabulary
    bad_words = np.array(word_offsets)
    bad_words[-1] += 100  # the last word record past the end of the blob
    for arrays in ((bad_ids, offsets, words, word_offsets, lines, line_offsets),
                   (records, offsets, words, bad_words, lines, line_offsets)):
        vocab.arrays = arrays
        with pytest.raises(ValueError, match="out of range"):
            loose_upper(loose, names, MATCH_THRESHOLD)
    vocab.arrays = (records, offsets, words, word_offsets, lines, line_offsets)
    with pytest.raises(ValueError, match="out of range"):  # a name past the snapshot's
        loose_upper(loose, np.array([10_000], dtype=np.int32), MATCH_THRESHOLD)
