"""Stock and orders: the movement ledger, reservations, orders and their history.

Also marks products and variants active (a catalog import keeps, but hides, what
orders still refer to) and seeds the order-number counter so orders start at 1001.

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

_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    # Plain ADD COLUMN with a constant default, which SQLite and PostgreSQL both do in
    # place. Not batch mode: its "move and copy" of products would DROP the old table,
    # and with foreign keys on SQLite cascades that drop to every variant.
    op.add_column("products", sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))
    op.add_column("variants", sa.Column("active", sa.Boolean(), nullable=False, server_default="1"))

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False, unique=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("customer_name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("postal_code", sa.String(20), nullable=True),
        sa.Column("shipping_method", sa.String(40), nullable=False),
        sa.Column("shipping_fee", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(20), nullable=True),
        sa.Column("subtotal", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("tracking_code", sa.String(64), nullable=True),
        sa.Column("payment_due_at", _TIME, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.CheckConstraint("total >= 0", name="ck_order_total_non_negative"),
        sa.CheckConstraint("shipping_fee >= 0", name="ck_order_shipping_fee_non_negative"),
    )
    op.create_index("ix_orders_status", "orders", ["status"])
    op.create_index("ix_orders_customer_id", "orders", ["customer_id"])

    op.create_table(
        "order_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("variant_id", sa.Integer(), sa.ForeignKey("variants.id"), nullable=False),
        sa.Column("product_code", sa.String(16), nullable=False),
        sa.Column("name_fa", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("color", sa.String(20), nullable=False),
        sa.Column("size", sa.String(10), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name="ck_order_item_quantity_positive"),
        sa.CheckConstraint("unit_price > 0", name="ck_order_item_unit_price_positive"),
    )
    op.create_index("ix_order_items_order_id", "order_items", ["order_id"])
    op.create_index("ix_order_items_variant_id", "order_items", ["variant_id"])

    op.create_table(
        "order_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_index("ix_order_status_changes_order_id", "order_status_changes", ["order_id"])

    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("variant_id", sa.Integer(), sa.ForeignKey("variants.id"), nullable=False),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id"), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("closed_at", _TIME, nullable=True),
        sa.CheckConstraint("quantity > 0", name="ck_reservation_quantity_positive"),
    )
    op.create_index(
        "ix_reservations_variant_id_status_expires_at", "reservations", ["variant_id", "status", "expires_at"]
    )
    op.create_index("ix_reservations_customer_id", "reservations", ["customer_id"])

    op.create_table(
        "stock_movements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("variant_id", sa.Integer(), sa.ForeignKey("variants.id", ondelete="SET NULL"), nullable=True),
        sa.Column("product_code", sa.String(16), nullable=False),
        sa.Column("color", sa.String(20), nullable=False),
        sa.Column("size", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("on_hand_delta", sa.Integer(), nullable=False),
        sa.Column("reserved_delta", sa.Integer(), nullable=False),
        sa.Column("allocated_delta", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("note", sa.String(300), nullable=True),
        sa.Column("reservation_id", sa.Integer(), sa.ForeignKey("reservations.id", ondelete="SET NULL"), nullable=True),
        sa.Column("order_id", sa.Integer(), sa.ForeignKey("orders.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", _TIME, nullable=False),
    )
    op.create_index("ix_stock_movements_variant_id", "stock_movements", ["variant_id"])
    op.create_index("ix_stock_movements_product_code", "stock_movements", ["product_code"])

    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.bulk_insert(counters, [{"name": "order_number", "value": 1000}])

    # Stock that was on hand before the ledger existed gets its opening movement,
    # so summing a variant's movements always gives its units on hand.
    op.execute(
        "INSERT INTO stock_movements (variant_id, product_code, color, size, reason, on_hand_delta,"
        " reserved_delta, allocated_delta, actor, note, created_at)"
        " SELECT v.id, p.code, v.color, v.size, 'import', v.on_hand, 0, 0, 'migration 0002',"
        " 'stock on hand before the ledger', CURRENT_TIMESTAMP"
        " FROM variants v JOIN products p ON p.id = v.product_id WHERE v.on_hand <> 0"
    )


def downgrade() -> None:
    op.drop_table("counters")
    op.drop_index("ix_stock_movements_product_code", table_name="stock_movements")
    op.drop_index("ix_stock_movements_variant_id", table_name="stock_movements")
    op.drop_table("stock_movements")
    op.drop_index("ix_reservations_customer_id", table_name="reservations")
    op.drop_index("ix_reservations_variant_id_status_expires_at", table_name="reservations")
    op.drop_table("reservations")
    op.drop_index("ix_order_status_changes_order_id", table_name="order_status_changes")
    op.drop_table("order_status_changes")
    op.drop_index("ix_order_items_variant_id", table_name="order_items")
    op.drop_index("ix_order_items_order_id", table_name="order_items")
    op.drop_table("order_items")
    op.drop_index("ix_orders_customer_id", table_name="orders")
    op.drop_index("ix_orders_status", table_name="orders")
    op.drop_table("orders")
    # Plain DROP COLUMN (SQLite 3.35+), not batch mode, for the reason given above.
    op.drop_column("variants", "active")
    op.drop_column("products", "active")
