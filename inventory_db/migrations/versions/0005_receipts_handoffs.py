"""Payment receipts tied to orders, and hand-offs of a conversation to the owner.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "payment_receipts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("content", sa.String(2000), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_index("ix_payment_receipts_order_id", "payment_receipts", ["order_id"])
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("message", sa.String(1000), nullable=True),
        sa.Column("requested_at", _TIME, nullable=False),
        sa.Column("released_at", _TIME, nullable=True),
        sa.Column("released_by", sa.String(100), nullable=True),
    )
    op.create_index("ix_handoffs_customer_id_released_at", "handoffs", ["customer_id", "released_at"])


def downgrade() -> None:
    op.drop_index("ix_handoffs_customer_id_released_at", table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_index("ix_payment_receipts_order_id", table_name="payment_receipts")
    op.drop_table("payment_receipts")
