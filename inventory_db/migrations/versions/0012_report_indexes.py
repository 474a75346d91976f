"""Indexes the reports need once a shop has months of events (bench-dashboard: 10,000 orders).

- ``(conversation_id, kind, occurred_at)``: the time to order looks up each order's first
  inquiry in its conversation; without it every inquiry ever made is read per order.
- ``(kind, order_number, occurred_at)``: the time to payment finds each paid order's
  ``order_placed``; SQLite's planner only takes the index with the time in it.
- ``(occurred_at)``: counting a period's conversations and messages without a full scan.
- ``(customer_id, external, occurred_at)``: whether a customer is new, from their own first
  event; it replaces the index on ``customer_id`` alone, which it starts with.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_business_events_conversation_kind_time": ["conversation_id", "kind", "occurred_at"],
    "ix_business_events_kind_order_time": ["kind", "order_number", "occurred_at"],
    "ix_business_events_occurred_at": ["occurred_at"],
    "ix_business_events_customer_external_time": ["customer_id", "external", "occurred_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "business_events", columns)
    op.drop_index("ix_business_events_customer_id", table_name="business_events")


def downgrade() -> None:
    op.create_index("ix_business_events_customer_id", "business_events", ["customer_id"])
    for name in INDEXES:
        op.drop_index(name, table_name="business_events")
