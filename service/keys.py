"""API keys: `drk_<id>_<secret>`, shown once at creation and stored only as a SHA-256 hash.

The secret is 256 random bits, so a plain hash (no slow KDF) is enough; the id prefix finds the
row without scanning, and the hashes are compared in constant time. Every key belongs to one
tenant, and a tenant only ever sees its own decisions.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from service.db import Database
from service.tables import ApiKey, utcnow

# `review` records verdicts on alerts (and so clears matches for the tenant's scores); `metrics`
# reads /metrics (counts over every tenant: for the operator's scraper, not a tenant); admin
# holds every scope.
SCOPES = ("score", "read", "review", "metrics", "admin")
KEY_FORMAT = re.compile(r"drk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
TENANT_FORMAT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


_BY_ID = (select(ApiKey.tenant, ApiKey.scopes, ApiKey.secret_sha256, ApiKey.revoked_at)
          .where(ApiKey.id == bindparam("key_id")))


class KeyAdminError(ValueError):
    """A key cannot be created or revoked as asked; the message says why."""


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the key's id (logged, stored with decisions) and its tenant."""

    key_id: str
    tenant: str
    scopes: frozenset[str]

    def may(self, scope: str) -> bool:
        return scope in self.scopes or "admin" in self.scopes


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def parse_scopes(text: str) -> str:
    scopes = [s.strip() for s in text.split(",") if s.strip()]
    unknown = sorted(set(scopes) - set(SCOPES))
    if not scopes or unknown:
        raise KeyAdminError(f"scopes must be a comma-separated subset of {','.join(SCOPES)}; unknown: {','.join(unknown)}")
    return ",".join(s for s in SCOPES if s in scopes)


class Keys:
    def __init__(self, db: Database):
        self.db = db

    def create(self, name: str, tenant: str, scopes: str) -> tuple[str, str]:
        """A new key for `tenant`: returns (id, the key itself; shown once, never stored)."""
        if not TENANT_FORMAT.fullmatch(tenant):
            raise KeyAdminError("a tenant is 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit")
        if not name.strip() or len(name) > 200:
            raise KeyAdminError("a key's name is 1-200 characters")
        key_id = secrets.token_hex(6)
        key = f"drk_{key_id}_{secrets.token_urlsafe(32)}"
        with self.db.session() as session:
            session.add(ApiKey(id=key_id, name=name.strip(), tenant=tenant, scopes=parse_scopes(scopes),
                               secret_sha256=_digest(key), created_at=utcnow()))
        return key_id, key

    def list(self) -> list[ApiKey]:
        with self.db.session() as session:
            return list(session.scalars(select(ApiKey).order_by(ApiKey.tenant, ApiKey.created_at)))

    def revoke(self, key_id: str) -> None:
        with self.db.session() as session:
            row = session.get(ApiKey, key_id)
            if row is None:
                raise KeyAdminError(f"no key with id {key_id!r}")
            if row.revoked_at is None:
                row.revoked_at = utcnow()

    def authenticate(self, key: str) -> Caller | None:
        """The caller a presented key belongs to, or None if it is malformed, unknown or revoked."""
        match = KEY_FORMAT.fullmatch(key)
        if match is None:
            return None
        # One prepared Core query, not an ORM session: this runs on every request, and a
        # revocation must apply to the next one, so nothing is cached.
        with self.db.engine.connect() as connection:
            row = connection.execute(_BY_ID, {"key_id": match.group(1)}).first()
        if row is None or not hmac.compare_digest(row.secret_sha256, _digest(key)):
            return None
        return _live(match.group(1), row)

    def caller_of(self, key_id: str) -> Caller | None:
        """The caller of a key already authenticated (a review page's session holds its id, never
        the key), or None once it is revoked: asked on every page, so a revocation applies at once."""
        with self.db.engine.connect() as connection:
            return _live(key_id, connection.execute(_BY_ID, {"key_id": key_id}).first())


def _live(key_id: str, row) -> Caller | None:
    """The caller of a key's row, None when there is none or it is revoked."""
    if row is None or row.revoked_at is not None:
        return None
    return Caller(key_id, row.tenant, frozenset(row.scopes.split(",")))
