"""The decision store's tables. Changing them means adding a migration in service/migrations/versions.

`decisions` and `outcomes` are append-only: nothing in the service updates or deletes a row, and
the initial migration adds triggers so the database refuses it too. `seq` orders decisions for
paging (an id alone is random); the public id is `id`. `idempotency_keys` rows are never changed
either (a trigger refuses UPDATE); an expired one is deleted (service/idempotency.py).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit sequence.
SEQ = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    """Naive UTC: stored alike by SQLite and PostgreSQL, rendered with +00:00 on the wire."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # the public prefix of the key
    name: Mapped[str] = mapped_column(String(200))
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    scopes: Mapped[str] = mapped_column(String(100))  # comma-separated
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)


class Decision(Base):
    __tablename__ = "decisions"
    __table_args__ = (Index("ix_decisions_tenant_seq", "tenant", "seq"),
                      Index("ix_decisions_tenant_created", "tenant", "created_at"))

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    tenant: Mapped[str] = mapped_column(String(100))
    key_id: Mapped[str] = mapped_column(String(16))
    shipment_id: Mapped[str] = mapped_column(String(128))
    input: Mapped[str] = mapped_column(Text)  # canonical JSON of the loaded request
    input_sha256: Mapped[str] = mapped_column(String(64))
    signals: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(10))
    base: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list] = mapped_column(JSON)
    model_version: Mapped[str] = mapped_column(String(100))
    lists_version: Mapped[str] = mapped_column(String(100))


class Outcome(Base):
    __tablename__ = "outcomes"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    key_id: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")


class IdempotencyKey(Base):
    """A tenant's Idempotency-Key and the first response given to it: inserted in the transaction
    that records the request's decisions, so a key is claimed exactly when they are."""

    __tablename__ = "idempotency_keys"

    tenant: Mapped[str] = mapped_column(String(100), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow, index=True)
    request_sha256: Mapped[str] = mapped_column(String(64))  # method, path and canonical JSON body
    status: Mapped[int] = mapped_column(Integer)
    response: Mapped[str] = mapped_column(Text)  # the body as sent
