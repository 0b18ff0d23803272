"""Setup screens: a payer's address (paper or electronic is 0030) and whether it takes secondary
claims electronically; deactivating payers and fee schedule rows; a version on providers,
payers and fee schedule rows so a save after someone else's is refused

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 18:40:00.000000

Deactivated rows stay (claims and visits refer to them): they are left out of the pick lists
for new work only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

_PAYER_TEXT = (
    ("address_line1", 55),
    ("address_line2", 55),
    ("city", 30),
    ("state", 2),
    ("zip", 9),
)


def _version() -> sa.Column[int]:
    return sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False)


def upgrade() -> None:
    for name, length in _PAYER_TEXT:
        op.add_column(
            "payer",
            sa.Column(name, sa.String(length), server_default=sa.text("''"), nullable=False),
        )
    op.add_column(
        "payer",
        sa.Column(
            "secondary_electronic", sa.Boolean(), server_default=sa.text("true"), nullable=False
        ),
    )
    op.add_column(
        "payer", sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False)
    )
    op.add_column(
        "fee_schedule",
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )
    for table in ("provider", "payer", "fee_schedule"):
        op.add_column(table, _version())


def downgrade() -> None:
    for table in ("provider", "payer", "fee_schedule"):
        op.drop_column(table, "version")
    op.drop_column("fee_schedule", "active")
    for name in ("active", "secondary_electronic", *(n for n, _ in _PAYER_TEXT)):
        op.drop_column("payer", name)
