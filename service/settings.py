"""Every setting of the service, in one place, read from `DIVERSION_RISK_*` environment variables.

Secrets (database passwords in URLs, later API-key peppers) only ever come from the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from limits import parse_many

from features.matching.rules import MATCH_THRESHOLD

PREFIX = "DIVERSION_RISK_"
# Settings that, unset, fall back to the variable every hosting platform sets.
CONVENTIONAL = {"database_url": "DATABASE_URL", "redis_url": "REDIS_URL"}
SQLITE_SYNCHRONOUS = ("NORMAL", "FULL", "EXTRA")
_PARSERS = {"int": int, "float": float, "str": str, "Path": Path}


class SettingsError(ValueError):
    """A setting's value cannot be read; names the variable."""


@dataclass(frozen=True)
class Settings:
    home: Path = Path("var")  # lists snapshots, models, the database
    bind: str = "127.0.0.1:8000"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # gunicorn workers: one per core
    threads: int = 1  # per worker: 1 is gunicorn's sync worker, more its gthread worker (keeps connections alive)
    max_hops: int = 3  # links from a sanctioned entity that still count as linked
    match_threshold: float = MATCH_THRESHOLD  # name similarity at which a party resolves to a listed entity
    band_medium: float = 0.2  # calibrated probability from which a shipment is in band medium
    band_high: float = 0.5  # ... and in band high
    max_body_bytes: int = 10 * 1024 * 1024  # larger request bodies get 413 before they are read
    max_batch: int = 1000  # shipments per batch request
    max_batch_parties: int = 10_000  # parties in all the shipments of a batch request
    max_batch_name_chars: int = 300_000  # characters (NFKC) of their names, in all: resolving them is the work
    reload_interval: float = 1.0  # seconds between checks for a newly activated snapshot or model
    log_level: str = "INFO"
    # The decision store: a SQLAlchemy URL (e.g. postgresql+psycopg://user@host/db); empty means
    # the SQLite file <home>/diversion-risk.db. Falls back to the conventional DATABASE_URL.
    database_url: str = ""
    # How SQLite syncs a commit (see service/db.py): NORMAL survives process crashes, FULL power loss too.
    sqlite_synchronous: str = "NORMAL"
    # Rate-limit counters are shared through Redis when set (else kept per process); falls back to REDIS_URL.
    redis_url: str = ""
    rate_limit: str = "600/minute"  # per API key, across all keyed routes (flask-limiter notation)
    # Browser origins allowed to call the API (comma-separated, e.g. https://desk.example.com);
    # empty: CORS off, no Access-Control-* headers at all.
    cors_origins: str = ""
    # The sources `lists sync` downloads: a YAML file (service/sources_config.py); empty means the
    # one in the package, with the publishers' official addresses.
    sources: str = ""
    sync_timeout: float = 60.0  # seconds a download may stall (connect, read) before it is retried
    sync_retries: int = 4  # attempts per download (timeouts, refused connections, 5xx, 429)
    sync_backoff: float = 2.0  # seconds before the second attempt, doubling after (at most 60)
    sync_max_bytes: int = 4 << 30  # a larger download is refused (OpenSanctions' full default set is ~3 GB)
    idempotency_ttl: float = 86400.0  # seconds an Idempotency-Key's first response is replayed (then it may be reused)
    # Re-screening looks back this many days of recorded decisions (five years: the EAR's record-keeping period).
    rescreen_days: int = 1825
    webhook_timeout: float = 10.0  # seconds a webhook receiver may take to answer one delivery
    webhook_attempts: int = 8  # deliveries of one alert to one webhook before it is given up
    webhook_backoff: float = 30.0  # seconds before the second attempt, doubling after (at most a day)
    # The review pages (/ui): the key signing their session cookies (empty: a random one kept in
    # <home>/ui-secret, shared by every worker), how long a sign-in lasts, whether the cookie is
    # sent over HTTPS only (set 1 behind a TLS proxy), and from what age a source is shown as stale.
    secret_key: str = ""
    ui_session_hours: float = 8.0
    ui_secure_cookie: int = 0
    lists_stale_days: int = 14

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> Settings:
        """Settings from `DIVERSION_RISK_<NAME>` variables (e.g. DIVERSION_RISK_MAX_HOPS=2)."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(PREFIX + f.name.upper(), environ.get(CONVENTIONAL.get(f.name, "")))
            if raw is None:
                continue
            try:
                values[f.name] = _PARSERS[f.type](raw)
            except ValueError:
                raise SettingsError(f"{PREFIX}{f.name.upper()}={raw!r} is not a valid {f.type}") from None
        settings = cls(**{**values, **overrides})
        settings.check()
        return settings

    def check(self) -> None:
        if not 0 < self.band_medium < self.band_high < 1:
            raise SettingsError(f"{PREFIX}BAND_MEDIUM and {PREFIX}BAND_HIGH must satisfy 0 < medium < high < 1")
        if not 1 <= self.max_hops <= 6:
            raise SettingsError(f"{PREFIX}MAX_HOPS must be between 1 and 6 (snapshots keep 6)")
        if not 0 < self.match_threshold <= 1:
            raise SettingsError(f"{PREFIX}MATCH_THRESHOLD must be in (0, 1]")
        if self.sqlite_synchronous not in SQLITE_SYNCHRONOUS:
            raise SettingsError(f"{PREFIX}SQLITE_SYNCHRONOUS must be one of {', '.join(SQLITE_SYNCHRONOUS)}")
        if self.sync_timeout <= 0 or self.sync_retries < 1 or self.sync_backoff < 0 or self.sync_max_bytes < 1:
            raise SettingsError(f"{PREFIX}SYNC_TIMEOUT, SYNC_RETRIES and SYNC_MAX_BYTES must be positive, SYNC_BACKOFF not negative")
        if not 0 < self.idempotency_ttl <= 366 * 86400:
            raise SettingsError(f"{PREFIX}IDEMPOTENCY_TTL must be positive and at most 366 days (in seconds)")
        if self.rescreen_days < 1 or self.webhook_timeout <= 0 or self.webhook_attempts < 1 or self.webhook_backoff < 0:
            raise SettingsError(f"{PREFIX}RESCREEN_DAYS, WEBHOOK_TIMEOUT and WEBHOOK_ATTEMPTS must be positive, WEBHOOK_BACKOFF not negative")
        if not 0 < self.ui_session_hours <= 24 * 30 or self.lists_stale_days < 1 or self.ui_secure_cookie not in (0, 1):
            raise SettingsError(f"{PREFIX}UI_SESSION_HOURS must be in (0, 720], LISTS_STALE_DAYS positive, UI_SECURE_COOKIE 0 or 1")
        if self.max_batch_parties < 1 or self.max_batch_name_chars < 1:
            raise SettingsError(f"{PREFIX}MAX_BATCH_PARTIES and MAX_BATCH_NAME_CHARS must be positive")
        if self.workers < 1 or self.threads < 1 or self.max_batch < 1 or self.max_body_bytes < 1024:
            raise SettingsError(f"{PREFIX}WORKERS, {PREFIX}THREADS, {PREFIX}MAX_BATCH and {PREFIX}MAX_BODY_BYTES must be positive (body >= 1 KiB)")
        try:
            parse_many(self.rate_limit)
        except ValueError:
            raise SettingsError(f"{PREFIX}RATE_LIMIT={self.rate_limit!r} is not a rate limit such as 600/minute") from None

    @property
    def database(self) -> str:
        """The SQLAlchemy URL of the decision store."""
        return self.database_url or f"sqlite:///{Path(self.home).resolve() / 'diversion-risk.db'}"

    @property
    def metrics_dir(self) -> Path:
        """Where gunicorn workers write their Prometheus samples (PROMETHEUS_MULTIPROC_DIR)."""
        return Path(self.home) / "metrics"
