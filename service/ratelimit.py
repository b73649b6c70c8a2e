"""Per-key rate limits (flask-limiter): one budget per API key across all keyed routes.

Counters live in Redis when a Redis URL is set, so every worker and replica shares them, else in
each process's memory. If Redis goes away the limiter falls back to memory rather than failing
requests: a limit briefly enforced per process is better than no scoring.
"""

from __future__ import annotations

from flask import Flask, g
from flask_limiter import Limiter

from service.ratestore import SweptMemoryStorage
from service.settings import Settings


def _caller_key() -> str:
    return g.caller.key_id


def _unkeyed() -> bool:
    """Public routes (health, metrics, docs) have no caller and no limit."""
    return g.get("caller") is None


def install(app: Flask, settings: Settings) -> Limiter:
    """Attach the limiter; call after the authentication hook so the caller is known when it runs."""
    limiter = Limiter(
        _caller_key,
        application_limits=[settings.rate_limit],
        application_limits_exempt_when=_unkeyed,
        storage_uri=settings.redis_url or f"{SweptMemoryStorage.STORAGE_SCHEME[0]}://",
        in_memory_fallback_enabled=bool(settings.redis_url),
        headers_enabled=True,
        key_prefix="diversion-risk",
    )
    limiter.init_app(app)
    return limiter
