"""Building millions of long-lived objects (a registry's entities and links, a snapshot's rows).

Python's cyclic garbage collector runs after every few hundred allocations and, as the heap
grows, walks all of it again and again: measured on a 200,000-entity build, it took half the
main process's CPU time while reading (4.6 of 9.0 s) and a quarter of the parsing workers'.
These objects form no reference cycles, and what the build throws away is freed by reference
counting, so the collector is paused for the build.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (nor in processes forked inside it); the
    collector's state is restored after, so blocks nest."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze_long_lived() -> None:
    """Take every object alive now out of the cyclic collector's reach (`gc.freeze`), after a
    full collection that also frees whatever an earlier call froze and has since become garbage.

    For a process once it has loaded what it keeps for its life (rigour's name data, the
    reference tables, a snapshot, a model), and again after switching to a new snapshot or model:
    Python's full collections would otherwise walk those millions of objects again and again
    (measured: the in-process scoring batch ran at less than half its rate), and in forked
    gunicorn workers, touching them copies the pages they share with the master.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def freeze_after_full_collections() -> None:
    """After every full collection, freeze what survived it (`gc.freeze`), so the next one walks
    only what was made since.

    A serving process keeps growing long-lived objects after it has loaded (the memos of
    resolved names, up to their bounds); unfrozen, each full collection walks all of them again,
    a pause of hundreds of milliseconds that lands on whichever request runs. What survived a
    full collection was alive then; should some of it later become cyclic garbage it stays until
    `freeze_long_lived` next collects everything (on each switch of snapshot or model), the price
    of pauses that stay short. Installed once per process (forked workers inherit it)."""
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


# gen1 collections between two full ones: CPython's default third threshold.
FULL_EVERY = 10


def defer_full_collections() -> None:
    """No automatic full collection in this process: `collect_when_due` runs them, between two
    requests, so none lands inside one.

    For a gunicorn worker (installed after the fork; `collect_when_due` runs after each request
    has been answered): even frozen survivors leave a full collection of a warmed worker some
    50 ms of walking, which would fall on whichever shipment was being scored. Young collections
    (generations 0 and 1) still run as usual inside requests; they walk only new objects."""
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 2**30)


def collect_when_due() -> None:
    """The full collection CPython would have run by now, if it is due (after `FULL_EVERY`
    collections of generation 1), its survivors frozen when `freeze_after_full_collections` is on."""
    if gc.get_count()[2] >= FULL_EVERY:
        gc.collect()


def _freeze_survivors(phase: str, info: dict) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()
