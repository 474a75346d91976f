"""What each customer's next messages are about: the post they shared or the ad they came from.

Kept in the store rather than in one server process, so that whichever process
handles a customer's next message (the inbox lets any of them) knows it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_origins",
        sa.Column("sender_id", sa.String(64), primary_key=True),
        sa.Column("product_code", sa.String(16), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("remembered_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_origins")
