"""The owner's dashboard: the owner's login, login sessions, failed logins, the audit log
of the owner's actions, and a low-stock threshold per variant.

- ``owner_credentials``: one row per login name ("owner"), the password as an scrypt
  hash (``inventory_db.owner_accounts``), never the password itself;
- ``owner_sessions``: keyed by the SHA-256 of the cookie's token, so a copy of the
  database logs nobody in;
- ``owner_login_failures``: failed logins per client address, in the store so every
  server process counts the same failures and a restart resets nothing;
- ``owner_actions``: what the owner did from the dashboard, when and to what;
- ``variants.low_stock_threshold``: NULL means the shop's default (``shop_policy.yml``).

Going down drops the tables (every login and the audit log) and the column.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-16
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "owner_credentials",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("username", name="uq_owner_credentials_username"),
    )
    op.create_table(
        "owner_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_owner_sessions_username", "owner_sessions", ["username"])
    op.create_index("ix_owner_sessions_expires_at", "owner_sessions", ["expires_at"])
    op.create_table(
        "owner_login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_owner_login_failures_client_at", "owner_login_failures", ["client", "at"])
    op.create_table(
        "owner_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_owner_actions_at", "owner_actions", ["at"])
    with op.batch_alter_table("variants") as batch:
        batch.add_column(sa.Column("low_stock_threshold", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("variants") as batch:
        batch.drop_column("low_stock_threshold")
    op.drop_index("ix_owner_actions_at", table_name="owner_actions")
    op.drop_table("owner_actions")
    op.drop_index("ix_owner_login_failures_client_at", table_name="owner_login_failures")
    op.drop_table("owner_login_failures")
    op.drop_index("ix_owner_sessions_expires_at", table_name="owner_sessions")
    op.drop_index("ix_owner_sessions_username", table_name="owner_sessions")
    op.drop_table("owner_sessions")
    op.drop_table("owner_credentials")
