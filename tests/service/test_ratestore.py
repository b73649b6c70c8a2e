"""The in-process rate-limit counters: limits' own semantics, one sweeper thread, no thread per hit."""

import os
import threading
import time

from limits import RateLimitItemPerSecond
from limits.strategies import FixedWindowRateLimiter

from service import ratestore
from service.ratestore import SweptMemoryStorage


def test_counts_and_refuses_like_limits_memory_storage():
    limiter = FixedWindowRateLimiter(SweptMemoryStorage())
    item = RateLimitItemPerSecond(2)
    assert [limiter.hit(item, "key") for _ in range(3)] == [True, True, False]
    assert limiter.hit(item, "other")


def test_many_hits_start_no_thread(monkeypatch):
    limiter = FixedWindowRateLimiter(SweptMemoryStorage())
    item = RateLimitItemPerSecond(10**6)
    started = []
    start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread) or start(thread))
    for _ in range(50):
        limiter.hit(item, "key")
        time.sleep(0.002)  # past limits' 10 ms timer now and then, which would start a new one
    assert started == []


def test_the_sweeper_drops_expired_counters(monkeypatch):
    monkeypatch.setattr(ratestore, "SWEEP_SECONDS", 0.05)
    storage = SweptMemoryStorage()
    storage.incr("key", expiry=0.01)
    deadline = time.monotonic() + 5
    while storage.storage and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not storage.storage and not storage.expirations


def test_a_forked_child_has_its_own_sweeper():
    storage = SweptMemoryStorage()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether its sweeper runs, then leave without cleanup
        os.write(write, b"1" if storage.timer.is_alive() and storage.timer.ident != threading.main_thread().ident else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
