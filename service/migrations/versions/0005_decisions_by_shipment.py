"""Decisions looked up by the client's shipment id (`GET /v1/decisions?shipment_id=`), newest first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_decisions_tenant_shipment", "decisions", ["tenant", "shipment_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_decisions_tenant_shipment", "decisions")
