"""Payers billed on paper: their ready claims are printed on CMS-1500 forms instead of sent in
an 837P

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 18:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "payer", sa.Column("paper", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    op.drop_column("payer", "paper")
