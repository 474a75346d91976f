"""A durable inbox and an outbound ledger for the Instagram channel.

Each webhook event is stored with its raw JSON before Meta gets its 200, then leased
by a worker, retried with backoff and marked done; rows from before this revision
were handled already and become "done". The outbound ledger remembers each reply
sent for an inbound message (so a retried turn never sends it twice) and the button
payloads offered to each customer (the only "/intent" texts a customer may send).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("inbound_events") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="done"))
        batch.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch.add_column(sa.Column("event_time_ms", sa.BigInteger(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("lease_owner", sa.String(80), nullable=True))
        batch.add_column(sa.Column("lease_until", _TIME, nullable=True))
        batch.add_column(sa.Column("next_attempt_at", _TIME, nullable=True))
        batch.add_column(sa.Column("last_error", sa.String(255), nullable=True))
    op.create_index("ix_inbound_events_status_sender", "inbound_events", ["status", "sender_id"])
    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("turn_key", sa.String(255), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("sent_at", _TIME, nullable=True),
        sa.Column("meta_message_id", sa.String(255), nullable=True),
        sa.UniqueConstraint("turn_key", "seq", name="uq_outbound_message_turn_seq"),
    )
    op.create_index("ix_outbound_messages_recipient_id", "outbound_messages", ["recipient_id"])
    op.create_table(
        "offered_payloads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recipient_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.String(1000), nullable=False),
        sa.Column("offered_at", _TIME, nullable=False),
        sa.UniqueConstraint("recipient_id", "payload", name="uq_offered_payload_recipient_payload"),
    )


def downgrade() -> None:
    op.drop_table("offered_payloads")
    op.drop_index("ix_outbound_messages_recipient_id", table_name="outbound_messages")
    op.drop_table("outbound_messages")
    op.drop_index("ix_inbound_events_status_sender", table_name="inbound_events")
    with op.batch_alter_table("inbound_events") as batch:
        for column in (
            "last_error",
            "next_attempt_at",
            "lease_until",
            "lease_owner",
            "attempts",
            "event_time_ms",
            "payload",
            "status",
        ):
            batch.drop_column(column)
