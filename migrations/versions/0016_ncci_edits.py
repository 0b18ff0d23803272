"""NCCI edits as loadable data: practitioner PTP edits and MUEs

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 13:10:00.000000

`ncci_ptp` and `mue` hold the quarter a practice loads with `medbill codes load FILE --set
ncci-ptp|mue` (CMS's published layouts); an empty table is filled with the small sample the app
ships the next time the built-in code sets are checked.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ncci_ptp",
        sa.Column("column1", sa.String(length=5), nullable=False),
        sa.Column("column2", sa.String(length=5), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("deleted_on", sa.Date(), nullable=True),
        sa.Column("modifier_indicator", sa.String(length=1), nullable=False),
        sa.Column("rationale", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.PrimaryKeyConstraint("column1", "column2", "effective_on", name=op.f("pk_ncci_ptp")),
    )
    op.create_index("ix_ncci_ptp_column2", "ncci_ptp", ["column2"])
    op.create_table(
        "mue",
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("max_units", sa.Integer(), nullable=False),
        sa.Column("adjudication_indicator", sa.SmallInteger(), nullable=False),
        sa.Column("rationale", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_mue")),
    )


def downgrade() -> None:
    op.drop_table("mue")
    op.drop_index("ix_ncci_ptp_column2", table_name="ncci_ptp")
    op.drop_table("ncci_ptp")
