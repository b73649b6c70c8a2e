"""Per-key rate limits (flask-limiter): one budget per API key across all keyed routes.

Counters live in Redis when a Redis URL is set, so every worker and replica shares them, else in
a SQLite file in the home (service/ratestore.py), which every worker of the server shares and a
restarted worker keeps. If the store goes away the limiter falls back to counting in each process
rather than failing requests: a limit briefly enforced per process is better than no scoring.

`Retry-After` is the limiter's only on its own 429: flask-limiter would set it on every keyed
response, and over ours (a 503's 5 s), so it writes its value under another name, moved here.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, g
from flask_limiter import HeaderNames, Limiter

from service.ratestore import SharedFileStorage
from service.settings import Settings

LIMITER_RETRY_AFTER = "X-Limiter-Retry-After"  # never sent


def _caller_key() -> str:
    return g.caller.key_id


def _unkeyed() -> bool:
    """Public routes (health, metrics, docs) have no caller and no limit."""
    return g.get("caller") is None


def _retry_after_on_429_only(response: Response) -> Response:
    seconds = response.headers.pop(LIMITER_RETRY_AFTER, None)
    if response.status_code == 429 and seconds is not None:
        response.headers["Retry-After"] = seconds
    return response


def install(app: Flask, settings: Settings) -> Limiter:
    """Attach the limiter; call after the authentication hook so the caller is known when it runs."""
    file_options = {} if settings.redis_url else {"path": str(Path(settings.home) / "ratelimit.sqlite")}
    limiter = Limiter(
        _caller_key,
        application_limits=[settings.rate_limit],
        application_limits_exempt_when=_unkeyed,
        storage_uri=settings.redis_url or f"{SharedFileStorage.STORAGE_SCHEME[0]}://",
        storage_options=file_options,
        in_memory_fallback_enabled=True,
        headers_enabled=True,
        header_name_mapping={HeaderNames.RETRY_AFTER: LIMITER_RETRY_AFTER},
        key_prefix="diversion-risk",
    )
    app.after_request(_retry_after_on_429_only)  # before the limiter's own hook, so it runs after it
    limiter.init_app(app)
    return limiter
