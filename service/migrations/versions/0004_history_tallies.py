"""History tallies: each tenant's running tallies of its consignees' histories (`features.history`).

Derived state, updated with every decision and rebuilt from the decisions by
`diversion-risk history rebuild`, so rows change and may be deleted.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "history_tallies",
        sa.Column("tenant", sa.String(100), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("total_sq", sa.Float(), nullable=False),
        sa.Column("first_date", sa.Date(), nullable=True),
        sa.Column("last_date", sa.Date(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("history_tallies")
