"""Continuous screening: the party index, re-screens, alerts and their reviews, clearances,
webhooks and their deliveries, and look-back results.

`alerts`, `alert_reviews`, `clearances` and `webhook_deliveries` are append-only (triggers
refuse UPDATE and DELETE); `lookback_results` rows are never changed either. The party index
and the re-screens' bookkeeping are derived state.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("alerts", "alert_reviews", "clearances", "webhook_deliveries", "lookback_results")


def _seq() -> sa.Column:
    return sa.Column("seq", SEQ, primary_key=True, autoincrement=True)


def upgrade() -> None:
    op.create_table(
        "parties",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("identity", sa.Text(), nullable=False),
    )
    op.create_table(
        "decision_parties",
        sa.Column("party_key", sa.String(64), primary_key=True),
        sa.Column("decision_seq", SEQ, primary_key=True),
        sa.Column("role", sa.String(30), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_decision_parties_decision", "decision_parties", ["decision_seq"])
    op.create_table(
        "screening_state",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )
    op.create_table(
        "rescreens",
        sa.Column("id", SEQ, primary_key=True, autoincrement=True),
        sa.Column("lists_before", sa.String(100), nullable=True),
        sa.Column("lists_after", sa.String(100), nullable=False),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("from_seq", SEQ, nullable=False),
        sa.Column("changed_entities", sa.Integer(), nullable=False),
        sa.Column("parties_done", sa.Integer(), nullable=False),
        sa.Column("next_party", sa.String(64), nullable=False),
        sa.Column("alerts", sa.Integer(), nullable=False),
    )
    op.create_table(
        "alerts",
        _seq(),
        sa.Column("id", sa.String(36), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("decision_id", sa.String(36), sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("shipment_id", sa.String(128), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("party", sa.JSON(), nullable=False),
        sa.Column("party_key", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("lists_before", sa.String(100), nullable=True),
        sa.Column("lists_after", sa.String(100), nullable=False),
    )
    op.create_index("ix_alerts_tenant_seq", "alerts", ["tenant", "seq"])
    op.create_index("ix_alerts_once", "alerts", ["decision_id", "role", "entity_id", "reason"], unique=True)
    op.create_table(
        "alert_reviews",
        _seq(),
        sa.Column("alert_id", sa.String(36), sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_alert_reviews_alert_id", "alert_reviews", ["alert_id"])
    op.create_table(
        "clearances",
        _seq(),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("party_key", sa.String(64), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("alert_id", sa.String(36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_clearances_pair", "clearances", ["tenant", "party_key", "entity_id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_webhooks_tenant", "webhooks", ["tenant"])
    op.create_table(
        "webhook_deliveries",
        _seq(),
        sa.Column("webhook_id", sa.String(16), sa.ForeignKey("webhooks.id"), nullable=False),
        sa.Column("alert_id", sa.String(36), sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_webhook_deliveries_pair", "webhook_deliveries", ["webhook_id", "alert_id"])
    op.create_table(
        "lookback_results",
        sa.Column("run_id", sa.String(36), primary_key=True),
        sa.Column("decision_seq", SEQ, primary_key=True),
        sa.Column("decision_id", sa.String(36), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("shipment_id", sa.String(128), nullable=False),
        sa.Column("band_before", sa.String(10), nullable=False),
        sa.Column("band_after", sa.String(10), nullable=False),
        sa.Column("score_before", sa.Float(), nullable=False),
        sa.Column("score_after", sa.Float(), nullable=False),
        sa.Column("reasons_added", sa.JSON(), nullable=False),
    )
    _refuse_changes()


def _refuse_changes() -> None:
    """As in 0001: the database itself refuses to change these records (refuse_change() is 0001's)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
            continue
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")


def downgrade() -> None:
    for table in ("lookback_results", "webhook_deliveries", "webhooks", "clearances", "alert_reviews", "alerts",
                  "rescreens", "screening_state", "decision_parties", "parties"):
        op.drop_table(table)
