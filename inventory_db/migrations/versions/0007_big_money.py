"""Money and unit counts as BIGINT; receipt images kept in the store's media folder.

A 2.2 billion toman order does not fit INTEGER (at most 2,147,483,647), so prices,
fees, totals, quantities and the ledger's deltas become BIGINT. Receipts get the path
and sha256 of the image file kept for them, or why it could not be fetched.

Batch mode: SQLite cannot change a column's type, so each table is rebuilt (copy,
drop, rename) with foreign keys off for the migration (see env.py); PostgreSQL gets
plain ALTER COLUMN ... TYPE.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# table → its money and unit-count columns
_COLUMNS = {
    "variants": ("price", "on_hand"),
    "stock_movements": ("on_hand_delta", "reserved_delta", "allocated_delta"),
    "reservations": ("quantity", "unit_price"),
    "orders": ("shipping_fee", "subtotal", "total"),
    "order_items": ("quantity", "unit_price"),
}
_FILE_COLUMNS = (("file_path", 500), ("file_sha256", 64), ("file_error", 200))


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=new, existing_type=old, existing_nullable=False)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())
    with op.batch_alter_table("payment_receipts") as batch:
        for name, length in _FILE_COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    """Values past INTEGER's range make this fail on PostgreSQL rather than be cut."""
    with op.batch_alter_table("payment_receipts") as batch:
        for name, _ in reversed(_FILE_COLUMNS):
            batch.drop_column(name)
    _retype(sa.BigInteger(), sa.Integer())
