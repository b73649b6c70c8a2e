"""Long-lived objects kept out of the cyclic collector's walks, and garbage still freed."""

import gc
import weakref

from features.bulk import freeze_long_lived, gc_paused


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
