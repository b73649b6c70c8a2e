"""Long-lived objects kept out of the cyclic collector's walks, and garbage still freed."""

import gc
import weakref

import pytest

from features.bulk import FULL_EVERY, collect_when_due, defer_full_collections, freeze_long_lived, gc_paused


class _Node:
    pass


def test_freezing_keeps_what_lives_and_frees_frozen_cycles_later():
    node = _Node()
    node.self = node  # a cycle: only the cyclic collector frees it
    dead = weakref.ref(node)
    freeze_long_lived()
    assert gc.get_freeze_count() > 0
    del node
    gc.collect()
    assert dead() is not None  # frozen: out of the collector's reach
    freeze_long_lived()  # e.g. after the next switch of snapshot or model
    assert dead() is None


def test_pausing_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.fixture
def thresholds():
    saved = gc.get_threshold()
    yield
    gc.set_threshold(*saved)


def test_deferred_full_collections_run_only_when_asked(thresholds):
    defer_full_collections()
    full = []
    def count(phase, info):
        if phase == "stop" and info["generation"] == 2:
            full.append(info)
    gc.callbacks.append(count)
    try:
        cycles = []
        for _ in range(50 * gc.get_threshold()[0] * gc.get_threshold()[1]):  # many generation-1 collections
            node = _Node()
            node.self = node
            cycles.append(node)
        assert gc.get_count()[2] >= FULL_EVERY and not full  # due, but none ran by itself
        collect_when_due()
        assert len(full) == 1 and gc.get_count()[2] == 0
        collect_when_due()  # not due again
        assert len(full) == 1
    finally:
        gc.callbacks.remove(count)
