"""Entity and link rows computed by forked workers are the ones a single process computes."""

import random

import numpy as np
import pytest

from features.lists import read_list
from features.lists.entities import LINK_TYPES, Entity, Link
from features.snapshot import graph
from features.snapshot import rows as snapshot_rows
from features.snapshot.build import collect
from tests.conftest import EXAMPLES


@pytest.fixture
def in_workers(monkeypatch):
    monkeypatch.setattr(snapshot_rows, "PARALLEL_FROM", 1)
    monkeypatch.setattr(snapshot_rows, "CHUNK", 2)
    monkeypatch.setattr(snapshot_rows.os, "cpu_count", lambda: 2)


@pytest.mark.parametrize("count", [1, 2, 7, 1001])
def test_link_rows_same_as_one_process(in_workers, count):
    rng = random.Random(count)
    row = {f"e{i}": i for i in range(50)}
    links = [Link(f"e{rng.randrange(60)}", f"e{rng.randrange(60)}", rng.choice(LINK_TYPES)) for _ in range(count)]
    parallel = snapshot_rows.link_rows(links, row)
    serial = graph.link_rows(links, row)
    assert all(np.array_equal(a, b) and a.dtype == b.dtype for a, b in zip(parallel[:3], serial[:3]))
    assert parallel[3] == serial[3]


def test_entity_rows_same_as_one_process(in_workers):
    entities, _ = collect(read_list(EXAMPLES / "network.ftm.jsonl"))
    entities += [Entity(f"x{i}", "Company", [f"ООО «Ромашка {i}»", "Дмитрий"], "t") for i in range(5)]
    parallel = list(snapshot_rows.all_rows(entities))
    assert len(parallel) > 1
    serial = snapshot_rows.entity_rows(entities, 0)
    for field in ("sanctioned", "incorporated", "name_entity", "exact_hash", "block_hash", "ident_hash", "held_hash"):
        assert np.array_equal(np.concatenate([getattr(c, field) for c in parallel]), getattr(serial, field)), field
    for field in ("records", "names", "countries", "held_labels"):
        assert b"".join(getattr(c, field)[0] for c in parallel) == getattr(serial, field)[0], field
