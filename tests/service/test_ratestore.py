"""The rate-limit counters without Redis: limits' own semantics, shared through one file by every
process of a server (forked workers included) and kept when one restarts."""

import multiprocessing
import os
import sqlite3
import time

from limits import RateLimitItemPerSecond, RateLimitItemPerMinute
from limits.strategies import FixedWindowRateLimiter

from service.ratestore import SharedFileStorage


def test_counts_and_refuses_like_limits_memory_storage(tmp_path):
    limiter = FixedWindowRateLimiter(SharedFileStorage(path=str(tmp_path / "counters")))
    item = RateLimitItemPerSecond(2)
    assert [limiter.hit(item, "key") for _ in range(3)] == [True, True, False]
    assert limiter.hit(item, "other")
    stats = limiter.get_window_stats(item, "key")
    assert stats.remaining == 0 and time.time() < stats.reset_time <= time.time() + 1


def test_a_window_past_its_expiry_starts_again(tmp_path):
    storage = SharedFileStorage(path=str(tmp_path / "counters"))
    assert [storage.incr("key", expiry=0.05) for _ in range(2)] == [1, 2]
    time.sleep(0.1)
    assert storage.get("key") == 0 and storage.incr("key", expiry=0.05) == 1


def test_processes_share_the_counters_and_a_new_one_keeps_them(tmp_path):
    path = str(tmp_path / "counters")
    storage = SharedFileStorage(path=path)
    item = RateLimitItemPerMinute(3)
    limiter = FixedWindowRateLimiter(storage)
    assert limiter.hit(item, "key")
    pid = os.fork()
    if pid == 0:  # a forked worker: its own connection, the same counters
        os._exit(0 if limiter.hit(item, "key") else 1)
    assert os.waitpid(pid, 0)[1] == 0
    restarted = FixedWindowRateLimiter(SharedFileStorage(path=path))
    assert restarted.hit(item, "key") and not restarted.hit(item, "key") and not limiter.hit(item, "key")


def test_clear_and_reset(tmp_path):
    storage = SharedFileStorage(path=str(tmp_path / "counters"))
    storage.incr("a", expiry=60)
    storage.incr("b", expiry=60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1 and storage.check()
    assert storage.reset() == 1 and storage.get("b") == 0


def _count_twenty(path: str, barrier, results) -> None:
    storage = SharedFileStorage(path=path)
    barrier.wait()  # both workers open the file at once, as two gunicorn workers' first requests do
    try:
        for _ in range(20):
            storage.incr("key", 60)
        results.put("ok")
    except sqlite3.Error as exc:
        results.put(repr(exc))


def test_two_workers_opening_the_file_at_once_both_count(tmp_path):
    """Switching a new file to WAL fails at once in one of two racing connections ("database is
    locked", no busy wait): the limiter would then count that worker in its memory."""
    context = multiprocessing.get_context("fork")
    for trial in range(15):
        path = str(tmp_path / f"race-{trial}.sqlite")
        barrier, results = context.Barrier(2), context.Queue()
        workers = [context.Process(target=_count_twenty, args=(path, barrier, results)) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        assert [results.get(timeout=5), results.get(timeout=5)] == ["ok", "ok"], trial
        assert SharedFileStorage(path=path).get("key") == 40
