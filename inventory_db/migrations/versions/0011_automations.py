"""The shop's scheduled automations: follow-ups to customers, opt-outs, notifications to the
owner, low-stock alert state and ratings.

- ``due_work``: a message due to a customer, once per (kind, dedupe_key), claimed by one
  worker at a time under a lease (``inventory_db.due_work``);
- ``messaging_optouts``: customers who asked not to be messaged first;
- ``owner_notifications``: email and Telegram messages to the owner, once per (kind,
  dedupe_key, channel), claimed like due work;
- ``low_stock_alerts``: each variant's low/not-low state when last compared, and how many
  times it fell low, so the owner is told once per fall;
- ``ratings``: one score (1 to 5, a CHECK on both databases) per order, with a comment.

No foreign keys (see ``inventory_db.automation_models``). Going down drops the tables and
everything scheduled, sent or rated in them.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "due_work",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("order_number", sa.Integer(), nullable=True),
        sa.Column("variant_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(80), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(255), nullable=True),
        sa.Column("hand_text", sa.Text(), nullable=True),
        sa.Column("sent_by", sa.String(100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hand_send_until", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("kind", "dedupe_key", name="uq_due_work_kind_dedupe_key"),
    )
    op.create_index("ix_due_work_status_due_at", "due_work", ["status", "due_at"])
    op.create_index("ix_due_work_customer_id", "due_work", ["customer_id"])
    op.create_index("ix_due_work_order_number", "due_work", ["order_number"])
    op.create_table(
        "messaging_optouts",
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.String(1000), nullable=True),
    )
    op.create_table(
        "owner_notifications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(80), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(255), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("kind", "dedupe_key", "channel", name="uq_owner_notifications_kind_key_channel"),
    )
    op.create_index("ix_owner_notifications_status_due_at", "owner_notifications", ["status", "due_at"])
    op.create_table(
        "low_stock_alerts",
        sa.Column("variant_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("below", sa.Boolean(), nullable=False),
        sa.Column("crossings", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(1000), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("order_number", name="uq_ratings_order_number"),
        sa.CheckConstraint("score >= 1 AND score <= 5", name="ck_ratings_score_1_to_5"),
    )
    op.create_index("ix_ratings_at", "ratings", ["at"])


def downgrade() -> None:
    op.drop_index("ix_ratings_at", table_name="ratings")
    op.drop_table("ratings")
    op.drop_table("low_stock_alerts")
    op.drop_index("ix_owner_notifications_status_due_at", table_name="owner_notifications")
    op.drop_table("owner_notifications")
    op.drop_table("messaging_optouts")
    op.drop_index("ix_due_work_order_number", table_name="due_work")
    op.drop_index("ix_due_work_customer_id", table_name="due_work")
    op.drop_index("ix_due_work_status_due_at", table_name="due_work")
    op.drop_table("due_work")
