"""Blocking candidates (`_blocking.select_names`): the names sharing the most keys, rarer keys
bringing them, ties to the lower name index; against a plain-Python statement of the rule. And
the lookup of one key (`_blocking.find`, `_blocking.locate`), and the query's keys as the snapshot
locates them, with its common keys' bitmaps as the build writes them."""

from __future__ import annotations

import random

import numpy as np
import pytest

from features.hashing import keys64
from features.lists.entities import Entity
from features.matching._blocking import find, locate, select_names
from features.matching.names import NameKey, name_key, query_block_keys
from features.snapshot import build as snapshot_build
from features.snapshot import reader as snapshot_module
from features.snapshot.build import build_snapshot
from features.snapshot.reader import Snapshot
from tests.features.matching import name_gen


def _index(postings: dict[int, list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keys = np.array(sorted(postings), dtype=np.uint64)
    lists = [sorted(postings[int(k)]) for k in keys]
    offsets = np.concatenate(([0], np.cumsum([len(p) for p in lists]))).astype(np.int64)
    return keys, offsets, np.array([n for p in lists for n in p], dtype=np.int32)


def _reference(postings: dict[int, list[int]], query: list[int], max_posting: int, limit: int) -> list[int]:
    found = sorted((sorted(postings[h]) for h in query if h in postings), key=len)
    rare = [p for p in found if len(p) <= max_posting]
    common = [p for p in found if len(p) > max_posting]
    if not rare and common:
        rare, common = [common[0][:max_posting]], common[1:]
    brought = sorted({n for p in rare for n in p})
    count = {n: sum(n in p for p in rare + common) for n in brought}
    return sorted(sorted(brought, key=lambda n: (-count[n], n))[:limit])


def _bitmaps(keys: np.ndarray, offsets: np.ndarray, items: np.ndarray, which: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """The postings of keys `which` (indices) as bitmaps, as `snapshot_build._bitmaps` writes them."""
    size = int(items.max(initial=0)) + 1
    bits = np.zeros((len(which), (size + 63) // 64 * 64), dtype=bool)
    for row, key in enumerate(which):
        bits[row, items[offsets[key]: offsets[key + 1]]] = True
    return np.array(which, dtype=np.int64), np.packbits(bits, axis=1, bitorder="little").view("<u8")


def _located(keys: np.ndarray, query: list[int]) -> np.ndarray:
    """The query's keys as `select_names` takes them: where they are in the index, those it has."""
    return np.array([i for i in (locate(keys, k) for k in query) if i >= 0], dtype=np.int64)


def _select(postings, query, max_posting, limit, bitmapped=False) -> list[int]:
    """`select_names` on an index of `postings`, its lists longer than `max_posting` as bitmaps
    when `bitmapped`."""
    keys, offsets, items = _index(postings)
    which = np.flatnonzero(np.diff(offsets) > max_posting).tolist() if bitmapped else []
    raw = select_names(offsets, items, *_bitmaps(keys, offsets, items, which), _located(keys, query), max_posting, limit)
    return np.frombuffer(raw, dtype=np.int32).tolist()


@pytest.mark.parametrize("bitmapped", [False, True])
def test_the_names_sharing_most_keys_ties_to_the_lower_index(bitmapped):
    postings = {10: [1, 2, 3, 4], 20: [3, 4, 5], 30: [4, 9], 40: list(range(100))}
    assert _select(postings, [10, 20, 30, 99], 50, 2, bitmapped) == [3, 4]  # 4: three keys, 3: two, before 5
    # 40 is common: it brings no name, but counts for those the others bring.
    assert _select(postings, [10, 40], 50, 2, bitmapped) == [1, 2]
    assert _select(postings, [20, 40, 30], 50, 1, bitmapped) == [4]


@pytest.mark.parametrize("bitmapped", [False, True])
def test_when_every_key_is_common_the_shortest_brings_its_first_names(bitmapped):
    postings = {1: list(range(0, 300, 2)), 2: list(range(0, 300, 3))}
    assert _select(postings, [1, 2], 50, 3, bitmapped) == [0, 6, 12]  # in the first 50 of key 2's list, also in key 1's
    assert _select(postings, [7], 50, 3, bitmapped) == []


def test_random_indexes_against_the_rule():
    rng = random.Random(4)
    for _ in range(300):
        postings = {k: rng.sample(range(400), rng.randint(1, 120)) for k in rng.sample(range(1, 60), rng.randint(1, 12))}
        query = rng.sample(range(1, 70), rng.randint(1, 8))
        max_posting, limit = rng.choice([20, 60, 1000]), rng.choice([1, 5, 25])
        expected = _reference(postings, query, max_posting, limit)
        assert _select(postings, query, max_posting, limit) == expected
        assert _select(postings, query, max_posting, limit, bitmapped=True) == expected


def test_bad_arguments_are_refused():
    keys, offsets, items = _index({1: [1]})
    none = _bitmaps(keys, offsets, items, [])
    with pytest.raises(ValueError):
        select_names(offsets, items, *none, np.array([0], dtype=np.int64), 10, 0)
    with pytest.raises(ValueError):
        select_names(offsets, items, *none, b"123", 10, 5)  # not whole int64 values
    with pytest.raises(ValueError, match="out of range"):
        select_names(offsets, items, *none, np.array([1], dtype=np.int64), 10, 5)  # the index has one key


def test_a_damaged_index_is_refused_not_read_past():
    keys, offsets, items = _index({1: [1, 2, 3], 2: [70, 71]})
    query = np.array([0, 1], dtype=np.int64)
    with pytest.raises(ValueError, match="out of range"):
        select_names(np.array([0, 99, 99], dtype=np.int64), items, *_bitmaps(keys, offsets, items, []), query, 10, 5)
    which, bitmaps = _bitmaps(keys, offsets, items, [0, 1])
    with pytest.raises(ValueError, match="out of range"):  # name 70 past a bitmap of 64 names
        select_names(offsets, items, which, bitmaps[:, :1].copy(), query, 1, 5)
    with pytest.raises(ValueError, match="equal length"):
        select_names(offsets, items, which, bitmaps.ravel()[:3].copy(), query, 1, 5)
    for key in (-1, 2, 2**63 - 1):  # no such key: not read before or past the offsets
        with pytest.raises(ValueError, match="out of range"):
            select_names(offsets[1:], items, which, bitmaps, np.array([key], dtype=np.int64), 10, 5)


@pytest.mark.parametrize("spread", ["even", "clustered"])
def test_find_and_locate_a_key(spread):
    """Keys spread evenly, as hashes are, and bunched, where the search's first guess is far off."""
    rng = random.Random(5)
    values = range(1, 2**64 - 1, 2**40) if spread == "even" else range(2**63, 2**63 + 10_000, 2)
    postings = {k: list(range(rng.randint(1, 4))) for k in rng.sample(values, 200)}
    keys, offsets, items = _index(postings)
    for i, key in enumerate(keys.tolist()):
        assert find(keys, offsets, key) == (offsets[i], offsets[i + 1]) and locate(keys, key) == i
        assert find(keys, offsets, key + 1) == (0, 0) and locate(keys, key + 1) == -1  # between keys, or past the last
    assert find(keys, offsets, 0) == (0, 0) == find(keys, offsets, 2**64 - 1) == find(keys[:0], offsets[:1], 7)
    with pytest.raises(ValueError, match="out of range"):
        find(keys, offsets[:1], int(keys[0]))


def test_a_query_has_the_keys_of_query_block_keys(tmp_path):
    """`Snapshot.block_positions` builds them from each word's, as the vocabulary keeps them,
    whether it has the word or not: the keys of `names.query_block_keys`, a name of short words
    and numbers included (its tokens are its keys)."""
    rng = random.Random(6)
    pairs = [name_gen.pair(rng) for _ in range(300)]
    listed = [Entity(id=f"e{i}", source="test", schema="Company", names=[" ".join(b.tokens)]) for i, (_, b) in enumerate(pairs)]
    build_snapshot(listed + [Entity(id="short", source="test", schema="Company", names=["22 A"])], tmp_path, [])
    snapshot = Snapshot(tmp_path)
    queries = [key for pair in pairs for key in pair] + [NameKey(("22", "a")), NameKey(("x",))]
    index = snapshot._block[0]
    for key in queries:
        assert snapshot.block_positions(key).tolist() == sorted(_located(index, keys64(list(query_block_keys(key, snapshot.vocab.index.__contains__))).tolist()).tolist())
    assert len(snapshot.block_positions(NameKey(("22", "a")))) == 2


def test_common_keys_bitmaps_as_built_count_as_their_lists(tmp_path, monkeypatch):
    """With keys of more than 3 names common, the build writes their bitmaps, and the candidates
    are those the same index gives without them (galloping through the lists)."""
    monkeypatch.setattr(snapshot_build, "MAX_POSTING", 3)
    monkeypatch.setattr(snapshot_module, "MAX_POSTING", 3)
    rng = random.Random(8)
    words = ["galvora", "kestrel", "marrow", "tenbury", "osprey", "quillon"]
    names = sorted({" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(60)})
    build_snapshot([Entity(id=f"e{i}", source="test", schema="Company", names=[n]) for i, n in enumerate(names)], tmp_path, [])
    snapshot = Snapshot(tmp_path)
    _, offsets, postings, bitmap_keys, bitmaps = snapshot._block
    assert len(bitmap_keys) == int((np.diff(offsets) > 3).sum()) > 0
    for row, key in enumerate(bitmap_keys.tolist()):
        bits = np.unpackbits(bitmaps[row].view(np.uint8), bitorder="little")
        assert np.flatnonzero(bits).tolist() == postings[offsets[key]: offsets[key + 1]].tolist()
    none = (np.zeros(0, np.int64), np.zeros((0, 0), np.uint64))
    for name in names:
        positions = snapshot.block_positions(name_key(name))
        plain = select_names(offsets, postings, *none, positions, 3, snapshot_module.CANDIDATES)
        assert snapshot.candidate_names(name_key(name)).tobytes() == plain
