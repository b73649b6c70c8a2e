"""The decision store's tables. Changing them means adding a migration in service/migrations/versions.

`decisions` and `outcomes` are append-only: nothing in the service updates or deletes a row, and
the initial migration adds triggers so the database refuses it too. `seq` orders decisions for
paging (an id alone is random); the public id is `id`. `idempotency_keys` rows are never changed
either (a trigger refuses UPDATE); an expired one is deleted (service/idempotency.py).
Continuous screening's `alerts`, `alert_reviews`, `clearances`, `webhook_deliveries` and
`lookback_results` are append-only too (migration 0003); `parties`, `decision_parties`,
`screening_state` and `rescreens` are its derived bookkeeping. `history_tallies` (migration 0004)
are the consignees' histories, derived from the decisions too.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
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
                      Index("ix_decisions_tenant_created", "tenant", "created_at"),
                      Index("ix_decisions_tenant_shipment", "tenant", "shipment_id", "seq"))

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


class Party(Base):
    """A distinct party of recorded decisions (name, country and identifiers, as resolution reads
    them): re-screening resolves each once, however many decisions name it. Derived from the
    decisions by `service.party_index`, so it may be rebuilt; rows are never changed."""

    __tablename__ = "parties"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the identity
    identity: Mapped[str] = mapped_column(Text)  # canonical JSON: [name, country, [[scheme, value, valid]...]]


class DecisionParty(Base):
    """Which decisions name which party (derived, like `parties`)."""

    __tablename__ = "decision_parties"
    __table_args__ = (Index("ix_decision_parties_decision", "decision_seq"),)

    party_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    decision_seq: Mapped[int] = mapped_column(SEQ, primary_key=True)
    role: Mapped[str] = mapped_column(String(30), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime())  # the decision's, for the look-back window


class ScreeningState(Base):
    """The re-screening's own bookkeeping, one row per name: how far the party index has read the
    decisions (`indexed_seq`) and the snapshot the parties were last screened against."""

    __tablename__ = "screening_state"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Rescreen(Base):
    """One re-screen from a snapshot to the next: where it stands, so a crashed one resumes."""

    __tablename__ = "rescreens"

    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    lists_before: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lists_after: Mapped[str] = mapped_column(String(100))
    activated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)  # of lists_after
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)
    from_seq: Mapped[int] = mapped_column(SEQ, default=0)  # the party index's watermark when it began
    changed_entities: Mapped[int] = mapped_column(Integer, default=0)
    parties_done: Mapped[int] = mapped_column(Integer, default=0)
    next_party: Mapped[str] = mapped_column(String(64), default="")  # parties are screened in key order
    alerts: Mapped[int] = mapped_column(Integer, default=0)


class Alert(Base):
    """A recorded decision whose party is now sanctioned or linked to a sanctioned entity: a new,
    append-only record; the decision itself never changes. One per (decision, role, entity, reason)."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_tenant_seq", "tenant", "seq"),
                      Index("ix_alerts_once", "decision_id", "role", "entity_id", "reason", unique=True))

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    tenant: Mapped[str] = mapped_column(String(100))
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"))
    shipment_id: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(30))
    party: Mapped[dict] = mapped_column(JSON)  # the party as the decision recorded it
    party_key: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(200))  # the entity the party resolves to
    reason: Mapped[str] = mapped_column(String(40))  # SANCTIONED_PARTY or LINKED_SANCTIONED_PARTY
    entry: Mapped[dict] = mapped_column(JSON)  # the list entry: names, lists, designation date, match
    path: Mapped[list] = mapped_column(JSON)  # for a link, to the sanctioned entity
    lists_before: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lists_after: Mapped[str] = mapped_column(String(100))


class AlertReview(Base):
    """An analyst's verdict on an alert; append-only, the latest counts."""

    __tablename__ = "alert_reviews"

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    key_id: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20))  # confirmed or cleared
    note: Mapped[str] = mapped_column(Text, default="")


class Clearance(Base):
    """A tenant's decision that a party is not a listed entity: later alerts of that (party,
    entity) are suppressed and later scores show the pair as cleared. Append-only: a revocation
    is a row of its own, and the latest per (tenant, party, entity) counts."""

    __tablename__ = "clearances"
    __table_args__ = (Index("ix_clearances_pair", "tenant", "party_key", "entity_id"),)

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    tenant: Mapped[str] = mapped_column(String(100))
    party_key: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)  # False: this row revokes the clearance
    key_id: Mapped[str] = mapped_column(String(16))  # who cleared (or revoked)
    alert_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # the review it came from
    note: Mapped[str] = mapped_column(Text, default="")


class Webhook(Base):
    """A tenant's URL that each new alert is POSTed to, signed with the webhook's secret (HMAC-SHA256).
    The secret is kept as is: signing needs it."""

    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    tenant: Mapped[str] = mapped_column(String(100), index=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(), nullable=True)


class WebhookDelivery(Base):
    """One attempt to deliver one alert to one webhook; append-only."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_pair", "webhook_id", "alert_id"),)

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id"))
    alert_id: Mapped[str] = mapped_column(ForeignKey("alerts.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime(), default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str] = mapped_column(Text, default="")
    delivered: Mapped[bool] = mapped_column(Boolean)


class LookbackResult(Base):
    """A recorded decision re-scored in full by a look-back run (`rescreen --since`): written once
    per (run, decision), so a retried partition adds nothing."""

    __tablename__ = "lookback_results"

    run_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    decision_seq: Mapped[int] = mapped_column(SEQ, primary_key=True)
    decision_id: Mapped[str] = mapped_column(String(36))
    tenant: Mapped[str] = mapped_column(String(100))
    shipment_id: Mapped[str] = mapped_column(String(128))
    band_before: Mapped[str] = mapped_column(String(10))
    band_after: Mapped[str] = mapped_column(String(10))
    score_before: Mapped[float] = mapped_column(Float)
    score_after: Mapped[float] = mapped_column(Float)
    reasons_added: Mapped[list] = mapped_column(JSON)  # reason codes the new score has and the old lacked


class HistoryTally(Base):
    """One running tally of a tenant's decision record (`features.history` says which): added to
    in the transaction of each decision, so reading a consignee's history costs one indexed
    query. Derived from the decisions: `diversion-risk history rebuild` recomputes it."""

    __tablename__ = "history_tallies"

    tenant: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    total_sq: Mapped[float] = mapped_column(Float)
    first_date: Mapped[dt.date | None] = mapped_column(Date(), nullable=True)
    last_date: Mapped[dt.date | None] = mapped_column(Date(), nullable=True)
