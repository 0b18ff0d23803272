"""credit items: a payment that left a visit's balance below zero opens a `credit` work item

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 10:30:00.000000

A credit is per visit and responsibility (primary, secondary, tertiary, patient): the visit, the
side that holds the credit and the payment (remittance) that made it are columns, and at most
one credit item of a visit and side is open at a time (a partial unique index, so two postings
at once cannot open it twice).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("work_item", sa.Column("encounter_id", sa.BigInteger(), nullable=True))
    op.add_column("work_item", sa.Column("responsibility", sa.String(length=10), nullable=True))
    op.add_column("work_item", sa.Column("remittance_id", sa.BigInteger(), nullable=True))
    op.create_foreign_key(
        op.f("fk_work_item_encounter_id_encounter"),
        "work_item",
        "encounter",
        ["encounter_id"],
        ["id"],
    )
    op.create_foreign_key(
        op.f("fk_work_item_remittance_id_remittance"),
        "work_item",
        "remittance",
        ["remittance_id"],
        ["id"],
    )
    op.create_index(
        "uq_work_item_open_credit",
        "work_item",
        ["encounter_id", "responsibility"],
        unique=True,
        postgresql_where=sa.text("kind = 'credit' AND status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("uq_work_item_open_credit", table_name="work_item")
    op.drop_constraint(
        op.f("fk_work_item_remittance_id_remittance"), "work_item", type_="foreignkey"
    )
    op.drop_constraint(op.f("fk_work_item_encounter_id_encounter"), "work_item", type_="foreignkey")
    op.drop_column("work_item", "remittance_id")
    op.drop_column("work_item", "responsibility")
    op.drop_column("work_item", "encounter_id")
