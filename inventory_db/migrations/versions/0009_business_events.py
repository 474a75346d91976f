"""Business events: what happened in the shop, recorded when it happens (``inventory_db.events``),
back-filled here from what the store already kept so the reports cover the past.

The back-fill reads the tables in plain SQL, as they are at 0008 (never the ORM
models, which change after this migration):

- orders: one event per step of ``order_status_changes`` (the placement is the step
  with no from-status), with the order's number, total, units and source;
- holds: the stock ledger's reserve, release and expire movements of each reservation;
- restock requests and hand-offs (requested, and released when they were);
- the message log's ``conversation_sources``: each referral (an ad, an ig.me link) as a
  conversation started from it, at Meta's time. Conversations begun without a
  referral left no trace before this migration and are not invented.

``external`` is true where the actor was not the customer (``customer:<id>``): the
owner, the sweeper. Going down drops the table and every event recorded since.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-09
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_COLUMNS = (
    "kind, occurred_at, customer_id, conversation_id, external, product_code, color, size, quantity, available, "
    "order_number, amount, source, ref, ad_id, step, text"
)

_ORDERS = f"""
INSERT INTO business_events ({_COLUMNS})
SELECT CASE WHEN c.from_status IS NULL THEN 'order_placed' ELSE 'order_' || c.to_status END,
       c.created_at, o.customer_id, o.customer_id,
       CASE WHEN c.actor = 'customer:' || o.customer_id THEN :no ELSE :yes END,
       NULL, NULL, NULL, (SELECT SUM(i.quantity) FROM order_items i WHERE i.order_id = o.id), NULL,
       o.number, o.total, o.source, NULL, NULL, NULL, NULL
FROM order_status_changes c JOIN orders o ON o.id = c.order_id
WHERE c.from_status IS NULL
   OR c.to_status IN ('paid', 'shipped', 'delivered', 'cancelled', 'expired', 'returned')
ORDER BY c.created_at, c.id
"""

_HOLDS = f"""
INSERT INTO business_events ({_COLUMNS})
SELECT CASE m.reason WHEN 'reserve' THEN 'hold_placed' WHEN 'release' THEN 'hold_released' ELSE 'hold_expired' END,
       m.created_at, r.customer_id, r.customer_id,
       CASE WHEN m.actor = 'customer:' || r.customer_id THEN :no ELSE :yes END,
       m.product_code, m.color, m.size, r.quantity, NULL,
       NULL, r.quantity * r.unit_price, NULL, NULL, NULL, NULL, NULL
FROM stock_movements m JOIN reservations r ON r.id = m.reservation_id
WHERE m.reason IN ('reserve', 'release', 'expire')
ORDER BY m.created_at, m.id
"""

_RESTOCK_REQUESTS = f"""
INSERT INTO business_events ({_COLUMNS})
SELECT 'restock_requested', q.created_at, q.customer_id, q.customer_id, :no,
       p.code, v.color, v.size, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM restock_requests q JOIN variants v ON v.id = q.variant_id JOIN products p ON p.id = v.product_id
ORDER BY q.created_at, q.id
"""

_HANDOFFS_REQUESTED = f"""
INSERT INTO business_events ({_COLUMNS})
SELECT 'handoff_requested', h.requested_at, h.customer_id, h.customer_id, :no,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM handoffs h
ORDER BY h.requested_at, h.id
"""

_HANDOFFS_RELEASED = f"""
INSERT INTO business_events ({_COLUMNS})
SELECT 'handoff_released', h.released_at, h.customer_id, h.customer_id, :yes,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM handoffs h
WHERE h.released_at IS NOT NULL
ORDER BY h.released_at, h.id
"""

# Meta's event time (ms since the epoch) as each database stores a timestamp: SQLite as
# the text SQLAlchemy writes ("2026-12-09 10:00:00.123000"), PostgreSQL as timestamptz.
_META_TIME = {
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', s.event_time_ms / 1000, 'unixepoch') "
    "|| printf('.%06d', (s.event_time_ms % 1000) * 1000)",
    "postgresql": "TIMESTAMPTZ 'epoch' + s.event_time_ms * INTERVAL '1 millisecond'",
}

_CONVERSATIONS = """
INSERT INTO business_events ({columns})
SELECT 'conversation_started', CASE WHEN s.event_time_ms > 0 THEN {meta_time} ELSE s.recorded_at END,
       s.sender_id, s.sender_id, :no, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       CASE UPPER(s.source) WHEN 'ADS' THEN 'ad' WHEN 'SHORTLINK' THEN 'link' ELSE 'direct' END,
       s.ref, s.ad_id, NULL, NULL
FROM conversation_sources s
ORDER BY s.event_time_ms, s.id
"""


def upgrade() -> None:
    op.create_table(
        "business_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("conversation_id", sa.String(64), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.Column("product_code", sa.String(16), nullable=True),
        sa.Column("color", sa.String(20), nullable=True),
        sa.Column("size", sa.String(10), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=True),
        sa.Column("available", sa.BigInteger(), nullable=True),
        sa.Column("order_number", sa.Integer(), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("source", sa.String(20), nullable=True),
        sa.Column("ref", sa.String(255), nullable=True),
        sa.Column("ad_id", sa.String(64), nullable=True),
        sa.Column("step", sa.String(32), nullable=True),
        sa.Column("text", sa.String(200), nullable=True),
    )
    op.create_index("ix_business_events_kind_occurred_at", "business_events", ["kind", "occurred_at"])
    op.create_index("ix_business_events_customer_id", "business_events", ["customer_id"])

    meta_time = _META_TIME[op.get_context().dialect.name]
    conversations = _CONVERSATIONS.format(columns=_COLUMNS, meta_time=meta_time)
    flags = {"yes": True, "no": False}  # as each database writes a boolean
    for statement in (_ORDERS, _HOLDS, _RESTOCK_REQUESTS, _HANDOFFS_REQUESTED, _HANDOFFS_RELEASED, conversations):
        used = [sa.bindparam(name, flag, type_=sa.Boolean()) for name, flag in flags.items() if f":{name}" in statement]
        op.execute(sa.text(statement).bindparams(*used))


def downgrade() -> None:
    op.drop_index("ix_business_events_customer_id", table_name="business_events")
    op.drop_index("ix_business_events_kind_occurred_at", table_name="business_events")
    op.drop_table("business_events")
