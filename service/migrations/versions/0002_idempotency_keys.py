"""Idempotency keys: each tenant's keys with the first response given to them.

Rows are inserted with the decisions they answer for and never changed (a trigger refuses
UPDATE); expired rows are deleted, so DELETE is allowed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant", sa.String(100), primary_key=True),
        sa.Column("idempotency_key", sa.String(255), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("request_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("response", sa.Text(), nullable=False),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    if op.get_bind().dialect.name == "postgresql":  # refuse_change() comes from 0001
        op.execute("CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_change()")
    else:
        op.execute("CREATE TRIGGER idempotency_keys_no_update BEFORE UPDATE ON idempotency_keys "
                   "BEGIN SELECT RAISE(ABORT, 'idempotency_keys is append-only'); END")


def downgrade() -> None:
    op.drop_table("idempotency_keys")
