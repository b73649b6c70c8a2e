"""Per-process rate-limit counters without a thread per request.

limits' `memory://` storage expires its counters from a `threading.Timer` that lives 10 ms and is
started again by the next hit once it has run: under load that is a new thread every 10 ms per
worker, each start costing about a millisecond of a worker's time with the thread handshake.
Hand-written, because limits has no other in-process storage: the same counters, kept in one
long-lived sweeper thread per process (restarted in a forked gunicorn worker), which limits sees
as its timer and so never replaces.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from functools import partial

from limits.storage import MemoryStorage

SWEEP_SECONDS = 1.0  # a fixed-window counter past its expiry is dropped on its next read anyway


class SweptMemoryStorage(MemoryStorage):
    """`memory://` with expired counters dropped by one sweeper thread; `swept-memory://`."""

    STORAGE_SCHEME = ["swept-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._start_sweeper()
        os.register_at_fork(after_in_child=partial(_restart, weakref.ref(self)))

    def _start_sweeper(self) -> None:
        self.timer = threading.Thread(target=_sweep, args=(weakref.ref(self),), name="rate-limit-sweeper", daemon=True)
        self.timer.start()


def _restart(ref: weakref.ref) -> None:
    """In a forked child: the parent's sweeper thread is not there, start the child's own."""
    storage = ref()
    if storage is not None:
        storage._start_sweeper()


def _sweep(ref: weakref.ref) -> None:
    """Drop expired counters every `SWEEP_SECONDS` until the storage is gone. `get` is the
    storage's own way to drop a fixed-window counter (the limiter's strategy) past its expiry."""
    while True:
        time.sleep(SWEEP_SECONDS)
        storage = ref()
        if storage is None:
            return
        for key in list(storage.expirations):
            storage.get(key)
        del storage
