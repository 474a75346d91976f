"""Message log: the channel's seen-set, conversation sources and messaging windows.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbound_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.UniqueConstraint("kind", "external_id", name="uq_inbound_event_kind_external_id"),
    )
    op.create_index("ix_inbound_events_sender_id", "inbound_events", ["sender_id"])
    op.create_table(
        "conversation_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(40), nullable=True),
        sa.Column("referral_type", sa.String(40), nullable=True),
        sa.Column("ref", sa.String(255), nullable=True),
        sa.Column("ad_id", sa.String(64), nullable=True),
        sa.Column("event_time_ms", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("sender_id", "event_time_ms", name="uq_conversation_source_sender_time"),
    )
    op.create_index("ix_conversation_sources_sender_id", "conversation_sources", ["sender_id"])
    op.create_table(
        "customer_contacts",
        sa.Column("sender_id", sa.String(64), primary_key=True),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("customer_contacts")
    op.drop_index("ix_conversation_sources_sender_id", table_name="conversation_sources")
    op.drop_table("conversation_sources")
    op.drop_index("ix_inbound_events_sender_id", table_name="inbound_events")
    op.drop_table("inbound_events")
