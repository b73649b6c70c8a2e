"""Rate-limit counters shared by the workers of a server without Redis: a SQLite file in the home.

limits' `memory://` counts in each process: with two gunicorn workers a limit of 20 let 40
requests through, and a restarted worker counted from zero again. limits has no file storage, so
this is one: flask-limiter's fixed-window counters (one row per API key and limit) in one table,
each hit one UPSERT. WAL and no fsync: counters need sharing and to outlive a worker, not to
survive a power loss. Replicas on several hosts share a limit only through Redis.

The connection is opened in the process that first counts, never before a fork (a preloading
gunicorn master counts nothing): a SQLite connection must not be used on both sides of one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time

from limits.storage import Storage

SCHEMA = "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
# A counter past its window starts again at this hit, as limits' memory storage does.
INCR = """INSERT INTO counters (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
    expires = CASE WHEN expires <= :now THEN :now + :expiry ELSE expires END
RETURNING count"""
BUSY_SECONDS = 5.0  # how long a counter waits for the other workers' writes


class SharedFileStorage(Storage):
    """limits storage `diversion-risk-file://` with the option `path`, the SQLite file."""

    STORAGE_SCHEME = ["diversion-risk-file"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, path: str = "", **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = path
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid: int | None = None

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _execute(self, sql: str, parameters: dict) -> list[tuple]:
        with self._lock:
            if self._pid != os.getpid():
                self._connection = self._connect()
                self._pid = os.getpid()
            return self._connection.execute(sql, parameters).fetchall()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False)
        # Two workers opening the file at once: switching it to WAL fails at once with "database
        # is locked", without the busy timeout (seen in 6 of 40 such races), and the limiter then
        # counts in each worker's memory. Tried again until the timeout, as the busy handler would.
        deadline = time.monotonic() + BUSY_SECONDS
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute(SCHEMA)
        # Rows are reused per key, so the table holds one per key ever counted; drop the expired.
        connection.execute("DELETE FROM counters WHERE expires <= ?", (time.time(),))
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        return self._execute(INCR, {"key": key, "amount": amount, "now": time.time(), "expiry": expiry})[0][0]

    def get(self, key: str) -> int:
        rows = self._execute("SELECT count FROM counters WHERE key = :key AND expires > :now",
                             {"key": key, "now": time.time()})
        return rows[0][0] if rows else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        rows = self._execute("SELECT expires FROM counters WHERE key = :key AND expires > :now", {"key": key, "now": now})
        return rows[0][0] if rows else now

    def check(self) -> bool:
        try:
            self._execute("SELECT 1", {})
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int:
        return len(self._execute("DELETE FROM counters RETURNING key", {}))

    def clear(self, key: str) -> None:
        self._execute("DELETE FROM counters WHERE key = :key", {"key": key})
