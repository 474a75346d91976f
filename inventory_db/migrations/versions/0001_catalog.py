"""Catalog: products and their colour/size variants.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "products",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("name_fa", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("post", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "variants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id", ondelete="CASCADE"), nullable=False),
        sa.Column("color", sa.String(20), nullable=False),
        sa.Column("size", sa.String(10), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.UniqueConstraint("product_id", "color", "size", name="uq_variant_product_color_size"),
        sa.CheckConstraint("price > 0", name="ck_variant_price_positive"),
        sa.CheckConstraint("on_hand >= 0", name="ck_variant_on_hand_non_negative"),
    )
    op.create_index("ix_variants_product_id", "variants", ["product_id"])


def downgrade() -> None:
    op.drop_index("ix_variants_product_id", table_name="variants")
    op.drop_table("variants")
    op.drop_table("products")
