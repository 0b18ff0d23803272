"""Payer rules as data, and who signs: appeal window and payment timer per payer, the
practice's phone number, a user's full name

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:40:00.000000

`payer.appeal_days` (default 180, the app's former global) dates a denial's appeal deadline
when no routing rule sets one; `payer.payment_timer_days` (NULL: the MEDBILL_TIMER_PAYMENT_DAYS
setting) is how long an accepted claim may wait for the payer's money. Statements print
`practice.phone`; appeal letters are signed with `app_user.full_name` (the login when unset).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "payer",
        sa.Column("appeal_days", sa.Integer(), server_default=sa.text("180"), nullable=False),
    )
    op.add_column("payer", sa.Column("payment_timer_days", sa.Integer(), nullable=True))
    op.add_column(
        "practice",
        sa.Column("phone", sa.String(length=10), server_default=sa.text("''"), nullable=False),
    )
    op.add_column("app_user", sa.Column("full_name", sa.String(length=100), nullable=True))


def downgrade() -> None:
    op.drop_column("app_user", "full_name")
    op.drop_column("practice", "phone")
    op.drop_column("payer", "payment_timer_days")
    op.drop_column("payer", "appeal_days")
