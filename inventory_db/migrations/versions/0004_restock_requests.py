"""Restock requests: customers waiting for a sold-out variant.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "restock_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("variant_id", sa.Integer(), sa.ForeignKey("variants.id", ondelete="CASCADE"), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("notified_at", _TIME, nullable=True),
    )
    op.create_index("ix_restock_requests_variant_id_notified_at", "restock_requests", ["variant_id", "notified_at"])


def downgrade() -> None:
    op.drop_index("ix_restock_requests_variant_id_notified_at", table_name="restock_requests")
    op.drop_table("restock_requests")
